package com.salesagent.api.leads;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.HandOffAudit;
import com.salesagent.activities.handoff.HandOffFields;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.handoff.UnfinishedHandOffs;
import com.salesagent.activities.lead.LeadSegments;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.owners.SnoozedLeads;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Function;
import org.bson.Document;

/**
 * A held lead handed to another rep by hand ({@code POST /api/leads/{id}/handoff/reassign}, read by
 * {@link LeadHandOffs}): the lead's next hand-off attempt claimed for the new rep in one
 * conditional write (it matches the attempt and owner read, so of two requests, or a request and
 * the SLA's own reassignment, one decides; the other is told it changed), with a fresh SLA in the
 * new rep's working hours; then the contact, the audit log, {@code lead.handed_off} to the new rep,
 * and the lead's workflow ({@code ownerGone} of the previous owner).
 */
final class HandOffReassignment extends HeldLeadMove {
  /**
   * The rep who held the lead, whether the new rep held it already (nothing written), and the rep
   * an unfinished earlier move by hand took it from, finished now (null: none).
   */
  record Outcome(String from, boolean already, String finishedFrom) {
    Outcome(String from, boolean already) {
      this(from, already, null);
    }
  }

  HandOffReassignment(
      LeadStore store, Function<String, LeadWorkflow> lead, Owners owners, Clock clock) {
    super(store, lead, owners, clock);
  }

  /**
   * Hands the lead to the rep {@code target} (its {@code owner} document, checked active), asked by
   * an operator or by the lead's own owner {@code by}. 409 naming {@code leadId} for a lead nobody
   * holds, that ended or is being erased, or whose hand-off changed meanwhile.
   */
  Outcome reassign(String operator, String leadId, String target, Document owner, String by) {
    Document contact = held(leadId);
    requireHolder(by, contact.getString("ownerId"));
    // An earlier move that died between its writes (this request's own first run, or another's)
    // is finished first: its retry answers as the move would have, a new move moves it on.
    Current current = finishingUnfinished(operator, leadId, contact);
    contact = current.contact();
    String holder = contact.getString("ownerId");
    Document handoff = current.handoff();
    String finished = current.finishedFrom();
    if (target.equals(holder)) {
      if (finished != null) {
        return new Outcome(finished, false);
      }
      tellAgain(leadId, handoff, target);
      return new Outcome(holder, true);
    }
    requireHolder(by, holder);
    requireHandOffOf(handoff, holder);
    Instant now = clock.instant();
    int attempt = handoff.getInteger("attempt", 1);
    Duration sla = HandOffActivitiesImpl.handOffSla(definition(contact.getString("segment")));
    var hours = Owners.hours(owner);
    Instant remindAt = hours.plusWorking(now, sla.dividedBy(2));
    Instant dueAt = hours.plusWorking(now, sla);
    // The rep who asked, by name and id; else the operator (not the lead's owner: they lose it).
    String actor = by != null ? ActingOwner.of(owners, operator, by, contact).label() : operator;
    String note = "reassigned by " + actor;
    // A paused run takes the claim when it resumes: the new rep's SLA starts then (the hand-off
    // activity sets the times), not now, or a long pause would hand the lead on at its resume.
    boolean paused = LeadStore.PAUSED.equals(contact.getString("stage"));
    // A person's choice, not checked against the rep's capacity; but recorded as a claim on it
    // (OwnerClaims#hold) before it is written, so an assignment running meanwhile counts it.
    // Its assignment time is the claim's, on MongoDB's clock as the claims it is compared with.
    Instant assignedAt = claims.holdTimed(target, leadId, now).at();
    // What the move overwrites, restored if it dies before the contact and is undone (its new rep
    // left: HeldLeadMove#undoByHand).
    Document prior = new Document();
    for (String field : HeldLeadMove.BY_HAND_PRIOR_FIELDS) {
      if (handoff.get(field) != null) {
        prior.append(field, handoff.get(field));
      }
    }
    long claimed =
        claim(
            leadId,
            holder,
            handoff,
            Updates.combine(
                Updates.set("ownerId", target),
                Updates.set("attempt", attempt + 1),
                Updates.set("assignedAt", Date.from(now)),
                Updates.set("remindAt", Date.from(remindAt)),
                Updates.set("dueAt", Date.from(dueAt)),
                Updates.set("status", "open"),
                Updates.set(HandOffActivitiesImpl.BY_HAND_FROM, holder),
                Updates.set(HandOffActivitiesImpl.BY_HAND_NOTE, note),
                Updates.set(HandOffActivitiesImpl.BY_HAND_PRIOR, prior),
                paused
                    ? Updates.set(HandOffActivitiesImpl.SLA_FROM_RESUME, true)
                    : Updates.unset(HandOffActivitiesImpl.SLA_FROM_RESUME),
                Updates.unset("remindedAt"),
                Updates.unset("acceptedAt"),
                Updates.unset("acceptedBy"),
                Updates.addToSet("owners", target),
                Updates.push(
                    "history",
                    new Document("ownerId", target)
                        .append("attempt", attempt + 1)
                        .append("at", Date.from(now))
                        .append("by", operator))));
    if (claimed == 0) {
      Document now2 = handoffs.find(Filters.eq("_id", leadId)).first();
      if (now2 != null && target.equals(now2.getString("ownerId"))) {
        return new Outcome(holder, true);
      }
      claims.release(target, leadId);
      throw changedMeanwhile();
    }
    // Only while the holder has not accepted it since it was read (their acceptance marks the
    // contact first): of the two, one wins.
    Object mark = contact.get(HandOffActivitiesImpl.OWNER_ACCEPTED_AT);
    long moved =
        store
            .contacts()
            .updateOne(
                Filters.and(
                    Filters.eq("leadId", leadId),
                    Filters.eq("ownerId", holder),
                    Filters.eq(HandOffActivitiesImpl.OWNER_ACCEPTED_AT, mark)),
                paused
                    ? Updates.combine(
                        Updates.set("ownerId", target),
                        Updates.set("ownerAssignedAt", Date.from(assignedAt)),
                        // The new rep has not seen it: it resumes handed off to them.
                        Updates.set(LeadStore.PAUSED_FROM, "handed_off"),
                        Updates.unset(SnoozedLeads.FIELD))
                    : Updates.combine(
                        Updates.set("ownerId", target),
                        Updates.set("ownerAssignedAt", Date.from(assignedAt)),
                        Updates.unset(SnoozedLeads.FIELD)))
            .getMatchedCount();
    if (moved == 0) {
      Document now2 = store.contact(leadId);
      if (now2 == null || !target.equals(now2.getString("ownerId"))) {
        // Not moved, nor finished by another request (whose contact names the target): the move is
        // taken back (the hand-off it overwrote restored, an acceptance written on it meanwhile
        // kept) and refused, so the run is not told the holder left while the contact keeps them.
        // An acceptance that lost its own hand-off write puts the contact's mark back as it was:
        // the mark alone does not tell which one changed the contact.
        UnfinishedHandOffs.takeBackKept(
            handoffs,
            Filters.and(
                Filters.eq("_id", leadId),
                Filters.eq("ownerId", target),
                Filters.eq("attempt", attempt + 1),
                Filters.eq("assignedAt", Date.from(now))),
            handoff);
        claims.release(target, leadId);
        if (now2 != null
            && holder.equals(now2.getString("ownerId"))
            && !java.util.Objects.equals(now2.get(HandOffActivitiesImpl.OWNER_ACCEPTED_AT), mark)) {
          // Accepted by the holder as it was moved: theirs.
          throw new ApiException(
              409,
              "the lead was accepted by its owner meanwhile: load it again",
              List.of(new FieldError("leadId", "accepted by " + holder + " as it was reassigned")));
        }
        throw new ApiException(
            409,
            "the lead's contact changed as it was reassigned: load it again",
            List.of(
                new FieldError(
                    "leadId",
                    "its owner or acceptance changed as it was reassigned; not moved to "
                        + target)));
      }
    }
    claims.confirm(target, leadId);
    // Once per move: another request (the lead's next move) or the run's retry that finished this
    // move between its two writes audited it already (UnfinishedHandOffs#finish), under this id.
    LeadAuditLog.recordOnce(
        store,
        HandOffAudit.movedByHand(leadId, attempt + 1, Date.from(now)),
        operator,
        leadId,
        "handoff_reassigned_by_hand",
        holder + " -> " + target,
        now);
    notifications.emit(
        "lead.handed_off",
        leadId,
        contact.getString("campaignId"),
        "handed_off",
        note,
        target,
        attempt + 1);
    try {
      // Names the holder's take it moved the lead away from (none when they had not taken it):
      // that take, told to the run late or again, is not applied.
      lead.apply(leadId).ownerGone(holder, HandOffFields.takeOf(handoff, holder));
    } catch (WorkflowNotFoundException e) {
      // Ended as it was reassigned: nothing more to hand on.
    }
    return new Outcome(holder, false, finished);
  }

  /**
   * A retried reassignment whose first answer was lost after its claim (Temporal did not take the
   * signal): the workflow is told again; once it has moved it ignores the signal.
   */
  private void tellAgain(String leadId, Document handoff, String target) {
    String from = handoff == null ? null : handoff.getString(HandOffActivitiesImpl.BY_HAND_FROM);
    if (from == null || !target.equals(handoff.getString("ownerId"))) {
      return;
    }
    try {
      lead.apply(leadId).ownerGone(from, HandOffFields.takeMovedFrom(handoff));
    } catch (RuntimeException e) {
      // Told already, or Temporal away: the claimed attempt stands for the run's next hand-off.
    }
  }

  private Document definition(String segment) {
    return new LeadSegments(store).definition(segment == null ? "default" : segment);
  }
}
