package com.salesagent.api.embedded;

import io.dropwizard.lifecycle.Managed;

/** The Temporal dev server as a Managed object: first to start, last to stop. */
public final class EmbeddedTemporal implements Managed {
  private final EmbeddedTemporalServer server;

  public EmbeddedTemporal(int port) {
    this.server = new EmbeddedTemporalServer(port);
  }

  public String target() {
    return server.target();
  }

  /** The same server for the clients of this JVM: no socket, no encoding. */
  public String inProcessTarget() {
    return server.inProcessTarget();
  }

  @Override
  public void start() {
    server.start();
  }

  @Override
  public void stop() {
    server.close();
  }
}
