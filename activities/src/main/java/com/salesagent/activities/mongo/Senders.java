package com.salesagent.activities.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * The business phone numbers that send ({@code senders}, one document per phone-number id: the name
 * of the environment variable holding its access token ({@code tokenRef}, never the token), its
 * throughput tier in messages per second, its quality rating, display number, status) and whether
 * each may send now. Meta's account-level errors (token expired, account locked, payment) pause the
 * number, not the lead: sends wait instead of failing, and once every {@link #PROBE} one send is
 * let through as a probe (its success resumes the number). A quality drop reported by Meta's {@code
 * phone_number_quality_update} webhook pauses it without probes until the webhook says the quality
 * recovered (or an operator resumes it). Shown by the dashboard and the health check.
 */
public final class Senders {
  public static final String COLLECTION = "senders";

  /** How often a paused number lets one send through to find out whether it works again. */
  public static final Duration PROBE = Duration.ofMinutes(5);

  /** Meta's default throughput per number, and the one after its automatic upgrade. */
  public static final int DEFAULT_TIER = 80;

  public static final int HIGH_TIER = 1000;

  /** Why a number is paused: Meta's account-level error (probed) or its quality (not probed). */
  public static final String ACCOUNT = "account";

  public static final String QUALITY = "quality";

  /**
   * How often each worker that sends reports which numbers' token variables it has ({@code
   * tokenSeen}: the reference and when; never the token nor the variable's value), and how long a
   * report holds: a number no worker reported within that is shown unusable.
   */
  public static final Duration TOKEN_REPORT_EVERY = Duration.ofSeconds(15);

  public static final Duration TOKEN_SEEN_FOR = Duration.ofMinutes(1);

  /** Why a number cannot take sends now ({@link #unusable}). */
  public static final String TOKEN_MISSING = "token_missing";

  public static final String TOKEN_UNCHECKED = "token_unchecked";
  public static final String PAUSED = "paused";

  private final MongoCollection<Document> collection;
  private final MongoDatabase db;

  public Senders(MongoDatabase db) {
    this.db = db;
    this.collection = db.getCollection(COLLECTION);
  }

  public SenderRates rates() {
    return new SenderRates(db);
  }

  /** An operator's change to the pool, in the audit log. */
  public void audit(String actor, String action, String phoneNumberId, Instant at) {
    db.getCollection(Collections.AUDIT_LOG)
        .insertOne(
            new Document("at", Date.from(at))
                .append("actor", actor)
                .append("action", action)
                .append("phoneNumberId", phoneNumberId));
  }

  /**
   * Null when the number may send now (active, or this call won the probe of a paused one);
   * otherwise the pause (code, detail, since).
   */
  public Document pausedNow(String phoneNumberId, Instant now) {
    return pausedNow(phoneNumberId, collection.find(Filters.eq("_id", phoneNumberId)).first(), now);
  }

  /** {@link #pausedNow(String, Instant)} from the number's document the caller just read. */
  public Document pausedNow(String phoneNumberId, Document sender, Instant now) {
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
            Updates.set("pauseSource", ACCOUNT),
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

  /**
   * A send went through: the number works (again). A quality pause is not Meta refusing our calls,
   * so a send that was already under way when it began does not end it. True when this call ended a
   * pause (a probe Meta accepted): the leads waiting for the number may go.
   */
  public boolean active(String phoneNumberId, Instant now) {
    return collection
            .updateOne(
                Filters.and(
                    Filters.eq("_id", phoneNumberId),
                    Filters.eq("status", "paused"),
                    Filters.ne("pauseSource", QUALITY)),
                Updates.combine(
                    Updates.set("status", "active"),
                    Updates.set("resumedAt", Date.from(now)),
                    Updates.unset("since"),
                    Updates.unset("pauseSource"),
                    Updates.unset("probeAt")))
            .getModifiedCount()
        > 0;
  }

  /**
   * Adds the number, or updates its token reference and tier (null: 80 for a new number, unchanged
   * for a known one); a new one starts active with an unknown quality. Its status, pause and
   * quality are left as they are.
   */
  public void register(String phoneNumberId, String tokenRef, Integer tier, boolean primary) {
    collection.updateOne(
        Filters.eq("_id", phoneNumberId),
        Updates.combine(
            Updates.set("tokenRef", tokenRef),
            Updates.set("registeredAt", new Date()),
            tier == null ? Updates.setOnInsert("tier", DEFAULT_TIER) : Updates.set("tier", tier),
            Updates.set("primary", primary),
            Updates.setOnInsert("status", "active"),
            Updates.setOnInsert("quality", "UNKNOWN"),
            Updates.setOnInsert("addedAt", new Date())),
        new UpdateOptions().upsert(true));
  }

  /**
   * A worker has the token variables of these numbers ({@code tokenRefs}: number to the reference
   * it resolved): recorded in one round trip, only where the reference is still the number's.
   */
  public void tokensSeen(Map<String, String> tokenRefs, Instant now) {
    if (tokenRefs.isEmpty()) {
      return;
    }
    List<UpdateOneModel<Document>> seen = new ArrayList<>(tokenRefs.size());
    tokenRefs.forEach(
        (id, ref) ->
            seen.add(
                new UpdateOneModel<>(
                    Filters.and(Filters.eq("_id", id), Filters.eq("tokenRef", ref)),
                    Updates.set(
                        "tokenSeen", new Document("ref", ref).append("at", Date.from(now))))));
    collection.bulkWrite(seen, new BulkWriteOptions().ordered(false));
  }

  /**
   * Why the number cannot take sends now, or null when it can: {@link #TOKEN_MISSING} (no worker
   * reported its token variable within {@link #TOKEN_SEEN_FOR}: SenderChoice never pins a lead to
   * it), {@link #TOKEN_UNCHECKED} (registered moments ago: no worker has reported on it yet), or
   * {@link #PAUSED}.
   */
  public static String unusable(Document sender, Instant now) {
    String ref = sender.getString("tokenRef");
    Document seen = sender.get("tokenSeen", Document.class);
    boolean confirmed =
        ref != null
            && seen != null
            && ref.equals(seen.getString("ref"))
            && seen.getDate("at") != null
            && seen.getDate("at").toInstant().plus(TOKEN_SEEN_FOR).isAfter(now);
    if (!confirmed) {
      Date registered = sender.getDate("registeredAt");
      return registered != null && registered.toInstant().plus(TOKEN_SEEN_FOR).isAfter(now)
          ? TOKEN_UNCHECKED
          : TOKEN_MISSING;
    }
    return "paused".equals(sender.getString("status")) ? PAUSED : null;
  }

  public Document get(String phoneNumberId) {
    return collection.find(Filters.eq("_id", phoneNumberId)).first();
  }

  /** The numbers with a token reference (so able to send), by id. */
  public List<Document> sending() {
    return collection
        .find(Filters.exists("tokenRef", true))
        .sort(new Document("_id", 1))
        .into(new ArrayList<>());
  }

  /** Learns the display number Meta names a number by in its quality webhooks. */
  public void learnDisplayNumber(String phoneNumberId, String displayNumber) {
    collection.updateOne(
        Filters.and(
            Filters.eq("_id", phoneNumberId), Filters.ne("displayPhoneNumber", displayNumber)),
        Updates.set("displayPhoneNumber", displayNumber));
  }

  /** The numbers Meta calls by this display number (digits), or the ids themselves. */
  public List<String> idsByDisplayNumber(String displayNumber) {
    List<String> ids = new ArrayList<>();
    collection
        .find(Filters.eq("displayPhoneNumber", displayNumber))
        .forEach(d -> ids.add(String.valueOf(d.get("_id"))));
    return ids;
  }

  /**
   * Meta says the number's quality dropped: nothing goes out on it (no probe: only the webhook
   * saying it recovered, or an operator, resumes it). An account pause already in place stays.
   */
  public void pauseForQuality(String phoneNumberId, String quality, String detail, Instant now) {
    collection.updateOne(Filters.eq("_id", phoneNumberId), Updates.set("quality", quality));
    collection.updateOne(
        Filters.and(Filters.eq("_id", phoneNumberId), Filters.ne("pauseSource", ACCOUNT)),
        Updates.combine(
            Updates.set("status", "paused"),
            Updates.set("pauseSource", QUALITY),
            Updates.set("code", 0),
            Updates.set("detail", detail),
            Updates.unset("probeAt"),
            Updates.max("pausedAt", Date.from(now)),
            Updates.set("since", Date.from(now))));
  }

  /**
   * The quality recovered: a quality pause ends (an account pause does not). True when this call
   * ended a pause (the number can send again).
   */
  public boolean qualityRecovered(String phoneNumberId, String quality, Instant now) {
    collection.updateOne(Filters.eq("_id", phoneNumberId), Updates.set("quality", quality));
    return collection
            .updateOne(
                Filters.and(
                    Filters.eq("_id", phoneNumberId),
                    Filters.eq("status", "paused"),
                    Filters.eq("pauseSource", QUALITY)),
                Updates.combine(
                    Updates.set("status", "active"),
                    Updates.set("resumedAt", Date.from(now)),
                    Updates.unset("since"),
                    Updates.unset("pauseSource"),
                    Updates.unset("detail"),
                    Updates.unset("code")))
            .getModifiedCount()
        > 0;
  }

  public void setTier(String phoneNumberId, int tier) {
    collection.updateOne(Filters.eq("_id", phoneNumberId), Updates.set("tier", tier));
  }

  /**
   * An operator (or Meta's account notification) resumes a paused number (any cause). True when
   * this call ended a pause.
   */
  public boolean resume(String phoneNumberId, Instant now) {
    return collection
            .updateOne(
                Filters.and(Filters.eq("_id", phoneNumberId), Filters.eq("status", "paused")),
                Updates.combine(
                    Updates.set("status", "active"),
                    Updates.set("resumedAt", Date.from(now)),
                    Updates.unset("since"),
                    Updates.unset("pauseSource"),
                    Updates.unset("probeAt")))
            .getModifiedCount()
        > 0;
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
