package com.salesagent.api.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.LeadStore;
import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.bson.Document;

/**
 * The dashboard's live events. With change streams (a replica set, or the embedded server's oplog)
 * it watches the regular collections {@code messages} (sent, delivered, read, failed), {@code
 * feedback} (replied, opted_out), {@code contacts} (enrolled; and opted_out, a lead told of its
 * number's suppression: {@link LeadStore#SUPPRESSED_AT}) and {@code webhook_events} (Meta's
 * marketing stop) ({@link ChangeStreamSource}); time-series collections have no change streams, so
 * interaction_history is not watched. Without change streams (a standalone mongod) it tails the
 * same collections by their store-time fields every {@code pollMillis} ({@link PollingSource}).
 * Each change it tells ({@link FeedEvents}) goes to every subscriber's bounded queue (a slow
 * browser loses its oldest events, never blocks the feed), followed by the funnel counters read
 * from the incremental campaign counters; the last {@value #REPLAY} are kept for a browser that
 * reconnects.
 */
public final class LiveFeed implements Managed {
  /** One server-sent event: {@code event} is feed or counters; {@code data} is JSON. */
  public record Event(long id, String event, String data) {}

  static final Event END = new Event(-1, "end", "{}");

  private final MongoDatabase db;
  private final BooleanSupplier changeStreamsAvailable;
  private volatile boolean changeStreams;
  private final FunnelStats funnel;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong ids = new AtomicLong();
  private final List<BlockingQueue<Event>> subscribers = new CopyOnWriteArrayList<>();
  static final int REPLAY = 500;
  private final ArrayDeque<Event> recent = new ArrayDeque<>();
  private final FeedEvents feedEvents = new FeedEvents();
  private final ChangeStreamSource streams;
  private final PollingSource polling;
  private FeedSource source;
  private ScheduledExecutorService scheduler;
  private ScheduledFuture<?> pendingCounters;

  /**
   * How long the polling fallback goes on after the last dashboard closed: a browser reconnecting
   * within it gets what it missed replayed; after it the feed stops reading MongoDB until someone
   * watches again (then it starts from that moment). It starts so, before anyone has watched. On
   * the embedded MongoDB-wire server each poll scans four collections, every 500 ms, and that cost
   * grows with them (issue 12).
   */
  public static final Duration IDLE_GRACE = Duration.ofSeconds(60);

  /** {@code changeStreams} is asked at start, once the connection knows the server. */
  public LiveFeed(MongoDatabase db, BooleanSupplier changeStreams, long pollMillis) {
    this(db, changeStreams, pollMillis, IDLE_GRACE);
  }

  public LiveFeed(
      MongoDatabase db, BooleanSupplier changeStreams, long pollMillis, Duration idleGrace) {
    this.db = db;
    this.changeStreamsAvailable = changeStreams;
    this.funnel = new FunnelStats(db);
    this.streams = new ChangeStreamSource(db, this::onChange);
    this.polling =
        new PollingSource(db, this::onChange, subscribers::isEmpty, pollMillis, idleGrace);
  }

  public boolean usesChangeStreams() {
    return changeStreams;
  }

  /** A new subscriber's queue; the current counters are in it already. */
  public BlockingQueue<Event> subscribe() {
    return subscribe(null);
  }

  /**
   * A new subscriber's queue. With the id of the last event a reconnecting browser saw, the feed
   * events it missed come first (from the last {@value #REPLAY} kept here; ids of an earlier
   * process are ignored), less those of a lead whose erasure was requested since (a reply's text),
   * then the current counters.
   */
  public BlockingQueue<Event> subscribe(Long lastEventId) {
    polling.watched(); // what is stored from now on is news to this subscriber
    BlockingQueue<Event> q = new ArrayBlockingQueue<>(1000);
    Event counters = countersEvent(); // a MongoDB read: not under the lock
    java.util.Set<String> erased = java.util.Set.of();
    if (lastEventId != null) {
      List<Event> missed = new ArrayList<>();
      synchronized (recent) {
        recent.stream().filter(e -> e.id() > lastEventId).forEach(missed::add);
      }
      erased = erased(missed); // a MongoDB read too
    }
    synchronized (recent) {
      long newest = recent.isEmpty() ? 0 : recent.peekLast().id();
      if (lastEventId != null && lastEventId <= newest) {
        for (Event e : recent) {
          if (e.id() > lastEventId && !erased.contains(leadIdOf(e)) && q.remainingCapacity() > 1) {
            q.offer(e);
          }
        }
      }
      q.offer(counters);
      subscribers.add(q);
    }
    return q;
  }

  /**
   * The leads of these events whose erasure was requested: their contact is marked ({@link
   * LeadStore#ERASURE}) or, once the erasure's last pass removed it, the request is in {@code
   * audit_log} (read from the oldest event's time on, by its index on {@code at}).
   */
  private java.util.Set<String> erased(List<Event> events) {
    java.util.Set<String> ids = new java.util.HashSet<>();
    Instant oldest = null;
    for (Event e : events) {
      String leadId = leadIdOf(e);
      if (leadId != null) {
        ids.add(leadId);
        Instant at = atOf(e);
        if (at != null && (oldest == null || at.isBefore(oldest))) {
          oldest = at;
        }
      }
    }
    if (ids.isEmpty()) {
      return java.util.Set.of();
    }
    java.util.Set<String> erased = new java.util.HashSet<>();
    db.getCollection(Collections.CONTACTS)
        .find(Filters.and(Filters.in("leadId", ids), Filters.exists(LeadStore.ERASURE, true)))
        .projection(new Document("leadId", 1))
        .forEach(d -> erased.add(d.getString("leadId")));
    db.getCollection(Collections.AUDIT_LOG)
        .find(
            Filters.and(
                Filters.gte("at", Date.from(oldest == null ? Instant.EPOCH : oldest)),
                Filters.eq("action", "lead_erasure_requested"),
                Filters.in("leadId", ids)))
        .projection(new Document("leadId", 1))
        .forEach(d -> erased.add(d.getString("leadId")));
    return erased;
  }

  /** When a feed event was published, or null. */
  private Instant atOf(Event e) {
    try {
      String at = json.readTree(e.data()).path("at").asText(null);
      return at == null ? null : Instant.parse(at);
    } catch (JsonProcessingException | java.time.format.DateTimeParseException ex) {
      return null;
    }
  }

  /** The lead a feed event names, or null. */
  private String leadIdOf(Event e) {
    try {
      String leadId = json.readTree(e.data()).path("leadId").asText(null);
      return leadId == null || leadId.isEmpty() ? null : leadId;
    } catch (JsonProcessingException ex) {
      return null;
    }
  }

  public void unsubscribe(BlockingQueue<Event> q) {
    subscribers.remove(q);
  }

  @Override
  public void start() {
    changeStreams = changeStreamsAvailable.getAsBoolean();
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "live-feed"));
    source = changeStreams ? streams : polling;
    source.start(scheduler);
  }

  @Override
  public void stop() {
    if (source != null) {
      source.stop();
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    endStreams();
  }

  /**
   * Ends every open stream (each gets the end marker): called when the HTTP server starts stopping,
   * so a graceful shutdown does not wait for browsers that never hang up.
   */
  public void endStreams() {
    subscribers.forEach(
        q -> {
          q.clear(); // a full queue must still take the end
          q.offer(END);
        });
  }

  /** Test hook: breaks every open change stream as a network failure would. */
  void breakStreams() {
    streams.breakStreams();
  }

  /** How many change streams are open now. */
  int openStreams() {
    return streams.openStreams();
  }

  /** Polls of MongoDB so far by the fallback (0 with change streams). */
  public long polls() {
    return polling.polls();
  }

  /** Turns a stored change into a feed event (or nothing). */
  private void onChange(String collection, boolean inserted, Document doc) {
    Map<String, Object> e = feedEvents.of(collection, inserted, doc);
    if (e == null) {
      return;
    }
    e.put("at", Instant.now().toString());
    publish(new Event(ids.incrementAndGet(), "feed", write(e)));
    scheduleCounters();
  }

  private synchronized void scheduleCounters() {
    if (scheduler == null || (pendingCounters != null && !pendingCounters.isDone())) {
      return;
    }
    pendingCounters =
        scheduler.schedule(() -> publish(countersEvent()), 250, TimeUnit.MILLISECONDS);
  }

  private Event countersEvent() {
    return new Event(ids.incrementAndGet(), "counters", write(funnel.totals(null, null, null)));
  }

  private void publish(Event event) {
    synchronized (recent) {
      if ("feed".equals(event.event())) {
        recent.addLast(event);
        if (recent.size() > REPLAY) {
          recent.removeFirst();
        }
      }
      for (BlockingQueue<Event> q : subscribers) {
        while (!q.offer(event)) {
          q.poll(); // full: drop the oldest
        }
      }
    }
  }

  private String write(Object o) {
    try {
      return json.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
