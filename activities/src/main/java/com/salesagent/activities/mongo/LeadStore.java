package com.salesagent.activities.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
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
  private final ContactStages stages;
  private final ErasureMarks erasures;
  private final WhatsAppContacts byWhatsAppId;

  public LeadStore(MongoDatabase db) {
    this.db = db;
    this.messages = new Messages(db);
    this.interactions = new Interactions(db);
    this.contactList = new ContactList(db);
    this.stages = new ContactStages(contacts());
    this.erasures = new ErasureMarks(contacts(), messages);
    this.byWhatsAppId = new WhatsAppContacts(contacts());
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

  /** The stage a lead's run records on its contact: never over a later one; a pause. */
  public ContactStages stages() {
    return stages;
  }

  /** The mark of a lead whose erasure was requested ({@link #ERASURE}): set, accepted, undone. */
  public ErasureMarks erasures() {
    return erasures;
  }

  /** The contacts WhatsApp knows by a wa_id: a message's, a STOP's fence's, an opt-out's. */
  public WhatsAppContacts byWhatsAppId() {
    return byWhatsAppId;
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
        if (attempt > 0 || key == null || !erasures.releaseErasingActiveKey(key)) {
          return Inserted.PHONE_ACTIVE;
        }
      }
    }
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

  /** The stage of a lead whose run an operator paused. */
  public static final String PAUSED = "paused";

  /**
   * While a lead's run is paused: the stage the pause left ({@code handed_off}, {@code
   * in_conversation}...: a lead its rep held is still theirs) and when the run paused. Both go when
   * the stage changes again (the resume, an end).
   */
  public static final String PAUSED_FROM = "pausedFrom";

  public static final String PAUSED_AT = "pausedAt";

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

  /** Whether this contact or message belongs to a lead whose erasure was requested. */
  public static boolean erasing(Document contactOrMessage) {
    return contactOrMessage != null && contactOrMessage.get(ERASURE) != null;
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
