package com.salesagent.temporal;

import io.temporal.testserver.TestServer;

/**
 * The in-process Temporal dev server for the embedded default: a real gRPC endpoint on a port, so
 * other processes (the CLI, a second worker) can use it too. Timers run on the wall clock: time
 * skipping stays locked, it is for unit tests only. Everything lives in memory.
 */
public final class EmbeddedTemporalServer implements AutoCloseable {
  private final int port;
  private TestServer.PortBoundTestServer server;

  /** {@code port} 0 picks a free port now, so the address is known before {@link #start()}. */
  public EmbeddedTemporalServer(int port) {
    this.port = port == 0 ? Ports.freePort() : port;
  }

  public int port() {
    return port;
  }

  public String target() {
    return "127.0.0.1:" + port;
  }

  public synchronized void start() {
    Ports.requireFree(port, "Temporal dev server", "TEMPORAL_PORT");
    server = TestServer.createPortBoundServer(port);
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
