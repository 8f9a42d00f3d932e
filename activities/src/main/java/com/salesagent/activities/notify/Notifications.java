package com.salesagent.activities.notify;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import org.bson.Document;

/**
 * The outbox of lead events that other tools (a CRM, the sales reps' chat) are told about through
 * signed outbound webhooks: {@code lead.interested}, {@code lead.handed_off} and {@code
 * lead.handoff_reminder} (naming the sales rep by id, once per hand-off attempt), {@code
 * lead.erased} (the lead was erased on request: its recipients are told to erase their copy, with
 * the CRM's ids of the lead, see {@link #emitErased}), {@code lead.handoff_released} (the rep gave
 * the lead back to the agent, once per attempt), {@code lead.replied_again} (a lead with an owner
 * wrote again: once per message, to its owner), and the outcomes {@code lead.replied}, {@code
 * lead.converted}, {@code lead.lost}, {@code lead.opted_out}, {@code lead.no_response}, {@code
 * lead.failed}, {@code lead.stopped}. Written where the event is recorded (the timeline), once per
 * lead and type whatever the retries (the id is {@code <leadId>:<type>}); delivered by the API
 * processes' dispatcher. Ids, stages and the operator's reason only: no phone number, no name.
 */
public final class Notifications {
  public static final String COLLECTION = "notifications";
  public static final String PENDING = "pending";
  public static final String DELIVERED = "delivered";
  public static final String DEAD = "dead";

  /** Outcomes partners are told about. */
  static final Set<String> OUTCOMES =
      Set.of("replied", "converted", "lost", "opted_out", "no_response", "failed", "stopped");

  /** Kept this long, delivered or not (a TTL index), so an unread outbox cannot grow forever. */
  public static final long KEEP_DAYS = 30;

  private final MongoCollection<Document> outbox;
  private final Clock clock;

  public Notifications(MongoDatabase db, Clock clock) {
    this.outbox = db.getCollection(COLLECTION);
    this.clock = clock;
  }

  /**
   * The event partners get for a timeline event of this type at this stage: {@code lead.interested}
   * for "interested", {@code lead.<stage>} for an "outcome"; null otherwise.
   */
  public static String eventType(String timelineType, String stage) {
    if ("interested".equals(timelineType)) {
      return "lead.interested";
    }
    if ("meeting_booked".equals(timelineType)) {
      return "lead.meeting_booked";
    }
    if ("outcome".equals(timelineType) && stage != null && OUTCOMES.contains(stage)) {
      return "lead." + stage;
    }
    return null;
  }

  /** Queues the event once per lead and type; a retry (or a replay) queues nothing more. */
  public void emit(String type, String leadId, String campaignId, String stage, String reason) {
    insert(leadId + ":" + type, type, leadId, campaignId, stage, reason, null);
  }

  /**
   * {@link #emit(String, String, String, String, String)} once per run of the lead's workflow: a
   * lead that wrote again after it ended ({@code reopened} runs since its first) is news again.
   */
  public void emitInRun(
      String type, String leadId, String campaignId, String stage, String reason, long reopened) {
    if (reopened == 0) {
      emit(type, leadId, campaignId, stage, reason);
    } else {
      emit(type, leadId, campaignId, stage, reason, null, "run-" + (reopened + 1));
    }
  }

  /**
   * Queues an event that may happen several times for a lead (a hand-off, a reminder), once per
   * {@code occurrence} (the hand-off's attempt), naming the sales rep concerned ({@code ownerId},
   * an id).
   */
  public void emit(
      String type,
      String leadId,
      String campaignId,
      String stage,
      String reason,
      String ownerId,
      int occurrence) {
    emit(type, leadId, campaignId, stage, reason, ownerId, String.valueOf(occurrence));
  }

  /** {@link #emit(String, String, String, String, String, String, int)} by a message's id. */
  public void emit(
      String type,
      String leadId,
      String campaignId,
      String stage,
      String reason,
      String ownerId,
      String occurrence) {
    insert(
        leadId + ":" + type + ":" + occurrence, type, leadId, campaignId, stage, reason, ownerId);
  }

  /** The erased lead's CRM ids on its {@code lead.erased} event ({@link #emitErased}). */
  public static final String ERASED_CRM_IDS = "erasedCrmIds";

  public static final String ERASED = "lead.erased";

  /**
   * Tells the recipients the lead's events reached that it was erased on request (GDPR articles
   * 17(2) and 19): {@code lead.erased}, once per lead, with no personal data (its id, campaign,
   * stage {@code erased}), and, for the CRM connector, the ids the CRM gave the lead's contact and
   * deal ({@code crmLink}: the {@code crm_links} document, which the erasure deletes next; null
   * when the CRM never heard of the lead). The reason says why: {@code on request}, or {@code
   * retention period} ({@code byAge}: the lead's own retention ended, not the person's request;
   * such an event carries no CRM ids: the CRM's records are the customer's, kept by its own
   * retention).
   */
  public void emitErased(String leadId, String campaignId, Document crmLink, boolean byAge) {
    insert(
        leadId + ":" + ERASED,
        ERASED,
        leadId,
        campaignId,
        "erased",
        byAge ? "retention period" : "on request",
        null);
    if (crmLink != null && !byAge) {
      Document ids = new Document();
      for (String field : java.util.List.of("contactId", "dealId", "contactCreated")) {
        if (crmLink.get(field) != null) {
          ids.append(field, crmLink.get(field));
        }
      }
      outbox.updateOne(
          new Document("_id", leadId + ":" + ERASED)
              .append(ERASED_CRM_IDS, new Document("$exists", false)),
          new Document("$set", new Document(ERASED_CRM_IDS, ids)));
    }
  }

  private void insert(
      String id,
      String type,
      String leadId,
      String campaignId,
      String stage,
      String reason,
      String ownerId) {
    Instant now = clock.instant();
    try {
      outbox.insertOne(
          new Document("_id", id)
              .append("type", type)
              .append("ownerId", ownerId)
              .append("leadId", leadId)
              .append("campaignId", campaignId)
              .append("stage", stage)
              .append("reason", reason)
              .append("at", Date.from(now))
              .append("status", PENDING)
              .append("attempts", 0)
              .append("nextAttemptAt", Date.from(now))
              // The CRM connector's own progress on the same event (when one is configured).
              .append(
                  "crm",
                  new Document("status", PENDING)
                      .append("attempts", 0)
                      .append("nextAttemptAt", Date.from(now)))
              .append("createdAt", Date.from(now)));
    } catch (MongoWriteException e) {
      if (ErrorCategory.fromErrorCode(e.getError().getCode()) != ErrorCategory.DUPLICATE_KEY) {
        throw e;
      }
    }
  }
}
