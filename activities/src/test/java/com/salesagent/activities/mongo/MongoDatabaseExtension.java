package com.salesagent.activities.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.containers.MongoDBContainer;

/**
 * Supplies a fresh {@link MongoDatabase} per test, from the embedded MongoDB-wire server (always)
 * or from a real single-node replica set in a container (where Docker exists). The same test class
 * body runs against both: see the subclasses of the contract tests.
 */
public final class MongoDatabaseExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final String image;
  private MongoServer embedded;
  private MongoDBContainer container;
  private MongoClient client;
  private MongoDatabase database;
  private String connectionString;

  private MongoDatabaseExtension(String image) {
    this.image = image;
  }

  /** The in-process server with its oplog on (change streams), as the embedded default runs it. */
  public static MongoDatabaseExtension embedded() {
    return new MongoDatabaseExtension(null);
  }

  /** A real MongoDB replica set; use on a class annotated {@code disabledWithoutDocker}. */
  public static MongoDatabaseExtension replicaSet(String image) {
    return new MongoDatabaseExtension(image);
  }

  public boolean isEmbedded() {
    return image == null;
  }

  public MongoDatabase database() {
    return database;
  }

  public String connectionString() {
    return connectionString;
  }

  /**
   * A client of the same server that records every command it starts, as "name collection" (e.g.
   * "update contacts", "findAndModify senders"), into {@code commands}; close it after use.
   */
  public MongoClient recordingClient(java.util.List<String> commands) {
    return MongoClients.create(
        com.mongodb.MongoClientSettings.builder()
            .applyConnectionString(new com.mongodb.ConnectionString(connectionString))
            .addCommandListener(
                new com.mongodb.event.CommandListener() {
                  @Override
                  public void commandStarted(com.mongodb.event.CommandStartedEvent e) {
                    var target = e.getCommand().get(e.getCommandName());
                    commands.add(
                        e.getCommandName()
                            + " "
                            + (target != null && target.isString()
                                ? target.asString().getValue()
                                : ""));
                  }
                })
            .build());
  }

  /** The same database (by name) through another client, e.g. a {@link #recordingClient}. */
  public MongoDatabase database(MongoClient other) {
    return other.getDatabase(database.getName());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (image == null) {
      embedded = new MongoServer(new MemoryBackend());
      embedded.enableOplog();
      connectionString = embedded.bindAndGetConnectionString();
    } else {
      container = new MongoDBContainer(image);
      container.start();
      connectionString = container.getReplicaSetUrl();
    }
    client = MongoClients.create(connectionString);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    database = client.getDatabase("test_" + COUNTER.incrementAndGet());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (client != null) {
      client.close();
    }
    if (embedded != null) {
      embedded.shutdownNow();
    }
    if (container != null) {
      container.stop();
    }
  }
}
