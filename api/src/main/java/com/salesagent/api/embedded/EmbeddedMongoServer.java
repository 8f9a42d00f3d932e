package com.salesagent.api.embedded;

import com.salesagent.temporal.Ports;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.dropwizard.lifecycle.Managed;

/**
 * The in-process MongoDB-wire server: memory backend, oplog on so change streams work. State lives
 * as long as the process, like the Temporal dev server's.
 */
public final class EmbeddedMongoServer implements Managed {
  private final int port;
  private MongoServer server;

  public EmbeddedMongoServer(int port) {
    this.port = port == 0 ? Ports.freePort() : port;
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
    server.enableOplog();
    server.bind("127.0.0.1", port);
  }

  @Override
  public void stop() {
    if (server != null) {
      server.shutdownNow();
    }
  }
}
