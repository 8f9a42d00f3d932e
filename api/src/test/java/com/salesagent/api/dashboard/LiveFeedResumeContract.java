package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import java.util.Date;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A change stream that breaks is reopened after its last resume token: what was written while it
 * was down still reaches the feed. Run on the embedded server with its oplog (LiveFeedResumeTest)
 * and on a real replica set where Docker exists (ReplicaSetLiveFeedResumeTest).
 */
abstract class LiveFeedResumeContract {
  private MongoClient client;
  private MongoDatabase db;
  private LiveFeed feed;

  /** A connection string to a server with change streams, empty of the test's database. */
  abstract String connectionString();

  /**
   * Whether the server's change events of an update say which fields it set (a real MongoDB; the
   * embedded MongoDB-wire server's do not, so it shows no suppressed lead on a stream).
   */
  boolean reportsUpdatedFields() {
    return true;
  }

  @BeforeEach
  void start() {
    client = MongoClients.create(connectionString());
    db = client.getDatabase("feed_" + System.nanoTime());
    feed = new LiveFeed(db, () -> true, 100);
    feed.start();
  }

  @AfterEach
  void stop() {
    feed.stop();
    db.drop();
    client.close();
  }

  private void enrol(String leadId) {
    db.getCollection(Collections.CONTACTS)
        .insertOne(
            new Document("leadId", leadId)
                .append("campaignId", "c")
                .append("enrolledAt", new Date()));
  }

  /** The next feed event naming this lead, or null within the timeout. */
  private static String nextEnrolled(BlockingQueue<LiveFeed.Event> q, String leadId)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      LiveFeed.Event e = q.poll(100, TimeUnit.MILLISECONDS);
      if (e != null && "feed".equals(e.event()) && e.data().contains("\"" + leadId + "\"")) {
        return leadId;
      }
    }
    return null;
  }

  private void awaitOpenStreams() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (feed.openStreams() < 4 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(feed.openStreams()).isEqualTo(4);
  }

  @Test
  void anEventWrittenWhileTheStreamIsDownIsDeliveredAfterItReopens() throws Exception {
    BlockingQueue<LiveFeed.Event> q = feed.subscribe();
    awaitOpenStreams();
    enrol("L-before");
    assertThat(nextEnrolled(q, "L-before")).isEqualTo("L-before");

    feed.breakStreams();
    Thread.sleep(300); // the watchers have seen the break and wait before reopening
    assertThat(feed.openStreams()).isZero();
    enrol("L-while-down");

    awaitOpenStreams();
    assertThat(nextEnrolled(q, "L-while-down"))
        .as("the reopened stream resumed after the last event it had delivered")
        .isEqualTo("L-while-down");
    enrol("L-after");
    assertThat(nextEnrolled(q, "L-after")).isEqualTo("L-after");
  }

  /**
   * A lead told of its number's suppression (its contact updated with suppressedAt) is an opted_out
   * in the feed; another update of a contact is nothing.
   */
  @Test
  void aLeadToldOfItsNumbersSuppressionIsAnOptOut() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        reportsUpdatedFields(), "no updateDescription in this server's change events");
    BlockingQueue<LiveFeed.Event> q = feed.subscribe();
    awaitOpenStreams();
    enrol("L-told");
    enrol("L-other");
    assertThat(nextEnrolled(q, "L-told")).isEqualTo("L-told");
    assertThat(nextEnrolled(q, "L-other")).isEqualTo("L-other");

    var contacts = db.getCollection(Collections.CONTACTS);
    contacts.updateOne(
        new Document("leadId", "L-other"), new Document("$set", new Document("stage", "sent")));
    contacts.updateOne(
        new Document("leadId", "L-told"),
        new Document(
            "$set",
            new Document("doNotContact", true)
                .append("doNotContactSource", "operator")
                .append(LeadStore.SUPPRESSED_AT, new Date())));

    String told = nextFeed(q, "L-told");
    assertThat(told).as("the suppressed lead's event").isNotNull();
    assertThat(told).contains("\"kind\":\"opted_out\"").contains("\"source\":\"operator\"");
    assertThat(nextFeed(q, "L-other")).as("another update is no event").isNull();
  }

  /** A lead given an outcome (its contact updated with outcome) is a converted or lost event. */
  @Test
  void aLeadGivenAnOutcomeIsItsEvent() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        reportsUpdatedFields(), "no updateDescription in this server's change events");
    BlockingQueue<LiveFeed.Event> q = feed.subscribe();
    awaitOpenStreams();
    enrol("L-won");
    assertThat(nextEnrolled(q, "L-won")).isEqualTo("L-won");

    db.getCollection(Collections.CONTACTS)
        .updateOne(
            new Document("leadId", "L-won"),
            new Document(
                "$set",
                new Document(
                    "outcome", new Document("value", "converted").append("at", new Date()))));

    String won = nextFeed(q, "L-won");
    assertThat(won).as("the conversion's event").isNotNull().contains("\"kind\":\"converted\"");
  }

  /** The data of the next feed event naming this lead, or null within the timeout. */
  private static String nextFeed(BlockingQueue<LiveFeed.Event> q, String leadId)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (System.nanoTime() < deadline) {
      LiveFeed.Event e = q.poll(100, TimeUnit.MILLISECONDS);
      if (e != null && "feed".equals(e.event()) && e.data().contains("\"" + leadId + "\"")) {
        return e.data();
      }
    }
    return null;
  }

  @Test
  void theResumePointOnlyMovesForwardAndKnowsALostHistory() {
    ResumePoint point = new ResumePoint();
    BsonDocument first = BsonDocument.parse("{_data: '01'}");
    point.advance(first);
    point.advance(null);
    assertThat(point.token()).isEqualTo(first);
    point.advance(BsonDocument.parse("{_data: '02'}"));
    assertThat(point.token()).isEqualTo(BsonDocument.parse("{_data: '02'}"));

    assertThat(
            ResumePoint.isLost(
                new MongoCommandException(
                    BsonDocument.parse(
                        "{ok: 0, code: 286, codeName: 'ChangeStreamHistoryLost', errmsg: 'x'}"),
                    new ServerAddress())))
        .isTrue();
    assertThat(ResumePoint.isLost(new IllegalStateException("Cursor has been closed"))).isFalse();
    point.clear();
    assertThat(point.token()).isNull();
  }
}
