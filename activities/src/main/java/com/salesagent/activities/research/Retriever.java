package com.salesagent.activities.research;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.MongoSchema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Top-k research chunks of one lead for a query (a variant's angle). Exact cosine over the lead's
 * own chunks: right for the embedded server and plain mongod, and fast at a lead's few dozen
 * chunks. The $vectorSearch path for Atlas comes with the capability detection of the research
 * issue.
 */
public class Retriever {
  /** A chunk with its similarity to the query. */
  public record Hit(ObjectId chunkId, String source, String text, double score) {}

  private final MongoCollection<Document> chunks;
  private final Embeddings embeddings;
  private final BooleanSupplier vectorSearch;

  public Retriever(MongoDatabase db, Embeddings embeddings) {
    this(db, embeddings, () -> false);
  }

  /**
   * {@code vectorSearch}: whether the server has the search index, from the capability detection at
   * start-up (a supplier, since detection runs when the connection starts).
   */
  public Retriever(MongoDatabase db, Embeddings embeddings, BooleanSupplier vectorSearch) {
    this.chunks = db.getCollection(Collections.RESEARCH_RESULTS);
    this.embeddings = embeddings;
    this.vectorSearch = vectorSearch;
  }

  public List<Hit> topK(String leadId, String query, int k) {
    float[] q = embeddings.embed(query);
    if (vectorSearch.getAsBoolean()) {
      return vectorSearch(leadId, q, k);
    }
    return exact(leadId, q, k);
  }

  /**
   * $vectorSearch over the lead's newest run. Atlas scores cosine as (1 + cos) / 2; it is mapped
   * back to cosine so both paths report the same scale.
   */
  List<Hit> vectorSearch(String leadId, float[] q, int k) {
    Document latest =
        chunks
            .find(Filters.eq("leadId", leadId))
            .sort(Sorts.descending("createdAt"))
            .projection(Projections.include("runId"))
            .first();
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
