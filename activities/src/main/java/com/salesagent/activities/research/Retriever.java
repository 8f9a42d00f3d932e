package com.salesagent.activities.research;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.salesagent.activities.mongo.Collections;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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

  public Retriever(com.mongodb.client.MongoDatabase db, Embeddings embeddings) {
    this.chunks = db.getCollection(Collections.RESEARCH_RESULTS);
    this.embeddings = embeddings;
  }

  public List<Hit> topK(String leadId, String query, int k) {
    float[] q = embeddings.embed(query);
    List<Hit> hits = new ArrayList<>();
    List<Document> docs =
        chunks
            .find(Filters.eq("leadId", leadId))
            .projection(Projections.include("runId", "source", "text", "embedding", "createdAt"))
            .into(new ArrayList<>());
    // Only the newest run counts: research inserts a new run before deleting the old one.
    String latestRun = null;
    java.util.Date newest = null;
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
