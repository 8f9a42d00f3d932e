package com.salesagent.activities.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.salesagent.temporal.StartupException;
import java.util.ArrayList;
import org.bson.conversions.Bson;

/**
 * One index created or dropped at start-up ({@link MongoSchema}): idempotent, and a failure no
 * retry fixes ends start-up naming the collection and the index.
 */
final class IndexCommands {
  private IndexCommands() {}

  /**
   * Drops an index a former version created, when it is there: another process starting at the same
   * time may have dropped it first (MongoDB's IndexNotFound, code 27, is that).
   */
  static void dropIndex(MongoDatabase db, String collection, Bson keys) {
    String name = indexName(keys);
    boolean present =
        db.getCollection(collection).listIndexes().into(new ArrayList<>()).stream()
            .anyMatch(i -> name.equals(i.getString("name")));
    if (!present) {
      return;
    }
    try {
      db.getCollection(collection).dropIndex(name);
    } catch (MongoCommandException e) {
      if (e.getErrorCode() != 27) {
        throw e;
      }
    }
  }

  static void unique(MongoDatabase db, String collection, String field) {
    index(db, collection, Indexes.ascending(field), new IndexOptions().unique(true));
  }

  static void index(MongoDatabase db, String collection, Bson keys) {
    index(db, collection, keys, new IndexOptions());
  }

  /**
   * Creates one index; a failure no retry fixes (a conflicting index, duplicates under a unique
   * index, a refused command, a missing privilege) ends start-up at once naming the collection and
   * the index. Network failures pass through for the connect loop to retry.
   */
  static void index(MongoDatabase db, String collection, Bson keys, IndexOptions options) {
    try {
      db.getCollection(collection).createIndex(keys, options);
    } catch (MongoException e) {
      if (MongoErrors.isTransient(e)) {
        throw e;
      }
      String name = indexName(keys);
      throw new StartupException(
          "MongoDB refused index "
              + name
              + " on "
              + collection
              + " ("
              + MongoErrors.summary(e)
              + "); "
              + MongoErrors.remedy(e, collection, name),
          e);
    }
  }

  /** The name MongoDB gives an index of these keys: {@code campaignId_1_stage_1}. */
  static String indexName(Bson keys) {
    StringBuilder name = new StringBuilder();
    keys.toBsonDocument()
        .forEach(
            (field, direction) -> {
              if (name.length() > 0) {
                name.append('_');
              }
              name.append(field).append('_');
              if (direction.isNumber()) {
                name.append(direction.asNumber().intValue());
              } else if (direction.isString()) {
                name.append(direction.asString().getValue());
              } else {
                name.append(direction);
              }
            });
    return name.toString();
  }
}
