package com.salesagent.api.leads;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.OwnerClaims;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerAction;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Function;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * A sales rep takes a lead handed to them ({@code POST /api/leads/{id}/handoff/accept}, read by
 * {@link LeadConversation}): the hand-off is accepted, a lead nobody owned gets its owner, the take
 * is audited and the lead's run told ({@code ownerAction}: the SLA is met, the lead is in
 * conversation). A lead taken already answers as taken before, unchanged.
 */
final class HandOffAcceptance {
  /** Who took the lead, and whether it was taken before (nothing written, nothing signalled). */
  record Taken(String ownerId, boolean before) {}

  private final LeadStore store;
  private final Owners owners;
  private final OwnerClaims claims;
  private final Function<String, LeadWorkflow> lead;
  private final Clock clock;
  private final MongoCollection<Document> handoffs;

  HandOffAcceptance(
      LeadStore store, Owners owners, Function<String, LeadWorkflow> lead, Clock clock) {
    this.store = store;
    this.owners = owners;
    this.claims = new OwnerClaims(store.database());
    this.lead = lead;
    this.clock = clock;
    this.handoffs = store.database().getCollection(HandOffActivitiesImpl.HANDOFFS);
  }

  /**
   * The lead taken by the owner {@code named} (null: its assigned owner). 404 an unknown lead, 409
   * when its lifecycle ended, it was never handed off, or it is another owner's.
   */
  Taken take(String operator, String leadId, String named) {
    Document contact = requireLive(leadId);
    String stage = contact.getString("stage");
    if (stage == null || !ReplyRefusals.stageOf(contact).interested()) {
      // Nothing was handed off: the workflow would ignore the signal, and the lead must not get
      // an owner (nor the audit a hand-off) it never had.
      throw new ApiException(
          409,
          "a lead is taken once it was handed off (it showed interest or needs a person)",
          List.of(new FieldError("leadId", "stage " + stage)));
    }
    String holder = contact.getString("ownerId");
    if (holder != null && named != null && !holder.equals(named)) {
      // Another rep's lead: the run keeps its owner (its SLA, its load, its notifications), so a
      // take by someone else would only have been recorded as theirs (the hand-off's acceptedBy,
      // the audit, the timeline) while the lead stayed its owner's.
      throw new ApiException(
          409,
          "the lead is another owner's: only its owner takes it",
          List.of(
              new FieldError(
                  "ownerId",
                  "the lead is held by "
                      + ActingOwner.of(owners, operator, holder, contact).label()
                      + "; write to it to answer it, or ask its owner")));
    }
    Document handoff = handoffs.find(Filters.eq("_id", leadId)).first();
    if ("in_conversation".equals(stage)
        || "meeting_booked".equals(stage)
        || (handoff != null && "accepted".equals(handoff.getString("status")))) {
      // Taken already (a double click, or its owner wrote to it): the first take stands; when and
      // by whom it was taken are not overwritten, nor audited or signalled again.
      return new Taken(holder, true);
    }
    ActingOwner actor = ActingOwner.of(owners, operator, named, contact);
    String ownerId = actor.ownerId();
    Document acting = ownerId == null ? null : owners.get(ownerId);
    if (acting != null && !Boolean.TRUE.equals(acting.getBoolean("active"))) {
      // Made inactive since the lead was offered to them: their late acceptance would keep it (its
      // mark beats a reassignment's contact write) or give it to them, yet their hand-on passes
      // them by. Nothing is written: the lead goes on as for any rep who left (handed on).
      throw new ApiException(
          409,
          "the owner is inactive: the lead is handed on to another",
          List.of(new FieldError("ownerId", ownerId + " is inactive")));
    }
    Instant now = clock.instant();
    List<Bson> accepted =
        new ArrayList<>(
            List.of(
                Updates.set("status", "accepted"),
                Updates.set("acceptedAt", Date.from(now)),
                Updates.set("acceptedBy", actor.label())));
    // A move by hand from the holder whose contact is not written (its request is between its two
    // writes, or died there): the holder's acceptance wins, as it does over a move still under way,
    // so the move is undone with the acceptance (HeldLeadMove#undoneByHand) rather than the
    // acceptance being written on the new rep's attempt, which no later move could get past.
    boolean unfinishedMove =
        holder != null
            && handoff != null
            && "open".equals(handoff.getString("status"))
            && holder.equals(handoff.getString(HandOffActivitiesImpl.BY_HAND_FROM))
            && !holder.equals(handoff.getString("ownerId"));
    Object markBefore = contact.get(HandOffActivitiesImpl.OWNER_ACCEPTED_AT);
    if (holder != null) {
      // The acceptance marks the contact first, only while it names the owner read: a retried
      // reassignment moving the lead from them (UnfinishedHandOffs#finish) writes only while the
      // mark is as it read it, so of the two one wins. Moved meanwhile: refused, nothing written.
      long marked =
          store
              .contacts()
              .updateOne(
                  Filters.and(Filters.eq("leadId", leadId), Filters.eq("ownerId", holder)),
                  Updates.set(HandOffActivitiesImpl.OWNER_ACCEPTED_AT, Date.from(now)))
              .getMatchedCount();
      if (marked == 0) {
        throw new ApiException(
            409,
            "the lead was handed to another owner meanwhile: load it again",
            List.of(new FieldError("leadId", "its owner changed as it was taken")));
      }
    }
    Instant assignedAt = null; // the contact's owner written here (a lead nobody held): when
    if (contact.getString("ownerId") == null && ownerId != null) {
      // A lead nobody had (no owner was free): the owner who takes it is its owner from now, as
      // the workflow makes it; without this the contact and the Hand-offs queue said unassigned.
      // A person's choice, not checked against their capacity, but claimed on it (OwnerClaims#hold)
      // first, so an assignment to them running meanwhile counts it.
      // Its assignment time is the claim's, on MongoDB's clock as the claims it is compared with.
      assignedAt = claims.holdTimed(ownerId, leadId, now).at();
      long owned =
          store
              .contacts()
              .updateOne(
                  Filters.and(Filters.eq("leadId", leadId), Filters.eq("ownerId", null)),
                  Updates.combine(
                      Updates.set("ownerId", ownerId),
                      Updates.set("ownerAssignedAt", Date.from(assignedAt))))
              .getMatchedCount();
      if (owned == 0) {
        // Another owner's meanwhile (the run's attempt wrote its contact): not theirs, and its
        // hand-off is not marked accepted by them, nor made theirs; nothing else was written.
        claims.release(ownerId, leadId);
        throw changedAsTaken();
      }
      claims.confirm(ownerId, leadId);
      accepted.add(Updates.set("ownerId", ownerId));
      accepted.add(Updates.addToSet("owners", ownerId));
    }
    if (handoff == null) {
      // No hand-off written (nothing to mark accepted): the contact and the run say it.
    } else if (holder == null) {
      // Only on the hand-off as read (the queue's, nobody's): an attempt the run decided since for
      // another rep is not marked accepted, nor made this owner's, behind its back.
      if (handoffs.updateOne(asRead(leadId, handoff), Updates.combine(accepted)).getMatchedCount()
          == 0) {
        // The contact's owner written above is taken back while still this one's, with its claim;
        // nothing else was written, audited or signalled.
        if (assignedAt != null) {
          store
              .contacts()
              .updateOne(
                  Filters.and(
                      Filters.eq("leadId", leadId),
                      Filters.eq("ownerId", ownerId),
                      Filters.eq("ownerAssignedAt", Date.from(assignedAt))),
                  Updates.combine(Updates.unset("ownerId"), Updates.unset("ownerAssignedAt")));
          claims.release(ownerId, leadId);
        }
        throw changedAsTaken();
      }
    } else {
      // Only on the hand-off as read: a move that wrote its attempt since (it read the contact
      // after this mark, so its contact write goes through) is not marked accepted by the holder.
      Bson asRead =
          unfinishedMove
              ? Filters.and(
                  HeldLeadMove.unfinishedByHand(leadId, handoff, holder),
                  Filters.eq("status", "open"))
              : asRead(leadId, handoff);
      if (unfinishedMove) {
        accepted.add(
            HeldLeadMove.undoneByHand(
                handoff, holder, List.of("status", "acceptedAt", "acceptedBy")));
      }
      if (handoffs.updateOne(asRead, Updates.combine(accepted)).getMatchedCount() == 0) {
        // Changed since it was read: the mark is taken back (a move that read the contact before
        // it then writes; one that read it after has written or writes its own) and nothing else
        // was written, audited or signalled.
        store
            .contacts()
            .updateOne(
                Filters.and(
                    Filters.eq("leadId", leadId),
                    Filters.eq(HandOffActivitiesImpl.OWNER_ACCEPTED_AT, Date.from(now))),
                markBefore == null
                    ? Updates.unset(HandOffActivitiesImpl.OWNER_ACCEPTED_AT)
                    : Updates.set(HandOffActivitiesImpl.OWNER_ACCEPTED_AT, markBefore));
        throw changedAsTaken();
      }
      if (unfinishedMove) {
        String to = handoff.getString("ownerId");
        claims.release(to, leadId); // the move's hold on the new rep: the lead is not theirs
        LeadAuditLog.record(
            store,
            operator,
            leadId,
            "handoff_reassign_undone",
            holder + " -> " + to + ": accepted by " + holder,
            now);
      }
    }
    LeadAuditLog.record(store, operator, leadId, "handoff_accepted", ownerId, now);
    lead.apply(leadId).ownerAction(new OwnerAction(ownerId, OwnerAction.ACCEPTED, actor.label()));
    return new Taken(ownerId, false);
  }

  /** The lead's hand-off as read: its owner (none), attempt and status, not written since. */
  private static Bson asRead(String leadId, Document handoff) {
    return Filters.and(
        Filters.eq("_id", leadId),
        Filters.eq("ownerId", handoff.getString("ownerId")),
        Filters.eq("attempt", handoff.get("attempt")),
        Filters.eq("status", handoff.get("status")));
  }

  private static ApiException changedAsTaken() {
    return new ApiException(
        409,
        "the lead's hand-off changed as it was taken: load it again",
        List.of(new FieldError("leadId", "its owner or attempt changed as it was taken")));
  }

  /** The contact, 404 when unknown, 409 when its lifecycle has ended. */
  private Document requireLive(String leadId) {
    Document contact = store.contact(leadId);
    if (contact == null) {
      throw ApiException.notFound("lead " + leadId, "leadId");
    }
    ReplyRefusals.erasing(contact);
    String stage = contact.getString("stage");
    if (ReplyRefusals.terminal(contact)) {
      throw new ApiException(
          409,
          "the lead's lifecycle has ended",
          List.of(new FieldError("leadId", "stage " + stage)));
    }
    return contact;
  }
}
