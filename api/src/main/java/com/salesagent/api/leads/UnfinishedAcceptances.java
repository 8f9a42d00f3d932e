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
 * nobody), then confirms the rep's hold, audits the take and tells the run.
 *
 * <p>The invariant: a hand-off accepted by a rep whose contact names nobody is a take between its
 * two writes (under way, or its request died there), and nothing else: it ends with the contact
 * naming that rep ({@link Outcome#TAKEN}) or with the hand-off put back as the take read it ({@link
 * Outcome#MOVED}: the contact names another rep; {@link Outcome#INACTIVE}: the rep was made
 * inactive before the contact named them, read after the contact's write so a deactivation this
 * read misses comes after it and its hand-on finds the lead). The request finishes its own take
 * through {@link #complete}; one that died between its writes is finished by the lead's next take
 * (its retry, another rep's, an operator's) through {@link #finish}. Every step is conditional or
 * idempotent, so both may run at once: the contact is written once, and only the one that wrote it
 * checks the rep again, audits (the entry has the take's own id, {@link HandOffAudit#accepted}) and
 * tells the run; the other finds the contact naming the rep and leaves the take done.
 */
final class UnfinishedAcceptances {
  /** How a take's second half ended. */
  enum Outcome {
    /** The contact names the rep: the lead is theirs, audited, the run told. */
    TAKEN,
    /** The contact names another rep: the hand-off put back as read, the hold released. */
    MOVED,
    /** The rep was made inactive: the contact and the hand-off put back, the hold released. */
    INACTIVE
  }

  private final LeadStore store;
  private final Owners owners;
  private final OwnerClaims claims;
  private final Function<String, LeadWorkflow> lead;
  private final MongoCollection<Document> handoffs;

  UnfinishedAcceptances(
      LeadStore store, Owners owners, OwnerClaims claims, Function<String, LeadWorkflow> lead) {
    this.store = store;
    this.owners = owners;
    this.claims = claims;
    this.lead = lead;
    this.handoffs = store.database().getCollection(HandOffActivitiesImpl.HANDOFFS);
  }

  /** A take whose hand-off is written (accepted, naming a rep) and whose contact names nobody. */
  static boolean unfinished(Document contact, Document handoff) {
    return contact.getString("ownerId") == null
        && contact.get(HandOffActivitiesImpl.RELEASED_TO_AGENT) == null
        && handoff != null
        && "accepted".equals(handoff.getString("status"))
        && handoff.getString("ownerId") != null
        && handoff.getDate("acceptedAt") != null;
  }

  /**
   * Finishes a take that died between its writes ({@link #unfinished}), as its request would have:
   * the rep's hold, then {@link #complete}. A take that cannot be finished (the rep left) puts the
   * lead back on the queue (unassigned). Null when {@code handoff} is no such take.
   */
  Outcome finish(String operator, String leadId, Document contact, Document handoff, Instant now) {
    if (!unfinished(contact, handoff)) {
      return null;
    }
    String ownerId = handoff.getString("ownerId");
    Instant assignedAt = claims.holdTimed(ownerId, leadId, now).at();
    return complete(
        operator,
        leadId,
        ownerId,
        handoff.getString("acceptedBy"),
        handoff.getDate("acceptedAt"),
        assignedAt,
        new Document("status", "unassigned"));
  }

  /**
   * A take's second half, once its hand-off is written accepted by {@code ownerId} at {@code
   * acceptedAt} (the rep's hold made at {@code assignedAt}): the contact, the rep checked still
   * active, the hold confirmed, the audit entry (once), the run told. {@code asRead}: the
   * hand-off's {@code status}, {@code ownerId}, {@code acceptedAt}, {@code acceptedBy} before the
   * take, put back (only while the take's write stands) when the take does not end {@link
   * Outcome#TAKEN}.
   */
  Outcome complete(
      String operator,
      String leadId,
      String ownerId,
      String label,
      Date acceptedAt,
      Instant assignedAt,
      Document asRead) {
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
                    Updates.set("ownerAssignedAt", Date.from(assignedAt))))
            .getMatchedCount();
    if (owned == 0) {
      Document now = store.contact(leadId);
      if (now == null || !ownerId.equals(now.getString("ownerId"))) {
        // Another rep's meanwhile (or given back to the agent, or erased): not this rep's.
        putBack(leadId, ownerId, acceptedAt, asRead);
        claims.release(ownerId, leadId);
        return Outcome.MOVED;
      }
      // Named them already: another finisher of this take (the lead's next take, or this take's
      // own request) wrote it, and it checks the rep, audits the take and tells the run, once.
      // Done here, not undone: a deactivation read now may come after that finisher told the run
      // they accepted, and moving the lead on from then is the deactivation's hand-on's. Only the
      // hold's confirmation is repeated (idempotent; a no-op on a hold that finisher released).
      claims.confirm(ownerId, leadId);
      return Outcome.TAKEN;
    }
    if (!OwnerClaims.active(owners.get(ownerId))) {
      // Made inactive (or removed) since the take checked them: their hand-on may have read the
      // leads they hold before this contact named them. Read after the contact's write, so a
      // deactivation this read misses comes after it, and its hand-on finds the lead.
      store
          .contacts()
          .updateOne(
              Filters.and(
                  Filters.eq("leadId", leadId),
                  Filters.eq("ownerId", ownerId),
                  Filters.eq("ownerAssignedAt", Date.from(assignedAt))),
              Updates.combine(Updates.unset("ownerId"), Updates.unset("ownerAssignedAt")));
      putBack(leadId, ownerId, acceptedAt, asRead);
      claims.release(ownerId, leadId);
      return Outcome.INACTIVE;
    }
    claims.confirm(ownerId, leadId);
    LeadAuditLog.recordOnce(
        store,
        HandOffAudit.accepted(leadId, acceptedAt),
        operator,
        leadId,
        "handoff_accepted",
        ownerId,
        acceptedAt.toInstant());
    lead.apply(leadId).ownerAction(new OwnerAction(ownerId, OwnerAction.ACCEPTED, label));
    return Outcome.TAKEN;
  }

  /**
   * The take's hand-off write undone, only while it stands (accepted by {@code ownerId} at {@code
   * acceptedAt}): its status, owner and acceptance as {@code asRead} had them (absent: unset).
   */
  private void putBack(String leadId, String ownerId, Date acceptedAt, Document asRead) {
    List<Bson> back = new ArrayList<>();
    for (String field : List.of("status", "ownerId", "acceptedAt", "acceptedBy")) {
      Object was = asRead.get(field);
      back.add(was == null ? Updates.unset(field) : Updates.set(field, was));
    }
    handoffs.updateOne(
        Filters.and(
            Filters.eq("_id", leadId),
            Filters.eq("ownerId", ownerId),
            Filters.eq("status", "accepted"),
            Filters.eq("acceptedAt", acceptedAt)),
        Updates.combine(back));
  }
}
