package com.salesagent.api.webhook;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which API process processes which inbox partition: a lease per partition in MongoDB ({@code
 * webhook_partitions}: owner, expiry), renewed by {@link #tick} every {@link #RENEW_EVERY}. Every
 * live process (a heartbeat in {@code webhook_inbox_members}) takes its share, ceil(partitions /
 * live processes): it claims partitions that nobody holds or whose lease expired (a crashed
 * process's, after {@link #TTL}) and gives back what it holds beyond its share when another process
 * joins. A process processes a partition only while it holds the lease with {@link #MARGIN} to
 * spare, and gives one back only after the batch in progress on it is done, so two processes never
 * work on one partition at once unless one stalls longer than the margin (the effects are
 * idempotent per event for that case: see {@link CountedOnce}).
 */
final class PartitionLeases {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLeases.class);

  static final String COLLECTION = "webhook_partitions";
  static final String MEMBERS = "webhook_inbox_members";
  static final Duration TTL = Duration.ofSeconds(15);
  static final Duration RENEW_EVERY = Duration.ofSeconds(3);
  static final Duration MARGIN = Duration.ofSeconds(5);

  private final MongoCollection<Document> leases;
  private final MongoCollection<Document> members;
  private final int partitions;
  private final Clock clock;
  private final String owner = UUID.randomUUID().toString();

  /** Partitions held, with the local time until which processing them is safe. */
  private final Map<Integer, Instant> held = new ConcurrentHashMap<>();

  private final List<ReentrantLock> locks = new ArrayList<>();
  private volatile int liveMembers = 1;

  PartitionLeases(MongoDatabase db, int partitions, Clock clock) {
    this.leases = db.getCollection(COLLECTION);
    this.members = db.getCollection(MEMBERS);
    this.partitions = partitions;
    this.clock = clock;
    for (int p = 0; p < partitions; p++) {
      locks.add(new ReentrantLock());
    }
  }

  private volatile boolean ticked;

  String owner() {
    return owner;
  }

  int partitionOf(String partitionKey) {
    return Math.floorMod(partitionKey == null ? 0 : partitionKey.hashCode(), partitions);
  }

  /** Whether this process may process partition p now (its lease is held with margin to spare). */
  boolean holds(int p) {
    Instant until = held.get(p);
    return until != null && clock.instant().isBefore(until);
  }

  /**
   * The first claim, for a process that has not ticked yet: made on first use rather than when the
   * inbox is built, because the embedded MongoDB starts after the API's objects are wired. Once
   * made, it takes no lock: every webhook accept calls it, and the heartbeat ({@link #tick}, a
   * dozen MongoDB round trips under the same lock every 3 s) made each accept wait for it, up to a
   * second under load (issue 12; JFR monitor events).
   */
  void tickIfNeverTicked() {
    if (ticked) {
      return;
    }
    synchronized (this) {
      if (!ticked) {
        tick();
      }
    }
  }

  /**
   * Partitions claimed since start (a free or expired lease taken): each claim may bring events
   * another process, or this one before it lost the lease, left unprocessed.
   */
  long claims() {
    return claims;
  }

  private volatile long claims;

  /** Other API processes are alive: their partitions' events reach this one only by polling. */
  boolean shared() {
    return liveMembers > 1;
  }

  /** Taken while a batch of partition p is processed; a lease is given back only under it. */
  ReentrantLock lock(int p) {
    return locks.get(p);
  }

  /**
   * Heartbeat, renew, claim a fair share, give back the excess. A failure (MongoDB down) leaves the
   * held leases to run out locally: processing stops before another process can take them over.
   */
  synchronized void tick() {
    Instant now = clock.instant();
    Date expires = Date.from(now.plus(TTL));
    try {
      members.replaceOne(
          Filters.eq("_id", owner),
          new Document("_id", owner).append("expiresAt", expires),
          new ReplaceOptions().upsert(true));
      liveMembers =
          (int) Math.max(1, members.countDocuments(Filters.gt("expiresAt", Date.from(now))));
      int share = (partitions + liveMembers - 1) / liveMembers;
      List<Document> all = leases.find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
      if (all.size() < partitions) {
        for (int p = 0; p < partitions; p++) {
          createFree(p);
        }
        all = leases.find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
      }
      int mine = 0;
      for (Document d : all) {
        if (owner.equals(d.getString("owner")) && d.getInteger("_id") < partitions) {
          mine++;
        }
      }
      // Renew what is ours (one write per partition held).
      for (Document d : all) {
        int p = d.getInteger("_id");
        if (p < partitions && owner.equals(d.getString("owner"))) {
          if (mine > share) {
            release(p);
            LOG.info("webhook inbox partition {} given back (another API process joined)", p);
            mine--;
          } else if (renew(p, expires)) {
            held.put(p, now.plus(TTL).minus(MARGIN));
          } else {
            held.remove(p);
          }
        }
      }
      for (Document d : all) {
        int p = d.getInteger("_id");
        if (mine >= share || p >= partitions || owner.equals(d.getString("owner"))) {
          continue;
        }
        Date until = d.getDate("expiresAt");
        boolean free =
            d.getString("owner") == null || until == null || !until.after(Date.from(now));
        if (free && claim(p, d.get("owner"), until, expires)) {
          LOG.info(
              "webhook inbox partition {} claimed (was {})",
              p,
              d.get("owner") == null ? "free" : "expired");
          held.put(p, now.plus(TTL).minus(MARGIN));
          claims++;
          mine++;
        }
      }
      ticked = true;
    } catch (RuntimeException e) {
      LOG.warn("webhook inbox lease tick failed: {}", e.getMessage());
    }
  }

  private void createFree(int p) {
    try {
      leases.insertOne(
          new Document("_id", p).append("owner", null).append("expiresAt", new Date(0)));
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
        throw e;
      }
    }
  }

  private boolean renew(int p, Date expires) {
    return leases
            .updateOne(
                Filters.and(Filters.eq("_id", p), Filters.eq("owner", owner)),
                Updates.set("expiresAt", expires))
            .getMatchedCount()
        > 0;
  }

  /** Compare-and-set on the owner and expiry read: only one process wins a free partition. */
  private boolean claim(int p, Object previousOwner, Date previousExpiry, Date expires) {
    return leases
            .updateOne(
                Filters.and(
                    Filters.eq("_id", p),
                    Filters.eq("owner", previousOwner),
                    Filters.eq("expiresAt", previousExpiry)),
                Updates.combine(Updates.set("owner", owner), Updates.set("expiresAt", expires)))
            .getMatchedCount()
        > 0;
  }

  /** Gives partition p back once the batch in progress on it (if any) is done. */
  private void release(int p) {
    ReentrantLock lock = locks.get(p);
    lock.lock();
    try {
      held.remove(p);
      leases.updateOne(
          Filters.and(Filters.eq("_id", p), Filters.eq("owner", owner)),
          Updates.combine(Updates.set("owner", null), Updates.set("expiresAt", new Date(0))));
    } finally {
      lock.unlock();
    }
  }

  /** A clean stop: every partition given back at once, and this process leaves the members. */
  void releaseAll() {
    try {
      List<Integer> given = new ArrayList<>(held.keySet());
      for (int p : given) {
        release(p);
      }
      members.deleteOne(Filters.eq("_id", owner));
      if (!given.isEmpty()) {
        LOG.info("webhook inbox partitions {} given back (this process stops)", given);
      }
    } catch (RuntimeException e) {
      LOG.warn("webhook inbox leases not given back (they run out): {}", e.getMessage());
    }
  }
}
