package com.salesagent.activities.variants;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.PushOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * Variant counters incremented at most once per event, whatever fails and is retried. Without
 * multi-document transactions, the counter document itself is the only place where "incremented"
 * and "already done" can be written together: each batch of events gets an id; every event is first
 * bound to its batch in a ledger ({@code variant_counted}, one document per event key: a second
 * binding of the same event is a duplicate key), then the batch's sums go into the counter
 * documents with the batch id in a bounded list ({@code batches}), each update filtered on that id
 * not being there. A retried event finds its ledger entry, and its batch is applied again: counter
 * documents that already have the batch skip it (their upsert meets the unique key), the others
 * (those a partial bulk failure left out) get it. So an event is counted once even when a retry
 * groups it with other events, and whether the first attempt wrote all, some or none of its
 * counters. The ledger is dropped after the inbox's retention; {@link #KEEP} batch ids per counter
 * document cover retries that come before that many later batches reach the same document (a relay
 * comes within seconds; after that the event is marked applied in the inbox).
 *
 * <p>Counter documents are sharded ({@code shard}): the inbox counts each partition's events into
 * that partition's documents, so the writers of one partition (one process at a time, by its lease)
 * never queue behind another's on one hot document, and each document's list grows with its own
 * partition's batches only. The list is what every update reads and rewrites: with one document for
 * all partitions it held 2,000 ids, and on the embedded server that list alone halved the ingest's
 * p50 when it was cut to 50 (BENCHMARKS.md); now {@link #KEEP} per shard covers as many of a
 * partition's later batches as 2,000 covered of all of them together at eight partitions. A
 * partition's retry follows its own batches (the lease moves a partition whole), so the cover is
 * the one that matters. Readers sum the shards ({@link VariantStats}); documents written before
 * shards have no {@code shard} field, and a ledger entry left from then is applied to them.
 */
public final class CountedOnce {
  public static final String LEDGER = "variant_counted";
  public static final int KEEP = 500;

  /** The shard of counts that come from outside the inbox's partitions (an operator's outcome). */
  public static final int OUTSIDE = 0;

  private final MongoCollection<Document> stats;
  private final MongoCollection<Document> ledger;

  public CountedOnce(MongoDatabase db) {
    this.stats = db.getCollection(VariantStats.COLLECTION);
    this.ledger = db.getCollection(LEDGER);
  }

  /** One count of one event. */
  public record Count(
      String eventKey, String variantId, String segment, String counter, Instant at) {}

  /** Counts each event at most once (see the class comment), in the {@link #OUTSIDE} shard. */
  public void incrementAll(List<Count> counts) {
    incrementAll(counts, OUTSIDE);
  }

  /** Counts each event at most once (see the class comment) in the counter documents of a shard. */
  public void incrementAll(List<Count> counts, int shard) {
    List<Document> entries = new ArrayList<>();
    String batch = new ObjectId().toHexString();
    Set<String> seen = new HashSet<>();
    for (Count c : counts) {
      if (c.variantId() == null
          || !VariantStats.COUNTERS.contains(c.counter())
          || !seen.add(c.eventKey())) {
        continue;
      }
      entries.add(
          new Document("_id", c.eventKey())
              .append("batch", batch)
              .append("variantId", c.variantId())
              .append("segment", c.segment() == null ? "default" : c.segment())
              .append("day", c.at().atOffset(ZoneOffset.UTC).toLocalDate().toString())
              .append("counter", c.counter())
              .append("shard", shard)
              .append("at", new Date()));
    }
    if (entries.isEmpty()) {
      return;
    }
    List<Document> fresh = new ArrayList<>(entries);
    Set<String> earlier = new LinkedHashSet<>();
    try {
      ledger.insertMany(entries, new InsertManyOptions().ordered(false));
    } catch (MongoBulkWriteException e) {
      Set<Integer> bound = new HashSet<>();
      for (var error : e.getWriteErrors()) {
        if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
          throw e;
        }
        bound.add(error.getIndex());
      }
      fresh.clear();
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < entries.size(); i++) {
        if (bound.contains(i)) {
          keys.add(entries.get(i).getString("_id"));
        } else {
          fresh.add(entries.get(i));
        }
      }
      for (Document d : ledger.find(Filters.in("_id", keys))) {
        earlier.add(d.getString("batch"));
      }
    }
    apply(batch, fresh);
    // Events bound to an earlier batch (a retry): that batch again, wherever it is missing.
    for (String b : earlier) {
      apply(b, ledger.find(Filters.eq("batch", b)).into(new ArrayList<>()));
    }
  }

  private void apply(String batch, List<Document> entries) {
    Map<List<Object>, Map<String, Long>> sums = new LinkedHashMap<>();
    for (Document e : entries) {
      // An entry from before shards (no "shard") was applied to the documents of then.
      sums.computeIfAbsent(
              java.util.Arrays.asList(
                  e.getString("variantId"),
                  e.getString("segment"),
                  e.getString("day"),
                  e.getInteger("shard")),
              k -> new LinkedHashMap<>())
          .merge(e.getString("counter"), 1L, Long::sum);
    }
    List<WriteModel<Document>> models = new ArrayList<>();
    sums.forEach(
        (key, n) -> {
          List<Bson> update = new ArrayList<>();
          n.forEach((counter, v) -> update.add(Updates.inc(counter, v)));
          update.add(Updates.pushEach("batches", List.of(batch), new PushOptions().slice(-KEEP)));
          models.add(
              new UpdateOneModel<>(
                  Filters.and(
                      Filters.eq("variantId", key.get(0)),
                      Filters.eq("segment", key.get(1)),
                      Filters.eq("day", key.get(2)),
                      key.get(3) == null
                          ? Filters.exists("shard", false)
                          : Filters.eq("shard", key.get(3)),
                      Filters.ne("batches", batch)),
                  Updates.combine(update),
                  new UpdateOptions().upsert(true)));
        });
    // Twice at most: a duplicate key is either a document that has the batch already (done) or
    // one another writer created meanwhile (the second attempt updates it).
    List<WriteModel<Document>> pending = models;
    for (int attempt = 0; attempt < 2 && !pending.isEmpty(); attempt++) {
      try {
        stats.bulkWrite(pending, new BulkWriteOptions().ordered(false));
        return;
      } catch (MongoBulkWriteException e) {
        List<WriteModel<Document>> again = new ArrayList<>();
        for (var error : e.getWriteErrors()) {
          if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
            throw e;
          }
          again.add(pending.get(error.getIndex()));
        }
        pending = again;
      }
    }
  }

  /** Drops ledger entries older than {@code before} (the inbox's retention). */
  public long dropBefore(Instant before) {
    return ledger.deleteMany(Filters.lt("at", Date.from(before))).getDeletedCount();
  }
}
