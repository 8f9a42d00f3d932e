package com.salesagent.api.dashboard;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live feed's changes without change streams (a standalone mongod, the embedded server): the
 * {@link #WATCHED} collections, {@link #SUPPRESSED} and {@link #OUTCOME} tailed by their store-time
 * fields every {@code pollMillis} on the feed's thread, while someone watches and for {@code
 * idleGrace} after the last one left (then not until someone watches again, from that moment).
 */
final class PollingSource implements FeedSource {
  private static final Logger LOG = LoggerFactory.getLogger(PollingSource.class);

  /** How far back each poll looks again: writers stamp before they commit, in any order. */
  static final long OVERLAP_MILLIS = 2_000;

  private final MongoDatabase db;
  private final Changes changes;
  private final BooleanSupplier nobodyWatches;
  private final long pollMillis;
  private final Duration idleGrace;
  private final Map<String, Map<String, Long>> delivered = new HashMap<>();
  private final AtomicLong polls = new AtomicLong();
  private long idleSince;
  // Nobody has watched yet: nothing to tail (a browser of an earlier process replays nothing).
  private boolean paused = true;
  private ScheduledFuture<?> polling;
  // When the first dashboard since the pause subscribed (wall clock ms; 0: none): what is stored
  // from then on is news to it, also what the pass that resumes the tail finds.
  private final AtomicLong watchedAt = new AtomicLong();

  PollingSource(
      MongoDatabase db,
      Changes changes,
      BooleanSupplier nobodyWatches,
      long pollMillis,
      Duration idleGrace) {
    this.db = db;
    this.changes = changes;
    this.nobodyWatches = nobodyWatches;
    this.pollMillis = pollMillis;
    this.idleGrace = idleGrace;
  }

  /** A dashboard subscribes ({@link LiveFeed#subscribe}): called before it is told anything. */
  void watched() {
    watchedAt.compareAndSet(0, System.currentTimeMillis());
  }

  @Override
  public void start(ScheduledExecutorService feedThread) {
    Map<String, Date> since = new LinkedHashMap<>();
    Date now = new Date();
    WATCHED.forEach(n -> since.put(n, now));
    since.put(SUPPRESSED, now);
    since.put(OUTCOME, now);
    polling =
        feedThread.scheduleWithFixedDelay(
            () -> tail(since), pollMillis, pollMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    if (polling != null) {
      polling.cancel(true);
    }
  }

  /** Polls of MongoDB so far. */
  long polls() {
    return polls.get();
  }

  /**
   * Documents stored or changed since the last poll, by store-time field. Writers (webhook
   * partitions, enrolments) take their timestamp before their write commits, so a document can
   * appear with a time below one already seen: every poll looks {@link #OVERLAP_MILLIS} back and
   * skips what it has delivered (by id and time, so a message's later status still counts).
   */
  private void tail(Map<String, Date> since) {
    // Stored from this time on is news, also in the pass that resumes the tail (MIN_VALUE: all).
    long newsFrom = Long.MIN_VALUE;
    if (nobodyWatches.getAsBoolean()) {
      if (paused) {
        watchedAt.set(0); // a dashboard that came and went before this pass: nobody to tell
        return;
      }
      long now = System.nanoTime();
      if (idleSince == 0) {
        idleSince = now;
      }
      if (now - idleSince >= idleGrace.toNanos()) {
        paused = true;
        return;
      }
    } else {
      idleSince = 0;
      if (paused) {
        // Someone watches again: from now on (what happened meanwhile is in the pages' data).
        paused = false;
        // This pass notes what was stored before the dashboard came (within the overlap, so a
        // writer that stamped its document before this moment and commits after is still news)
        // and pushes what was stored since it came: up to a poll interval before this pass.
        long now = System.currentTimeMillis();
        long came = watchedAt.getAndSet(0);
        newsFrom = came == 0 ? now : Math.min(came, now);
        Date start = new Date(newsFrom);
        since.replaceAll((collection, last) -> start);
        delivered.clear();
      }
    }
    polls.incrementAndGet();
    try {
      for (Map.Entry<String, Date> e : since.entrySet()) {
        String field = timeField(e.getKey());
        Date last = e.getValue();
        Map<String, Long> seen = delivered.computeIfAbsent(e.getKey(), k -> new HashMap<>());
        for (Document doc :
            db.getCollection(
                    SUPPRESSED.equals(e.getKey()) || OUTCOME.equals(e.getKey())
                        ? Collections.CONTACTS
                        : e.getKey())
                .find(Filters.gte(field, new Date(last.getTime() - OVERLAP_MILLIS)))
                .sort(Sorts.ascending(field))
                .limit(2_000)) {
          Date t = dateAt(doc, field);
          if (t == null
              || seen.putIfAbsent(doc.get("_id") + "|" + t.getTime(), t.getTime()) != null) {
            continue;
          }
          if (t.getTime() < newsFrom) {
            continue; // stored before the watcher came: not news to it (last stays)
          }
          if (t.after(last)) {
            last = t;
          }
          changes.onChange(e.getKey(), !Collections.MESSAGES.equals(e.getKey()), doc);
        }
        long horizon = last.getTime() - OVERLAP_MILLIS;
        seen.values().removeIf(t -> t < horizon);
        e.setValue(last);
      }
    } catch (RuntimeException ex) {
      LOG.warn("live feed poll failed: {}", ex.toString());
    }
  }

  /** The date at a dotted path of the document ({@code outcome.at}), or null. */
  private static Date dateAt(Document doc, String path) {
    Object v = doc.getEmbedded(List.of(path.split("\\.")), Object.class);
    return v instanceof Date d ? d : null;
  }

  static String timeField(String collection) {
    return switch (collection) {
      case Collections.MESSAGES -> "updatedAt";
      case Collections.FEEDBACK -> "storedAt";
      case Collections.CONTACTS -> "enrolledAt";
      case SUPPRESSED -> LeadStore.SUPPRESSED_AT;
      case OUTCOME -> "outcome.at";
      default -> "receivedAt";
    };
  }
}
