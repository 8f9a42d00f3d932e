package com.salesagent.api.system;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.Collections;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What waits in MongoDB, as gauges an SRE can alert on, the same from every API process (read from
 * the database, not from one process's queues):
 *
 * <ul>
 *   <li>{@code sales_agent_webhook_backlog}, {@code
 *       sales_agent_webhook_backlog_oldest_age_seconds}: webhook events accepted and stored but not
 *       processed yet (dead letters apart: they have their own counter), and how long the oldest
 *       has waited. A status waiting for its message (up to WebhookInbox.STATUS_GRACE, 10 minutes)
 *       counts.
 *   <li>{@code sales_agent_sends_unknown}, {@code sales_agent_sends_unknown_oldest_age_seconds}:
 *       sends held unknown (a call whose answer was lost: WhatsApp may have sent it), neither
 *       resent nor bound to a wamid by a status webhook yet, and how long the oldest has been held.
 * </ul>
 *
 * Read at most every {@link #REFRESH} whatever the scrapes (a scrape in between gets the last
 * reading), each count through an index and capped at {@link #CAP}: never a collection scan per
 * scrape. A reading that fails (MongoDB unreachable) makes the gauges NaN until one succeeds.
 */
public final class BacklogGauges {
  private static final Logger LOG = LoggerFactory.getLogger(BacklogGauges.class);

  /** How often MongoDB is read at most. */
  public static final Duration REFRESH = Duration.ofSeconds(5);

  /** Counts stop here: past it the alert has fired long ago. */
  public static final int CAP = 10_000;

  private final MongoCollection<Document> events;
  private final MongoCollection<Document> messages;
  private final Clock clock;
  private final Object lock = new Object();
  private volatile Reading last;

  /** One reading of the four values; NaN where it failed. */
  record Reading(
      Instant at, double backlog, double backlogAge, double unknown, double unknownAge) {}

  public BacklogGauges(MongoDatabase db, Clock clock) {
    this.events = db.getCollection(Collections.WEBHOOK_EVENTS);
    this.messages = db.getCollection(Collections.MESSAGES);
    this.clock = clock;
  }

  /** Registers the four gauges. */
  public BacklogGauges register(MeterRegistry registry) {
    gauge(
        registry,
        "sales_agent.webhook.backlog",
        "webhook events stored and not processed yet (dead letters apart), up to " + CAP,
        Reading::backlog);
    gauge(
        registry,
        "sales_agent.webhook.backlog.oldest.age.seconds",
        "how long the oldest unprocessed webhook event has waited (0: none)",
        Reading::backlogAge);
    gauge(
        registry,
        "sales_agent.sends.unknown",
        "sends held unknown (answer lost, not resent, not reconciled yet), up to " + CAP,
        Reading::unknown);
    gauge(
        registry,
        "sales_agent.sends.unknown.oldest.age.seconds",
        "how long the oldest send held unknown has been held (0: none)",
        Reading::unknownAge);
    return this;
  }

  private void gauge(
      MeterRegistry registry,
      String name,
      String description,
      java.util.function.ToDoubleFunction<Reading> value) {
    Gauge.builder(name, this, g -> value.applyAsDouble(g.reading()))
        .description(description)
        .strongReference(true)
        .register(registry);
  }

  /** The last reading, read again first when it is older than {@link #REFRESH}. */
  Reading reading() {
    Instant now = clock.instant();
    Reading r = last;
    if (r != null && now.isBefore(r.at().plus(REFRESH))) {
      return r;
    }
    synchronized (lock) {
      r = last;
      if (r == null || !now.isBefore(r.at().plus(REFRESH))) {
        r = read(now);
        last = r;
      }
      return r;
    }
  }

  private Reading read(Instant now) {
    try {
      // Through the partial index (processed, deadLetter, receivedAt): no dead letter is read.
      Bson waiting = Filters.and(Filters.eq("processed", false), Collections.NOT_DEAD_LETTER);
      // Held: not decided by an operator (resend, assume sent, stop) nor left by a run that ended
      // (Messages.abandonUnknown), which would stay unknown, and grow old, for good.
      Bson unknown =
          Filters.and(
              Filters.eq("status", "unknown"),
              Filters.or(
                  Filters.exists("delivery", false), Filters.eq("delivery.status", "unknown")));
      return new Reading(
          now,
          count(events, waiting),
          age(events, waiting, "receivedAt", now),
          count(messages, unknown),
          age(messages, unknown, "unknown.at", now));
    } catch (RuntimeException e) {
      LOG.warn("backlog gauges not read: {}", e.toString());
      return new Reading(now, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
  }

  private static double count(MongoCollection<Document> collection, Bson filter) {
    return collection.countDocuments(filter, new CountOptions().limit(CAP));
  }

  /**
   * Seconds since the oldest match's {@code field} (by its index: (processed, receivedAt), ...).
   */
  private static double age(
      MongoCollection<Document> collection, Bson filter, String field, Instant now) {
    Document oldest =
        collection
            .find(filter)
            .sort(Sorts.ascending(field))
            .projection(Projections.include(field))
            .limit(1)
            .first();
    Object at =
        oldest == null
            ? null
            : oldest.getEmbedded(java.util.List.of(field.split("\\.")), Object.class);
    if (!(at instanceof Date date)) {
      return 0;
    }
    return Math.max(0, Duration.between(date.toInstant(), now).toMillis() / 1000.0);
  }
}
