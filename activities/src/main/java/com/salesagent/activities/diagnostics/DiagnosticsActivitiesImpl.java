package com.salesagent.activities.diagnostics;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.workflows.diagnostics.DiagnosticsActivities;
import com.salesagent.workflows.diagnostics.DiagnosticsReport.ProbeResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;
import org.bson.Document;

/** Write, read back and delete one small record in each store, from the worker's side. */
public class DiagnosticsActivitiesImpl implements DiagnosticsActivities {
  private final MongoDatabase db;
  private final ObjectStorage storage;

  public DiagnosticsActivitiesImpl(MongoDatabase db, ObjectStorage storage) {
    this.db = db;
    this.storage = storage;
  }

  @Override
  public ProbeResult probeMongo(String probeId) {
    return timed(
        "mongodb",
        () -> {
          MongoCollection<Document> c = db.getCollection(Collections.DIAGNOSTICS);
          c.insertOne(new Document("probeId", probeId));
          Document back = c.find(Filters.eq("probeId", probeId)).first();
          c.deleteMany(Filters.eq("probeId", probeId));
          return back == null ? null : "wrote, read back and deleted a document";
        });
  }

  @Override
  public ProbeResult probeObjectStorage(String probeId) {
    return timed(
        "s3",
        () -> {
          String key = "diagnostics/" + probeId;
          byte[] payload = ("probe " + probeId).getBytes(StandardCharsets.UTF_8);
          storage.put(key, payload, "text/plain");
          byte[] back = storage.get(key);
          storage.delete(key);
          return Arrays.equals(payload, back)
              ? "wrote, read back and deleted an object in bucket " + storage.bucket()
              : null;
        });
  }

  private static ProbeResult timed(String component, Supplier<String> probe) {
    long start = System.nanoTime();
    try {
      String detail = probe.get();
      long millis = (System.nanoTime() - start) / 1_000_000;
      return detail == null
          ? new ProbeResult(component, false, millis, "read back something else than was written")
          : new ProbeResult(component, true, millis, detail);
    } catch (RuntimeException e) {
      long millis = (System.nanoTime() - start) / 1_000_000;
      return new ProbeResult(
          component, false, millis, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
