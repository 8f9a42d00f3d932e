package com.salesagent.api.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.LeadStore;
import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.bson.BsonDocument;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's live events. With change streams (a replica set, or the embedded server's oplog)
 * it watches the regular collections {@code messages} (sent, delivered, read, failed), {@code
 * feedback} (replied, opted_out), {@code contacts} (enrolled; and opted_out, a lead told of its
 * number's suppression: {@link LeadStore#SUPPRESSED_AT}) and {@code webhook_events} (Meta's
 * marketing stop); time-series collections have no change streams, so interaction_history is not
 * watched. Without change streams (a standalone mongod) it tails the same collections by their
 * store-time fields every {@code pollMillis}. Each event goes to every subscriber's bounded queue
 * (a slow browser loses its oldest events, never blocks the feed), followed by the funnel counters
 * read from the incremental campaign counters.
 */
public final class LiveFeed implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);

  /** One server-sent event: {@code event} is feed or counters; {@code data} is JSON. */
  public record Event(long id, String event, String data) {}

  static final Event END = new Event(-1, "end", "{}");

  /**
   * What the feed follows besides whole collections: contacts told of their number's suppression
   * (an update of {@code contacts}; polled by {@link LeadStore#SUPPRESSED_AT}).
   */
  static final String SUPPRESSED = "contacts#suppressed";

  /**
   * Leads given an outcome (converted, lost: an update of {@code contacts} that sets {@code
   * outcome}; polled by {@code outcome.at}).
   */
  static final String OUTCOME = "contacts#outcome";

  private final MongoDatabase db;
  private final BooleanSupplier changeStreamsAvailable;
  private volatile boolean changeStreams;
  private final long pollMillis;
  private final FunnelStats funnel;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong ids = new AtomicLong();
  private final List<BlockingQueue<Event>> subscribers = new CopyOnWriteArrayList<>();
  private final Map<String, String> lastStatus =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> e) {
              return size() > 50_000;
            }
          });
  private final List<Thread> watchers = new ArrayList<>();
  private final List<MongoChangeStreamCursor<?>> cursors = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService scheduler;
  private ScheduledFuture<?> pendingCounters;
  private volatile boolean running;

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
    this.idleGrace = idleGrace;
    this.db = db;
    this.changeStreamsAvailable = changeStreams;
    this.pollMillis = pollMillis;
    this.funnel = new FunnelStats(db);
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

  static final int REPLAY = 500;
  private final ArrayDeque<Event> recent = new ArrayDeque<>();

  public void unsubscribe(BlockingQueue<Event> q) {
    subscribers.remove(q);
  }

  @Override
  public void start() {
    running = true;
    changeStreams = changeStreamsAvailable.getAsBoolean();
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "live-feed"));
    List<String> watched =
        List.of(
            Collections.MESSAGES,
            Collections.FEEDBACK,
            Collections.CONTACTS,
            Collections.WEBHOOK_EVENTS);
    if (changeStreams) {
      // contacts' stream carries the suppressed leads too (updates that set SUPPRESSED_AT).
      for (String name : watched) {
        Thread t = new Thread(() -> watch(name), "live-feed-" + name);
        t.setDaemon(true);
        watchers.add(t);
        t.start();
      }
    } else {
      Map<String, Date> since = new LinkedHashMap<>();
      Date now = new Date();
      watched.forEach(n -> since.put(n, now));
      since.put(SUPPRESSED, now);
      since.put(OUTCOME, now);
      scheduler.scheduleWithFixedDelay(
          () -> tail(since), pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void stop() {
    running = false;
    cursors.forEach(
        c -> {
          try {
            c.close();
          } catch (RuntimeException e) {
            // closing while the watcher reads: it ends either way
          }
        });
    watchers.forEach(Thread::interrupt);
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

  /**
   * Follows one collection's change stream. When the stream breaks it is reopened after the last
   * resume token seen (resumeAfter), so the events written while it was down are delivered; only
   * when the server no longer has that point (the oplog rolled over) does it start afresh, and says
   * so.
   */
  private void watch(String name) {
    MongoCollection<Document> coll = db.getCollection(name);
    ResumePoint resume = new ResumePoint();
    while (running) {
      ChangeStreamIterable<Document> stream =
          coll.watch(
                  List.of(
                      Aggregates.match(
                          Collections.CONTACTS.equals(name)
                              ? Filters.or(
                                  Filters.eq("operationType", "insert"),
                                  Filters.and(
                                      Filters.eq("operationType", "update"),
                                      Filters.or(
                                          Filters.exists(
                                              "updateDescription.updatedFields."
                                                  + LeadStore.SUPPRESSED_AT),
                                          Filters.exists(
                                              "updateDescription.updatedFields.outcome"))))
                              : Filters.in(
                                  "operationType",
                                  Collections.MESSAGES.equals(name)
                                      ? List.of("insert", "update", "replace")
                                      : List.of("insert")))))
              .fullDocument(FullDocument.UPDATE_LOOKUP);
      BsonDocument token = resume.token();
      if (token != null) {
        stream = stream.resumeAfter(token);
      }
      try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor = stream.cursor()) {
        cursors.add(cursor);
        try {
          follow(name, coll, cursor, resume);
        } finally {
          cursors.remove(cursor);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        if (token != null && ResumePoint.isLost(e)) {
          LOG.warn(
              "change stream on {} cannot resume (the oplog no longer holds its last point);"
                  + " reopening from now: events in between are missing from the feed",
              name);
          resume.clear();
        } else {
          LOG.warn(
              "change stream on {} broke ({}); reopening after its last event",
              name,
              e.getClass().getSimpleName());
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private void follow(
      String name,
      MongoCollection<Document> coll,
      MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor,
      ResumePoint resume)
      throws InterruptedException {
    while (running) {
      ChangeStreamDocument<Document> change = cursor.tryNext();
      if (change == null) {
        // An empty batch may still move the point (postBatchResumeToken).
        resume.advance(cursor.getResumeToken());
        Thread.sleep(50);
        continue;
      }
      Document doc = change.getFullDocument();
      if (doc == null && change.getDocumentKey() != null) {
        BsonDocument key = change.getDocumentKey();
        doc = coll.find(new Document("_id", key.get("_id"))).first();
      }
      if (doc != null) {
        boolean inserted = "insert".equals(change.getOperationType().getValue());
        onChange(!inserted && setsOutcome(name, change) ? OUTCOME : name, inserted, doc);
      }
      // After delivering: a break before this line delivers the change again, never loses it.
      resume.advance(
          change.getResumeToken() != null ? change.getResumeToken() : cursor.getResumeToken());
    }
  }

  /**
   * An update of a contact that set its outcome (the other contacts updates watched: SUPPRESSED).
   */
  private static boolean setsOutcome(String name, ChangeStreamDocument<Document> change) {
    return Collections.CONTACTS.equals(name)
        && change.getUpdateDescription() != null
        && change.getUpdateDescription().getUpdatedFields() != null
        && change.getUpdateDescription().getUpdatedFields().containsKey("outcome");
  }

  /** Test hook: breaks every open change stream as a network failure would. */
  void breakStreams() {
    cursors.forEach(
        c -> {
          try {
            c.close();
          } catch (RuntimeException e) {
            // the watcher sees the break either way
          }
        });
  }

  /** How many change streams are open now. */
  int openStreams() {
    return cursors.size();
  }

  /** How far back each poll looks again: writers stamp before they commit, in any order. */
  static final long OVERLAP_MILLIS = 2_000;

  /**
   * The fallback: documents stored or changed since the last poll, by store-time field. Writers
   * (webhook partitions, enrolments) take their timestamp before their write commits, so a document
   * can appear with a time below one already seen: every poll looks {@link #OVERLAP_MILLIS} back
   * and skips what it has delivered (by id and time, so a message's later status still counts).
   */
  private void tail(Map<String, Date> since) {
    boolean deliver = true;
    if (subscribers.isEmpty()) {
      if (paused) {
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
        // This pass only notes what is stored already (within the overlap), so a writer that
        // stamped its document before this moment and commits after is still news.
        Date now = new Date();
        since.replaceAll((collection, last) -> now);
        delivered.clear();
        deliver = false;
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
          if (!deliver) {
            continue; // known before the watcher came: not news to it (last stays: now)
          }
          if (t.after(last)) {
            last = t;
          }
          onChange(e.getKey(), !Collections.MESSAGES.equals(e.getKey()), doc);
        }
        long horizon = last.getTime() - OVERLAP_MILLIS;
        seen.values().removeIf(t -> t < horizon);
        e.setValue(last);
      }
    } catch (RuntimeException ex) {
      LOG.warn("live feed poll failed: {}", ex.toString());
    }
  }

  private final Map<String, Map<String, Long>> delivered = new HashMap<>();

  private final Duration idleGrace;
  private final AtomicLong polls = new AtomicLong();
  private long idleSince;
  // Nobody has watched yet: nothing to tail (a browser of an earlier process replays nothing).
  private boolean paused = true;

  /** Polls of MongoDB so far by the fallback (0 with change streams). */
  public long polls() {
    return polls.get();
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

  /** Turns a stored change into a feed event (or nothing). */
  void onChange(String collection, boolean inserted, Document doc) {
    Map<String, Object> e = new LinkedHashMap<>();
    switch (collection) {
      case Collections.MESSAGES -> {
        String status = doc.getString("status");
        String kind = "accepted".equals(status) ? "sent" : status;
        if (!List.of("sent", "delivered", "read", "failed").contains(kind)) {
          return;
        }
        String key = doc.getString("idempotencyKey");
        if (Objects.equals(lastStatus.put(key, kind), kind)) {
          return; // a change that did not move the status
        }
        e.put("kind", kind);
        e.put("leadId", doc.getString("leadId"));
        e.put("variantId", doc.getString("variantId"));
        e.put("purpose", doc.getString("purpose"));
      }
      case Collections.FEEDBACK -> {
        if (!inserted) {
          return;
        }
        e.put("kind", "opt_out".equals(doc.getString("intent")) ? "opted_out" : "replied");
        e.put("leadId", doc.getString("leadId"));
        e.put("intent", doc.getString("intent"));
        e.put("text", doc.getString("text"));
      }
      case Collections.CONTACTS, SUPPRESSED -> {
        if (SUPPRESSED.equals(collection) || !inserted) {
          // A lead told of its number's suppression (the only contacts update watched or polled).
          if (doc.get(LeadStore.SUPPRESSED_AT) == null) {
            return;
          }
          e.put("kind", "opted_out");
          e.put("source", doc.getString("doNotContactSource"));
        } else {
          e.put("kind", "enrolled");
        }
        e.put("leadId", doc.getString("leadId"));
        e.put("campaignId", doc.getString("campaignId"));
      }
      case OUTCOME -> {
        Document outcome = doc.get("outcome", Document.class);
        String value = outcome == null ? null : outcome.getString("value");
        if (!"converted".equals(value) && !"lost".equals(value)) {
          return;
        }
        e.put("kind", value);
        e.put("leadId", doc.getString("leadId"));
        e.put("campaignId", doc.getString("campaignId"));
      }
      case Collections.WEBHOOK_EVENTS -> {
        Document item = doc.get("item", Document.class);
        if (!inserted
            || !"preference".equals(doc.getString("kind"))
            || item == null
            || !"stop".equalsIgnoreCase(item.getString("value"))) {
          return;
        }
        e.put("kind", "opted_out");
        e.put("source", "marketing_preference");
      }
      default -> {
        return;
      }
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
