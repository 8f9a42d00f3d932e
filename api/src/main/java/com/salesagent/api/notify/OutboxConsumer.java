package com.salesagent.api.notify;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.notify.Notifications;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of the lead events' outbox ({@link Notifications}): claims each due event with a
 * lease in MongoDB (several API processes never attempt it at once), attempts it, and on failure
 * tries again after {@code firstRetry}, doubling to {@code maxRetry} (or when the receiver said),
 * dead-lettering it after {@code maxAttempts} or at once when the receiver refused it for good. Its
 * progress lives under {@code prefix} ("" for the signed webhook, "crm." for the CRM), so each
 * consumer has its own.
 */
public final class OutboxConsumer implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxConsumer.class);
  static final Duration LEASE = Duration.ofSeconds(60);

  /** What an attempt came to. */
  public sealed interface Outcome {
    /** Done. */
    record Delivered() implements Outcome {}

    /** Try again: after {@code after} when the receiver said when, else by the back-off. */
    record Retry(String error, Duration after) implements Outcome {}

    /** Refused for good (a bad request, a missing permission): dead-lettered now. */
    record Dead(String error) implements Outcome {}
  }

  /** Attempts one event; a failure to reach the receiver is an {@link Outcome.Retry}. */
  public interface Delivery {
    Outcome deliver(Document event, int attempt) throws InterruptedException;
  }

  private final MongoCollection<Document> outbox;
  private final String prefix;
  private final int maxAttempts;
  private final Duration firstRetry;
  private final Duration maxRetry;
  private final Clock clock;
  private final String name;
  private final Delivery delivery;
  private volatile boolean running;
  private Thread thread;

  public OutboxConsumer(
      MongoCollection<Document> outbox,
      String prefix,
      int maxAttempts,
      Duration firstRetry,
      Duration maxRetry,
      Clock clock,
      String name,
      Delivery delivery) {
    this.outbox = outbox;
    this.prefix = prefix;
    this.maxAttempts = maxAttempts;
    this.firstRetry = firstRetry;
    this.maxRetry = maxRetry;
    this.clock = clock;
    this.name = name;
    this.delivery = delivery;
  }

  @Override
  public void start() {
    running = true;
    thread = new Thread(this::loop, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void stop() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.interrupt();
      thread.join(5_000);
    }
  }

  private void loop() {
    while (running) {
      try {
        if (deliverDue() == 0) {
          Thread.sleep(500);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.warn("{}: {}", name, e.toString());
        try {
          Thread.sleep(2_000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Attempts every event due now, one claim at a time; returns how many were attempted. */
  public int deliverDue() throws InterruptedException {
    int attempted = 0;
    Document event;
    while ((event = claim()) != null) {
      attempt(event);
      attempted++;
    }
    return attempted;
  }

  private Document claim() {
    Date now = Date.from(clock.instant());
    return outbox.findOneAndUpdate(
        Filters.and(
            Filters.eq(prefix + "status", Notifications.PENDING),
            Filters.lte(prefix + "nextAttemptAt", now),
            Filters.or(
                Filters.exists(prefix + "leaseUntil", false),
                Filters.lt(prefix + "leaseUntil", now))),
        Updates.set(prefix + "leaseUntil", Date.from(clock.instant().plus(LEASE))),
        new FindOneAndUpdateOptions()
            .sort(Sorts.ascending(prefix + "nextAttemptAt"))
            .returnDocument(ReturnDocument.AFTER));
  }

  private int attempts(Document event) {
    Object v =
        prefix.isEmpty()
            ? event.get("attempts")
            : event.getEmbedded(
                java.util.List.of(prefix.substring(0, prefix.length() - 1), "attempts"),
                Object.class);
    return v instanceof Number n ? n.intValue() : 0;
  }

  private void attempt(Document event) throws InterruptedException {
    int attempt = attempts(event) + 1;
    Outcome outcome;
    try {
      outcome = delivery.deliver(event, attempt);
    } catch (RuntimeException e) {
      outcome = new Outcome.Retry(e.getClass().getSimpleName() + ": " + e.getMessage(), null);
    }
    if (outcome instanceof Outcome.Delivered) {
      outbox.updateOne(
          Filters.eq("_id", event.get("_id")),
          Updates.combine(
              Updates.set(prefix + "status", Notifications.DELIVERED),
              Updates.set(prefix + "attempts", attempt),
              Updates.set(prefix + "deliveredAt", Date.from(clock.instant())),
              Updates.unset(prefix + "leaseUntil")));
      return;
    }
    String error =
        outcome instanceof Outcome.Retry r ? r.error() : ((Outcome.Dead) outcome).error();
    boolean dead = outcome instanceof Outcome.Dead || attempt >= maxAttempts;
    Duration wait =
        outcome instanceof Outcome.Retry r && r.after() != null ? r.after() : backoff(attempt);
    Instant next = clock.instant().plus(wait);
    outbox.updateOne(
        Filters.eq("_id", event.get("_id")),
        Updates.combine(
            Updates.set(prefix + "status", dead ? Notifications.DEAD : Notifications.PENDING),
            Updates.set(prefix + "attempts", attempt),
            Updates.set(prefix + "lastError", error),
            Updates.set(prefix + "nextAttemptAt", Date.from(next)),
            Updates.unset(prefix + "leaseUntil")));
    if (dead) {
      // The receiver's error may quote what it was sent (a CRM echoes a name): it stays with the
      // event ({prefix}lastError), the log names the event only.
      LOG.warn(
          "{}: {} of lead {} dead-lettered after {} attempts (lastError on the event)",
          name,
          event.getString("type"),
          event.getString("leadId"),
          attempt);
    }
  }

  /** {@code firstRetry}, then doubling, at most {@code maxRetry}. */
  Duration backoff(int attempt) {
    Duration d = firstRetry.multipliedBy(1L << Math.min(20, attempt - 1));
    return d.compareTo(maxRetry) > 0 ? maxRetry : d;
  }
}
