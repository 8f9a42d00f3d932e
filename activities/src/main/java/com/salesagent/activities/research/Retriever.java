package com.salesagent.activities.research;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.MongoErrors;
import com.salesagent.activities.mongo.MongoSchema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Top-k research chunks of one lead for a query (a variant's angle). With a queryable Atlas vector
 * index, $vectorSearch; otherwise exact cosine over the lead's own chunks: right for the embedded
 * server and plain mongod, and fast at a lead's few dozen chunks. Atlas indexes new chunks
 * asynchronously, so a fresh lead's chunks may not be searchable yet: when $vectorSearch finds
 * fewer of the lead's chunks than it has (or fails), exact cosine answers instead.
 */
public class Retriever {
  private static final Logger LOG = LoggerFactory.getLogger(Retriever.class);

  /** A chunk with its similarity to the query. */
  public record Hit(ObjectId chunkId, String source, String text, double score) {}

  private final MongoCollection<Document> chunks;
  private final Embeddings embeddings;
  private final BooleanSupplier vectorSearch;

  public Retriever(MongoDatabase db, Embeddings embeddings) {
    this(db, embeddings, () -> false);
  }

  /**
   * {@code vectorSearch}: whether the vector index answers queries now (a supplier: detection runs
   * when the connection starts, and the index may become queryable later; see VectorIndex).
   */
  public Retriever(MongoDatabase db, Embeddings embeddings, BooleanSupplier vectorSearch) {
    this.chunks = db.getCollection(Collections.RESEARCH_RESULTS);
    this.embeddings = embeddings;
    this.vectorSearch = vectorSearch;
  }

  public List<Hit> topK(String leadId, String query, int k) {
    return topK(leadId, embeddings.embed(query), k);
  }

  /** {@link #topK(String, String, int)} for a query already embedded (the same model). */
  public List<Hit> topK(String leadId, float[] q, int k) {
    if (vectorSearch.getAsBoolean()) {
      try {
        List<Hit> hits = vectorSearch(leadId, q, k);
        if (hits.size() >= k || hits.size() >= searchableChunks(leadId)) {
          return hits;
        }
        LOG.debug("$vectorSearch has not indexed all of a lead's chunks yet; exact cosine");
      } catch (MongoException e) {
        LOG.warn("$vectorSearch failed ({}); exact cosine", MongoErrors.summary(e));
      }
    }
    return exact(leadId, q, k);
  }

  /** How many chunks with embeddings the lead's newest run has. */
  private long searchableChunks(String leadId) {
    Document latest = latestRun(leadId);
    if (latest == null) {
      return 0;
    }
    return chunks.countDocuments(
        Filters.and(
            Filters.eq("leadId", leadId),
            Filters.eq("runId", latest.getString("runId")),
            Filters.exists("embedding")));
  }

  private Document latestRun(String leadId) {
    return chunks
        .find(Filters.eq("leadId", leadId))
        .sort(Sorts.descending("createdAt"))
        .projection(Projections.include("runId"))
        .first();
  }

  /**
   * $vectorSearch over the lead's newest run. Atlas scores cosine as (1 + cos) / 2; it is mapped
   * back to cosine so both paths report the same scale.
   */
  List<Hit> vectorSearch(String leadId, float[] q, int k) {
    Document latest = latestRun(leadId);
    if (latest == null) {
      return List.of();
    }
    List<Double> vector = new ArrayList<>(q.length);
    for (float f : q) {
      vector.add((double) f);
    }
    List<Hit> hits = new ArrayList<>();
    for (Document d :
        chunks.aggregate(
            List.of(
                new Document(
                    "$vectorSearch",
                    new Document("index", MongoSchema.VECTOR_INDEX)
                        .append("path", "embedding")
                        .append("queryVector", vector)
                        .append("numCandidates", Math.max(100, k * 20))
                        .append("limit", k)
                        .append(
                            "filter",
                            new Document("leadId", leadId)
                                .append("runId", latest.getString("runId")))),
                new Document(
                    "$project",
                    new Document("source", 1)
                        .append("text", 1)
                        .append("score", new Document("$meta", "vectorSearchScore")))))) {
      hits.add(
          new Hit(
              d.getObjectId("_id"),
              d.getString("source"),
              d.getString("text"),
              2 * d.getDouble("score") - 1));
    }
    return hits;
  }

  List<Hit> exact(String leadId, float[] q, int k) {
    List<Hit> hits = new ArrayList<>();
    List<Document> docs =
        chunks
            .find(Filters.eq("leadId", leadId))
            .projection(Projections.include("runId", "source", "text", "embedding", "createdAt"))
            .into(new ArrayList<>());
    // Only the newest run counts: research inserts a new run before deleting the old one.
    String latestRun = null;
    Date newest = null;
    for (Document d : docs) {
      if (newest == null || d.getDate("createdAt").after(newest)) {
        newest = d.getDate("createdAt");
        latestRun = d.getString("runId");
      }
    }
    for (Document d : docs) {
      if (!d.getString("runId").equals(latestRun) || d.get("embedding") == null) {
        continue;
      }
      hits.add(
          new Hit(
              d.getObjectId("_id"),
              d.getString("source"),
              d.getString("text"),
              Embeddings.cosine(q, vector(d))));
    }
    hits.sort(Comparator.comparingDouble(Hit::score).reversed());
    return hits.subList(0, Math.min(k, hits.size()));
  }

  static float[] vector(Document d) {
    List<Double> values = d.getList("embedding", Double.class);
    float[] v = new float[values.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = values.get(i).floatValue();
    }
    return v;
  }
}
