package com.salesagent.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nothing measured what waits in MongoDB: sales_agent_webhook_inbox_queued is one process's queue
 * (0 in a process that holds no partition, and nothing once the process died), and no metric
 * counted the sends held unknown. The gauges read the database, so every API process tells the
 * same; they read it at most every 5 s whatever the scrapes.
 */
class BacklogGaugesTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");

  /** A clock the test moves. */
  static final class MovingClock extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>(T0);

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  private final MovingClock clock = new MovingClock();

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    MONGO.database().getCollection("webhook_events").deleteMany(new Document());
    MONGO.database().getCollection("messages").deleteMany(new Document());
  }

  private void event(String key, boolean processed, boolean deadLetter, Instant received) {
    Document d =
        new Document("eventKey", key)
            .append("kind", "status")
            .append("processed", processed)
            .append("attempts", 0)
            .append("receivedAt", Date.from(received));
    if (deadLetter) {
      d.append("deadLetter", true);
    }
    MONGO.database().getCollection("webhook_events").insertOne(d);
  }

  private void message(String key, String status, Instant unknownAt) {
    Document d = new Document("idempotencyKey", key).append("status", status);
    if (unknownAt != null) {
      d.append("unknown", new Document("at", Date.from(unknownAt)).append("reason", "timeout"));
    }
    MONGO.database().getCollection("messages").insertOne(d);
  }

  private static double value(SimpleMeterRegistry registry, String name) {
    Gauge gauge = registry.find(name).gauge();
    assertThat(gauge).as(name).isNotNull();
    return gauge.value();
  }

  @Test
  void theBacklogAndTheSendsHeldUnknownAreReadFromTheDatabaseTheSameByEveryProcess() {
    event("status:a", false, false, T0.minusSeconds(90));
    event("status:b", false, false, T0.minusSeconds(30));
    event("status:c", true, false, T0.minusSeconds(600)); // processed
    event("invalid:d", false, true, T0.minusSeconds(900)); // a dead letter: counted elsewhere
    message("k-1", "unknown", T0.minusSeconds(120));
    message("k-2", "delivered", T0.minusSeconds(300)); // once unknown, bound since
    message("k-3", "accepted", null);

    SimpleMeterRegistry one = new SimpleMeterRegistry();
    SimpleMeterRegistry other = new SimpleMeterRegistry();
    new BacklogGauges(MONGO.database(), clock).register(one);
    new BacklogGauges(MONGO.database(), clock).register(other);

    for (SimpleMeterRegistry registry : new SimpleMeterRegistry[] {one, other}) {
      assertThat(value(registry, "sales_agent.webhook.backlog")).isEqualTo(2);
      assertThat(value(registry, "sales_agent.webhook.backlog.oldest.age.seconds")).isEqualTo(90);
      assertThat(value(registry, "sales_agent.sends.unknown")).isEqualTo(1);
      assertThat(value(registry, "sales_agent.sends.unknown.oldest.age.seconds")).isEqualTo(120);
    }
  }

  /**
   * Dead letters stay processed=false, and there may be thousands (an invalid payload stored per
   * webhook from a misconfigured sender): none is counted or aged, older than every live event or
   * not; an event retried out of the dead letters (deadLetter false) counts again.
   */
  @Test
  void thousandsOfDeadLettersAreNeitherCountedNorAgedWhateverTheirAge() {
    List<Document> dead = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      dead.add(
          new Document("eventKey", "invalid:" + i)
              .append("kind", "status")
              .append("processed", false)
              .append("deadLetter", true)
              .append("attempts", 0)
              .append("receivedAt", Date.from(T0.minusSeconds(86_400 - i))));
    }
    MONGO.database().getCollection("webhook_events").insertMany(dead);
    event("status:a", false, false, T0.minusSeconds(40));
    event("status:b", false, false, T0.minusSeconds(10));
    MONGO
        .database()
        .getCollection("webhook_events")
        .insertOne(
            new Document("eventKey", "status:retried")
                .append("kind", "status")
                .append("processed", false)
                .append("deadLetter", false)
                .append("attempts", 0)
                .append("receivedAt", Date.from(T0.minusSeconds(70))));
    event("status:done", true, false, T0.minusSeconds(3_600));

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new BacklogGauges(MONGO.database(), clock).register(registry);

    assertThat(value(registry, "sales_agent.webhook.backlog")).isEqualTo(3);
    assertThat(value(registry, "sales_agent.webhook.backlog.oldest.age.seconds")).isEqualTo(70);
  }

  /**
   * A send an operator decided (assumed sent, stopped) or whose lead's run ended stays unknown in
   * its status for good, but nobody holds it any more: not counted, so the oldest age does not grow
   * for ever and an alert on it clears (the session review); one waiting for an operator is.
   */
  @Test
  void onlySendsStillHeldAreCountedNotThoseDecidedOrLeftByAnEndedRun() {
    message("k-held", "unknown", T0.minusSeconds(60));
    message("k-waits", "unknown", T0.minusSeconds(300));
    message("k-assumed", "unknown", T0.minusSeconds(900));
    message("k-ended", "unknown", T0.minusSeconds(1200));
    var messages = MONGO.database().getCollection("messages");
    messages.updateOne(
        new Document("idempotencyKey", "k-waits"),
        new Document("$set", new Document("delivery", new Document("status", "unknown"))));
    messages.updateOne(
        new Document("idempotencyKey", "k-assumed"),
        new Document("$set", new Document("delivery", new Document("status", "assume_sent"))));
    messages.updateOne(
        new Document("idempotencyKey", "k-ended"),
        new Document("$set", new Document("leadId", "L-end")));
    new com.salesagent.activities.mongo.LeadStore(MONGO.database())
        .messages()
        .abandonUnknown("L-end", "opted_out", T0);

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new BacklogGauges(MONGO.database(), clock).register(registry);
    assertThat(value(registry, "sales_agent.sends.unknown")).isEqualTo(2);
    assertThat(value(registry, "sales_agent.sends.unknown.oldest.age.seconds")).isEqualTo(300);
  }

  @Test
  void theDatabaseIsReadAtMostEveryFiveSecondsAndNothingWaitingIsZero() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new BacklogGauges(MONGO.database(), clock).register(registry);
    assertThat(value(registry, "sales_agent.webhook.backlog")).isZero();
    assertThat(value(registry, "sales_agent.webhook.backlog.oldest.age.seconds")).isZero();
    assertThat(value(registry, "sales_agent.sends.unknown")).isZero();
    assertThat(value(registry, "sales_agent.sends.unknown.oldest.age.seconds")).isZero();

    event("status:a", false, false, T0);
    message("k-1", "unknown", T0);
    clock.now.set(T0.plusSeconds(4));
    assertThat(value(registry, "sales_agent.webhook.backlog")).as("the last reading").isZero();
    assertThat(value(registry, "sales_agent.sends.unknown")).isZero();

    clock.now.set(T0.plusSeconds(5));
    assertThat(value(registry, "sales_agent.webhook.backlog")).isEqualTo(1);
    assertThat(value(registry, "sales_agent.webhook.backlog.oldest.age.seconds")).isEqualTo(5);
    assertThat(value(registry, "sales_agent.sends.unknown")).isEqualTo(1);
    assertThat(value(registry, "sales_agent.sends.unknown.oldest.age.seconds")).isEqualTo(5);
  }
}
