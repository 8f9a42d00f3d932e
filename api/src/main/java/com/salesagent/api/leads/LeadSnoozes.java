package com.salesagent.api.leads;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.owners.SnoozedLeads;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * A lead its rep has acted on put aside until a time, and back ({@code POST} and {@code DELETE
 * /api/leads/{id}/handoff/snooze}, read by {@link LeadHandOffs}): the contact's snooze ({@link
 * SnoozedLeads}), written and cleared conditionally and audited; the Hand-offs queue decides from
 * it when it is read, so nothing has to fire at the time.
 */
final class LeadSnoozes extends HeldLeadMove {
  /** The lead's owner, and whether anything was written ({@code false}: as it was already). */
  record Outcome(String ownerId, boolean changed) {}

  LeadSnoozes(
      LeadStore store,
      java.util.function.Function<String, com.salesagent.workflows.lead.LeadWorkflow> lead,
      Owners owners,
      Clock clock) {
    // A snooze tells no workflow; a move by hand it finishes first tells it as the move would.
    super(store, lead, owners, clock);
  }

  /**
   * The lead snoozed until {@code until} (checked: after {@code now}, not too far ahead), asked by
   * its rep {@code by} or an operator (null). A lead still waiting to be taken is 409 naming {@code
   * leadId}: its SLA runs until a person acts.
   */
  Outcome snooze(String operator, String leadId, String by, Instant until, Instant now) {
    Document contact = held(leadId);
    requireHolder(by, contact.getString("ownerId"));
    // A move by hand that died between its writes is finished first, as a reassignment or a
    // release finishes it: the lead is its new rep's, who has not taken it yet.
    Current current = finishingUnfinished(operator, leadId, contact);
    contact = current.contact();
    String holder = contact.getString("ownerId");
    requireHolder(by, holder);
    // A paused lead as the stage its pause left: one not taken yet still waits for its rep (as
    // does one a finished move just handed on: its run makes it handed_off).
    String stage = current.finishedFrom() != null ? "handed_off" : Owners.heldStage(contact);
    if ("handed_off".equals(stage) || "interested".equals(stage)) {
      throw new ApiException(
          409,
          "a lead is snoozed once its rep has taken it: its SLA runs until a person acts",
          List.of(
              new FieldError(
                  "leadId",
                  "stage "
                      + stage
                      + (current.finishedFrom() != null
                          ? " (reassigned from " + current.finishedFrom() + ")"
                          : stage.equals(contact.getString("stage")) ? "" : " (paused)")
                      + ": take it")));
    }
    Document before = contact.get(SnoozedLeads.FIELD, Document.class);
    if (before != null && until.equals(toInstant(before.get("until")))) {
      return new Outcome(holder, false);
    }
    String actor = ActingOwner.of(owners, operator, by, contact).label();
    store
        .contacts()
        .updateOne(
            Filters.and(Filters.eq("leadId", leadId), Filters.eq("ownerId", holder)),
            Updates.set(
                SnoozedLeads.FIELD,
                new Document("until", Date.from(until))
                    .append("at", Date.from(now))
                    .append("by", actor)
                    .append("ownerId", holder)));
    LeadAuditLog.record(store, operator, leadId, "handoff_snoozed", "until " + until, now);
    return new Outcome(holder, true);
  }

  /** The lead's snooze ended now; a rep ({@code by}) ends only a lead they hold. */
  Outcome unsnooze(String operator, String leadId, String by) {
    Document contact = store.contact(leadId);
    if (contact == null) {
      throw ApiException.notFound("lead " + leadId, "leadId");
    }
    ReplyRefusals.erasing(contact);
    // A rep ends only their own lead's snooze, as only they set it (an operator: any).
    requireHolder(by, contact.getString("ownerId"));
    if (contact.get(SnoozedLeads.FIELD) == null) {
      return new Outcome(contact.getString("ownerId"), false);
    }
    Instant now = clock.instant();
    store
        .contacts()
        .updateOne(
            Filters.and(Filters.eq("leadId", leadId), Filters.exists(SnoozedLeads.FIELD)),
            Updates.unset(SnoozedLeads.FIELD));
    LeadAuditLog.record(store, operator, leadId, "handoff_unsnoozed", null, now);
    return new Outcome(contact.getString("ownerId"), true);
  }

  private static Instant toInstant(Object o) {
    return o instanceof Date d ? d.toInstant() : null;
  }
}
