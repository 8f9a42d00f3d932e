package com.salesagent.activities.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Large rebuild aggregations (counters recomputed over a range) may pass a stage's 100 MB memory
 * limit, so they ask for allowDiskUse. Atlas shared and flex tiers refuse the option: then the
 * aggregation runs again without it, and a log line says so.
 */
public final class Aggregations {
  private static final Logger LOG = LoggerFactory.getLogger(Aggregations.class);

  private Aggregations() {}

  /** Runs {@code pipeline} on {@code collection} with allowDiskUse where the server allows it. */
  public static List<Document> withDiskUse(
      MongoCollection<Document> collection, List<? extends Bson> pipeline, String what) {
    return withDiskUse(
        allowDiskUse ->
            collection.aggregate(pipeline).allowDiskUse(allowDiskUse).into(new ArrayList<>()),
        what);
  }

  /** {@code run} takes whether to allow disk use and answers the results. */
  static List<Document> withDiskUse(Function<Boolean, List<Document>> run, String what) {
    try {
      return run.apply(true);
    } catch (MongoException e) {
      if (MongoErrors.isTransient(e) || !refusesDiskUse(e)) {
        throw e;
      }
      LOG.warn(
          "{}: the server refuses allowDiskUse ({}; Atlas M0/flex tiers do); running it without,"
              + " so a long range may hit the 100 MB stage memory limit",
          what,
          MongoErrors.summary(e));
      return run.apply(false);
    }
  }

  static boolean refusesDiskUse(MongoException e) {
    String message = String.valueOf(e.getMessage());
    return MongoErrors.isRefused(e) || message.contains("allowDiskUse");
  }
}
