package com.salesagent.tools.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.salesagent.api.embedded.EmbeddedTemporalServer;
import org.slf4j.LoggerFactory;

/**
 * The embedded Temporal dev server alone in its own JVM, serving gRPC on loopback: the "external"
 * Temporal of {@code bench parked}, so the worker's heap and the server's heap are measured apart.
 * Argument: the port. Runs until the process is stopped.
 */
public final class DevServerMain {
  private DevServerMain() {}

  public static void main(String[] args) throws Exception {
    // No logging configuration in this JVM: logback's default (DEBUG, every gRPC frame) would
    // cost more than the server's own work.
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
    EmbeddedTemporalServer server = new EmbeddedTemporalServer(Integer.parseInt(args[0]));
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dev-server-stop"));
    System.out.println("Temporal dev server on " + server.target());
    Thread.currentThread().join();
  }
}
