package com.salesagent.api.crm;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.Phones;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.notify.Notifications;
import com.salesagent.api.notify.OutboxConsumer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes lead events into HubSpot: the lead as a contact, its deal in the configured pipeline with
 * the stage its event maps to, and a note per event. Idempotent: the contact and deal ids are kept
 * ({@code crm_links}) and, before creating anything, HubSpot is searched for what an attempt that
 * died after HubSpot's answer may have created (the contact by phone, the deal by its name, the
 * note by the event's token). Run by the outbox's CRM consumer, so it retries with back-off,
 * dead-letters, and never holds up a lead's workflow.
 */
public final class HubSpotSync implements CrmConnector {
  private static final Logger LOG = LoggerFactory.getLogger(HubSpotSync.class);

  public static final String LINKS = Collections.CRM_LINKS;

  /** The default pipeline's stages the lead's events move its deal to (HUBSPOT_DEAL_STAGES). */
  public static final Map<String, String> DEFAULT_STAGES =
      Map.of(
          "interested", "appointmentscheduled",
          "handed_off", "qualifiedtobuy",
          "meeting_booked", "presentationscheduled",
          "converted", "closedwon",
          "lost", "closedlost");

  /** Events that create the lead in HubSpot; the others only add to a lead already there. */
  static final Set<String> CREATING =
      Set.of(
          "lead.interested",
          "lead.handed_off",
          "lead.meeting_booked",
          "lead.converted",
          "lead.lost");

  /** HubSpot's rolling ten-second limit: a throttled call is tried again after it. */
  static final Duration THROTTLED_RETRY = Duration.ofSeconds(10);

  private final HubSpotClient hubspot;
  private final MongoCollection<Document> links;
  private final MongoCollection<Document> contacts;
  private final String pipeline;
  private final Map<String, String> stages;
  private final boolean deleteOnErasure;

  public HubSpotSync(
      MongoDatabase db, HubSpotClient hubspot, String pipeline, Map<String, String> stages) {
    this(db, hubspot, pipeline, stages, true);
  }

  /**
   * {@code deleteOnErasure} ({@code HUBSPOT_ON_ERASURE=delete}): an erased lead's deal is archived
   * and its contact GDPR-deleted when the agent created it; else only notes say it was erased.
   */
  public HubSpotSync(
      MongoDatabase db,
      HubSpotClient hubspot,
      String pipeline,
      Map<String, String> stages,
      boolean deleteOnErasure) {
    this.deleteOnErasure = deleteOnErasure;
    this.hubspot = hubspot;
    this.links = db.getCollection(LINKS);
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.pipeline = pipeline;
    this.stages = Map.copyOf(stages);
  }

  /**
   * "interested=appointmentscheduled,converted=closedwon": the stages to set (unnamed: default).
   */
  public static Map<String, String> stages(String spec) {
    Map<String, String> out = new LinkedHashMap<>(DEFAULT_STAGES);
    if (spec == null || spec.isBlank()) {
      return out;
    }
    for (String pair : spec.split(",")) {
      String[] kv = pair.strip().split("=", 2);
      if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
        throw new IllegalArgumentException(
            "HUBSPOT_DEAL_STAGES: \"" + pair.strip() + "\" is not stage=hubspotStageId");
      }
      out.put(kv[0].strip(), kv[1].strip());
    }
    return out;
  }

  @Override
  public OutboxConsumer.Outcome deliver(Document event, int attempt) throws InterruptedException {
    String type = event.getString("type");
    String leadId = event.getString("leadId");
    try {
      if (Notifications.ERASED.equals(type)) {
        erased(event);
        return new OutboxConsumer.Outcome.Delivered();
      }
      Document link = links.find(Filters.eq("_id", leadId)).first();
      if (link == null && !CREATING.contains(type)) {
        return new OutboxConsumer.Outcome
            .Delivered(); // the CRM hears of leads that showed interest
      }
      Document contact = contacts.find(Filters.eq("leadId", leadId)).first();
      if (contact == null) {
        return new OutboxConsumer.Outcome.Delivered(); // erased meanwhile: nothing to write
      }
      String contactId = link == null ? null : link.getString("contactId");
      if (contactId == null) {
        contactId = contact(leadId, contact);
        save(leadId, "contactId", contactId);
      }
      String dealId = link == null ? null : link.getString("dealId");
      if (dealId == null) {
        dealId = deal(leadId, contactId, contact);
        save(leadId, "dealId", dealId);
      }
      String stage = stages.get(event.getString("stage"));
      if (stage != null) {
        hubspot.update("deals", dealId, Map.of("dealstage", stage));
      }
      note(event, contactId, dealId);
      return new OutboxConsumer.Outcome.Delivered();
    } catch (HubSpotClient.HubSpotException e) {
      // HubSpot's message may quote the contact's properties (a name): only its status and
      // category go to the log; the whole message stays with the event (lastError) for operators.
      LOG.warn("CRM {} for lead {}: HubSpot {} {}", type, leadId, e.status(), e.category());
      if (e.status() == 429) {
        return new OutboxConsumer.Outcome.Retry(e.getMessage(), THROTTLED_RETRY);
      }
      // A bad request stays bad; a missing permission or token may be fixed: keep trying those.
      return e.status() == 400 || e.status() == 404 || e.status() == 409 || e.status() == 422
          ? new OutboxConsumer.Outcome.Dead(e.getMessage())
          : new OutboxConsumer.Outcome.Retry(e.getMessage(), null);
    } catch (IOException e) {
      return new OutboxConsumer.Outcome.Retry(
          e.getClass().getSimpleName() + ": " + e.getMessage(), null);
    }
  }

  /**
   * The lead was erased on request (its {@code lead.erased} event carries the ids HubSpot gave its
   * contact and deal; the links are deleted already): with {@code deleteOnErasure} its deal (the
   * agent's, "WhatsApp lead <id>") is archived, and its contact GDPR-deleted when the agent created
   * it; a contact HubSpot held before the agent linked it (found by its number) is the customer's:
   * a note on it says the person was erased here and asks for the same there. Without it, notes on
   * the contact and the deal say so and nothing is deleted. Each step may run again (an archived or
   * deleted object is done; a note is found by its token).
   */
  private void erased(Document event) throws IOException, InterruptedException {
    Document ids = event.get(Notifications.ERASED_CRM_IDS, Document.class);
    if (ids == null) {
      return; // HubSpot never heard of the lead
    }
    String contactId = ids.getString("contactId");
    String dealId = ids.getString("dealId");
    boolean created = Boolean.TRUE.equals(ids.getBoolean("contactCreated"));
    if (deleteOnErasure && dealId != null) {
      hubspot.archive("deals", dealId);
    }
    if (deleteOnErasure && created && contactId != null) {
      hubspot.gdprDeleteContact(contactId);
      return;
    }
    Map<String, Integer> assoc = new LinkedHashMap<>();
    if (contactId != null) {
      assoc.put(contactId, HubSpotClient.NOTE_TO_CONTACT);
    }
    if (!deleteOnErasure && dealId != null) {
      assoc.put(dealId, HubSpotClient.NOTE_TO_DEAL);
    }
    if (!assoc.isEmpty()) {
      noteOn(event, assoc);
    }
  }

  private String contact(String leadId, Document contact) throws IOException, InterruptedException {
    String phone = contact.getString("phone");
    String found = phone == null ? null : hubspot.search("contacts", "phone", "EQ", phone);
    if (found != null) {
      return found;
    }
    String name = contact.getString("name") == null ? "" : contact.getString("name").strip();
    int space = name.indexOf(' ');
    Map<String, String> props = new LinkedHashMap<>();
    props.put("firstname", space < 0 ? name : name.substring(0, space));
    props.put("lastname", space < 0 ? "" : name.substring(space + 1));
    if (phone != null) {
      props.put("phone", phone);
    }
    if (contact.getString("company") != null) {
      props.put("company", contact.getString("company"));
    }
    String created = hubspot.create("contacts", props, Map.of());
    // Created by the agent: an erasure may delete it (one found by its number was the customer's).
    save(leadId, "contactCreated", true);
    return created;
  }

  private String deal(String leadId, String contactId, Document contact)
      throws IOException, InterruptedException {
    String name = "WhatsApp lead " + leadId;
    String found = hubspot.search("deals", "dealname", "EQ", name);
    if (found != null) {
      return found;
    }
    Map<String, String> props = new LinkedHashMap<>();
    props.put("dealname", name);
    props.put("pipeline", pipeline);
    props.put("dealstage", stages.getOrDefault("interested", "appointmentscheduled"));
    return hubspot.create("deals", props, Map.of(contactId, HubSpotClient.DEAL_TO_CONTACT));
  }

  /** One note per event, found again by its token if an earlier attempt wrote it already. */
  private void note(Document event, String contactId, String dealId)
      throws IOException, InterruptedException {
    Map<String, Integer> assoc = new LinkedHashMap<>();
    assoc.put(contactId, HubSpotClient.NOTE_TO_CONTACT);
    assoc.put(dealId, HubSpotClient.NOTE_TO_DEAL);
    noteOn(event, assoc);
  }

  /** {@link #note} on these objects. */
  private void noteOn(Document event, Map<String, Integer> assoc)
      throws IOException, InterruptedException {
    String token = "sa" + sha(event.getString("_id")).substring(0, 16);
    if (hubspot.search("notes", "hs_note_body", "CONTAINS_TOKEN", token) != null) {
      return;
    }
    String body =
        noteText(event) + " (sales agent, " + event.getString("type") + ", " + token + ")";
    Date at = event.getDate("at");
    Map<String, String> props = new LinkedHashMap<>();
    props.put("hs_timestamp", (at == null ? new Date() : at).toInstant().toString());
    props.put("hs_note_body", body);
    hubspot.create("notes", props, assoc);
  }

  static String noteText(Document event) {
    String reason = event.getString("reason");
    String what =
        switch (event.getString("type")) {
          case "lead.interested" -> "Replied with interest on WhatsApp";
          case "lead.handed_off" -> "Handed to sales rep " + event.getString("ownerId");
          case "lead.handoff_released" ->
              "Sales rep " + event.getString("ownerId") + " gave it back to the sales agent";
          case "lead.meeting_booked" -> "Meeting booked on WhatsApp";
          case "lead.converted" -> "Converted";
          case "lead.lost" -> "Lost";
          case "lead.opted_out" -> "Opted out: do not contact on WhatsApp";
          case "lead.replied_again" -> "Wrote again on WhatsApp";
          case Notifications.ERASED ->
              "Erased on request in the sales agent (its WhatsApp messages, replies and research"
                  + " are deleted there): erase this person here too if their request covers"
                  + " HubSpot";
          default -> "Stage " + event.getString("stage");
        };
    return reason == null || reason.isBlank() ? what : what + ": " + Phones.scrub(reason);
  }

  private void save(String leadId, String field, Object id) {
    links.updateOne(
        Filters.eq("_id", leadId),
        Updates.combine(Updates.set(field, id), Updates.setOnInsert("createdAt", new Date())),
        new UpdateOptions().upsert(true));
  }

  private static String sha(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String name() {
    return "hubspot";
  }

  /** The outbox consumer that runs this sync (its progress under {@code crm.}). */
  public static OutboxConsumer consumer(MongoDatabase db, HubSpotSync sync, java.time.Clock clock) {
    return CrmConnector.consumer(db, sync, clock);
  }
}
