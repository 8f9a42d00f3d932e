package com.salesagent.api.webhook;

import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.Phones;
import com.salesagent.activities.logging.LogContext;
import com.salesagent.activities.variants.CountedOnce;
import com.salesagent.api.http.ReadableText;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox's own records in {@code webhook_events}: storing items once, counting failures up to a
 * dead letter, the operators' dead-letter list and retry, and the retention of raw payloads.
 */
final class InboxRecords {
  private static final Logger LOG = LoggerFactory.getLogger(InboxRecords.class);

  /** The longest stored lastError, in code points (never half an emoji of a quoted text). */
  static final int MAX_LAST_ERROR = 500;

  private final MongoCollection<Document> events;
  private final GroupInsert inserts;
  private final MongoDatabase database;
  private final Clock clock;

  InboxRecords(MongoCollection<Document> events, MongoDatabase database, Clock clock) {
    this.events = events;
    this.inserts = new GroupInsert(events);
    this.database = database;
    this.clock = clock;
  }

  /**
   * Stores items once each (a redelivered event key is left out of the answer), concurrent
   * requests' items together ({@link GroupInsert}).
   */
  List<Document> insertOnce(List<Document> docs) {
    return inserts.insertOnce(docs);
  }

  /** Inserts written so far: fewer than the requests stored when requests come together. */
  long insertCommands() {
    return inserts.commands();
  }

  /**
   * Left unprocessed: an unreachable Temporal or MongoDB is waited out by the sweep (as often as it
   * takes); any other failure counts, and the event is a dead letter after
   * WebhookInbox.MAX_ATTEMPTS.
   */
  void failed(String key, RuntimeException e, boolean effectsApplied) {
    boolean transientFailure = isTransient(e);
    // An exception's message may quote what it failed on (a number, a driver's duplicate key):
    // masked as every log masks a number, in the line and in the stored lastError.
    String reason = Phones.scrub(e.getClass().getSimpleName() + ": " + e.getMessage());
    LOG.warn("webhook event {} not processed yet: {}", LogContext.safe(key), reason);
    try {
      List<Bson> updates = new ArrayList<>();
      if (effectsApplied) {
        updates.add(Updates.set("effectsApplied", true));
      }
      updates.add(Updates.set("lastError", ReadableText.cut(reason, MAX_LAST_ERROR)));
      if (!transientFailure) {
        updates.add(Updates.inc("attempts", 1));
      }
      events.updateOne(Filters.eq("eventKey", key), Updates.combine(updates));
      if (!transientFailure) {
        long moved =
            events
                .updateOne(
                    Filters.and(
                        Filters.eq("eventKey", key),
                        Filters.gte("attempts", WebhookInbox.MAX_ATTEMPTS)),
                    Updates.set("deadLetter", true))
                .getModifiedCount();
        if (moved > 0) {
          deadLetterCounted(DEAD_LETTER_FAILED);
          LOG.error(
              "webhook event {} is a dead letter after {} attempts",
              LogContext.safe(key),
              WebhookInbox.MAX_ATTEMPTS);
        }
      }
    } catch (RuntimeException ignored) {
      // MongoDB is down too: the effects may be applied again, which only duplicates history.
    }
  }

  /** sales_agent_webhook_dead_letters_total{reason}: events set aside for an operator. */
  static final String DEAD_LETTER_METRIC = "sales_agent.webhook.dead_letters";

  static final String DEAD_LETTER_FAILED = "failed";
  static final String DEAD_LETTER_INVALID = "invalid";

  static void deadLetterCounted(String reason) {
    io.micrometer.core.instrument.Metrics.counter(DEAD_LETTER_METRIC, "reason", reason).increment();
  }

  static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MongoSocketException || t instanceof MongoTimeoutException) {
        return true;
      }
      if (t instanceof StatusRuntimeException s) {
        Status.Code code = s.getStatus().getCode();
        return code == Status.Code.UNAVAILABLE
            || code == Status.Code.DEADLINE_EXCEEDED
            || code == Status.Code.RESOURCE_EXHAUSTED
            || code == Status.Code.ABORTED;
      }
    }
    return false;
  }

  List<Document> deadLetters(int skip, int limit) {
    return events
        .find(Filters.eq("deadLetter", true))
        .sort(Sorts.descending("receivedAt"))
        .skip(skip)
        .limit(limit)
        .into(new ArrayList<>());
  }

  long countDeadLetters() {
    return events.countDocuments(Filters.eq("deadLetter", true));
  }

  /**
   * A dead letter made due again (attempts reset); null for no such dead letter. {@code key}: its
   * eventKey, or the id the dead-letter list gives (which masks the number in a key).
   */
  Document reopenDeadLetter(String key) {
    if (key.startsWith("invalid:")) {
      return null; // its shape is wrong: processing it again cannot succeed
    }
    Bson which =
        ObjectId.isValid(key)
            ? Filters.and(
                Filters.eq("_id", new ObjectId(key)),
                Filters.not(Filters.regex("eventKey", "^invalid:")))
            : Filters.eq("eventKey", key);
    Document event =
        events.findOneAndUpdate(
            Filters.and(which, Filters.eq("deadLetter", true), Filters.exists("item", true)),
            Updates.combine(
                Updates.set("deadLetter", false),
                Updates.set("attempts", 0),
                Updates.unset("nextAttemptAt")));
    if (event != null) {
      event.put("deadLetter", false);
    }
    return event;
  }

  /** Drops raw payloads (numbers, names, texts) past the retention period; keys stay for dedup. */
  long dropExpiredPayloads(Duration retention) {
    try {
      Date before = Date.from(clock.instant().minus(retention));
      long dropped =
          events
              .updateMany(
                  Filters.and(
                      Filters.lt("receivedAt", before),
                      Filters.exists("item", true),
                      Filters.or(Filters.eq("processed", true), Filters.eq("deadLetter", true))),
                  Updates.combine(
                      Updates.unset("item"),
                      Updates.set("itemDroppedAt", Date.from(clock.instant()))))
              .getModifiedCount();
      // Past the retention no relay of these events can come: their counting ledger goes too.
      new CountedOnce(database).dropBefore(clock.instant().minus(retention));
      if (dropped > 0) {
        LOG.info("dropped the raw payloads of {} webhook events older than {}", dropped, retention);
      }
      return dropped;
    } catch (RuntimeException e) {
      LOG.warn("webhook retention sweep failed: {}", e.getMessage());
      return 0;
    }
  }
}
