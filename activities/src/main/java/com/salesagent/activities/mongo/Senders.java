package com.salesagent.activities.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * The business phone numbers that send ({@code senders}, one document per phone-number id) and
 * whether each may send now. Meta's account-level errors (token expired, account locked, payment)
 * pause the number, not the lead: sends wait instead of failing, and once every {@link #PROBE} one
 * send is let through as a probe (its success resumes the number). Shown by the dashboard and the
 * health check.
 */
public final class Senders {
  public static final String COLLECTION = "senders";

  /** How often a paused number lets one send through to find out whether it works again. */
  public static final Duration PROBE = Duration.ofMinutes(5);

  private final MongoCollection<Document> collection;

  public Senders(MongoDatabase db) {
    this.collection = db.getCollection(COLLECTION);
  }

  /**
   * Null when the number may send now (active, or this call won the probe of a paused one);
   * otherwise the pause (code, detail, since).
   */
  public Document pausedNow(String phoneNumberId, Instant now) {
    Document sender = collection.find(Filters.eq("_id", phoneNumberId)).first();
    if (sender == null || !"paused".equals(sender.getString("status"))) {
      return null;
    }
    Document probe =
        collection.findOneAndUpdate(
            Filters.and(
                Filters.eq("_id", phoneNumberId),
                Filters.eq("status", "paused"),
                Filters.lte("probeAt", Date.from(now))),
            Updates.set("probeAt", Date.from(now.plus(PROBE))),
            new FindOneAndUpdateOptions());
    return probe == null ? sender : null;
  }

  public void pause(String phoneNumberId, int code, String detail, Instant now) {
    collection.updateOne(
        Filters.eq("_id", phoneNumberId),
        Updates.combine(
            Updates.set("status", "paused"),
            Updates.set("code", code),
            Updates.set("detail", detail),
            Updates.set("probeAt", Date.from(now.plus(PROBE))),
            Updates.max("pausedAt", Date.from(now)),
            Updates.setOnInsert("since", Date.from(now))),
        new UpdateOptions().upsert(true));
    collection.updateOne(
        Filters.and(Filters.eq("_id", phoneNumberId), Filters.exists("since", false)),
        Updates.set("since", Date.from(now)));
  }

  /** A send went through: the number works (again). */
  public void active(String phoneNumberId, Instant now) {
    collection.updateOne(
        Filters.and(Filters.eq("_id", phoneNumberId), Filters.eq("status", "paused")),
        Updates.combine(
            Updates.set("status", "active"),
            Updates.set("resumedAt", Date.from(now)),
            Updates.unset("since"),
            Updates.unset("probeAt")));
  }

  public List<Document> all() {
    return collection.find().into(new ArrayList<>());
  }

  /** The numbers paused now, oldest pause first. */
  public List<Document> paused() {
    return collection
        .find(Filters.eq("status", "paused"))
        .sort(new Document("since", 1))
        .into(new ArrayList<>());
  }
}
