package com.salesagent.activities.mongo;

import com.mongodb.MongoServerException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lead's interaction history: the time-series {@code interaction_history}, append-only (no dedup
 * here but of an event with an identity, {@link #recordInteractionOnce}: the rest lives in the
 * regular collections, messages and webhook_events), read back as the lead's timeline ({@link
 * Timeline}). Reached through {@link LeadStore#interactions()}.
 */
public class Interactions {
  private static final Logger LOG = LoggerFactory.getLogger(Interactions.class);
  private final MongoDatabase db;

  public Interactions(MongoDatabase db) {
    this.db = db;
  }

  public MongoCollection<Document> collection() {
    return db.getCollection(Collections.INTERACTION_HISTORY);
  }

  /**
   * Appends one event. The time-series meta field holds the lead alone ({@code meta.leadId}): a
   * lead's events then share buckets whatever their type (an approval carries no campaign or
   * variant). Campaign, variant and channel are measurement fields. Events written before this
   * shape carry campaignId and variantId in {@code meta}; readers use {@link #EVENT_VARIANT} and
   * {@link #eventHasVariant()} to read both.
   */
  public void recordInteraction(
      String leadId,
      String campaignId,
      String variantId,
      String type,
      String wamid,
      String detail,
      Instant at) {
    collection().insertOne(interaction(leadId, campaignId, variantId, type, wamid, detail, at));
  }

  /**
   * {@link #recordInteraction} of an event with an identity ({@code eventId}, e.g. the same in each
   * attempt of an activity): stored once, as one row. Appended unless the lead's history holds it
   * already; the time series has no unique index, so two attempts at once may both append it, and
   * each then keeps only the event's first row ({@link #keepFirst}): once both ended one row is
   * left. A null {@code eventId} appends as {@link #recordInteraction}.
   */
  public void recordInteractionOnce(
      String eventId, String leadId, String type, String detail, Instant at) {
    Document event = interaction(leadId, null, null, type, null, detail, at);
    if (eventId == null) {
      collection().insertOne(event);
      return;
    }
    if (!hasInteraction(leadId, type, EVENT_ID, eventId)) {
      collection().insertOne(event.append(EVENT_ID, eventId));
    }
    // Also when found: the attempt that appended it may have stopped before its own clean-up.
    keepFirst(leadId, type, eventId);
  }

  /**
   * Deletes the event's rows but its first (the least {@code _id}: the same whoever reads them).
   * Each attempt reads after its own append, so the first row of all is never deleted and every
   * other row is deleted by an attempt that saw it with a lesser one. A server before MongoDB 7
   * deletes from a time series by its meta field only: the rows stay, {@link #timeline} shows one.
   */
  private void keepFirst(String leadId, String type, String eventId) {
    List<Object> ids =
        collection()
            .find(
                Filters.and(
                    Filters.eq("meta.leadId", leadId),
                    Filters.eq("type", type),
                    Filters.eq(EVENT_ID, eventId)))
            .projection(Projections.include("_id"))
            .sort(Sorts.ascending("_id"))
            .map(d -> d.get("_id"))
            .into(new ArrayList<>());
    if (ids.size() < 2) {
      return;
    }
    try {
      collection()
          .deleteMany(
              Filters.and(
                  Filters.eq("meta.leadId", leadId),
                  Filters.in("_id", ids.subList(1, ids.size()))));
    } catch (MongoServerException e) {
      // A write error, or the delete command refused outright: the rows stay, the event counts
      // once.
      LOG.warn(
          "event {} of a lead stored {} times: the server refused to delete the extra rows ({})",
          eventId,
          ids.size(),
          MongoErrors.summary(e));
    }
  }

  /** An event's identity, where its writer gives one ({@link #recordInteractionOnce}). */
  public static final String EVENT_ID = "eventId";

  /** {@link #recordInteraction} for many events, in one unordered insert. */
  public void recordInteractions(List<Document> events) {
    if (!events.isEmpty()) {
      collection().insertMany(events, new InsertManyOptions().ordered(false));
    }
  }

  /** The document {@link #recordInteraction} appends (for {@link #recordInteractions} too). */
  public static Document interaction(
      String leadId,
      String campaignId,
      String variantId,
      String type,
      String wamid,
      String detail,
      Instant at) {
    Document event =
        new Document("ts", Date.from(at))
            .append("meta", new Document("leadId", leadId))
            .append("type", type)
            .append("channel", "whatsapp");
    if (campaignId != null) {
      event.append("campaignId", campaignId);
    }
    if (variantId != null) {
      event.append("variantId", variantId);
    }
    if (wamid != null) {
      event.append("wamid", wamid);
    }
    if (detail != null) {
      event.append("detail", detail);
    }
    return event;
  }

  /** An event's variant, as an aggregation expression: top-level, or in meta for older events. */
  public static final Document EVENT_VARIANT =
      new Document("$ifNull", List.of("$variantId", "$meta.variantId"));

  /** An event's campaign, as an aggregation expression: top-level, or in meta for older events. */
  public static final Document EVENT_CAMPAIGN =
      new Document("$ifNull", List.of("$campaignId", "$meta.campaignId"));

  /** Events that name a variant, in either shape. */
  public static Bson eventHasVariant() {
    return Filters.or(Filters.exists("variantId"), Filters.exists("meta.variantId"));
  }

  /** Events of this variant, in either shape. */
  public static Bson eventOfVariant(String variantId) {
    return Filters.or(Filters.eq("variantId", variantId), Filters.eq("meta.variantId", variantId));
  }

  /** How many events of this type the lead's history holds (indexed by lead). */
  public long countInteractions(String leadId, String type) {
    return collection()
        .countDocuments(Filters.and(Filters.eq("meta.leadId", leadId), Filters.eq("type", type)));
  }

  /**
   * Whether the lead's history holds this event: its type and {@code field} equal to {@code value}.
   */
  public boolean hasInteraction(String leadId, String type, String field, String value) {
    return collection()
            .find(
                Filters.and(
                    Filters.eq("meta.leadId", leadId),
                    Filters.eq("type", type),
                    Filters.eq(field, value)))
            .limit(1)
            .first()
        != null;
  }

  /** Whether the lead's history holds an event of this type (indexed by lead). */
  public boolean hasInteraction(String leadId, String type) {
    return collection()
            .find(Filters.and(Filters.eq("meta.leadId", leadId), Filters.eq("type", type)))
            .limit(1)
            .first()
        != null;
  }

  /**
   * The lead's timeline in the order things happened ({@link Timeline}): a status never before its
   * send, a message's steps in their order, no {@code delivery_unknown} after its fate was known.
   */
  public List<Document> timeline(String leadId) {
    List<Document> events =
        collection()
            .find(Filters.eq("meta.leadId", leadId))
            .sort(Sorts.ascending("ts"))
            .into(new ArrayList<>());
    // An event with an identity appended twice (two attempts at once, read before the second's
    // clean-up, or on a server that refused it; rows written before it): the first.
    java.util.Set<String> seen = new java.util.HashSet<>();
    events.removeIf(e -> e.getString(EVENT_ID) != null && !seen.add(e.getString(EVENT_ID)));
    Map<String, String> wamidByKey = new HashMap<>();
    if (events.stream().anyMatch(e -> "delivery_unknown".equals(e.getString("type")))) {
      db.getCollection(Collections.MESSAGES)
          .find(Filters.and(Filters.eq("leadId", leadId), Filters.exists("wamid")))
          .projection(Projections.include("idempotencyKey", "wamid"))
          .forEach(m -> wamidByKey.put(m.getString("idempotencyKey"), m.getString("wamid")));
    }
    return Timeline.ordered(events, wamidByKey);
  }
}
