package com.salesagent.activities.whatsapp;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
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
 * the "theoretical arrival time"); a send reserves the slot with a compare-and-set ({@code tat}
 * unchanged) and moves it one interval (1 s / rate) on. Every reserved slot is at least one
 * interval after the previous one whatever process reserved it, so any one-second window holds at
 * most {@code rate} slots. The process remembers the slot it wrote last: when it is the only one
 * sending on a number (the usual case) a reservation is one write; a lost race costs a read and
 * another try. The pair spacing is the same with one document per number and recipient (the
 * recipient hashed, never stored) and a 6 s interval.
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
  private final Map<String, Long> lastWritten = new ConcurrentHashMap<>();
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
    for (int i = 0; i < TRIES; i++) {
      Long known = lastWritten.get(key);
      boolean fromCache = known != null;
      Long tat = fromCache ? known : read(key);
      long start = tat == null ? from : Math.max(tat, from);
      if (start > limit) {
        if (fromCache) {
          // Never say busy from a remembered slot: another process may not have moved it.
          Long fresh = read(key);
          if (fresh == null || Math.max(fresh, from) <= limit) {
            lastWritten.remove(key);
            continue;
          }
        }
        return new Slot(false, instant(start));
      }
      long next = start + intervalMicros;
      Date expireAt = new Date(next / 1000 + Duration.ofHours(1).toMillis());
      if (tat == null) {
        try {
          collection.insertOne(
              new Document("_id", key).append("tat", next).append("expireAt", expireAt));
          lastWritten.put(key, next);
          return new Slot(true, instant(start));
        } catch (MongoWriteException e) {
          if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
            throw e;
          }
          lastWritten.remove(key);
          continue;
        }
      }
      boolean won =
          collection
                  .updateOne(
                      Filters.and(Filters.eq("_id", key), Filters.eq("tat", tat)),
                      Updates.combine(Updates.set("tat", next), Updates.set("expireAt", expireAt)))
                  .getModifiedCount()
              == 1;
      if (won) {
        lastWritten.put(key, next);
        return new Slot(true, instant(start));
      }
      lastWritten.remove(key);
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
