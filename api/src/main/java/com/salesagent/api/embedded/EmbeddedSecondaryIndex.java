package com.salesagent.api.embedded;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A non-unique index for the embedded MongoDB-wire server, which ships none (mongo-java-server 1.47
 * logs "adding secondary index ... is not yet implemented. ignoring", so a query by a lead id, a
 * WhatsApp id or a wamid scanned every document of its collection, and the embedded default slowed
 * as its collections grew). It maps each plain value (string, number, boolean, UUID, ObjectId) of
 * the index's <em>first</em> key to the positions of the documents holding it (each element of an
 * array too) and answers only {@link EmbeddedSnapshotCollection}'s narrowing: the candidates of one
 * pinned value, on which the whole query is then matched. The backend itself never uses it ({@link
 * #canHandle} is false), so every query keeps the backend's own semantics; the candidates are a
 * superset of the matches: a document whose value is neither plain, missing, nor a list of plain
 * values (a sub-document, nested lists) is a candidate for every value.
 */
final class EmbeddedSecondaryIndex extends Index<Integer> {
  private static final String ID = "_id";

  private final String firstKey;
  private final Map<Object, Set<Integer>> byValue = new HashMap<>();
  private final Map<Integer, List<Object>> valuesAt = new HashMap<>();
  private final Set<Integer> always = new TreeSet<>();
  private final Map<Object, Integer> positionOfId = new HashMap<>();

  EmbeddedSecondaryIndex(String name, List<IndexKey> keys, boolean sparse) {
    super(name, keys, sparse);
    this.firstKey = keys.get(0).getKey();
  }

  String firstKey() {
    return firstKey;
  }

  /** The positions of documents that may hold {@code value} under the first key, in order. */
  synchronized List<Integer> candidates(Object value) {
    TreeSet<Integer> out = new TreeSet<>(always);
    Set<Integer> exact = byValue.get(normalized(value));
    if (exact != null) {
      out.addAll(exact);
    }
    return new ArrayList<>(out);
  }

  /** Whether a query value can be looked up here: a plain value. */
  static boolean plain(Object value) {
    return value instanceof String
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof UUID
        || value instanceof ObjectId;
  }

  /** Numbers compare by value whatever their type (1 == 1L == 1.0), as the backend's matcher. */
  static Object normalized(Object value) {
    if (value instanceof Long l && (long) (double) l != l) {
      return l; // beyond a double's precision: kept exact, as the backend does
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      return d == 0.0 ? 0.0 : d; // -0.0 is 0.0
    }
    return value;
  }

  @Override
  public synchronized void add(Document document, Integer position, MongoCollection<Integer> c) {
    // A null _id is a key like any other (one document may have it).
    positionOfId.put(normalized(document.get(ID)), position);
    place(position, valuesOf(document));
  }

  private List<Object> valuesOf(Document document) {
    List<Object> values = new ArrayList<>();
    Object v = Utils.getSubdocumentValueCollectionAware(document, firstKey);
    if (v instanceof Collection<?> list) {
      for (Object element : list) {
        index(element, values);
      }
    } else {
      index(v, values);
    }
    return values;
  }

  private void place(Integer position, List<Object> values) {
    valuesAt.put(position, values);
    for (Object value : values) {
      if (value == Always.INSTANCE) {
        always.add(position);
      } else {
        byValue.computeIfAbsent(value, k -> new TreeSet<>()).add(position);
      }
    }
  }

  private static void index(Object value, List<Object> values) {
    if (value == null || value instanceof Missing) {
      return; // matches no plain value
    }
    if (plain(value)) {
      values.add(normalized(value));
    } else if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
      values.add(Always.INSTANCE);
    }
    // Other scalars (dates, binaries, ...) never equal a plain value.
  }

  @Override
  public synchronized Integer remove(Document document) {
    Integer position = positionOfId.remove(normalized(document.get(ID)));
    if (position != null) {
      forget(position);
    }
    return position;
  }

  private void forget(Integer position) {
    List<Object> values = valuesAt.remove(position);
    if (values == null) {
      return;
    }
    always.remove(position);
    for (Object value : values) {
      Set<Integer> at = byValue.get(value);
      if (at != null) {
        at.remove(position);
        if (at.isEmpty()) {
          byValue.remove(value);
        }
      }
    }
  }

  @Override
  public synchronized void updateInPlace(
      Document oldDocument, Document newDocument, Integer position, MongoCollection<Integer> c) {
    List<Object> values = valuesOf(newDocument);
    if (values.equals(valuesAt.get(position))) {
      return; // most updates leave the key alone (a status, a mark): nothing to move (JFR)
    }
    forget(position);
    place(position, values);
  }

  @Override
  public Integer getPosition(Document document) {
    return null; // the _id index finds a document's position
  }

  @Override
  public void checkAdd(Document document, MongoCollection<Integer> collection) {}

  @Override
  public void checkUpdate(
      Document oldDocument, Document newDocument, MongoCollection<Integer> collection) {}

  @Override
  public boolean canHandle(Document query) {
    return false; // only the narrowing reads it
  }

  @Override
  public synchronized Iterable<Integer> getPositions(Document query) {
    return candidates(query.get(firstKey));
  }

  @Override
  public synchronized long getCount() {
    return positionOfId.size();
  }

  @Override
  public synchronized long getDataSize() {
    return getCount();
  }

  @Override
  public synchronized void drop() {
    byValue.clear();
    valuesAt.clear();
    always.clear();
    positionOfId.clear();
  }

  @Override
  public boolean isUnique() {
    return false;
  }

  /** The marker of a value that may match anything (see the class comment). */
  private enum Always {
    INSTANCE
  }
}
