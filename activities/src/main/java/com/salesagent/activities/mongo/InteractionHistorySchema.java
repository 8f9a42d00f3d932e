package com.salesagent.activities.mongo;

import static com.salesagent.activities.mongo.IndexCommands.index;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.TimeSeriesGranularity;
import com.mongodb.client.model.TimeSeriesOptions;
import com.salesagent.temporal.StartupException;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interaction history's collection, time-series where the server has them ({@link
 * MongoSchema}).
 */
final class InteractionHistorySchema {
  private static final Logger LOG = LoggerFactory.getLogger(MongoSchema.class);

  private InteractionHistorySchema() {}

  /**
   * A time-series collection where the server has them; otherwise (the embedded server silently
   * ignores the option) a regular collection with an index on (meta.leadId, ts). Returns whether
   * the collection really is time-series.
   *
   * <p>The meta field is the lead alone and the granularity hours: a lead's events, days apart,
   * share a bucket (up to 30 days), where per-event meta fields and granularity seconds (buckets of
   * one hour) made nearly one bucket per event. A collection created with a finer granularity is
   * raised to hours with collMod where the server allows it (granularity can only increase).
   */
  static boolean ensureInteractionHistory(MongoDatabase db) {
    if (!exists(db, Collections.INTERACTION_HISTORY)) {
      try {
        db.createCollection(
            Collections.INTERACTION_HISTORY,
            new CreateCollectionOptions()
                .timeSeriesOptions(
                    new TimeSeriesOptions("ts")
                        .metaField("meta")
                        .granularity(TimeSeriesGranularity.HOURS)));
      } catch (MongoCommandException e) {
        // 48 NamespaceExists: another process created it between our check and our create.
        if (e.getErrorCode() != 48) {
          throw schemaError(
              "create the time-series collection", Collections.INTERACTION_HISTORY, e);
        }
      }
    }
    Document info = collectionInfo(db, Collections.INTERACTION_HISTORY);
    boolean timeSeries = info != null && "timeseries".equals(info.getString("type"));
    if (timeSeries) {
      raiseGranularity(db, info);
    }
    index(db, Collections.INTERACTION_HISTORY, Indexes.ascending("meta.leadId", "ts"));
    return timeSeries;
  }

  /** seconds and minutes become hours; custom bucketing (no granularity) is left alone. */
  private static void raiseGranularity(MongoDatabase db, Document info) {
    Document options = info.get("options", Document.class);
    Document ts = options == null ? null : options.get("timeseries", Document.class);
    String granularity = ts == null ? null : ts.getString("granularity");
    if (!"seconds".equals(granularity) && !"minutes".equals(granularity)) {
      return;
    }
    try {
      db.runCommand(
          new Document("collMod", Collections.INTERACTION_HISTORY)
              .append("timeseries", new Document("granularity", "hours")));
      LOG.info(
          "{}: time-series granularity raised from {} to hours (new buckets per lead span up to"
              + " 30 days)",
          Collections.INTERACTION_HISTORY,
          granularity);
    } catch (MongoException e) {
      if (MongoErrors.isTransient(e)) {
        throw e;
      }
      LOG.warn(
          "{}: time-series granularity stays {}: the server refused collMod ({}); buckets stay"
              + " small until it is raised by hand",
          Collections.INTERACTION_HISTORY,
          granularity,
          MongoErrors.summary(e));
    }
  }

  private static boolean exists(MongoDatabase db, String name) {
    return db.listCollectionNames().into(new ArrayList<>()).contains(name);
  }

  private static Document collectionInfo(MongoDatabase db, String name) {
    List<Document> infos =
        db.listCollections().filter(new Document("name", name)).into(new ArrayList<>());
    return infos.isEmpty() ? null : infos.get(0);
  }

  /** A schema step other than an index failed in a way no retry fixes: say which, at once. */
  private static RuntimeException schemaError(String step, String collection, MongoException e) {
    if (MongoErrors.isTransient(e)) {
      return e;
    }
    return new StartupException(
        "MongoDB refused to "
            + step
            + " "
            + collection
            + " ("
            + MongoErrors.summary(e)
            + "); "
            + MongoErrors.remedy(e, collection, null),
        e);
  }
}
