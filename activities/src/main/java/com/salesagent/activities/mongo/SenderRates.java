package com.salesagent.activities.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.bson.Document;

/**
 * Sends accepted per business number per minute ({@code sender_minutes}, one counter document per
 * number and minute, expiring after two hours): the dashboard's per-number throughput.
 */
public final class SenderRates {
  public static final String COLLECTION = "sender_minutes";

  private final MongoCollection<Document> collection;

  public SenderRates(MongoDatabase db) {
    this.collection = db.getCollection(COLLECTION);
  }

  public void countSent(String phoneNumberId, Instant at) {
    Instant minute = at.truncatedTo(ChronoUnit.MINUTES);
    collection.updateOne(
        Filters.eq("_id", phoneNumberId + "@" + minute.getEpochSecond() / 60),
        Updates.combine(
            Updates.inc("sent", 1),
            Updates.setOnInsert("sender", phoneNumberId),
            Updates.setOnInsert("minute", Date.from(minute)),
            Updates.setOnInsert("expireAt", Date.from(minute.plus(Duration.ofHours(2))))),
        new UpdateOptions().upsert(true));
  }

  /** Sends per number in the last full minute before {@code now}. */
  public Map<String, Long> lastMinute(Instant now) {
    Instant minute = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
    Map<String, Long> out = new HashMap<>();
    collection
        .find(Filters.eq("minute", Date.from(minute)))
        .forEach(d -> out.put(d.getString("sender"), ((Number) d.get("sent")).longValue()));
    return out;
  }

  /** Sends per number in the minute under way. */
  public Map<String, Long> thisMinute(Instant now) {
    Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
    Map<String, Long> out = new HashMap<>();
    collection
        .find(Filters.eq("minute", Date.from(minute)))
        .forEach(d -> out.put(d.getString("sender"), ((Number) d.get("sent")).longValue()));
    return out;
  }
}
