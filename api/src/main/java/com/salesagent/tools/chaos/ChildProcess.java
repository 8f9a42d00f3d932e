package com.salesagent.tools.chaos;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A JVM of the system (the API or a worker) the chaos run starts, kills with SIGKILL, restarts. */
final class ChildProcess implements AutoCloseable {
  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path log;
  private Process process;
  private int starts;

  ChildProcess(
      String name, String mainClass, List<String> args, Map<String, String> env, Path logs) {
    this(name, mainClass, args, env, logs, "-Xmx512m");
  }

  ChildProcess(
      String name,
      String mainClass,
      List<String> args,
      Map<String, String> env,
      Path logs,
      String heap) {
    this.name = name;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    this.command =
        new ArrayList<>(
            List.of(
                java,
                heap,
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
    this.command.addAll(args);
    this.environment = env;
    this.log = logs.resolve(name + ".log");
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  int starts() {
    return starts;
  }

  synchronized void start() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    process = builder.start();
    starts++;
  }

  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no graceful stop, whatever it was doing. */
  synchronized void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public synchronized void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
