package com.salesagent.activities.whatsapp;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.privacy.PiiHash;
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
 * said "busy" with slots free, about one CI run in ten under the two-process test.) An idle or new
 * number ({@code tat} before now, or no document) takes its slot with one conditional upsert that
 * sets {@code tat} to now plus an interval; when the slot is not idle, the upsert's insert collides
 * with the document and the {@code $inc} applies. Both writes are atomic and conditional on
 * disjoint states, so neither loses to a concurrent reservation: a miss means the other applies.
 * Which goes first is the one that worked last for the number in this process (a pair, nearly
 * always idle, tries the upsert first): one write per reservation in the usual case, where there
 * were three (a miss, a read, a compare-and-set) for an idle number before. The pair spacing is the
 * same with one document per number and recipient (the recipient hashed, never stored) and a 6 s
 * interval.
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
  private final Object[] locks = new Object[64];

  /** Per number: whether its last slot here was taken idle (a hint of which write goes first). */
  private final Map<String, Boolean> idleLast = new ConcurrentHashMap<>();

  public SendThrottle(MongoDatabase db) {
    this.collection = db.getCollection(COLLECTION);
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
  }

  /** The document key of the number's throughput slot. */
  public static String tierKey(String phoneNumberId) {
    return "tier:" + phoneNumberId;
  }

  /**
   * The document key of one number-recipient pair: the recipient only as a keyed hash ({@link
   * PiiHash}).
   */
  public static String pairKey(String phoneNumberId, String recipient) {
    String digits = recipient.startsWith("+") ? recipient.substring(1) : recipient;
    return "pair:" + phoneNumberId + ":" + PiiHash.of(digits).substring(0, 24);
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
    // One reservation per key at a time in this process (striped: a lock per recipient would grow
    // with every lead): threads queue here rather than miss each other's writes.
    synchronized (locks[Math.floorMod(key.hashCode(), locks.length)]) {
      return reserveLocked(key, intervalMicros, earliest, maxWait);
    }
  }

  private Slot reserveLocked(String key, long intervalMicros, Instant earliest, Duration maxWait) {
    long from = micros(earliest);
    long limit = from + maxWait.toNanos() / 1000;
    // Kept an hour past the furthest slot this reservation can take.
    Date expireAt = new Date((limit + intervalMicros) / 1000 + Duration.ofHours(1).toMillis());
    // Which of the two atomic writes to try first: the one that took the key's last slot here (a
    // pair is nearly always idle: one message per recipient every few hours). A wrong guess costs
    // one more write, never a lost race.
    boolean idleFirst = key.startsWith("pair:") || Boolean.TRUE.equals(idleLast.get(key));
    for (int i = 0; i < TRIES; i++) {
      if (idleFirst && takeIdle(key, intervalMicros, from, expireAt)) {
        remember(key, true);
        return new Slot(true, instant(from));
      }
      // A busy number: the next slot is between now and the wait; take it and move it on.
      Document before =
          collection.findOneAndUpdate(
              Filters.and(
                  Filters.eq("_id", key), Filters.gte("tat", from), Filters.lte("tat", limit)),
              Updates.combine(
                  Updates.inc("tat", intervalMicros), Updates.set("expireAt", expireAt)),
              new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE));
      if (before != null) {
        remember(key, false);
        return new Slot(true, instant(((Number) before.get("tat")).longValue()));
      }
      if (!idleFirst && takeIdle(key, intervalMicros, from, expireAt)) {
        remember(key, true);
        return new Slot(true, instant(from));
      }
      // Neither: the next slot is beyond the wait, or another process moved it in between.
      Long tat = read(key);
      if (tat != null && tat > limit) {
        return new Slot(false, instant(tat)); // nothing reserved
      }
    }
    // Contended beyond reason: say busy for one interval rather than spin.
    return new Slot(false, instant(from + intervalMicros));
  }

  /**
   * An idle or new key (its next slot is before {@code from}, or it has none): the slot at {@code
   * from} is taken and the next one set an interval later, in one conditional upsert. False when
   * the key's next slot is at or after {@code from} (the upsert's insert then collides with the
   * existing document): the busy path applies.
   */
  private boolean takeIdle(String key, long intervalMicros, long from, Date expireAt) {
    try {
      collection.updateOne(
          Filters.and(Filters.eq("_id", key), Filters.lt("tat", from)),
          Updates.combine(
              Updates.set("tat", from + intervalMicros), Updates.set("expireAt", expireAt)),
          new UpdateOptions().upsert(true));
      return true;
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
        throw e;
      }
      return false;
    }
  }

  private void remember(String key, boolean idle) {
    if (!key.startsWith("pair:")) {
      idleLast.put(key, idle);
    }
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
