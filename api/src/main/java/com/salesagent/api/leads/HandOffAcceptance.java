package com.salesagent.api.leads;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.HandOffAudit;
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
import java.util.Objects;
import java.util.function.Function;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * A sales rep takes a lead handed to them ({@code POST /api/leads/{id}/handoff/accept}, read by
 * {@link LeadConversation}): the hand-off is accepted, a lead nobody owned gets its owner, the take
 * is audited and the lead's run told ({@code ownerAction}: the SLA is met, the lead is in
 * conversation). A lead taken already answers as taken before, unchanged.
 *
 * <p>What a take guarantees, whatever runs at once or dies between its writes: the lead's contact
 * and its hand-off do not end naming different reps. A lead nobody held: the hand-off is written
 * first (accepted, naming the rep, only as read), then the contact (only while it names nobody); a
 * hand-off accepted by a rep whose contact names nobody is such a take not yet finished, which the
 * lead's next take (the retry, another rep's) finishes first ({@link UnfinishedAcceptances}: the
 * contact names the rep, or the hand-off is put back). A lead its rep holds: the contact is marked
 * first (only while it names them), then the hand-off, the mark taken back when the hand-off
 * changed. The rep is checked active after the first write too (a deactivation between the check
 * and the writes): refused, the writes taken back. The run is told, then the take audited once
 * ({@link com.salesagent.activities.handoff.HandOffAudit#accepted}): a take whose entry is missing
 * died before it told the run (or is telling it now), and the lead's next take tells it ({@link
 * TakeStates#untold}). A retry by the same rep that finishes its own dead take answers as its first
 * run would have (taken, signalled), not as taken before.
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
  private final UnfinishedAcceptances unfinished;

  HandOffAcceptance(
      LeadStore store, Owners owners, Function<String, LeadWorkflow> lead, Clock clock) {
    this.store = store;
    this.owners = owners;
    this.claims = new OwnerClaims(store.database());
    this.lead = lead;
    this.clock = clock;
    this.handoffs = store.database().getCollection(HandOffActivitiesImpl.HANDOFFS);
    this.unfinished = new UnfinishedAcceptances(store, owners, claims, lead);
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
    Document handoff = handoffs.find(Filters.eq("_id", leadId)).first();
    if (unfinished.toFinish(contact, handoff)) {
      // An earlier take whose request died between its hand-off and contact writes, or before it
      // told the run (this one's own first run, or another's): finished first. This one's own
      // (the same rep's retry) is answered as its first run would have been; any other take goes
      // on from there.
      String takenBy = handoff.getString("ownerId");
      UnfinishedAcceptances.Outcome done =
          unfinished.finish(operator, leadId, contact, handoff, clock.instant());
      if (done == UnfinishedAcceptances.Outcome.UNFINISHED) {
        throw leftUnfinished();
      }
      String asking = named != null ? named : contact.getString("ownerId");
      if (done == UnfinishedAcceptances.Outcome.TAKEN && Objects.equals(takenBy, asking)) {
        return new Taken(takenBy, false);
      }
      contact = requireLive(leadId);
      handoff = handoffs.find(Filters.eq("_id", leadId)).first();
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
      // them by. Nothing is written: the lead goes on as for any rep who left (handed on). Read
      // again after the first write (a deactivation between this read and the writes).
      throw inactive(ownerId);
    }
    if (holder == null
        && ownerId != null
        && handoff != null
        && handoff.getString("ownerId") != null
        && !ownerId.equals(handoff.getString("ownerId"))
        && OwnerClaims.active(owners.get(handoff.getString("ownerId")))) {
      // A lead nobody holds whose hand-off names another rep, active: the run's attempt for them
      // is between its writes (or its worker died there; its retry finishes it). Theirs: nothing
      // is written. A rep gone (inactive, deleted) is no such attempt but a release that died
      // between its contact and hand-off writes (OwnerAssigner#releaseIfGone): taken as queued.
      throw changedAsTaken();
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
    Object takeBefore = contact.get(UnfinishedAcceptances.TAKE);
    if (holder != null) {
      // Written with the acceptance: nothing puts a held lead's acceptance back once written.
      accepted.add(Updates.set(UnfinishedAcceptances.STANDS, Date.from(now)));
      // The acceptance marks the contact first, only while it names the owner read: a retried
      // reassignment moving the lead from them (UnfinishedHandOffs#finish) writes only while the
      // mark is as it read it, so of the two one wins. Moved meanwhile: refused, nothing written.
      // The contact is made this take's too (UnfinishedAcceptances.TAKE): a finisher of an earlier
      // take by the holder, which wrote the contact before this take read it, does not undo it.
      long marked =
          store
              .contacts()
              .updateOne(
                  Filters.and(Filters.eq("leadId", leadId), Filters.eq("ownerId", holder)),
                  Updates.combine(
                      Updates.set(HandOffActivitiesImpl.OWNER_ACCEPTED_AT, Date.from(now)),
                      Updates.set(UnfinishedAcceptances.TAKE, Date.from(now))))
              .getMatchedCount();
      if (marked == 0) {
        throw new ApiException(
            409,
            "the lead was handed to another owner meanwhile: load it again",
            List.of(new FieldError("leadId", "its owner changed as it was taken")));
      }
      if (acting != null && !OwnerClaims.active(owners.get(ownerId))) {
        // Made inactive since the check above: read after the mark, so a deactivation this read
        // misses comes after it, and its hand-on (which moves an inactive rep's lead whatever they
        // accepted) reads the mark. The mark is taken back, nothing else was written.
        unmark(leadId, now, markBefore, takeBefore);
        throw inactive(ownerId);
      }
    }
    if (holder == null && ownerId != null) {
      // A lead nobody had (no owner was free): the owner who takes it is its owner from now, as
      // the workflow makes it; without this the contact and the Hand-offs queue said unassigned.
      // A person's choice, not checked against their capacity, but claimed on it (OwnerClaims#hold)
      // first, so an assignment to them running meanwhile counts it; its assignment time is the
      // claim's, on MongoDB's clock as the claims it is compared with. The hand-off is written
      // first, as the claim (only as read: of two takers, or a taker and the run's next attempt,
      // one wins; the run takes back an attempt written over an accepted hand-off), then the
      // contact: UnfinishedAcceptances, which the lead's next take runs if this request dies
      // between the two.
      Instant assignedAt = claims.holdTimed(ownerId, leadId, now).at();
      if (handoff != null) {
        accepted.add(Updates.set("ownerId", ownerId));
        accepted.add(Updates.addToSet("owners", ownerId));
        if (handoffs.updateOne(asRead(leadId, handoff), Updates.combine(accepted)).getMatchedCount()
            == 0) {
          // Changed since it was read (another take, the run's attempt): nothing was written.
          claims.release(ownerId, leadId);
          throw changedAsTaken();
        }
      }
      UnfinishedAcceptances.Outcome done =
          unfinished.complete(
              operator,
              leadId,
              ownerId,
              actor.label(),
              Date.from(now),
              assignedAt,
              handoff == null ? new Document() : handoff);
      if (done == UnfinishedAcceptances.Outcome.INACTIVE) {
        throw inactive(ownerId);
      }
      if (done == UnfinishedAcceptances.Outcome.MOVED) {
        throw changedAsTaken();
      }
      if (done == UnfinishedAcceptances.Outcome.UNFINISHED) {
        throw leftUnfinished();
      }
      return new Taken(ownerId, false);
    }
    if (handoff == null) {
      // No hand-off written (nothing to mark accepted): the contact and the run say it.
    } else if (holder == null) {
      // Taken by nobody named (an operator on a lead nobody holds): only on the hand-off as read.
      if (handoffs.updateOne(asRead(leadId, handoff), Updates.combine(accepted)).getMatchedCount()
          == 0) {
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
        unmark(leadId, now, markBefore, takeBefore);
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
    // The run told first, then audited: a request that dies before the entry is written leaves
    // the take untold (TakeStates#untold), which the lead's next take tells again (the
    // run ignores an acceptance once its owner acted).
    // With the take's time as its hand-off holds it: a release that gives it back names it.
    lead.apply(leadId)
        .ownerAction(
            new OwnerAction(
                ownerId, OwnerAction.ACCEPTED, actor.label(), Date.from(now).toInstant()));
    LeadAuditLog.recordOnce(
        store,
        HandOffAudit.accepted(leadId, Date.from(now)),
        operator,
        leadId,
        "handoff_accepted",
        ownerId,
        now);
    return new Taken(ownerId, false);
  }

  /** The acceptance's marks written at {@code now} taken back, while they are still there. */
  private void unmark(String leadId, Instant now, Object markBefore, Object takeBefore) {
    store
        .contacts()
        .updateOne(
            Filters.and(
                Filters.eq("leadId", leadId),
                Filters.eq(HandOffActivitiesImpl.OWNER_ACCEPTED_AT, Date.from(now))),
            Updates.combine(
                back(HandOffActivitiesImpl.OWNER_ACCEPTED_AT, markBefore),
                back(UnfinishedAcceptances.TAKE, takeBefore)));
  }

  private static Bson back(String field, Object was) {
    return was == null ? Updates.unset(field) : Updates.set(field, was);
  }

  private static ApiException inactive(String ownerId) {
    return new ApiException(
        409,
        "the owner is inactive: the lead is handed on to another",
        List.of(new FieldError("ownerId", ownerId + " is inactive")));
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

  /**
   * The take's contact write lost to other writers on every turn: the take stays written (its
   * hand-off accepted), and the lead's next take (this request's retry) finishes it first.
   */
  private static ApiException leftUnfinished() {
    return new ApiException(
        409,
        "the lead changed under the take on every try: the take is written but not finished;"
            + " take the lead again to finish it",
        List.of(
            new FieldError(
                "leadId", "the take is unfinished: the lead's next take finishes it first")));
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
