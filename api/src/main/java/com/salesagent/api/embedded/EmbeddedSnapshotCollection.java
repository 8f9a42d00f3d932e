package com.salesagent.api.embedded;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryParameters;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The memory backend's collection, answering snapshots instead of its stored documents. The memory
 * backend (mongo-java-server 1.47) updates a stored document in place (its top-level keys removed
 * and put one by one, under the collection's lock) and answers a query with the stored documents
 * themselves, which the wire encoder then reads after the lock is released: a read racing an update
 * could see half of it, or fail with a ConcurrentModificationException that closed the connection
 * and failed every operation in flight on it (an enrolment answered 500 during a 200-lead burst).
 * Here each document a query answers (find, aggregate, findAndModify) is copied under the same
 * lock. The backend's own reads on the way to a change (findAndModify, delete) keep the stored
 * documents: they change them. One level is enough: an update replaces the nested values it changes
 * with fresh copies (copied before its operators run), it never changes a stored one in place.
 */
final class EmbeddedSnapshotCollection extends MemoryCollection {
  /** The first {@code $match} of the aggregate this thread is running, and its collection. */
  record FirstMatch(String collection, Document match) {}

  static final ThreadLocal<FirstMatch> FIRST_MATCH = new ThreadLocal<>();

  /**
   * The source of an aggregate whose first stage is a {@code $match}: only the documents it
   * matches, copies as every answer here (before, every document of the collection was copied, then
   * matched), found from an index when the match pins an indexed key. The stage then matches again,
   * on those. Taken once, by the aggregate's own collection (not a {@code $lookup}'s).
   */
  @Override
  public java.util.stream.Stream<Document> queryAllAsStream() {
    FirstMatch first = FIRST_MATCH.get();
    if (first != null && first.collection().equals(getCollectionName())) {
      FIRST_MATCH.remove();
      List<Document> matched = narrowedMatches(first.match());
      if (matched != null) {
        return matched.stream();
      }
    }
    return super.queryAllAsStream();
  }

  private synchronized List<Document> narrowedMatches(Document match) {
    List<Document> out = new ArrayList<>();
    Iterable<Integer> positions = served(match);
    if (positions == null) {
      positions = candidates(match, null);
    }
    if (positions == null) {
      // No key to narrow by: every document is matched, but only the matches are copied.
      streamAllDocumentsWithPosition()
          .map(de.bwaldvogel.mongo.backend.DocumentWithPosition::getDocument)
          .filter(d -> documentMatchesQuery(d, match))
          .forEach(d -> out.add(new Document(d)));
      return out;
    }
    narrowed.incrementAndGet();
    for (Integer position : positions) {
      Document d = getDocument(position);
      if (d != null && documentMatchesQuery(d, match)) {
        out.add(new Document(d));
      }
    }
    return out;
  }

  /**
   * Not kept: the collection's data size (what {@code collStats} reports as {@code size}), which
   * the memory backend keeps by encoding every inserted, deleted and updated document to BSON (an
   * update both its old and its new document): 22 % of the server's update samples in a profile of
   * webhook ingest, for a figure nothing here reads. Documents over 16 MiB are still refused (when
   * decoded, as before).
   */
  @Override
  protected boolean tracksDataSize() {
    return false;
  }

  /**
   * The positions an index finds for a match of exactly its keys ({@code countDocuments} by a
   * unique key: a persona by its lead), in scan order; null when no index serves it. A find of such
   * a query is the backend's and uses the index; an aggregate's source is not, and scanned the
   * whole collection: at 50,000 parked leads 84 % of the server's samples, one persona count per
   * enrolment over all the personas.
   */
  private Iterable<Integer> served(Document match) {
    for (Index<Integer> index : getIndexes()) {
      if (index.canHandle(match)) {
        java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
        index.getPositions(match).forEach(out::add);
        return out;
      }
    }
    return null;
  }

  /**
   * An index is built under the collection's lock (the backend takes only the database's): a write
   * landing during the build would otherwise be missing from the new index for good.
   */
  @Override
  public synchronized void addIndex(Index<Integer> index) {
    super.addIndex(index);
  }

  /** Set while a query answers the client, not the backend's own write path. */
  private static final ThreadLocal<Boolean> ANSWERING = ThreadLocal.withInitial(() -> false);

  /** Set while the backend reads documents it is about to change or remove. */
  private static final ThreadLocal<Boolean> CHANGING = ThreadLocal.withInitial(() -> false);

  private final AtomicLong narrowed;
  private final AtomicLong inPlace;

  EmbeddedSnapshotCollection(
      MongoDatabase database,
      String collectionName,
      CollectionOptions options,
      CursorRegistry cursorRegistry,
      AtomicLong narrowed,
      AtomicLong inPlace) {
    super(database, collectionName, options, cursorRegistry);
    this.narrowed = narrowed;
    this.inPlace = inPlace;
  }

  @Override
  public synchronized QueryResult handleQuery(QueryParameters parameters) {
    if (CHANGING.get()) {
      return super.handleQuery(parameters);
    }
    ANSWERING.set(true);
    try {
      return super.handleQuery(parameters);
    } finally {
      ANSWERING.set(false);
    }
  }

  @Override
  protected QueryResult createQueryResult(List<Document> matched, int batchSize) {
    if (!ANSWERING.get()) {
      return super.createQueryResult(matched, batchSize);
    }
    List<Document> copies = new ArrayList<>(matched.size());
    for (Document document : matched) {
      copies.add(new Document(document));
    }
    return super.createQueryResult(copies, batchSize);
  }

  /**
   * Answers a query that pins an indexed key by equality from that index, also when the query says
   * more than the key (and, for a secondary index, which the backend does not have, at all: see
   * {@link EmbeddedSecondaryIndex}). The memory backend uses an index only when the query's keys
   * are exactly the index's ({@code {_id: k}}), so {@code {_id: k, tat: {$gte: ...}}} or an {@code
   * $and} of the two (every conditional update: the send throttle's slots, claims) scanned and
   * matched every document of the collection: a profile of {@code bench senders} found 58 % of the
   * process's CPU there. Here the index gives the candidates of the pinned key (what the backend
   * itself answers for {@code {key: value}}) and the whole query is matched on them only: the same
   * documents, found without the scan. Queries an index already serves, and queries pinning no
   * unique key, go the backend's way.
   */
  @Override
  protected QueryResult queryDocuments(
      Document query,
      Document orderBy,
      int numberToSkip,
      int limit,
      int batchSize,
      Document fieldSelector) {
    Iterable<Integer> candidates = candidates(query, orderBy);
    if (candidates == null) {
      return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }
    narrowed.incrementAndGet();
    return matchDocuments(
        query, candidates, orderBy, numberToSkip, limit, batchSize, fieldSelector);
  }

  /**
   * The positions to match the query on, in the backend's scan order, when an index narrows it: a
   * unique key it pins, else the first key of a secondary index it pins; null otherwise (an index
   * serves the query as it is, nothing is pinned, or the order asked is the natural one, which only
   * the backend's scan gives).
   */
  private Iterable<Integer> candidates(Document query, Document orderBy) {
    List<Index<Integer>> indexes = getIndexes();
    if (query == null
        || (orderBy != null && orderBy.containsKey("$natural"))
        || indexes.stream().anyMatch(i -> i.canHandle(query))) {
      return null;
    }
    List<Document> pinned = EmbeddedQueryKeys.pinnedKeys(query);
    for (Document one : pinned) {
      for (Index<Integer> index : indexes) {
        if (index.isUnique() && index.canHandle(one)) {
          return index.getPositions(one);
        }
      }
    }
    Iterable<Integer> compound = EmbeddedQueryKeys.compoundUnique(indexes, pinned);
    if (compound != null) {
      return compound;
    }
    for (Document one : pinned) {
      String key = one.keySet().iterator().next();
      for (Index<Integer> index : indexes) {
        if (index instanceof EmbeddedSecondaryIndex secondary && secondary.firstKey().equals(key)) {
          return secondary.candidates(one.get(key));
        }
      }
    }
    for (var in : EmbeddedQueryKeys.pinnedLists(query).entrySet()) {
      Iterable<Integer> union = EmbeddedQueryKeys.union(indexes, in.getKey(), in.getValue());
      if (union != null) {
        return union;
      }
    }
    return null;
  }

  /**
   * An update of the documents an index finds, without the backend's work that changes nothing (a
   * profile of webhook ingest at one status per request: 37 % of the process's CPU in {@code
   * update} commands, 40 % of that in the parts cut here). The backend deep-copies each document
   * twice around a change: once to keep the old one (here a shallow copy keeps the old values, as
   * no value is changed in place) and once to change it (here only the fields the update names are
   * copied: {@link EmbeddedUpdates#calculate}). It then compares the old and new documents whole,
   * each normalised into yet another copy, to count the change: here only the top-level values that
   * differ are compared its way. It finds the document's position again from every index: here the
   * index that found it gives it. It asks every index to check and move the document: here only
   * those with a key on a field the update names. Everything else is the backend's own: its update
   * operators, its index checks, its matching, its answer. Updates this does not narrow (no index
   * pins the query), replacements, and upserts that match nothing go the backend's way.
   */
  @Override
  public synchronized Document updateDocuments(
      Document selector,
      Document update,
      ArrayFilters arrayFilters,
      boolean isMulti,
      boolean isUpsert,
      Oplog oplog) {
    java.util.Set<String> fields =
        EmbeddedUpdates.available() ? EmbeddedUpdates.changedFields(update) : null;
    Iterable<Integer> positions = null;
    boolean narrowedHere = false;
    if (fields != null && selector != null) {
      positions = indexOrder(selector);
      if (positions == null) {
        positions = candidates(selector, null);
        narrowedHere = positions != null;
      }
    }
    if (positions == null) {
      return super.updateDocuments(selector, update, arrayFilters, isMulti, isUpsert, oplog);
    }
    boolean positional = EmbeddedUpdates.positional(update);
    List<Index<Integer>> touched = EmbeddedUpdates.touched(getIndexes(), fields);
    int matched = 0;
    List<Object> updatedIds = new ArrayList<>();
    for (Integer position : positions) {
      Document stored = getDocument(position);
      if (stored == null || !documentMatchesQuery(stored, selector)) {
        continue;
      }
      Integer matchPosition = positional ? positionMatcher.matchPosition(stored, selector) : null;
      Document before = stored.clone();
      Document after =
          EmbeddedUpdates.calculate(
              this, getIdField(), stored, update, fields, arrayFilters, matchPosition);
      if (!after.equals(before)) {
        for (Index<Integer> index : touched) {
          index.checkUpdate(before, after, this);
        }
        for (Index<Integer> index : touched) {
          index.updateInPlace(before, after, position, this);
        }
        stored.keySet().retainAll(after.keySet());
        for (String key : after.keySet()) {
          if (key.contains(".")) {
            throw new de.bwaldvogel.mongo.exception.MongoServerException(
                "illegal field name. must not happen as it must be caught by the driver");
          }
          stored.put(key, after.get(key));
        }
        handleUpdate(position, before, stored);
        if (EmbeddedUpdates.modified(before, stored)) {
          updatedIds.add(stored.get(getIdField()));
        }
      }
      matched++;
      if (!isMulti) {
        break;
      }
    }
    if (matched == 0 && isUpsert) {
      return super.updateDocuments(selector, update, arrayFilters, isMulti, isUpsert, oplog);
    }
    if (narrowedHere) {
      narrowed.incrementAndGet();
    }
    inPlace.incrementAndGet();
    oplog.handleUpdate(getFullName(), selector, update, updatedIds);
    Document result = new Document();
    result.put("n", Integer.valueOf(matched));
    result.put("nModified", Integer.valueOf(updatedIds.size()));
    return result;
  }

  /**
   * The positions the first index that serves the query as it is finds, in that index's order (a
   * {@code $in} by key value): the documents, and the order, the backend's own update visits.
   */
  private Iterable<Integer> indexOrder(Document selector) {
    for (Index<Integer> index : getIndexes()) {
      if (index.canHandle(selector)) {
        return index.getPositions(selector);
      }
    }
    return null;
  }

  private final de.bwaldvogel.mongo.backend.DefaultQueryMatcher positionMatcher =
      new de.bwaldvogel.mongo.backend.DefaultQueryMatcher();

  @Override
  public synchronized Document findAndModify(Document query) {
    Document result = changing(() -> super.findAndModify(query));
    if (result != null && result.get("value") instanceof Document value) {
      result.put("value", new Document(value));
    }
    return result;
  }

  @Override
  public synchronized int deleteDocuments(Document selector, int limit, Oplog oplog) {
    return changing(() -> super.deleteDocuments(selector, limit, oplog));
  }

  private static <T> T changing(Supplier<T> write) {
    boolean outer = CHANGING.get();
    CHANGING.set(true);
    try {
      return write.get();
    } finally {
      CHANGING.set(outer);
    }
  }
}
