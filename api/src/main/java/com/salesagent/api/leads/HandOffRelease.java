package com.salesagent.api.leads;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.owners.SnoozedLeads;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerRelease;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Function;
import org.bson.Document;

/**
 * An interested lead its rep holds given back to the agent ({@code POST
 * /api/leads/{id}/handoff/release}, read by {@link LeadHandOffs}): the hand-off closed in one
 * conditional write (the attempt and owner read: of two requests, or a request and the SLA's own
 * reassignment, one decides; the other is 409), then the contact (no owner, its snooze ended, the
 * release mark with who, when and why), the audit log ({@code handoff_released}), {@code
 * lead.handoff_released} to the outbound webhooks, and the lead's workflow ({@code ownerReleased}).
 */
final class HandOffRelease extends HeldLeadMove {
  /** The rep who held the lead, and whether it was released before (nothing written). */
  record Outcome(String from, boolean before) {}

  /** In the release mark: the time of the take it gave back (null: not taken). */
  static final String TAKEN_AT = "takenAt";

  HandOffRelease(LeadStore store, Function<String, LeadWorkflow> lead, Owners owners, Clock clock) {
    super(store, lead, owners, clock);
  }

  /**
   * Gives the lead back to the agent, asked by its rep {@code by} or an operator (null), with the
   * rep's {@code reason} (null: none) and the newest lead message the rep saw ({@code seen}, null:
   * the lead's newest stored message). 409 naming {@code leadId} for a lead that did not show
   * interest, has a booked meeting, nobody holds, or whose hand-off changed meanwhile; 422 naming
   * {@code seenMessageId} when the lead has no such message.
   */
  Outcome release(String operator, String leadId, String by, String reason, String seen) {
    Document contact = store.contact(leadId);
    Document before =
        contact == null
            ? null
            : contact.get(HandOffActivitiesImpl.RELEASED_TO_AGENT, Document.class);
    if (before != null && contact.getString("ownerId") == null) {
      ReplyRefusals.erasing(contact);
      String from = before.getString("ownerId");
      if (by == null || by.equals(from)) {
        tellReleased(
            leadId,
            from,
            before.getString("by"),
            before.getString("reason"),
            before.getDate("at") == null ? null : before.getDate("at").toInstant(),
            before.getString(ReplyCollisions.SEEN),
            before.getDate(TAKEN_AT));
        return new Outcome(from, true);
      }
    }
    // A move by hand that died between its writes is finished first: the lead is its new rep's.
    contact = finishingUnfinished(operator, leadId, held(leadId)).contact();
    String holder = contact.getString("ownerId");
    requireHolder(by, holder);
    String stage = Owners.heldStage(contact);
    String paused = stage.equals(contact.getString("stage")) ? "" : " (paused)";
    if ("meeting_booked".equals(stage)) {
      throw new ApiException(
          409,
          "a booked meeting stays with its rep: set the lead's outcome or reassign it",
          List.of(new FieldError("leadId", "stage meeting_booked" + paused)));
    }
    Document funnel = contact.get("funnel", Document.class);
    if (funnel == null || funnel.get("interested") == null) {
      throw new ApiException(
          409,
          "only a lead that showed interest goes back to the agent: a question or an objection"
              + " needs a person (reassign it or set its outcome)",
          List.of(new FieldError("leadId", "stage " + stage + paused + ", no interest shown")));
    }
    Document handoff = handoffs.find(Filters.eq("_id", leadId)).first();
    requireHandOffOf(handoff, holder);
    String seenMessageId = seen != null ? requireMessage(leadId, seen) : newestMessage(leadId);
    Instant now = clock.instant();
    int attempt = handoff.getInteger("attempt", 1);
    String actor = ActingOwner.of(owners, operator, by, contact).label();
    String text = reason == null || reason.isBlank() ? null : reason.strip();
    long closed =
        claim(
            leadId,
            holder,
            handoff,
            Updates.combine(
                Updates.unset("ownerId"),
                Updates.set("status", "released"),
                Updates.set("releasedAt", Date.from(now)),
                Updates.unset(HandOffActivitiesImpl.BY_HAND_FROM),
                Updates.unset(HandOffActivitiesImpl.BY_HAND_NOTE),
                Updates.unset(HandOffActivitiesImpl.SLA_FROM_RESUME),
                Updates.push(
                    "history",
                    new Document("releasedBy", holder)
                        .append("attempt", attempt)
                        .append("at", Date.from(now))
                        .append("by", operator))));
    if (closed == 0) {
      throw changedMeanwhile();
    }
    // The take this gives back (the hand-off's acceptance as read, which the write above held):
    // its acceptance told to the run late or again is not applied (LateAcceptances).
    Date takenAt =
        "accepted".equals(handoff.getString("status")) ? handoff.getDate("acceptedAt") : null;
    Document mark =
        new Document("at", Date.from(now))
            .append(TAKEN_AT, takenAt)
            .append("by", actor)
            .append("ownerId", holder)
            .append("reason", text)
            .append(ReplyCollisions.SEEN, seenMessageId);
    store
        .contacts()
        .updateOne(
            Filters.and(Filters.eq("leadId", leadId), Filters.eq("ownerId", holder)),
            LeadStore.PAUSED.equals(contact.getString("stage"))
                ? Updates.combine(
                    Updates.unset("ownerId"),
                    Updates.unset("ownerAssignedAt"),
                    Updates.unset(SnoozedLeads.FIELD),
                    Updates.set(LeadStore.PAUSED_FROM, "interested"),
                    Updates.set(HandOffActivitiesImpl.RELEASED_TO_AGENT, mark))
                : Updates.combine(
                    Updates.unset("ownerId"),
                    Updates.unset("ownerAssignedAt"),
                    Updates.unset(SnoozedLeads.FIELD),
                    Updates.set(HandOffActivitiesImpl.RELEASED_TO_AGENT, mark)));
    LeadAuditLog.record(
        store,
        operator,
        leadId,
        "handoff_released",
        holder + " -> the agent" + (text == null ? "" : ": " + text),
        now);
    notifications.emit(
        "lead.handoff_released",
        leadId,
        contact.getString("campaignId"),
        "interested",
        "released by " + actor,
        holder,
        attempt);
    tellReleased(leadId, holder, actor, text, now, seenMessageId, takenAt);
    return new Outcome(holder, false);
  }

  /** The lead's message {@code messageId}: 422 naming {@code seenMessageId} when it has none. */
  private String requireMessage(String leadId, String messageId) {
    if (store
            .feedback()
            .find(Filters.and(Filters.eq("leadId", leadId), Filters.eq("messageId", messageId)))
            .projection(Projections.include("_id"))
            .first()
        == null) {
      throw new ApiException(
          422,
          "invalid release",
          List.of(new FieldError(ReplyCollisions.SEEN, "no message from this lead has this id")));
    }
    return messageId;
  }

  /**
   * The lead's newest stored message (the inbox stores it before it tells the run), what the rep
   * could have seen when the request names none; null when the lead never wrote.
   */
  private String newestMessage(String leadId) {
    Document newest =
        store
            .feedback()
            .find(Filters.eq("leadId", leadId))
            .projection(Projections.include("messageId"))
            .sort(Sorts.descending("storedAt", "receivedAt"))
            .first();
    return newest == null ? null : newest.getString("messageId");
  }

  /**
   * The lead's workflow is told (again: it ignores a release once its owner changed), with when the
   * rep pressed it and the newest lead message known then: interest the run records after that
   * message (by the order it was told of them; without one, from the press on), before it handles
   * the release, is handed to a person again.
   */
  private void tellReleased(
      String leadId,
      String from,
      String by,
      String reason,
      Instant at,
      String seenMessageId,
      Date takenAt) {
    try {
      lead.apply(leadId)
          .ownerReleased(
              new OwnerRelease(
                  from,
                  by,
                  reason,
                  at,
                  seenMessageId,
                  takenAt == null ? null : takenAt.toInstant()));
    } catch (WorkflowNotFoundException e) {
      // Ended as it was released: nothing more to do.
    }
  }
}
