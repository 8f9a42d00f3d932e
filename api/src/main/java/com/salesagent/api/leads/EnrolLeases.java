package com.salesagent.api.leads;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.privacy.PiiHash;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One guarded enrolment at a time per number, across the threads of a process and the API processes
 * sharing one MongoDB: the {@link RecentContacts} guard reads the number's earlier leads and the
 * enrolment then inserts the new contact, so two enrolments of one number in two campaigns at the
 * same moment (two imports, two processes) both passed the guard and both got a cold opener. An
 * enrolment takes the number's lease (an insert into {@code enrol_leases}, {@code _id} the keyed
 * hash of the number ({@link PiiHash}), never the number itself) before the guard and gives it back
 * after the insert: two commands on the common path. A duplicate key is another enrolment of the
 * number under way: it is tried again for up to {@link #WAIT} (the holder needs a few
 * milliseconds), then the enrolment is answered {@code phone_enrolling} (retryable). A lease older
 * than {@link #STALE_AFTER} is a crashed or hung holder's and is taken over with a conditional
 * update (one process wins it); a holder taken over deletes nothing of its successor's (the delete
 * names its own {@code owner}). {@code expireAt} (TTL) removes what a crashed process left.
 */
final class EnrolLeases {
  private static final Logger LOG = LoggerFactory.getLogger(EnrolLeases.class);

  /** A lease older than this is a crashed or hung holder's: taken over. */
  static final Duration STALE_AFTER = Duration.ofSeconds(30);

  /** How long an enrolment waits for another enrolment of the number before it is refused. */
  static final Duration WAIT = Duration.ofSeconds(2);

  /** When the TTL monitor removes a lease nobody gave back (long after it is stale). */
  static final Duration KEEP = Duration.ofHours(1);

  private static final long FIRST_PAUSE_MS = 10;
  private static final long LONGEST_PAUSE_MS = 200;

  /** A lease held: {@link #close} or {@link #giveBack} gives it back. */
  interface Lease extends AutoCloseable {
    /**
     * Gives the lease back; true when it was still this holder's until then. False when another
     * enrolment took it over meanwhile (this holder was paused past {@link #STALE_AFTER}: a GC, a
     * slow network), or when giving it back failed, so that nobody can tell: either way what this
     * holder did under the lease may have raced the successor's guard.
     */
    boolean giveBack();

    @Override
    default void close() {
      giveBack();
    }
  }

  private final MongoCollection<Document> leases;
  private final Clock clock;

  EnrolLeases(MongoDatabase db, Clock clock) {
    this.leases = db.getCollection(Collections.ENROL_LEASES);
    this.clock = clock;
  }

  /** The lease's {@code _id}: the number only as a hash. */
  static String key(String phone) {
    return PiiHash.of(phone);
  }

  /**
   * The number's lease, waiting up to {@link #WAIT} for another enrolment of it; empty when that
   * one still holds it.
   */
  Optional<Lease> take(String phone) {
    String id = key(phone);
    String owner = UUID.randomUUID().toString();
    long deadline = System.nanoTime() + WAIT.toNanos();
    long pause = FIRST_PAUSE_MS;
    while (true) {
      Instant now = clock.instant();
      try {
        leases.insertOne(
            new Document("_id", id)
                .append("owner", owner)
                .append("takenAt", Date.from(now))
                .append("expireAt", Date.from(now.plus(KEEP))));
        return Optional.of(lease(id, owner));
      } catch (MongoWriteException e) {
        if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
          throw e;
        }
      }
      // Held. A stale lease is taken over: the condition lets one taker through.
      if (leases
              .updateOne(
                  Filters.and(
                      Filters.eq("_id", id),
                      Filters.lt("takenAt", Date.from(now.minus(STALE_AFTER)))),
                  Updates.combine(
                      Updates.set("owner", owner),
                      Updates.set("takenAt", Date.from(now)),
                      Updates.set("expireAt", Date.from(now.plus(KEEP)))))
              .getModifiedCount()
          == 1) {
        LOG.warn("took over a stale enrolment lease (a process died or hung while enrolling)");
        return Optional.of(lease(id, owner));
      }
      if (System.nanoTime() + pause * 1_000_000 > deadline) {
        return Optional.empty();
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
      pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
    }
  }

  /**
   * When a refused enrolment may try again: when the holder's lease goes stale, at the latest (one
   * read, on the refusal only); in a second at the earliest.
   */
  Instant retryAt(String phone) {
    Instant soon = clock.instant().plusSeconds(1);
    Document held = leases.find(Filters.eq("_id", key(phone))).first();
    if (held == null || held.getDate("takenAt") == null) {
      return soon;
    }
    Instant stale = held.getDate("takenAt").toInstant().plus(STALE_AFTER);
    return stale.isAfter(soon) ? stale : soon;
  }

  private Lease lease(String id, String owner) {
    return () -> {
      try {
        // Names its own owner: a successor's lease stays. The count says whether it was still
        // ours, at no extra command.
        return leases
                .deleteOne(Filters.and(Filters.eq("_id", id), Filters.eq("owner", owner)))
                .getDeletedCount()
            == 1;
      } catch (MongoException e) {
        // The lease goes stale and is taken over; whether it was still ours is unknown.
        LOG.warn(
            "an enrolment lease was not given back ({}): taken over after {}",
            e.getClass().getSimpleName(),
            STALE_AFTER);
        return false;
      }
    };
  }
}
