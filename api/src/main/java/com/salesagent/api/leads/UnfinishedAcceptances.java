package com.salesagent.api.leads;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.HandOffAudit;
import com.salesagent.activities.handoff.OwnerClaims;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Function;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The second half of a rep's take of a lead nobody held ({@link HandOffAcceptance}), which writes
 * the hand-off first, as the claim (accepted, naming the rep: of two takers, or a taker and the
 * run's next attempt, one write wins), then the contact (naming the rep, only while it names
 * nobody), then makes the take stand ({@link #STANDS}), tells the run and audits the take.
 *
 * <p>The invariant: a hand-off accepted by a rep whose contact names nobody is a take between its
 * two writes (under way, or its request died there), and nothing else: it ends with the contact
 * naming that rep ({@link Outcome#TAKEN}) or with the hand-off put back as the take read it ({@link
 * Outcome#MOVED}: the contact names another rep, or the take was taken back (released, handed on)
 * since it was written; {@link Outcome#INACTIVE}: the rep was made inactive before the take stood,
 * read after the contact's write so a deactivation this read misses comes after it and its hand-on
 * finds the lead). A take whose contact names its rep but whose audit entry is missing ({@link
 * TakeStates#untold}) died before it told the run (or is telling it now): it is made to stand, then
 * told and audited, once more. The request finishes its own take through {@link #complete}; one
 * that died is finished by the lead's next take (its retry, another rep's, an operator's) through
 * {@link #finish}; one whose contact changed under every turn of its write is left so ({@link
 * Outcome#UNFINISHED}), for the lead's next take to finish. Of the writes that decide, each is
 * conditional on the take as read: making it stand ({@link #STANDS}, only while the hand-off is
 * still this take) and putting it back (only while it does not stand), so of a finisher and a
 * deactivation's or a take-back's undo one wins, and a finisher never writes back a take a release
 * undid. The run is told before the audit entry is written (its id is the take's, {@link
 * HandOffAudit#accepted}): an entry means the run was told. An operator's take naming no rep
 * ({@link TakeStates#writtenForNobody}) is told by the next take as well. A finisher undoes only
 * the contact write of its own take ({@link #TAKE}), and none while the hand-off names its rep
 * again (the run's next attempt for them, which finds the contact naming them and leaves it, or a
 * later take of theirs).
 */
final class UnfinishedAcceptances {
  /** How a take's second half ended. */
  enum Outcome {
    /** The contact names the rep: the lead is theirs, the run told, audited. */
    TAKEN,
    /** The contact names another rep, or the take was taken back: the take's writes undone. */
    MOVED,
    /** The rep was made inactive: the contact and the hand-off put back, the hold released. */
    INACTIVE,
    /**
     * The contact changed under every turn of its write: the take is left written but unfinished
     * (its hand-off accepted, {@link TakeStates#toFinish}), for the lead's next take to finish.
     */
    UNFINISHED
  }

  /**
   * The hand-off's mark of a take that stands (its {@code acceptedAt}): written, only while the
   * hand-off is still that take, once its contact names the rep and the rep was read active; from
   * then on no finisher puts the take back (a later deactivation or release acts on it as on any
   * lead the rep holds). A held lead's acceptance writes it with the acceptance.
   */
  static final String STANDS = "acceptanceStands";

  /**
   * The contact's mark of the take its owner is written for (its {@code acceptedAt}), moved to a
   * later take by the same rep only as read: a finisher undoes the contact only while it carries
   * its take's mark, never a later take by that rep (whose {@code ownerAssignedAt} can be the
   * same).
   */
  static final String TAKE = "ownerTake";

  /** Turns a take's contact write is tried while other writers change the contact under it. */
  private static final int CONTACT_TURNS = 3;

  private final LeadStore store;
  private final Owners owners;
  private final OwnerClaims claims;
  private final Function<String, LeadWorkflow> lead;
  private final MongoCollection<Document> handoffs;
  private final TakeStates states;

  UnfinishedAcceptances(
      LeadStore store, Owners owners, OwnerClaims claims, Function<String, LeadWorkflow> lead) {
    this.store = store;
    this.owners = owners;
    this.claims = claims;
    this.lead = lead;
    this.handoffs = store.database().getCollection(HandOffActivitiesImpl.HANDOFFS);
    this.states = new TakeStates(store);
  }

  /** A take the lead's next take finishes first: {@link TakeStates#toFinish}. */
  boolean toFinish(Document contact, Document handoff) {
    return states.toFinish(contact, handoff);
  }

  /**
   * Finishes a take that died between its writes ({@link TakeStates#unfinished}: the rep's hold,
   * then {@link #complete}) or before it told the run ({@link TakeStates#untold}: made to stand,
   * told, audited), as its request would have. A take that cannot be finished (the rep left, the
   * take was taken back) puts the lead back as the take-back left it. Null when {@code handoff} is
   * no such take.
   */
  Outcome finish(String operator, String leadId, Document contact, Document handoff, Instant now) {
    String ownerId = handoff == null ? null : handoff.getString("ownerId");
    Document queued = new Document("status", "unassigned");
    if (TakeStates.unfinished(contact, handoff)) {
      Instant assignedAt = claims.holdTimed(ownerId, leadId, now).at();
      return complete(
          operator,
          leadId,
          ownerId,
          handoff.getString("acceptedBy"),
          handoff.getDate("acceptedAt"),
          assignedAt,
          queued);
    }
    if (states.untold(contact, handoff) && ownerId == null) {
      return standForNobody(
          operator, leadId, handoff.getString("acceptedBy"), handoff.getDate("acceptedAt"));
    }
    if (states.untold(contact, handoff)) {
      return stand(
          operator,
          leadId,
          ownerId,
          handoff.getString("acceptedBy"),
          handoff.getDate("acceptedAt"),
          contact.getDate("ownerAssignedAt"),
          queued);
    }
    return null;
  }

  /**
   * A take's second half, once its hand-off is written accepted by {@code ownerId} at {@code
   * acceptedAt} (the rep's hold made at {@code assignedAt}): the contact, then {@link #stand}.
   * {@code asRead}: the hand-off's {@code status}, {@code ownerId}, {@code acceptedAt}, {@code
   * acceptedBy} before the take, put back (only while the take's write stands) when the take does
   * not end {@link Outcome#TAKEN}.
   */
  Outcome complete(
      String operator,
      String leadId,
      String ownerId,
      String label,
      Date acceptedAt,
      Instant assignedAt,
      Document asRead) {
    for (int turn = 0; turn < CONTACT_TURNS; turn++) {
      long owned =
          store
              .contacts()
              .updateOne(
                  Filters.and(
                      Filters.eq("leadId", leadId),
                      Filters.eq("ownerId", null),
                      Filters.exists(HandOffActivitiesImpl.RELEASED_TO_AGENT, false)),
                  Updates.combine(
                      Updates.set("ownerId", ownerId),
                      Updates.set("ownerAssignedAt", Date.from(assignedAt)),
                      Updates.set(TAKE, acceptedAt)))
              .getMatchedCount();
      if (owned == 1) {
        return stand(operator, leadId, ownerId, label, acceptedAt, Date.from(assignedAt), asRead);
      }
      Document now = store.contact(leadId);
      if (now != null
          && now.getString("ownerId") == null
          && now.get(HandOffActivitiesImpl.RELEASED_TO_AGENT) == null) {
        continue; // its owner undone since the write above: written again
      }
      if (now == null || !ownerId.equals(now.getString("ownerId"))) {
        // Another rep's meanwhile (or given back to the agent, or erased): not this rep's.
        putBack(leadId, ownerId, acceptedAt, asRead);
        claims.release(ownerId, leadId);
        return Outcome.MOVED;
      }
      // Named them already (by another finisher of this take, or a stale one of an earlier take by
      // the rep): made this take's (TAKE), then, untold, this finisher goes on as the other would
      // (the writes that decide are conditional: of the two, one decides).
      Document handoff = handoffs.find(Filters.eq("_id", leadId)).first();
      if (!TakeStates.accepted(handoff) || !acceptedAt.equals(handoff.getDate("acceptedAt"))) {
        // No longer this take (a later take's, or taken back): its finisher decides, not this one.
        claims.confirm(ownerId, leadId);
        return Outcome.TAKEN;
      }
      if (!ours(leadId, ownerId, now.get(TAKE), acceptedAt)) {
        continue; // the contact changed since it was read: read again
      }
      if (states.untold(now, handoff)) {
        return stand(
            operator, leadId, ownerId, label, acceptedAt, now.getDate("ownerAssignedAt"), asRead);
      }
      claims.confirm(ownerId, leadId);
      return Outcome.TAKEN;
    }
    // Changed under every turn: left for the lead's next take to finish (unfinished or untold).
    return Outcome.UNFINISHED;
  }

  /** The contact made the take's of {@code acceptedAt}, only as read; false: it changed. */
  private boolean ours(String leadId, String ownerId, Object markRead, Date acceptedAt) {
    return acceptedAt.equals(markRead)
        || store
                .contacts()
                .updateOne(
                    Filters.and(
                        Filters.eq("leadId", leadId),
                        Filters.eq("ownerId", ownerId),
                        Filters.eq(TAKE, markRead)),
                    Updates.set(TAKE, acceptedAt))
                .getMatchedCount()
            == 1;
  }

  /**
   * The take, its contact naming {@code ownerId} (since {@code assignedAt}), made to stand: the rep
   * read active after the contact's write, then {@link #STANDS} written only while the hand-off is
   * still this take; the run told, then the audit entry (once). The rep inactive and the take not
   * standing yet: the take's writes undone ({@link Outcome#INACTIVE}). The take taken back since it
   * was written (a release, the run's next attempt): the contact's write undone, nothing told
   * ({@link Outcome#MOVED}), so a finisher that read the take before the take-back never writes it
   * back.
   */
  private Outcome stand(
      String operator,
      String leadId,
      String ownerId,
      String label,
      Date acceptedAt,
      Date assignedAt,
      Document asRead) {
    // A lead with no hand-off written (taken without one: nothing to put back, nor to take back).
    boolean none = handoffs.find(Filters.eq("_id", leadId)).first() == null;
    if (!OwnerClaims.active(owners.get(ownerId))
        && (none || putBack(leadId, ownerId, acceptedAt, asRead) == 1)) {
      // Made inactive (or removed) since the take checked them: their hand-on may have read the
      // leads they hold before this contact named them. Read after the contact's write, so a
      // deactivation this read misses comes after it, and its hand-on finds the lead. Put back only
      // while the take does not stand (another finisher read them active and may have told the
      // run): then it stands, and moving the lead on is the deactivation's hand-on's.
      unown(leadId, ownerId, assignedAt, acceptedAt);
      claims.release(ownerId, leadId);
      return Outcome.INACTIVE;
    }
    long stands =
        none
            ? 1
            : handoffs
                .updateOne(thisTake(leadId, ownerId, acceptedAt), Updates.set(STANDS, acceptedAt))
                .getMatchedCount();
    if (stands == 0) {
      // Taken back since it was written (a release, then the run's next hand-off, or put back by
      // another finisher): the contact's write undone, as the take-back left it; not told. Unless
      // the hand-off names the rep again (the run's next attempt for them, which found the contact
      // naming them and left it, or a later take of theirs): the contact is that one's now.
      if (!namedByHandOff(leadId, ownerId)) {
        unown(leadId, ownerId, assignedAt, acceptedAt);
        claims.release(ownerId, leadId);
      }
      return Outcome.MOVED;
    }
    claims.confirm(ownerId, leadId);
    return told(operator, leadId, ownerId, label, acceptedAt);
  }

  /** The lead's hand-off, read now, names {@code ownerId}. */
  private boolean namedByHandOff(String leadId, String ownerId) {
    Document handoff = handoffs.find(Filters.eq("_id", leadId)).first();
    return handoff != null && ownerId.equals(handoff.getString("ownerId"));
  }

  /**
   * An operator's take naming no rep ({@link TakeStates#writtenForNobody}) that died before it told
   * the run: made to stand (only while the hand-off is still that take), then told and audited.
   * Taken back since (the run's next attempt): nothing told ({@link Outcome#MOVED}).
   */
  private Outcome standForNobody(String operator, String leadId, String label, Date acceptedAt) {
    long stands =
        handoffs
            .updateOne(thisTake(leadId, null, acceptedAt), Updates.set(STANDS, acceptedAt))
            .getMatchedCount();
    return stands == 0 ? Outcome.MOVED : told(operator, leadId, null, label, acceptedAt);
  }

  /** The run told of the take, then the take audited once (its id the take's). */
  private Outcome told(
      String operator, String leadId, String ownerId, String label, Date acceptedAt) {
    lead.apply(leadId)
        .ownerAction(new OwnerAction(ownerId, OwnerAction.ACCEPTED, label, acceptedAt.toInstant()));
    LeadAuditLog.recordOnce(
        store,
        HandOffAudit.accepted(leadId, acceptedAt),
        operator,
        leadId,
        "handoff_accepted",
        ownerId,
        acceptedAt.toInstant());
    return Outcome.TAKEN;
  }

  /**
   * The contact's owner written by the take of {@code acceptedAt} ({@code ownerId} since {@code
   * assignedAt}) undone, only while the contact is still that take's ({@link #TAKE}; a contact
   * written before the mark existed: by its owner and time alone).
   */
  private void unown(String leadId, String ownerId, Date assignedAt, Date acceptedAt) {
    store
        .contacts()
        .updateOne(
            Filters.and(
                Filters.eq("leadId", leadId),
                Filters.eq("ownerId", ownerId),
                Filters.eq("ownerAssignedAt", assignedAt),
                Filters.or(Filters.eq(TAKE, acceptedAt), Filters.exists(TAKE, false))),
            Updates.combine(
                Updates.unset("ownerId"), Updates.unset("ownerAssignedAt"), Updates.unset(TAKE)));
  }

  /**
   * The take's hand-off write undone, only while it is there and does not stand (accepted by {@code
   * ownerId} at {@code acceptedAt}): its status, owner and acceptance as {@code asRead} had them
   * (absent: unset). 1 when put back.
   */
  private long putBack(String leadId, String ownerId, Date acceptedAt, Document asRead) {
    List<Bson> back = new ArrayList<>();
    for (String field : List.of("status", "ownerId", "acceptedAt", "acceptedBy")) {
      Object was = asRead.get(field);
      back.add(was == null ? Updates.unset(field) : Updates.set(field, was));
    }
    return handoffs
        .updateOne(
            Filters.and(thisTake(leadId, ownerId, acceptedAt), Filters.ne(STANDS, acceptedAt)),
            Updates.combine(back))
        .getMatchedCount();
  }

  /** The lead's hand-off while it is still the take accepted by {@code ownerId} at {@code at}. */
  private static Bson thisTake(String leadId, String ownerId, Date at) {
    return Filters.and(
        Filters.eq("_id", leadId),
        Filters.eq("ownerId", ownerId),
        Filters.eq("status", "accepted"),
        Filters.eq("acceptedAt", at));
  }
}
