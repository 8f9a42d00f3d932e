package com.salesagent.tools.chaos;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM of the system (the API, a worker, the dev server) the chaos run and the benchmarks start;
 * chaos kills it with SIGKILL and restarts it.
 */
public final class ChildProcess implements AutoCloseable {
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
    this(name, mainClass, args, env, logs, List.of(heap));
  }

  /** {@code jvmOptions}: the heap ({@code -Xmx..}) and any other option (JFR, GC logging). */
  public ChildProcess(
      String name,
      String mainClass,
      List<String> args,
      Map<String, String> env,
      Path logs,
      List<String> jvmOptions) {
    this.name = name;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    this.command =
        new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"));
    this.command.addAll(jvmOptions);
    this.command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    this.command.addAll(args);
    this.environment = env;
    this.log = logs.resolve(name + ".log");
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  int starts() {
    return starts;
  }

  public synchronized void start() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    process = builder.start();
    starts++;
  }

  public synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no graceful stop, whatever it was doing. */
  synchronized void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The process id of the running JVM (for jcmd). */
  public synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException(name + " was never started");
    }
    return process.pid();
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
