package com.salesagent.activities.mongo;

import static com.salesagent.activities.mongo.MongoSchema.VECTOR_INDEX;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.SearchIndexModel;
import com.mongodb.client.model.SearchIndexType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Atlas Search indexes where the server has them ({@link MongoSchema}): the vector index over
 * the research chunks and the personas' faceted search index.
 */
final class AtlasSearchIndexes {
  private static final Logger LOG = LoggerFactory.getLogger(MongoSchema.class);

  private AtlasSearchIndexes() {}

  /**
   * Where the server has search indexes (Atlas, Atlas Local), creates the vector index over the
   * research chunks once and waits (up to {@code wait}) for it to answer queries; returns whether
   * the index exists. Elsewhere returns false. The API and the worker run this concurrently: the
   * one whose create loses finds the index made by the other, and both wait for it.
   */
  static boolean ensureVectorIndex(MongoDatabase db, Duration wait) {
    MongoCollection<Document> chunks = db.getCollection(Collections.RESEARCH_RESULTS);
    List<Document> existing;
    try {
      existing = chunks.listSearchIndexes().into(new ArrayList<>());
    } catch (RuntimeException e) {
      return false;
    }
    boolean present = existing.stream().anyMatch(i -> VECTOR_INDEX.equals(i.getString("name")));
    if (!present) {
      try {
        chunks.createSearchIndexes(
            List.of(
                new SearchIndexModel(
                    VECTOR_INDEX, vectorIndexDefinition(), SearchIndexType.vectorSearch())));
        LOG.info("vector index {} created; Atlas builds it in the background", VECTOR_INDEX);
      } catch (MongoException e) {
        if (!isDuplicateSearchIndex(e)) {
          LOG.warn(
              "Vector search index not created ({}); exact cosine is used", MongoErrors.summary(e));
          return false;
        }
        LOG.info("vector index {} was created by another process", VECTOR_INDEX);
      }
    }
    VectorIndex index = VectorIndex.of(chunks);
    try {
      if (!index.await(wait, Duration.ofSeconds(1))) {
        LOG.warn(
            "vector index {} is not queryable after {} s (status {}); retrieval uses exact cosine"
                + " and switches to $vectorSearch once it is, without a restart",
            VECTOR_INDEX,
            wait.toSeconds(),
            index.status());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }

  /**
   * Creates the personas' Atlas Search index once (no wait: until Atlas has built it, the faceted
   * search runs on $match + $facet); a create that lost the race with another process is fine.
   */
  static void ensurePersonaSearchIndex(MongoDatabase db) {
    MongoCollection<Document> personas = db.getCollection(Collections.PERSONAS);
    try {
      boolean present =
          personas.listSearchIndexes().into(new ArrayList<>()).stream()
              .anyMatch(i -> PersonaSearchIndex.NAME.equals(i.getString("name")));
      if (!present) {
        personas.createSearchIndexes(
            List.of(
                new SearchIndexModel(
                    PersonaSearchIndex.NAME,
                    PersonaSearchIndex.definition(),
                    SearchIndexType.search())));
        LOG.info("search index {} created over personas", PersonaSearchIndex.NAME);
      }
    } catch (MongoException e) {
      if (!isDuplicateSearchIndex(e)) {
        LOG.warn(
            "Persona search index not created ({}); faceted search uses $match + $facet",
            MongoErrors.summary(e));
      }
    }
  }

  static Document vectorIndexDefinition() {
    return new Document(
        "fields",
        List.of(
            new Document("type", "vector")
                .append("path", "embedding")
                .append("numDimensions", 384)
                .append("similarity", "cosine"),
            new Document("type", "filter").append("path", "leadId"),
            new Document("type", "filter").append("path", "runId")));
  }

  /**
   * The create lost a race with another process: IndexAlreadyExists (68) or Atlas's "Duplicate
   * Index" / "already exists".
   */
  static boolean isDuplicateSearchIndex(MongoException e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return e.getCode() == 68
        || message.contains("duplicate index")
        || message.contains("already exists");
  }
}
