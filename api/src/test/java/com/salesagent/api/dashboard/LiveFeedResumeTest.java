package com.salesagent.api.dashboard;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The resume contract on the embedded MongoDB-wire server with its oplog (change streams). */
class LiveFeedResumeTest extends LiveFeedResumeContract {
  private static MongoServer server;
  private static String uri;

  @BeforeAll
  static void startServer() {
    server = new MongoServer(new MemoryBackend());
    server.enableOplog();
    uri = server.bindAndGetConnectionString();
  }

  @AfterAll
  static void stopServer() {
    server.shutdownNow();
  }

  @Override
  String connectionString() {
    return uri;
  }

  @Override
  boolean reportsUpdatedFields() {
    return false;
  }
}
