package com.salesagent.api.webhook;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bson.Document;

/**
 * Inserts-once from concurrent callers (webhook requests) combined into shared unordered inserts: a
 * group commit. A caller queues its documents; if fewer than {@link #WRITERS} inserts are under way
 * it writes everything queued (up to {@link #MAX_DOCUMENTS}); otherwise it waits, and the next
 * insert carries its documents with the others that queued meanwhile. An idle inbox writes each
 * request at once, alone, as before; under load one command stores many requests' items, so the
 * cost per command (a round trip, a journal commit on a real MongoDB, the embedded server's command
 * handling: most of its cost for one document) is shared instead of paid per request.
 *
 * <p>Each caller gets its own answer, as if it had inserted alone: its documents stored now, those
 * already stored (a duplicate key, within the batch too: a redelivery racing the first delivery)
 * left out, and an error of one of its own documents thrown to it alone (a write concern error is
 * not one: as before, the documents are taken as stored). A failure of the whole command (MongoDB
 * unreachable, a timeout) is thrown to every caller of the batch: each answers an error and Meta
 * delivers again; what the command did store is found as duplicates then.
 */
final class GroupInsert {
  /** Most documents one insert carries (a bound on one command's latency, not on a request). */
  static final int MAX_DOCUMENTS = 1_000;

  /**
   * Inserts under way at once. One alone made the round trip a serial section: on a busy machine
   * its latency, not the work, capped the requests answered (~600/s on 2 cores at 4.4 requests per
   * insert, below the ~650-820/s of an insert per request).
   */
  static final int WRITERS = 2;

  private final MongoCollection<Document> collection;
  private final Object lock = new Object();
  private List<Pending> queue = new ArrayList<>();
  private int writing;
  private long commands;

  GroupInsert(MongoCollection<Document> collection) {
    this.collection = collection;
  }

  /** One caller's documents and, once written, its answer. */
  private static final class Pending {
    final List<Document> docs;
    boolean taken;
    boolean done;
    Set<Integer> duplicates;
    RuntimeException failure;

    Pending(List<Document> docs) {
      this.docs = docs;
    }
  }

  /** The documents stored now, in order (duplicates of stored ones left out). */
  List<Document> insertOnce(List<Document> docs) {
    if (docs.isEmpty()) {
      return docs;
    }
    Pending mine = new Pending(docs);
    synchronized (lock) {
      queue.add(mine);
    }
    while (true) {
      List<Pending> batch;
      synchronized (lock) {
        while (!mine.done && (mine.taken || writing >= WRITERS)) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!mine.taken) {
              queue.remove(mine); // not written: Meta's redelivery stores it
            }
            // Taken: its insert may store it; the redelivery then finds it stored, and the
            // inbox's poll processes it.
            throw new IllegalStateException("interrupted waiting for the inbox's insert", e);
          }
        }
        if (mine.done) {
          return answer(mine);
        }
        batch = take();
        writing++;
        commands++;
      }
      try {
        write(batch);
      } finally {
        synchronized (lock) {
          writing--;
          for (Pending p : batch) {
            if (!p.done) { // write() ended in an Error: no caller may wait for ever
              p.failure = new IllegalStateException("the inbox's insert did not finish");
              p.done = true;
            }
          }
          lock.notifyAll();
        }
      }
    }
  }

  /** Callers queued and not yet written (tests watch a batch form). */
  int queued() {
    synchronized (lock) {
      return queue.size();
    }
  }

  /** Inserts written so far (one per batch). */
  long commands() {
    synchronized (lock) {
      return commands;
    }
  }

  /** The queue's head, whole callers only, up to MAX_DOCUMENTS (at least one caller). */
  private List<Pending> take() {
    List<Pending> batch = new ArrayList<>();
    int n = 0;
    int i = 0;
    while (i < queue.size() && (batch.isEmpty() || n + queue.get(i).docs.size() <= MAX_DOCUMENTS)) {
      batch.add(queue.get(i));
      queue.get(i).taken = true;
      n += queue.get(i).docs.size();
      i++;
    }
    queue = new ArrayList<>(queue.subList(i, queue.size()));
    return batch;
  }

  private void write(List<Pending> batch) {
    List<Document> all = new ArrayList<>();
    batch.forEach(p -> all.addAll(p.docs));
    List<BulkWriteError> errors = List.of();
    RuntimeException whole = null;
    MongoBulkWriteException bulk = null;
    try {
      collection.insertMany(all, new InsertManyOptions().ordered(false));
    } catch (MongoBulkWriteException e) {
      errors = e.getWriteErrors();
      bulk = e;
    } catch (RuntimeException e) {
      whole = e;
    }
    synchronized (lock) {
      int start = 0;
      for (Pending p : batch) {
        int end = start + p.docs.size();
        p.duplicates = new HashSet<>();
        p.failure = whole;
        for (BulkWriteError error : errors) {
          if (error.getIndex() < start || error.getIndex() >= end) {
            continue;
          }
          if (ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY) {
            p.duplicates.add(error.getIndex() - start);
          } else {
            p.failure = bulk; // one of its own documents was refused (not a duplicate)
          }
        }
        p.done = true;
        start = end;
      }
    }
  }

  private static List<Document> answer(Pending p) {
    if (p.failure != null) {
      throw p.failure;
    }
    if (p.duplicates.isEmpty()) {
      return p.docs;
    }
    List<Document> stored = new ArrayList<>();
    for (int i = 0; i < p.docs.size(); i++) {
      if (!p.duplicates.contains(i)) {
        stored.add(p.docs.get(i));
      }
    }
    return stored;
  }
}
