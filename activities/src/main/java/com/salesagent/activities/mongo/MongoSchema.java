package com.salesagent.activities.mongo;

import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates collections and indexes idempotently and detects what the server can do. Runs at every
 * start-up of the API and the worker; safe to run concurrently from both.
 */
public final class MongoSchema {
  private static final Logger LOG = LoggerFactory.getLogger(MongoSchema.class);

  private MongoSchema() {}

  /** How long start-up waits for a new vector index to become queryable, by default. */
  public static final Duration VECTOR_INDEX_WAIT = Duration.ofSeconds(60);

  public static MongoCapabilities ensure(MongoDatabase db) {
    return ensure(db, VECTOR_INDEX_WAIT);
  }

  /**
   * {@code vectorIndexWait}: how long to wait for the vector index to answer queries (Atlas builds
   * it asynchronously); past it start-up goes on with exact cosine and {@link VectorIndex} switches
   * to $vectorSearch once the index is queryable.
   */
  public static MongoCapabilities ensure(MongoDatabase db, Duration vectorIndexWait) {
    boolean timeSeries = InteractionHistorySchema.ensureInteractionHistory(db);
    SchemaIndexes.ensureIndexes(db);
    boolean changeStreams = supportsChangeStreams(db);
    boolean vectorSearch = AtlasSearchIndexes.ensureVectorIndex(db, vectorIndexWait);
    if (vectorSearch) {
      AtlasSearchIndexes.ensurePersonaSearchIndex(db);
    }
    String version = serverVersion(db);
    MongoCapabilities capabilities =
        new MongoCapabilities(timeSeries, changeStreams, vectorSearch, version);
    LOG.info("MongoDB {} capabilities: {}", version, capabilities);
    return capabilities;
  }

  /**
   * The readiness of the vector index: {@link VectorIndex#NONE} where the server has no search
   * indexes (or ours could not be created).
   */
  public static VectorIndex vectorIndex(MongoDatabase db, MongoCapabilities capabilities) {
    return capabilities != null && capabilities.vectorSearch()
        ? VectorIndex.of(db.getCollection(Collections.RESEARCH_RESULTS))
        : VectorIndex.NONE;
  }

  private static boolean supportsChangeStreams(MongoDatabase db) {
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor =
        db.getCollection(Collections.MESSAGES)
            .watch()
            .maxAwaitTime(1, TimeUnit.MILLISECONDS)
            .cursor()) {
      cursor.tryNext();
      return true;
    } catch (RuntimeException e) {
      LOG.info(
          "Change streams unavailable ({}); live feeds will tail by timestamp", e.getMessage());
      return false;
    }
  }

  public static final String VECTOR_INDEX = "research_vector";

  /**
   * The readiness of the Atlas Search index over the personas (faceted search): {@link
   * VectorIndex#NONE} where the server has no search indexes.
   */
  public static VectorIndex personaSearchIndex(MongoDatabase db, MongoCapabilities capabilities) {
    return capabilities != null && capabilities.vectorSearch()
        ? VectorIndex.of(
            db.getCollection(Collections.PERSONAS),
            PersonaSearchIndex.NAME,
            "persona search uses $searchMeta facets")
        : VectorIndex.NONE;
  }

  private static String serverVersion(MongoDatabase db) {
    try {
      return String.valueOf(db.runCommand(new Document("buildInfo", 1)).get("version"));
    } catch (RuntimeException e) {
      return "unknown";
    }
  }
}
