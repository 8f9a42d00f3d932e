package com.salesagent.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.salesagent.temporal.StartupException;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A reachable server whose schema cannot be ensured fails start-up at once with the cause, never
 * after the connect timeout as "Cannot reach MongoDB".
 */
class MongoSchemaFailureTest {
  private MongoServer server;
  private String uri;

  @BeforeEach
  void start() {
    server = new MongoServer(new MemoryBackend());
    uri = server.bindAndGetConnectionString();
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  @Test
  void aConflictingIndexFailsAtOnceNamingTheCollectionAndIndex() {
    try (MongoClient client = MongoClients.create(uri)) {
      client
          .getDatabase("db")
          .getCollection("contacts")
          .createIndex(Indexes.ascending("leadId"), new IndexOptions().name("leadId_1"));
    }
    MongoConnection mongo = new MongoConnection(uri, "db", 20);
    long start = System.nanoTime();
    try {
      assertThatThrownBy(mongo::start)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("leadId_1")
          .hasMessageContaining("contacts")
          .hasMessageNotContaining("Cannot reach");
    } finally {
      mongo.stop();
    }
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
  }

  @Test
  void duplicatesUnderAUniqueIndexFailAtOnce() {
    try (MongoClient client = MongoClients.create(uri)) {
      var contacts = client.getDatabase("db").getCollection("contacts");
      contacts.insertOne(new Document("leadId", "L-1"));
      contacts.insertOne(new Document("leadId", "L-1"));
    }
    MongoConnection mongo = new MongoConnection(uri, "db", 20);
    long start = System.nanoTime();
    try {
      assertThatThrownBy(mongo::start)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("leadId_1")
          .hasMessageContaining("contacts")
          .hasMessageNotContaining("Cannot reach");
    } finally {
      mongo.stop();
    }
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
  }

  /**
   * The bandit's reward is set in agent_configurations (no API writes it): a value the system does
   * not know is refused at start naming the document and the field, not taken for replies.
   */
  @Test
  void anUnknownRewardInAnAgentConfigurationFailsStartNamingItsFieldAndDocument() {
    try (MongoClient client = MongoClients.create(uri)) {
      var configs = client.getDatabase("db").getCollection("agent_configurations");
      configs.insertOne(new Document("configId", "default").append("reward", "interested"));
      configs.insertOne(new Document("configId", "campaign:spring").append("reward", "intrested"));
    }
    MongoConnection mongo = new MongoConnection(uri, "db", 20);
    try {
      assertThatThrownBy(mongo::start)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("agent_configurations")
          .hasMessageContaining("campaign:spring")
          .hasMessageContaining("reward")
          .hasMessageContaining("\"intrested\"")
          .hasMessageContaining("reply, interested or conversion");
    } finally {
      mongo.stop();
    }
    try (MongoClient client = MongoClients.create(uri)) {
      client
          .getDatabase("db")
          .getCollection("agent_configurations")
          .updateOne(
              new Document("configId", "campaign:spring"),
              new Document("$set", new Document("reward", "conversion")));
    }
    MongoConnection fixed = new MongoConnection(uri, "db", 20);
    try {
      fixed.start();
    } finally {
      fixed.stop();
    }
  }
}
