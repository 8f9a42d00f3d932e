package com.salesagent.api.dashboard;

import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import org.bson.BsonDocument;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live feed's changes from MongoDB's change streams (a replica set, or the embedded server's
 * oplog): one thread a {@link #WATCHED} collection; {@code contacts}' stream carries the suppressed
 * leads ({@link #SUPPRESSED}: updates that set {@link LeadStore#SUPPRESSED_AT}) and the outcomes
 * ({@link #OUTCOME}) too.
 */
final class ChangeStreamSource implements FeedSource {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeStreamSource.class);

  private final MongoDatabase db;
  private final Changes changes;
  private final List<Thread> watchers = new ArrayList<>();
  private final List<MongoChangeStreamCursor<?>> cursors = new CopyOnWriteArrayList<>();
  private volatile boolean running;

  ChangeStreamSource(MongoDatabase db, Changes changes) {
    this.db = db;
    this.changes = changes;
  }

  @Override
  public void start(ScheduledExecutorService feedThread) {
    running = true;
    for (String name : WATCHED) {
      Thread t = new Thread(() -> watch(name), "live-feed-" + name);
      t.setDaemon(true);
      watchers.add(t);
      t.start();
    }
  }

  @Override
  public void stop() {
    running = false;
    closeCursors(); // closing while a watcher reads: it ends either way
    watchers.forEach(Thread::interrupt);
  }

  /** Test hook: breaks every open change stream as a network failure would. */
  void breakStreams() {
    closeCursors(); // the watcher sees the break either way
  }

  private void closeCursors() {
    cursors.forEach(
        c -> {
          try {
            c.close();
          } catch (RuntimeException e) {
            // see the callers
          }
        });
  }

  /** How many change streams are open now. */
  int openStreams() {
    return cursors.size();
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
        changes.onChange(!inserted && setsOutcome(name, change) ? OUTCOME : name, inserted, doc);
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
}
