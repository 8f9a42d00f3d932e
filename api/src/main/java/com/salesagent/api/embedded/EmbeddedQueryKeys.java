package com.salesagent.api.embedded;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.List;

/**
 * What a query pins, for {@link EmbeddedSnapshotCollection} to find its candidates from an index:
 * keys pinned by equality to a plain value, keys pinned to a list ({@code $in}), every key of a
 * unique compound index, each top-level or in a top-level {@code $and}.
 */
final class EmbeddedQueryKeys {
  private EmbeddedQueryKeys() {}

  /**
   * The position of the document a unique index of several keys finds when the query pins every one
   * of its keys (a variant's counter document by variant, segment, day and shard: every status
   * batch updates one, and each update scanned the collection, matching each document's list of
   * batch ids); null when no such index is pinned whole.
   */
  static Iterable<Integer> compoundUnique(List<Index<Integer>> indexes, List<Document> pinned) {
    for (Index<Integer> index : indexes) {
      if (!index.isUnique() || index.getKeys().size() < 2) {
        continue;
      }
      Document key = new Document();
      for (var part : index.getKeys()) {
        for (Document one : pinned) {
          if (one.containsKey(part.getKey())) {
            key.put(part.getKey(), one.get(part.getKey()));
            break;
          }
        }
      }
      if (key.size() == index.getKeys().size() && index.canHandle(key)) {
        return index.getPositions(key);
      }
    }
    return null;
  }

  /**
   * The candidates of a key pinned to a list of values ({@code $in}, every status batch's find of
   * its messages and contacts): the union of each value's, in scan order; null when no index has
   * the key first.
   */
  static Iterable<Integer> union(List<Index<Integer>> indexes, String key, List<?> values) {
    for (Index<Integer> index : indexes) {
      java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
      if (index instanceof EmbeddedSecondaryIndex secondary && secondary.firstKey().equals(key)) {
        values.forEach(v -> out.addAll(secondary.candidates(v)));
        return out;
      }
      if (index.isUnique() && index.canHandle(new Document(key, values.get(0)))) {
        values.forEach(v -> index.getPositions(new Document(key, v)).forEach(out::add));
        return out;
      }
    }
    return null;
  }

  /**
   * The keys a query pins to a non-empty list of plain values ({@code key: {$in: [...]}}, alone),
   * top-level or in a top-level {@code $and}.
   */
  static java.util.Map<String, List<?>> pinnedLists(Document query) {
    java.util.Map<String, List<?>> out = new java.util.LinkedHashMap<>();
    for (var entry : query.entrySet()) {
      if (entry.getKey().equals("$and") && entry.getValue() instanceof List<?> all) {
        for (Object part : all) {
          if (part instanceof Document d) {
            pinnedLists(d).forEach(out::putIfAbsent);
          }
        }
      } else if (!entry.getKey().startsWith("$")
          && entry.getValue() instanceof Document operator
          && operator.size() == 1
          && operator.get("$in") instanceof List<?> values
          && !values.isEmpty()
          && values.stream().allMatch(EmbeddedSecondaryIndex::plain)) {
        out.putIfAbsent(entry.getKey(), values);
      }
    }
    return out;
  }

  /**
   * The keys a query pins by equality to a plain value, each as {@code {key: value}}: its own
   * top-level keys and those of the documents of a top-level {@code $and}.
   */
  static List<Document> pinnedKeys(Document query) {
    List<Document> pinned = new ArrayList<>();
    for (var entry : query.entrySet()) {
      if (entry.getKey().equals("$and") && entry.getValue() instanceof List<?> all) {
        for (Object part : all) {
          if (part instanceof Document d) {
            pinned.addAll(pinnedKeys(d));
          }
        }
      } else if (!entry.getKey().startsWith("$")
          && EmbeddedSecondaryIndex.plain(entry.getValue())) {
        pinned.add(new Document(entry.getKey(), entry.getValue()));
      }
    }
    return pinned;
  }
}
