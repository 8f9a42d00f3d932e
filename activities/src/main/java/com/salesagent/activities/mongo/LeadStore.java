package com.salesagent.activities.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The lead's documents in MongoDB, shared by the activities (writes from workflows), the webhook
 * inbox and the REST API (reads). Dedup lives in regular collections (messages, webhook_events),
 * never in the time-series interaction_history.
 */
public class LeadStore {
  /** Status ranks: a later callback never moves a message back (read after delivered, ...). */
  private static final Map<String, Integer> RANK =
      Map.of("composed", 0, "accepted", 1, "sent", 2, "delivered", 3, "failed", 4, "read", 5);

  private final MongoDatabase db;

  public LeadStore(MongoDatabase db) {
    this.db = db;
  }

  public MongoDatabase database() {
    return db;
  }

  public MongoCollection<Document> contacts() {
    return db.getCollection(Collections.CONTACTS);
  }

  public MongoCollection<Document> messages() {
    return db.getCollection(Collections.MESSAGES);
  }

  public MongoCollection<Document> history() {
    return db.getCollection(Collections.INTERACTION_HISTORY);
  }

  public MongoCollection<Document> webhookEvents() {
    return db.getCollection(Collections.WEBHOOK_EVENTS);
  }

  public MongoCollection<Document> feedback() {
    return db.getCollection(Collections.FEEDBACK);
  }

  // ---- contacts

  /** False when the leadId exists already (nothing is changed then). */
  public boolean insertContact(Document contact) {
    try {
      contacts().insertOne(contact);
      return true;
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
        return false;
      }
      throw e;
    }
  }

  public Document contact(String leadId) {
    return contacts().find(Filters.eq("leadId", leadId)).first();
  }

  public void setContactFields(String leadId, Document fields) {
    contacts().updateOne(Filters.eq("leadId", leadId), new Document("$set", fields));
  }

  public List<String> leadIdsByPhone(String phone) {
    List<String> ids = new ArrayList<>();
    contacts().find(Filters.eq("phone", phone)).forEach(d -> ids.add(d.getString("leadId")));
    return ids;
  }

  /** Marks every contact with this phone as do-not-contact; returns their leadIds. */
  public List<String> markDoNotContact(String phone, String source, Instant at) {
    contacts()
        .updateMany(
            Filters.eq("phone", phone),
            Updates.combine(
                Updates.set("doNotContact", true),
                Updates.set("doNotContactSource", source),
                Updates.set("doNotContactAt", Date.from(at))));
    return leadIdsByPhone(phone);
  }

  /** Filters: stage, campaignId, segment, variantId (each optional). */
  public record ContactQuery(String stage, String campaignId, String segment, String variantId) {}

  public List<Document> listContacts(String stage, String campaignId, int page, int pageSize) {
    return listContacts(new ContactQuery(stage, campaignId, null, null), page, pageSize);
  }

  private volatile boolean insertionOrderNewestFirst;

  /**
   * For the embedded MongoDB-wire server, whose sorts are never index-backed (a newest-first page
   * of 20,000 contacts sorted them all: 260 ms): list newest first by natural order, which is the
   * enrolment order there (contacts are inserted when enrolled). A real MongoDB uses the enrolledAt
   * index.
   */
  public LeadStore insertionOrderNewestFirst(boolean on) {
    this.insertionOrderNewestFirst = on;
    return this;
  }

  public List<Document> listContacts(ContactQuery q, int page, int pageSize) {
    return contacts()
        .find(contactFilter(q))
        .sort(Sorts.descending(insertionOrderNewestFirst ? "$natural" : "enrolledAt"))
        .skip(page * pageSize)
        .limit(pageSize)
        .into(new ArrayList<>());
  }

  public long countContacts(String stage, String campaignId) {
    return countContacts(new ContactQuery(stage, campaignId, null, null));
  }

  public long countContacts(ContactQuery q) {
    return contacts().countDocuments(contactFilter(q));
  }

  private static Bson contactFilter(ContactQuery q) {
    String stage = q.stage();
    String campaignId = q.campaignId();
    List<Bson> filters = new ArrayList<>();
    if (q.segment() != null && !q.segment().isBlank()) {
      filters.add(Filters.eq("segment", q.segment()));
    }
    if (q.variantId() != null && !q.variantId().isBlank()) {
      filters.add(Filters.eq("variantId", q.variantId()));
    }
    if (stage != null && !stage.isBlank()) {
      filters.add(Filters.eq("stage", stage));
    }
    if (campaignId != null && !campaignId.isBlank()) {
      filters.add(Filters.eq("campaignId", campaignId));
    }
    return filters.isEmpty() ? new Document() : Filters.and(filters);
  }

  // ---- interaction history (append-only)

  public void recordInteraction(
      String leadId,
      String campaignId,
      String variantId,
      String type,
      String wamid,
      String detail,
      Instant at) {
    Document meta = new Document("leadId", leadId).append("channel", "whatsapp");
    if (campaignId != null) {
      meta.append("campaignId", campaignId);
    }
    if (variantId != null) {
      meta.append("variantId", variantId);
    }
    Document event = new Document("ts", Date.from(at)).append("meta", meta).append("type", type);
    if (wamid != null) {
      event.append("wamid", wamid);
    }
    if (detail != null) {
      event.append("detail", detail);
    }
    history().insertOne(event);
  }

  /** Whether the lead's history holds an event of this type (indexed by lead). */
  public boolean hasInteraction(String leadId, String type) {
    return history()
            .find(Filters.and(Filters.eq("meta.leadId", leadId), Filters.eq("type", type)))
            .limit(1)
            .first()
        != null;
  }

  public List<Document> interactions(String leadId) {
    return history()
        .find(Filters.eq("meta.leadId", leadId))
        .sort(Sorts.ascending("ts"))
        .into(new ArrayList<>());
  }

  // ---- messages

  /** Stores a composed message under its key; a second compose of the same key changes nothing. */
  public void upsertComposed(String idempotencyKey, Document fields) {
    messages()
        .updateOne(
            Filters.eq("idempotencyKey", idempotencyKey),
            new Document("$setOnInsert", fields.append("idempotencyKey", idempotencyKey))
                .append("$currentDate", new Document("updatedAt", true)),
            new UpdateOptions().upsert(true));
  }

  public Document messageByKey(String idempotencyKey) {
    return messages().find(Filters.eq("idempotencyKey", idempotencyKey)).first();
  }

  public Document messageByWamid(String wamid) {
    return messages().find(Filters.eq("wamid", wamid)).first();
  }

  /**
   * Claims the right to call the API for this key until {@code until}; false while another attempt
   * holds it or once a wamid is recorded.
   */
  public boolean claimSend(String idempotencyKey, Instant now, Instant until) {
    Document claimed =
        messages()
            .findOneAndUpdate(
                Filters.and(
                    Filters.eq("idempotencyKey", idempotencyKey),
                    Filters.exists("wamid", false),
                    Filters.or(
                        Filters.exists("sendingUntil", false),
                        Filters.lt("sendingUntil", Date.from(now)))),
                Updates.set("sendingUntil", Date.from(until)),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
    return claimed != null;
  }

  public void markAccepted(String idempotencyKey, String wamid, String kind, Instant at) {
    messages()
        .updateOne(
            Filters.eq("idempotencyKey", idempotencyKey),
            Updates.combine(
                Updates.set("wamid", wamid),
                Updates.set("kind", kind),
                Updates.set("status", "accepted"),
                Updates.set("statusRank", RANK.get("accepted")),
                Updates.set("statusAt.accepted", Date.from(at)),
                Updates.currentDate("updatedAt"),
                Updates.unset("sendingUntil")));
  }

  public void releaseClaim(String idempotencyKey) {
    messages()
        .updateOne(Filters.eq("idempotencyKey", idempotencyKey), Updates.unset("sendingUntil"));
  }

  /**
   * Applies a status callback: keeps the earliest time per status and moves {@code status} only
   * forward. Returns the message, or null for a wamid we never sent.
   */
  public Document applyStatus(
      String wamid, String status, Instant at, Integer errorCode, String errorTitle) {
    Integer rank = RANK.get(status);
    if (rank == null) {
      return messageByWamid(wamid);
    }
    List<Bson> updates = new ArrayList<>();
    updates.add(Updates.min("statusAt." + status, Date.from(at)));
    if (errorCode != null) {
      updates.add(
          Updates.set("error", new Document("code", errorCode).append("title", errorTitle)));
    }
    Document before =
        messages()
            .findOneAndUpdate(
                Filters.eq("wamid", wamid),
                Updates.combine(updates),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
    if (before == null) {
      return null;
    }
    messages()
        .updateOne(
            Filters.and(Filters.eq("wamid", wamid), Filters.lt("statusRank", rank)),
            Updates.combine(
                Updates.set("status", status),
                Updates.set("statusRank", rank),
                Updates.currentDate("updatedAt")));
    return before;
  }

  public List<Document> messagesOf(String leadId) {
    return messages()
        .find(Filters.eq("leadId", leadId))
        .sort(Sorts.ascending("step", "composedAt"))
        .into(new ArrayList<>());
  }
}
