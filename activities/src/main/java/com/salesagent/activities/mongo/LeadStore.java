package com.salesagent.activities.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The lead's documents in MongoDB, shared by the activities (writes from workflows), the webhook
 * inbox and the REST API (reads): its contact here, its interaction history through {@link
 * #interactions()}. Dedup lives in regular collections (messages, webhook_events), never in the
 * time-series interaction_history.
 */
public class LeadStore {
  /** Status ranks: a later callback never moves a message back (read after delivered, ...). */
  static final Map<String, Integer> RANK =
      Map.of("composed", 0, "accepted", 1, "sent", 2, "delivered", 3, "failed", 4, "read", 5);

  /**
   * Set on a message whose send's fate was once unknown, and never removed (a late answer removes
   * {@code unknown}): its lead's workflow hears every status of it, not only the ones that change
   * its next action.
   */
  public static final String AMBIGUOUS = "ambiguous";

  /**
   * On a message whose lead's workflow looks its read up once instead of being signalled
   * (ReadReceipts in the workflows module): the webhook stores such a read without a signal...
   */
  public static final String READS_LOOKED_UP = "readsLookedUp";

  /**
   * ...until the workflow has looked ({@code LeadActivities.readReceipt} sets this in the same
   * write that reads the message): from then on its read is signalled.
   */
  public static final String READ_SIGNAL = "readSignal";

  private final MongoDatabase db;
  private final Interactions interactions;

  public LeadStore(MongoDatabase db) {
    this.db = db;
    this.interactions = new Interactions(db);
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

  /** The lead's interaction history (the time-series interaction_history) and its timeline. */
  public Interactions interactions() {
    return interactions;
  }

  public MongoCollection<Document> webhookEvents() {
    return db.getCollection(Collections.WEBHOOK_EVENTS);
  }

  public MongoCollection<Document> feedback() {
    return db.getCollection(Collections.FEEDBACK);
  }

  // ---- contacts

  /** Why an insert did not happen. */
  public enum Inserted {
    INSERTED,
    /** The leadId exists already: nothing changed. */
    LEAD_EXISTS,
    /** Another lead of the same campaign is active on this phone: nothing changed. */
    PHONE_ACTIVE
  }

  /**
   * The key that allows one active lead per phone per campaign (a unique sparse index): set while
   * the lead's workflow runs, removed when it reaches a terminal stage.
   */
  public static String activeKey(String campaignId, String phone) {
    return campaignId + "|" + phone;
  }

  /**
   * Inserts a contact (with its {@code activeKey}); tells which uniqueness refused it, if any. A
   * lead whose erasure was accepted ({@link #ERASURE} with {@code acceptedAt}: its workflow
   * started) is no longer active: it gives its {@code activeKey} up to the new lead (its erasure's
   * first pass would drop it seconds later anyway). One only marked keeps it: its erasure may still
   * fail to start, and the lead then goes on as the number's active lead.
   */
  public Inserted insertContact(Document contact) {
    for (int attempt = 0; ; attempt++) {
      try {
        contacts().insertOne(contact);
        return Inserted.INSERTED;
      } catch (MongoWriteException e) {
        if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
          throw e;
        }
        if (contact(contact.getString("leadId")) != null) {
          return Inserted.LEAD_EXISTS;
        }
        String key = contact.getString("activeKey");
        if (attempt > 0 || key == null || !releaseErasingActiveKey(key)) {
          return Inserted.PHONE_ACTIVE;
        }
      }
    }
  }

  /** Removes {@code activeKey} from the lead holding it if that lead's erasure was accepted. */
  private boolean releaseErasingActiveKey(String activeKey) {
    return contacts()
            .updateOne(
                Filters.and(Filters.eq("activeKey", activeKey), Filters.exists(ACCEPTED_AT)),
                Updates.unset("activeKey"))
            .getModifiedCount()
        == 1;
  }

  /** The lead reached a terminal stage: its phone may be enrolled again in its campaign. */
  public void endActive(String leadId) {
    contacts().updateOne(Filters.eq("leadId", leadId), Updates.unset("activeKey"));
  }

  /** The lead active on this phone in this campaign, or null. */
  public Document activeContact(String campaignId, String phone) {
    return contacts().find(Filters.eq("activeKey", activeKey(campaignId, phone))).first();
  }

  public Document contact(String leadId) {
    return contacts().find(Filters.eq("leadId", leadId)).first();
  }

  /**
   * The contact's fields a lead's steps read: all but its free texts ({@code researchText}, pages
   * of it, and {@code notes}), which only research reads. A lead's steps read the contact about six
   * times on the way to its first message; its research text went along each time, encoded by the
   * server and decoded by the worker (issue 12).
   */
  public Document contactForSteps(String leadId) {
    return contacts()
        .find(Filters.eq("leadId", leadId))
        .projection(Projections.exclude(FREE_TEXTS))
        .first();
  }

  /** The contact's free texts, read by research only (see {@link #contactForSteps}). */
  public static final List<String> FREE_TEXTS = List.of("researchText", "notes");

  public void setContactFields(String leadId, Document fields) {
    contacts().updateOne(Filters.eq("leadId", leadId), new Document("$set", fields));
  }

  /**
   * {@link #setContactFields} in the same one round trip, answering the contact's {@code ownerId}
   * and {@code stage} as they were before this write (null: no such contact).
   */
  public Document setContactFieldsWasHeldBy(String leadId, Document fields) {
    return contacts()
        .findOneAndUpdate(
            Filters.eq("leadId", leadId),
            new Document("$set", fields),
            new FindOneAndUpdateOptions()
                .projection(Projections.include("ownerId", "stage"))
                .returnDocument(ReturnDocument.BEFORE));
  }

  /**
   * Contacts WhatsApp knows by this wa_id: enrolled with that number, or answered by it (the wa_id
   * of every send is stored, since it may differ from the number as enrolled: Brazil's ninth digit,
   * Mexico's 1 after +52).
   */
  private static Bson byWhatsAppId(String waId) {
    String digits = waId.startsWith("+") ? waId.substring(1) : waId;
    return Filters.or(Filters.eq("phone", "+" + digits), Filters.eq("waIds", digits));
  }

  /**
   * The contacts a message from this wa_id is for: those WhatsApp knows by it, less the leads whose
   * erasure was requested ({@link #ERASURE}). An erased lead's contact stays as a tombstone with
   * its numbers until the erasure's last pass; a new lead enrolled on the same number meanwhile
   * gets the person's replies, the erased one never does.
   */
  public List<Document> contactsByWhatsAppId(String waId) {
    return contacts().find(Filters.and(byWhatsAppId(waId), NOT_ERASING)).into(new ArrayList<>());
  }

  public List<String> leadIdsByWhatsAppId(String waId) {
    return contactsByWhatsAppId(waId).stream().map(d -> d.getString("leadId")).toList();
  }

  /** Records the wa_id WhatsApp answered a send with, so inbound messages match it too. */
  /** Whether {@code waId} is one the contact as read does not have yet (null and blank are not). */
  public static boolean isNewWaId(Document contact, String waId) {
    return waId != null
        && !waId.isBlank()
        && !contact.getList("waIds", Object.class, List.of()).contains(waId);
  }

  public void addWhatsAppId(String leadId, String waId) {
    if (waId != null && !waId.isBlank()) {
      contacts().updateOne(Filters.eq("leadId", leadId), Updates.addToSet("waIds", waId));
    }
  }

  /**
   * The contacts an opt-out from this wa_id reaches: those WhatsApp knows by it, and every other
   * contact enrolled with one of their numbers (other campaigns, other leadIds). Leads being erased
   * are among them, for their numbers only (a stop suppresses every number the person is known by):
   * the caller leaves them out of everything else ({@link #erasing}).
   */
  public List<Document> optOutContacts(String waId) {
    List<Document> matched = contacts().find(byWhatsAppId(waId)).into(new ArrayList<>());
    List<String> numbers = new ArrayList<>();
    for (Document c : matched) {
      for (String n : numbersOf(c)) {
        if (!numbers.contains(n)) {
          numbers.add(n);
        }
      }
    }
    if (numbers.isEmpty()) {
      return matched;
    }
    List<String> digits = numbers.stream().map(n -> n.substring(1)).toList();
    return contacts()
        .find(
            Filters.or(
                byWhatsAppId(waId), Filters.in("phone", numbers), Filters.in("waIds", digits)))
        .into(new ArrayList<>());
  }

  /**
   * Marks these contacts do-not-contact (kept for the lead page; the number's suppression rules).
   */
  public void markDoNotContact(List<String> leadIds, String source, Instant at) {
    if (leadIds.isEmpty()) {
      return;
    }
    contacts()
        .updateMany(
            Filters.in("leadId", leadIds),
            Updates.combine(
                Updates.set("doNotContact", true),
                Updates.set("doNotContactSource", source),
                Updates.set("doNotContactAt", Date.from(at))));
  }

  /**
   * Set on a lead's contact and messages ({@code erasure.requestedAt}) the moment an operator's
   * erasure of it is accepted, before its erasure workflow runs: from then on no webhook reaches it
   * (no reply, opt-out or status is recorded on it, counted for it or signalled to it), though its
   * contact stays, as a tombstone after the first pass, until the erasure's last pass.
   */
  public static final String ERASURE = "erasure";

  private static final Bson NOT_ERASING = Filters.exists(ERASURE, false);

  /** Whether this contact or message belongs to a lead whose erasure was requested. */
  public static boolean erasing(Document contactOrMessage) {
    return contactOrMessage != null && contactOrMessage.get(ERASURE) != null;
  }

  /**
   * Marks the lead's contact and messages as being erased ({@link #ERASURE}); answers whether this
   * call marked the contact (false: it was marked already, or there is none).
   */
  public boolean markErasing(String leadId, Instant at) {
    Bson mark = Updates.set(ERASURE + ".requestedAt", Date.from(at));
    boolean marked =
        contacts()
                .updateOne(Filters.and(Filters.eq("leadId", leadId), NOT_ERASING), mark)
                .getModifiedCount()
            == 1;
    messages().updateMany(Filters.and(Filters.eq("leadId", leadId), NOT_ERASING), mark);
    return marked;
  }

  /**
   * Whether the lead's erasure was accepted ({@link #ERASURE}) or its contact is gone, as stored
   * now: what a send checks right before its call.
   */
  public boolean erasingNow(String leadId) {
    Document contact =
        contacts()
            .find(Filters.eq("leadId", leadId))
            .projection(Projections.include(ERASURE))
            .first();
    return contact == null || erasing(contact);
  }

  private static final String ACCEPTED_AT = ERASURE + ".acceptedAt";

  /**
   * The erasure of a lead marked by {@link #markErasing} has started: the lead gives its place as
   * the number's active lead in its campaign up to the next enrolment ({@link #insertContact}).
   */
  public void erasureAccepted(String leadId, Instant at) {
    contacts()
        .updateOne(
            Filters.and(
                Filters.eq("leadId", leadId),
                Filters.exists(ERASURE),
                Filters.exists(ACCEPTED_AT, false)),
            Updates.set(ACCEPTED_AT, Date.from(at)));
  }

  /** Takes back the mark {@link #markErasing} set at {@code at} (its erasure did not start). */
  public void unmarkErasing(String leadId, Instant at) {
    Bson ours =
        Filters.and(
            Filters.eq("leadId", leadId), Filters.eq(ERASURE + ".requestedAt", Date.from(at)));
    contacts().updateOne(ours, Updates.unset(ERASURE));
    messages().updateMany(ours, Updates.unset(ERASURE));
  }

  /** The numbers a contact is reachable under: the enrolled phone and every wa_id seen. */
  public static List<String> numbersOf(Document contact) {
    List<String> numbers = new ArrayList<>();
    if (contact.getString("phone") != null) {
      numbers.add(contact.getString("phone"));
    }
    for (String waId : contact.getList("waIds", String.class, List.of())) {
      String n = "+" + waId;
      if (!numbers.contains(n)) {
        numbers.add(n);
      }
    }
    return numbers;
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

  // ---- messages

  /**
   * Stores a composed message under its key; a second compose of the same key changes nothing.
   * Answers the message as stored under the key after the write (the first composition's), in the
   * same round trip.
   */
  public Document upsertComposed(String idempotencyKey, Document fields) {
    return messages()
        .findOneAndUpdate(
            Filters.eq("idempotencyKey", idempotencyKey),
            new Document("$setOnInsert", fields.append("idempotencyKey", idempotencyKey))
                .append("$currentDate", new Document("updatedAt", true)),
            new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
  }

  /** Sets fields of the message stored under this key (dotted paths allowed). */
  public void setMessageFields(String idempotencyKey, Document fields) {
    messages()
        .updateOne(Filters.eq("idempotencyKey", idempotencyKey), new Document("$set", fields));
  }

  public Document messageByKey(String idempotencyKey) {
    return messages().find(Filters.eq("idempotencyKey", idempotencyKey)).first();
  }

  public Document messageByWamid(String wamid) {
    return messages().find(Filters.eq("wamid", wamid)).first();
  }

  /**
   * Claims the one call to the API for this key, for the attempt {@code token}. False when a wamid
   * is recorded or another attempt holds the claim: that attempt died mid-call or is still in it,
   * so whether Meta got the message is unknown. {@code resendUnknown}: a decided resend of a send
   * whose fate is unknown may take the claim over.
   */
  public boolean claimSend(
      String idempotencyKey, String token, Instant now, boolean resendUnknown) {
    Bson free =
        resendUnknown
            ? Filters.or(Filters.exists("sendingBy", false), Filters.eq("status", "unknown"))
            : Filters.exists("sendingBy", false);
    Document claimed =
        messages()
            .findOneAndUpdate(
                Filters.and(
                    Filters.eq("idempotencyKey", idempotencyKey),
                    Filters.exists("wamid", false),
                    free),
                Updates.combine(
                    Updates.set("sendingBy", token), Updates.set("sendingSince", Date.from(now))),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
    return claimed != null;
  }

  /** The call provably did not reach Meta: the next attempt may make it. */
  public void releaseClaim(String idempotencyKey, String token) {
    messages()
        .updateOne(
            Filters.and(
                Filters.eq("idempotencyKey", idempotencyKey), Filters.eq("sendingBy", token)),
            Updates.combine(Updates.unset("sendingBy"), Updates.unset("sendingSince")));
  }

  /**
   * The call may have reached Meta (its answer was lost): the claim stays, the message is marked
   * unknown until a status webhook (or a late answer) binds its wamid.
   */
  public void markUnknown(String idempotencyKey, String reason, Instant at) {
    messages()
        .updateOne(
            Filters.and(
                Filters.eq("idempotencyKey", idempotencyKey), Filters.exists("wamid", false)),
            Updates.combine(
                Updates.set("status", "unknown"),
                Updates.set(AMBIGUOUS, true),
                Updates.set("unknown", new Document("at", Date.from(at)).append("reason", reason)),
                Updates.currentDate("updatedAt")));
  }

  /** Meta refused the message: its answer (code, details, trace id) stays on the document. */
  public void markRefused(String idempotencyKey, Document error) {
    messages()
        .updateOne(
            Filters.eq("idempotencyKey", idempotencyKey),
            Updates.combine(
                Updates.set("error", error),
                Updates.set("status", "refused"),
                Updates.currentDate("updatedAt")));
  }

  /**
   * The send's answer: the message has its wamid. A status webhook may have come first (Meta echoes
   * the idempotency key, {@link #bindWamid}) and moved the message on to sent or delivered; the
   * answer then adds what only it knows and never moves the status back to accepted (the message
   * stayed "accepted" for good and its lead looked undelivered).
   */
  public void markAccepted(
      String idempotencyKey, String wamid, String waId, String kind, Instant at) {
    List<Bson> answer =
        List.of(
            Updates.set("wamid", wamid),
            Updates.set("waId", waId),
            Updates.set("kind", kind),
            Updates.currentDate("updatedAt"),
            Updates.unset("unknown"),
            Updates.unset("sendingBy"),
            Updates.unset("sendingSince"));
    List<Bson> first = new ArrayList<>(answer);
    first.add(Updates.set("status", "accepted"));
    first.add(Updates.set("statusRank", RANK.get("accepted")));
    first.add(Updates.set("statusAt.accepted", Date.from(at)));
    boolean moved =
        messages()
                .updateOne(
                    Filters.and(
                        Filters.eq("idempotencyKey", idempotencyKey),
                        Filters.or(
                            Filters.exists("statusRank", false),
                            Filters.lt("statusRank", RANK.get("accepted")))),
                    Updates.combine(first))
                .getMatchedCount()
            == 1;
    if (!moved) {
      List<Bson> later = new ArrayList<>(answer);
      later.add(Updates.min("statusAt.accepted", Date.from(at)));
      messages().updateOne(Filters.eq("idempotencyKey", idempotencyKey), Updates.combine(later));
    }
  }

  /**
   * Binds a wamid to the message sent under this idempotency key when the send's own answer was
   * lost (Meta echoes the key as biz_opaque_callback_data in status webhooks); false when the key
   * is unknown or the message has its wamid already.
   */
  public boolean bindWamid(String idempotencyKey, String wamid, String waId, Instant at) {
    return messages()
            .updateOne(
                Filters.and(
                    Filters.eq("idempotencyKey", idempotencyKey), Filters.exists("wamid", false)),
                Updates.combine(
                    Updates.set("wamid", wamid),
                    Updates.set("waId", waId),
                    Updates.set("status", "accepted"),
                    Updates.set("statusRank", RANK.get("accepted")),
                    Updates.set("statusAt.accepted", Date.from(at)),
                    Updates.set("reconciledBy", "status_webhook"),
                    Updates.currentDate("updatedAt"),
                    Updates.unset("sendingBy"),
                    Updates.unset("sendingSince")))
            .getModifiedCount()
        == 1;
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

  /** Messages by wamid, in one query; wamids we never sent are absent from the map. */
  public Map<String, Document> messagesByWamid(Collection<String> wamids) {
    return messagesByWamid(wamids, List.of());
  }

  /**
   * Messages by wamid, in one query, with only these fields (all for none): the status path reads a
   * dozen of a message's fields, and on the embedded MongoDB-wire server encoding whole messages
   * (text, media, quality notes) was the largest part of its finds (issue 12).
   */
  public Map<String, Document> messagesByWamid(Collection<String> wamids, List<String> fields) {
    Map<String, Document> out = new HashMap<>();
    var found = messages().find(Filters.in("wamid", wamids));
    if (!fields.isEmpty()) {
      found = found.projection(Projections.include(fields));
    }
    for (Document d : found) {
      out.put(d.getString("wamid"), d);
    }
    return out;
  }

  /** Contacts by lead id, in one query. */
  public Map<String, Document> contactsByLeadId(Collection<String> leadIds) {
    return contactsByLeadId(leadIds, List.of());
  }

  /** Contacts by lead id, in one query, with only these fields (all for none). */
  public Map<String, Document> contactsByLeadId(Collection<String> leadIds, List<String> fields) {
    Map<String, Document> out = new HashMap<>();
    var found = contacts().find(Filters.in("leadId", leadIds));
    if (!fields.isEmpty()) {
      found = found.projection(Projections.include(fields));
    }
    for (Document d : found) {
      out.put(d.getString("leadId"), d);
    }
    return out;
  }

  /**
   * The messages of these leads that WhatsApp accepted: lead, wamid, variant and when it was
   * accepted.
   */
  public List<Document> sentMessagesOf(Collection<String> leadIds) {
    return messages()
        .find(Filters.and(Filters.in("leadId", leadIds), Filters.exists("wamid")))
        .projection(Projections.include("leadId", "wamid", "variantId", "statusAt.accepted"))
        .into(new ArrayList<>());
  }

  public List<Document> messagesOf(String leadId) {
    return messages()
        .find(Filters.eq("leadId", leadId))
        .sort(Sorts.ascending("step", "composedAt"))
        .into(new ArrayList<>());
  }

  /** The lead's persona document, or null. */
  public Document persona(String leadId) {
    return database()
        .getCollection(Collections.PERSONAS)
        .find(Filters.eq("leadId", leadId))
        .first();
  }

  /** The lead's replies as feedback, oldest first. */
  public List<Document> feedbackOf(String leadId) {
    return feedback()
        .find(Filters.eq("leadId", leadId))
        .sort(Sorts.ascending("receivedAt"))
        .into(new ArrayList<>());
  }

  /** The lead's research chunks with these ids, without their embeddings. */
  public List<Document> researchChunks(String leadId, Collection<?> chunkIds) {
    return database()
        .getCollection(Collections.RESEARCH_RESULTS)
        .find(Filters.and(Filters.eq("leadId", leadId), Filters.in("_id", chunkIds)))
        .projection(new Document("embedding", 0))
        .into(new ArrayList<>());
  }

  /** All contacts, from the collection's metadata: no scan. */
  public long estimatedContacts() {
    return contacts().estimatedDocumentCount();
  }
}
