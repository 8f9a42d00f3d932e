package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import java.util.Date;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lead marked converted or lost did not show in the live feed (QA: the team lead watching the
 * feed saw replies and opt-outs, never a won deal). The outcome written on the contact is now an
 * event of its own kind; polling here (the embedded default); LiveFeedResumeContract has the
 * stream's.
 */
class LiveFeedOutcomeTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private LiveFeed feed;
  private MongoDatabase db;

  @BeforeEach
  void start() {
    db = MONGO.database();
    MongoSchema.ensure(db);
    feed = new LiveFeed(db, () -> false, 100);
    feed.start();
  }

  @AfterEach
  void stop() {
    feed.stop();
  }

  private void enrol(String leadId) {
    db.getCollection(Collections.CONTACTS)
        .insertOne(
            new Document("leadId", leadId)
                .append("campaignId", "c-won")
                .append("stage", "interested")
                .append("enrolledAt", new Date()));
  }

  /** As LeadOutcomes records it: once, with its time. */
  private void outcome(String leadId, String value) {
    db.getCollection(Collections.CONTACTS)
        .updateOne(
            Filters.eq("leadId", leadId),
            Updates.set(
                "outcome",
                new Document("value", value)
                    .append("reason", "signed")
                    .append("by", "ana")
                    .append("operator", "ops")
                    .append("at", new Date())));
  }

  /** The data of the next feed event naming this lead whose kind is not enrolled, or null. */
  private static String next(BlockingQueue<LiveFeed.Event> q, String leadId)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (System.nanoTime() < deadline) {
      LiveFeed.Event e = q.poll(100, TimeUnit.MILLISECONDS);
      if (e != null
          && "feed".equals(e.event())
          && e.data().contains("\"" + leadId + "\"")
          && !e.data().contains("\"kind\":\"enrolled\"")) {
        return e.data();
      }
    }
    return null;
  }

  @Test
  void aConversionAndALossAreFeedEventsOnceEach() throws Exception {
    BlockingQueue<LiveFeed.Event> q = feed.subscribe();
    enrol("L-won");
    enrol("L-gone");
    enrol("L-other");
    Thread.sleep(300); // the enrolments are polled first

    outcome("L-won", "converted");
    outcome("L-gone", "lost");
    db.getCollection(Collections.CONTACTS)
        .updateOne(Filters.eq("leadId", "L-other"), Updates.set("stage", "handed_off"));

    String won = next(q, "L-won");
    assertThat(won).as("the conversion's event").isNotNull();
    assertThat(won).contains("\"kind\":\"converted\"").contains("\"campaignId\":\"c-won\"");
    String gone = next(q, "L-gone");
    assertThat(gone).as("the loss's event").isNotNull().contains("\"kind\":\"lost\"");
    assertThat(next(q, "L-other")).as("another update is no event").isNull();
    assertThat(next(q, "L-won")).as("delivered once").isNull();
  }
}
