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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lead's documents in MongoDB, shared by the activities (writes from workflows), the webhook
 * inbox and the REST API (reads): its contact here, its messages through {@link #messages()}, its
 * interaction history through {@link #interactions()}; the list of contacts through {@link
 * #contactList()}. Dedup lives in regular collections (messages, webhook_events), never in the
 * time-series interaction_history.
 */
public class LeadStore {
  private static final Logger LOG = LoggerFactory.getLogger(LeadStore.class);

  private final MongoDatabase db;
  private final Messages messages;
  private final Interactions interactions;
  private final ContactList contactList;

  public LeadStore(MongoDatabase db) {
    this.db = db;
    this.messages = new Messages(db);
    this.interactions = new Interactions(db);
    this.contactList = new ContactList(db);
  }

  public MongoDatabase database() {
    return db;
  }

  public MongoCollection<Document> contacts() {
    return db.getCollection(Collections.CONTACTS);
  }

  /** The lead's messages (the messages collection): composed, claimed, sent, their statuses. */
  public Messages messages() {
    return messages;
  }

  /** The lead's interaction history (the time-series interaction_history) and its timeline. */
  public Interactions interactions() {
    return interactions;
  }

  /** The operator's list of contacts: filtered, paged and counted. */
  public ContactList contactList() {
    return contactList;
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

  /**
   * A lead that ended runs again (it wrote after it ended: a new run of its workflow): it is its
   * number's active lead in its campaign again ({@code activeKey}), so enrolling the number again
   * is refused while it runs, as before it ended. Unless another lead of the number was enrolled
   * meanwhile (the unique index refuses the key): that one stays the active lead. True when set.
   */
  public boolean activeAgain(String leadId) {
    Document contact =
        contacts()
            .find(Filters.eq("leadId", leadId))
            .projection(Projections.include("campaignId", "phone", "activeKey", ERASURE))
            .first();
    if (contact == null
        || contact.getString("phone") == null
        || contact.get(ERASURE) != null
        || contact.getString("activeKey") != null) {
      return contact != null && contact.getString("activeKey") != null;
    }
    try {
      contacts()
          .updateOne(
              Filters.eq("leadId", leadId),
              Updates.set(
                  "activeKey",
                  activeKey(contact.getString("campaignId"), contact.getString("phone"))));
      return true;
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
        throw e;
      }
      LOG.info(
          "lead {} runs again; another lead of its number is the campaign's active one", leadId);
      return false;
    }
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
    String stage = fields.getString("stage");
    if (PAUSED.equals(stage)) {
      return pausedWasHeldBy(leadId, fields);
    }
    Document update = new Document("$set", fields);
    if (stage != null) {
      // Not paused (any more): what the pause kept goes with it.
      update.append("$unset", new Document(PAUSED_FROM, "").append(PAUSED_AT, ""));
    }
    return contacts()
        .findOneAndUpdate(
            notNewer(leadId, fields),
            update,
            new FindOneAndUpdateOptions()
                .projection(Projections.include("ownerId", "stage", PAUSED_FROM))
                .returnDocument(ReturnDocument.BEFORE));
  }

  /**
   * On a stage written by a lead's run: the run's time when it decided it. A stage record that
   * reaches MongoDB after one its run decided later (the local activity of a workflow task that
   * timed out under load, finishing after the retried task went on and ended the lead) leaves the
   * later stage in place, instead of showing an ended lead as still waiting.
   */
  public static final String STAGE_AT = "stageAt";

  /**
   * When a live lead was told that its number was suppressed (the API's {@code SuppressedLeads}: by
   * an operator, or through another lead of the number), stored with its do-not-contact mark: the
   * live feed's {@code opted_out} of such a lead.
   */
  public static final String SUPPRESSED_AT = "suppressedAt";

  /**
   * The contact, unless it holds a stage its run decided after {@code fields}' {@link #STAGE_AT}.
   */
  private static org.bson.conversions.Bson notNewer(String leadId, Document fields) {
    Object at = fields.get(STAGE_AT);
    return at == null
        ? Filters.eq("leadId", leadId)
        : Filters.and(
            Filters.eq("leadId", leadId),
            Filters.or(Filters.exists(STAGE_AT, false), Filters.lte(STAGE_AT, at)));
  }

  /** The stage of a lead whose run an operator paused. */
  public static final String PAUSED = "paused";

  /**
   * While a lead's run is paused: the stage the pause left ({@code handed_off}, {@code
   * in_conversation}...: a lead its rep held is still theirs) and when the run paused. Both go when
   * the stage changes again (the resume, an end).
   */
  public static final String PAUSED_FROM = "pausedFrom";

  public static final String PAUSED_AT = "pausedAt";

  /**
   * The paused stage, written with the stage it leaves ({@link #PAUSED_FROM}) and when ({@link
   * #PAUSED_AT}, the record's {@code updatedAt}) in one write conditional on the stage read, so
   * nothing between the read and the write is lost; a retried record of the same pause (the stage
   * is paused already) keeps what the first one kept.
   */
  private Document pausedWasHeldBy(String leadId, Document fields) {
    FindOneAndUpdateOptions before =
        new FindOneAndUpdateOptions()
            .projection(Projections.include("ownerId", "stage", PAUSED_FROM))
            .returnDocument(ReturnDocument.BEFORE);
    for (int turn = 0; turn < 5; turn++) {
      Document seen =
          contacts()
              .find(Filters.eq("leadId", leadId))
              .projection(Projections.include("stage"))
              .first();
      if (seen == null) {
        return null;
      }
      String was = seen.getString("stage");
      Document set = new Document(fields);
      if (!PAUSED.equals(was)) {
        set.append(PAUSED_FROM, was).append(PAUSED_AT, fields.get("updatedAt"));
      }
      Document written =
          contacts()
              .findOneAndUpdate(
                  Filters.and(notNewer(leadId, fields), Filters.eq("stage", was)),
                  new Document("$set", set),
                  before);
      if (written != null) {
        return written;
      }
    }
    // The stage kept changing under the read: the pause is written without what it left.
    return contacts()
        .findOneAndUpdate(notNewer(leadId, fields), new Document("$set", fields), before);
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

  /**
   * Every lead WhatsApp knows by this wa_id, leads being erased included (a STOP's fence waits for
   * their sends too).
   */
  public List<String> allLeadIdsByWhatsAppId(String waId) {
    return contacts()
        .find(byWhatsAppId(waId))
        .projection(Projections.include("leadId"))
        .map(d -> d.getString("leadId"))
        .into(new ArrayList<>());
  }

  public List<String> leadIdsByWhatsAppId(String waId) {
    return contactsByWhatsAppId(waId).stream().map(d -> d.getString("leadId")).toList();
  }

  /** Whether {@code waId} is one the contact as read does not have yet (null and blank are not). */
  public static boolean isNewWaId(Document contact, String waId) {
    return waId != null
        && !waId.isBlank()
        && !contact.getList("waIds", Object.class, List.of()).contains(waId);
  }

  /** Records the wa_id WhatsApp answered a send with, so inbound messages match it too. */
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
    return markErasing(leadId, at, null);
  }

  /**
   * {@link #markErasing(String, Instant)} keeping the request's choice on the contact's mark
   * ({@code keepSuppressed}): a retried request is the same request.
   */
  public boolean markErasing(String leadId, Instant at, Boolean keepSuppressed) {
    Bson mark = Updates.set(ERASURE + ".requestedAt", Date.from(at));
    Bson contactMark =
        keepSuppressed == null
            ? mark
            : Updates.combine(mark, Updates.set(ERASURE + ".keepSuppressed", keepSuppressed));
    boolean marked =
        contacts()
                .updateOne(Filters.and(Filters.eq("leadId", leadId), NOT_ERASING), contactMark)
                .getModifiedCount()
            == 1;
    messages.collection().updateMany(Filters.and(Filters.eq("leadId", leadId), NOT_ERASING), mark);
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
    messages.collection().updateMany(ours, Updates.unset(ERASURE));
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
}
