package com.salesagent.tools.bench;

import com.salesagent.api.embedded.EmbeddedMongoServer;
import com.salesagent.api.embedded.EmbeddedS3Server;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.temporal.Ports;
import com.salesagent.tools.chaos.ChildEnvironment;
import com.salesagent.tools.chaos.ChildProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real-stack shape on one machine: the Temporal dev server, the API and the worker each in its
 * own JVM (so each one's heap is measured alone), the MongoDB-wire server, S3 server and WhatsApp
 * emulator in this JVM. The dev server plays the external Temporal: the worker and the API reach it
 * over gRPC like they would a Temporal cluster.
 */
final class SplitStack implements AutoCloseable {
  private final Path dir;
  private final EmbeddedMongoServer mongo = new EmbeddedMongoServer(0, false);
  private final EmbeddedS3Server s3;
  private final WhatsAppEmulator emulator;
  private final List<ChildProcess> children = new ArrayList<>();
  private final String token;
  private ChildProcess devServer;
  private ChildProcess api;
  private ChildProcess worker;
  private int httpPort;

  SplitStack(String name) throws IOException {
    dir = Files.createTempDirectory("sales-agent-" + name);
    s3 = new EmbeddedS3Server(0, dir.resolve("s3"));
    emulator =
        new WhatsAppEmulator(
            0, "15550003333", "bench-token", "bench-secret", "bench-verify", ackOnly());
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    token = name + "-" + HexFormat.of().formatHex(random);
  }

  private static EmulatorBehaviour ackOnly() {
    return EmulatorBehaviour.acknowledgingOnly();
  }

  /**
   * Starts everything; {@code settings} go to the API and the worker; {@code serverHeap} and {@code
   * workerHeap} are -Xmx values of the dev server's and the worker's JVMs.
   */
  void start(Map<String, String> settings, String serverHeap, String workerHeap) throws Exception {
    Files.createDirectories(dir.resolve("logs"));
    // Stopped from outside (Ctrl-C, a time limit), the child JVMs go with this one.
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopChildren, "split-stack-stop"));
    mongo.start();
    s3.start();
    emulator.start();
    int temporalPort = Ports.freePort();
    devServer =
        new ChildProcess(
            "devserver",
            DevServerMain.class.getName(),
            List.of(String.valueOf(temporalPort)),
            Map.of(),
            dir.resolve("logs"),
            List.of("-Xmx" + serverHeap));
    devServer.start();
    children.add(devServer);
    awaitPort(temporalPort, devServer);

    Map<String, String> env =
        ChildEnvironment.of(
            "127.0.0.1:" + temporalPort, mongo.connectionString(), "bench", s3, emulator, token);
    env.put("CONNECT_TIMEOUT_SECONDS", "120");
    env.put("LOG_LEVEL", "WARN");
    env.put("DJL_OFFLINE", "true");
    env.putAll(settings);

    httpPort = Ports.freePort();
    Map<String, String> apiEnv = new LinkedHashMap<>(env);
    apiEnv.put("HTTP_PORT", String.valueOf(httpPort));
    apiEnv.put("ADMIN_PORT", String.valueOf(Ports.freePort()));
    apiEnv.put("DATA_DIR", dir.resolve("api").toString());
    api =
        new ChildProcess(
            "api",
            "com.salesagent.api.SalesAgentApplication",
            List.of("server"),
            apiEnv,
            dir.resolve("logs"),
            List.of("-Xmx1g"));
    Map<String, String> workerEnv = new LinkedHashMap<>(env);
    workerEnv.put("WORKER_ADMIN_PORT", String.valueOf(Ports.freePort()));
    workerEnv.put("DATA_DIR", dir.resolve("worker").toString());
    worker =
        new ChildProcess(
            "worker",
            "com.salesagent.worker.WorkerApplication",
            List.of("server"),
            workerEnv,
            dir.resolve("logs"),
            List.of("-Xmx" + workerHeap));
    api.start();
    children.add(api);
    worker.start();
    children.add(worker);
    awaitPort(httpPort, api);
  }

  private static void awaitPort(int port, ChildProcess process) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.alive()) {
        throw new IllegalStateException(process.name() + " exited: see " + process.log());
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(300);
      }
    }
    throw new IllegalStateException(process.name() + " never listened: see " + process.log());
  }

  String base() {
    return "http://127.0.0.1:" + httpPort;
  }

  String token() {
    return token;
  }

  String mongoUri() {
    return mongo.connectionString();
  }

  WhatsAppEmulator emulator() {
    return emulator;
  }

  ChildProcess devServer() {
    return devServer;
  }

  ChildProcess worker() {
    return worker;
  }

  Path logs() {
    return dir.resolve("logs");
  }

  private void stopChildren() {
    for (ChildProcess p : children) {
      try {
        p.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() throws Exception {
    stopChildren();
    emulator.stop();
    s3.stop();
    mongo.stop();
  }
}
