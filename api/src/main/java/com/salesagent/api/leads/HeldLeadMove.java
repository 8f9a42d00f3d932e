package com.salesagent.api.leads;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.HandOffFields;
import com.salesagent.activities.handoff.OwnerClaims;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.handoff.UnfinishedHandOffs;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.notify.Notifications;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.owners.SnoozedLeads;
import com.salesagent.workflows.lead.LeadWorkflow;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * A move by hand of a lead someone holds ({@link LeadHandOffs}: {@link HandOffReassignment}, {@link
 * HandOffRelease}, {@link LeadSnoozes}): what each works with, and how each finds the lead and
 * refuses it: 404 an unknown lead, 409 one that ended, is being erased or that nobody holds, 409
 * naming {@code byOwnerId} when a rep asks for another rep's lead, 409 while its hand-off record
 * names another owner or changes as it is written. A move by hand that died between its writes is
 * finished first ({@link #finishingUnfinished}).
 */
abstract class HeldLeadMove {
  final LeadStore store;
  final Function<String, LeadWorkflow> lead;
  final Owners owners;
  final OwnerClaims claims;
  final Clock clock;
  final MongoCollection<Document> handoffs;
  final Notifications notifications;
  final UnfinishedHandOffs unfinished;
  private volatile java.util.function.Consumer<String> movedFrom = id -> {};

  HeldLeadMove(LeadStore store, Function<String, LeadWorkflow> lead, Owners owners, Clock clock) {
    this.store = store;
    this.lead = lead;
    this.owners = owners;
    this.claims = new OwnerClaims(store.database());
    this.clock = clock;
    this.handoffs = store.database().getCollection(HandOffActivitiesImpl.HANDOFFS);
    this.notifications = new Notifications(store.database(), clock);
    this.unfinished = new UnfinishedHandOffs(store.database(), clock);
  }

  /**
   * Told the rep an unfinished move by hand, finished here ({@link #finishingUnfinished}), took a
   * lead from: their place is freed as a release or a reassignment frees it, however the request
   * that finished it then ends (moved on, released, snoozed, or refused).
   */
  void whenFinishedMoveFrees(java.util.function.Consumer<String> movedFrom) {
    this.movedFrom = movedFrom;
  }

  /** A lead someone holds, live and not being erased; 404/409 naming {@code leadId} otherwise. */
  Document held(String leadId) {
    Document contact = store.contact(leadId);
    if (contact == null) {
      throw ApiException.notFound("lead " + leadId, "leadId");
    }
    ReplyRefusals.erasing(contact);
    if (ReplyRefusals.terminal(contact)) {
      throw new ApiException(
          409,
          "the lead's lifecycle has ended",
          List.of(new FieldError("leadId", "stage " + contact.getString("stage"))));
    }
    // A paused lead its rep held is still held (the stage its pause left): it can be moved.
    if (contact.getString("ownerId") == null || !Owners.held(contact)) {
      throw new ApiException(
          409,
          "the lead has no hand-off: nobody holds it",
          List.of(
              new FieldError(
                  "leadId",
                  "stage "
                      + contact.getString("stage")
                      + (contact.getString("ownerId") == null ? ", no owner" : ""))));
    }
    return contact;
  }

  /**
   * The lead as it is once a move by hand whose request died between its two writes is finished:
   * its contact, its hand-off, and the owner the finished move took it from (null: none was
   * unfinished, or it could not be finished: its new owner was made inactive since).
   */
  record Current(Document contact, Document handoff, String finishedFrom) {}

  /**
   * A move by hand writes the hand-off (the new owner, {@value HandOffActivitiesImpl#BY_HAND_FROM}
   * the holder), then the contact: a request that died between the two left the hand-off naming
   * another owner than the contact, and every later move was refused ({@link #requireHandOffOf}).
   * Such a move is finished here as the hand-off activity's retry finishes its own ({@link
   * UnfinishedHandOffs#finishByHand}: the contact, the claim, the new owner told, the move
   * audited), then the lead's run told ({@code ownerGone}) as the request would have; its retry
   * then finds the lead moved, the next move moves it on.
   */
  Current finishingUnfinished(String operator, String leadId, Document contact) {
    Document handoff = handoffs.find(Filters.eq("_id", leadId)).first();
    String holder = contact.getString("ownerId");
    String to = handoff == null ? null : handoff.getString("ownerId");
    if (holder == null
        || to == null
        || to.equals(holder)
        || !holder.equals(handoff.getString(HandOffActivitiesImpl.BY_HAND_FROM))
        || !"open".equals(handoff.getString("status"))) {
      return new Current(contact, handoff, null);
    }
    Bson also =
        LeadStore.PAUSED.equals(contact.getString("stage"))
            ? Updates.combine(
                Updates.set(LeadStore.PAUSED_FROM, "handed_off"), Updates.unset(SnoozedLeads.FIELD))
            : Updates.unset(SnoozedLeads.FIELD);
    if (!unfinished.finishByHand(handoff, contact.getString("campaignId"), also)) {
      // Its new rep cannot take it (made inactive, or full, since): nobody chose another rep, so
      // the move is undone and the lead is its holder's again, as before the request; this
      // request then goes on from there (another rep, a release, a snooze).
      undoByHand(operator, leadId, handoff, holder, to);
      return new Current(held(leadId), handoffs.find(Filters.eq("_id", leadId)).first(), null);
    }
    // Audited by finishByHand (by the operator of the request that died), as the run's retry does.
    // The place it took the lead from is free: their waiting leads go on (a release or a snooze
    // dropped it, and a request refused after this finish too).
    try {
      movedFrom.accept(holder);
    } catch (RuntimeException e) {
      // The waiting leads go at their own retry or the next PUT, as before.
    }
    try {
      // Names the holder's take the move overwrote (its hand-off's as it was): not applied again.
      lead.apply(leadId).ownerGone(holder, HandOffFields.takeMovedFrom(handoff));
    } catch (RuntimeException e) {
      // Ended meanwhile, or Temporal away: the run's next hand-off finds the attempt.
    }
    return new Current(held(leadId), handoffs.find(Filters.eq("_id", leadId)).first(), holder);
  }

  /**
   * The hand-off's fields a move by hand overwrites, saved by it ({@value
   * HandOffActivitiesImpl#BY_HAND_PRIOR}) and restored by {@link #undoByHand}.
   */
  static final List<String> BY_HAND_PRIOR_FIELDS =
      com.salesagent.activities.handoff.HandOffFields.BY_HAND_PRIOR_FIELDS;

  /**
   * An unfinished move to {@code to} taken back while the contact still names {@code holder}: the
   * hand-off at the attempt before, naming the holder again (their assignment time from its
   * history), with what the move overwrote ({@value HandOffActivitiesImpl#BY_HAND_PRIOR}: the
   * status, acceptance, reminder and deadline the holder had; a move saved before it was kept
   * leaves the move's), in one write conditional on the move as read; audited ({@code
   * handoff_reassign_undone}) when written. The run was never told of the move (its request died
   * before the signal): nothing to tell it.
   */
  private void undoByHand(
      String operator, String leadId, Document handoff, String holder, String to) {
    Document contact = store.contact(leadId);
    if (contact == null || !holder.equals(contact.getString("ownerId"))) {
      return; // moved meanwhile
    }
    long undone =
        handoffs
            .updateOne(unfinishedByHand(leadId, handoff, holder), undoneByHand(handoff, holder))
            .getModifiedCount();
    if (undone == 1) {
      LeadAuditLog.record(
          store,
          operator,
          leadId,
          "handoff_reassign_undone",
          holder + " -> " + to + ": " + to + " cannot take it",
          clock.instant());
    }
  }

  /**
   * The hand-off as read ({@code handoff}): a move by hand from {@code holder} to its new owner at
   * its attempt, not written since; the filter an undo of that move is conditional on.
   */
  static Bson unfinishedByHand(String leadId, Document handoff, String holder) {
    return Filters.and(
        Filters.eq("_id", leadId),
        Filters.eq("ownerId", handoff.getString("ownerId")),
        Filters.eq("attempt", handoff.getInteger("attempt", 1)),
        Filters.eq(HandOffActivitiesImpl.BY_HAND_FROM, holder));
  }

  /**
   * A move by hand from {@code holder} taken back: the hand-off at the attempt before, naming the
   * holder again (their assignment time from its history), the move's marks removed.
   */
  static Bson undoneByHand(Document handoff, String holder) {
    return undoneByHand(handoff, holder, List.of());
  }

  /**
   * As {@link #undoneByHand(Document, String)}, restoring none of the {@code written} fields: the
   * caller's own update sets them in the same write (an acceptance's status and acceptance), which
   * a restored or unset value of the move's saved hand-off must not overwrite or conflict with.
   */
  static Bson undoneByHand(Document handoff, String holder, List<String> written) {
    int attempt = handoff.getInteger("attempt", 1);
    List<Bson> back = new java.util.ArrayList<>();
    back.add(attempt > 1 ? Updates.set("attempt", attempt - 1) : Updates.unset("attempt"));
    back.add(Updates.set("ownerId", holder));
    for (Document entry : handoff.getList("history", Document.class, List.of())) {
      if (holder.equals(entry.getString("ownerId"))
          && entry.getInteger("attempt", 0) == attempt - 1
          && entry.getDate("at") != null) {
        back.add(Updates.set("assignedAt", entry.getDate("at")));
      }
    }
    back.addAll(
        com.salesagent.activities.handoff.HandOffFields.byHandPriorRestored(handoff, written));
    back.add(Updates.unset(HandOffActivitiesImpl.BY_HAND_FROM));
    back.add(Updates.unset(HandOffActivitiesImpl.BY_HAND_NOTE));
    back.add(Updates.unset(HandOffActivitiesImpl.BY_HAND_PRIOR));
    back.add(Updates.unset(HandOffActivitiesImpl.SLA_FROM_RESUME));
    return Updates.combine(back);
  }

  /** The lead's hand-off record names its holder; 409 naming {@code leadId} while it changes. */
  static void requireHandOffOf(Document handoff, String holder) {
    if (handoff == null || !holder.equals(handoff.getString("ownerId"))) {
      throw new ApiException(
          409,
          "the lead's hand-off is changing: load it again",
          List.of(new FieldError("leadId", "its hand-off names another owner than the lead")));
    }
  }

  /** A rep asking for a lead must hold it (an operator, no {@code byOwnerId}, may ask for any). */
  static void requireHolder(String by, String holder) {
    if (by != null && !by.equals(holder)) {
      throw new ApiException(
          409,
          "the lead is another owner's: only its owner or an operator moves it",
          List.of(new FieldError("byOwnerId", "the lead is held by " + holder)));
    }
  }

  /**
   * Writes the lead's hand-off record only as it was read ({@code handoff}: its holder, attempt,
   * status and acceptance), so that of two requests, or a request and the SLA's own reassignment,
   * or a request and its holder's acceptance, one decides: 1 when written, 0 when it changed
   * meanwhile (an acceptance finished meanwhile is not overwritten, nor put back as open by a
   * take-back).
   */
  long claim(String leadId, String holder, Document handoff, Bson update) {
    return handoffs
        .updateOne(
            Filters.and(
                Filters.eq("_id", leadId),
                Filters.eq("ownerId", holder),
                Filters.eq("attempt", handoff.getInteger("attempt", 1)),
                Filters.eq("status", handoff.get("status")),
                Filters.eq("acceptedAt", handoff.get("acceptedAt"))),
            update)
        .getModifiedCount();
  }

  /** The lead's hand-off was written by another request between its read and this one's write. */
  static ApiException changedMeanwhile() {
    return new ApiException(
        409,
        "the lead's hand-off changed meanwhile: load it again",
        List.of(new FieldError("leadId", "its owner or attempt changed as this was asked")));
  }
}
