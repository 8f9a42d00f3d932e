package com.salesagent.activities.whatsapp;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.compose.LlmWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bson.Document;

/**
 * Paces sends per business number so that Meta's throughput limit (130429) and its pair limit
 * (131056: one business number to one user, about one message every 6 s) are not hit in normal
 * operation.
 *
 * <p>Meta: "For each registered business phone number, Cloud API supports up to 80 messages per
 * second (mps) by default, and up to 1,000 mps by automatic upgrade. Throughput is inclusive of
 * inbound and outbound messages" and answers 130429 beyond it
 * (developers.facebook.com/documentation/business-messaging/whatsapp/throughput). Inbound counts
 * too, so sends get only a share of the tier ({@code WHATSAPP_THROUGHPUT_SHARE}, 0.8 by default).
 *
 * <p>Why a MongoDB-backed limiter rather than each worker process taking tier / live workers: the
 * share needs a count of live workers that is stale exactly when it matters (a worker joining sends
 * at the old share until the others notice, which exceeds the tier), and a worker that idles wastes
 * its share. One document per number holds the next free send slot (a generic cell rate algorithm:
 * the "theoretical arrival time"); a send reserves the slot and moves it one interval (1 s / rate)
 * on in one atomic write: {@code $inc} of {@code tat}, on the condition that the slot is within the
 * caller's wait. Every reserved slot is at least one interval after the previous one whatever
 * process reserved it, so any one-second window holds at most {@code rate} slots, and a busy number
 * costs each reservation one write that never loses a race. (A compare-and-set on {@code tat} did
 * lose: a process reading then writing lost every round to one that only wrote, and after 16 losses
 * said "busy" with slots free, about one CI run in ten under the two-process test.) Only when a
 * number was idle ({@code tat} in the past) or is new does a reservation read, then move {@code
 * tat} to now with a compare-and-set. The pair spacing is the same with one document per number and
 * recipient (the recipient hashed, never stored) and a 6 s interval.
 *
 * <p>A reservation never waits longer than asked: further out, the answer says how long until the
 * next free slot and nothing is reserved (the caller lets the workflow wait durably instead).
 */
public final class SendThrottle {
  public static final String COLLECTION = "sender_throttle";
  public static final Duration PAIR_SPACING = Duration.ofSeconds(6);
  private static final int TRIES = 16;

  /** Granted: send at {@code at}. Otherwise the next free slot is {@code at} (nothing reserved). */
  public record Slot(boolean granted, Instant at) {
    public Duration waitFrom(Instant now) {
      Duration d = Duration.between(now, at);
      return d.isNegative() ? Duration.ZERO : d;
    }
  }

  private final MongoCollection<Document> collection;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  public SendThrottle(MongoDatabase db) {
    this.collection = db.getCollection(COLLECTION);
  }

  /** The document key of the number's throughput slot. */
  public static String tierKey(String phoneNumberId) {
    return "tier:" + phoneNumberId;
  }

  /** The document key of one number-recipient pair: the recipient only as a hash. */
  public static String pairKey(String phoneNumberId, String recipient) {
    String digits = recipient.startsWith("+") ? recipient.substring(1) : recipient;
    return "pair:" + phoneNumberId + ":" + LlmWriter.sha256(digits).substring(0, 24);
  }

  /** One message per {@code 1 s / (tier × share)}: the interval of a number's throughput slots. */
  public static long intervalMicros(int tier, double share) {
    double rate = Math.max(1.0, tier * share);
    return (long) Math.ceil(1_000_000.0 / rate);
  }

  /**
   * Reserves the first slot of {@code key} at or after {@code earliest}, at most {@code maxWait}
   * after it; slots are {@code intervalMicros} apart.
   */
  public Slot reserve(String key, long intervalMicros, Instant earliest, Duration maxWait) {
    // One reservation per key at a time in this process: threads queue here rather than race each
    // other's compare-and-set; only other processes can make one fail.
    synchronized (locks.computeIfAbsent(key, k -> new Object())) {
      return reserveLocked(key, intervalMicros, earliest, maxWait);
    }
  }

  private Slot reserveLocked(String key, long intervalMicros, Instant earliest, Duration maxWait) {
    long from = micros(earliest);
    long limit = from + maxWait.toNanos() / 1000;
    // Kept an hour past the furthest slot this reservation can take.
    Date expireAt = new Date((limit + intervalMicros) / 1000 + Duration.ofHours(1).toMillis());
    for (int i = 0; i < TRIES; i++) {
      // A busy number: the next slot is between now and the wait; take it and move it on.
      Document before =
          collection.findOneAndUpdate(
              Filters.and(
                  Filters.eq("_id", key), Filters.gte("tat", from), Filters.lte("tat", limit)),
              Updates.combine(
                  Updates.inc("tat", intervalMicros), Updates.set("expireAt", expireAt)),
              new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE));
      if (before != null) {
        return new Slot(true, instant(((Number) before.get("tat")).longValue()));
      }
      Long tat = read(key);
      if (tat == null) {
        try {
          collection.insertOne(
              new Document("_id", key)
                  .append("tat", from + intervalMicros)
                  .append("expireAt", expireAt));
          return new Slot(true, instant(from));
        } catch (MongoWriteException e) {
          if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
            throw e;
          }
          continue; // another process created it: take a slot after its
        }
      }
      if (tat > limit) {
        return new Slot(false, instant(tat)); // nothing reserved
      }
      if (tat >= from) {
        continue; // moved into the window meanwhile: the atomic path takes it
      }
      // An idle number (its next slot is in the past): start again from now, unless another
      // process moved it first.
      boolean won =
          collection
                  .updateOne(
                      Filters.and(Filters.eq("_id", key), Filters.eq("tat", tat)),
                      Updates.combine(
                          Updates.set("tat", from + intervalMicros),
                          Updates.set("expireAt", expireAt)))
                  .getModifiedCount()
              == 1;
      if (won) {
        return new Slot(true, instant(from));
      }
    }
    // Contended beyond reason: say busy for one interval rather than spin.
    return new Slot(false, instant(from + intervalMicros));
  }

  private Long read(String key) {
    Document d = collection.find(Filters.eq("_id", key)).first();
    return d == null ? null : ((Number) d.get("tat")).longValue();
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
  }
}
