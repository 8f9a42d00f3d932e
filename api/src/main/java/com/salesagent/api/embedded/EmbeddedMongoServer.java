package com.salesagent.api.embedded;

import com.salesagent.temporal.Ports;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.dropwizard.lifecycle.Managed;

/**
 * The in-process MongoDB-wire server: memory backend; state lives as long as the process, like the
 * Temporal dev server's. Its oplog (what change streams read) is on only when asked for
 * (LIVE_FEED_SOURCE=change_streams): it keeps a copy of every write for the life of the process,
 * and each change-stream poll rescans it whole.
 */
public final class EmbeddedMongoServer implements Managed {
  private final int port;
  private final boolean oplog;
  private MongoServer server;

  public EmbeddedMongoServer(int port, boolean oplog) {
    this.port = port == 0 ? Ports.freePort() : port;
    this.oplog = oplog;
  }

  public String connectionString() {
    return "mongodb://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  @Override
  public void start() {
    Ports.requireFree(port, "embedded MongoDB server", "EMBEDDED_MONGODB_PORT");
    server = new MongoServer(new MemoryBackend());
    if (oplog) {
      server.enableOplog();
    }
    server.bind("127.0.0.1", port);
  }

  @Override
  public void stop() {
    if (server != null) {
      server.shutdownNow();
    }
  }
}
