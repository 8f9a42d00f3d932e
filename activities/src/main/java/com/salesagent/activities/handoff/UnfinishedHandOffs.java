package com.salesagent.activities.handoff;

import static com.salesagent.activities.handoff.HandOffFields.BY_HAND_FROM;
import static com.salesagent.activities.handoff.HandOffFields.RELEASED_TO_AGENT;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.notify.Notifications;
import com.salesagent.workflows.lead.HandOffRequest;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hand-off attempt whose decision is written but whose run died before the rest (the contact, the
 * claim's confirmation, the owner told), finished by the retried activity ({@link
 * HandOffAttempts#finish}).
 */
final class UnfinishedHandOffs {
  private static final Logger LOG = LoggerFactory.getLogger(HandOffAttempts.class);

  private final Owners owners;
  private final OwnerClaims claims;
  private final MongoCollection<Document> contacts;
  private final Notifications notifications;
  private final Clock clock;

  UnfinishedHandOffs(
      Owners owners,
      OwnerClaims claims,
      MongoCollection<Document> contacts,
      Notifications notifications,
      Clock clock) {
    this.owners = owners;
    this.claims = claims;
    this.contacts = contacts;
    this.notifications = notifications;
    this.clock = clock;
  }

  /**
   * Finishes an attempt whose decision is written ({@code decided}, this attempt's hand-off) when
   * the run that wrote it died before the rest (a worker crash after the hand-off's write): the
   * retried activity answers the stored decision, and without this the contact named nobody (the
   * rep's list and dashboard, read by the contact's owner, never showed the lead), the claim stayed
   * unconfirmed and the rep was never told, until the SLA reassigned the lead. The contact is given
   * the owner only while it names nobody and was not given back to the agent since (a lead that
   * moved since is left as it is; one that names this owner already: nothing is written), at the
   * owner's claim's time on MongoDB's clock ({@link OwnerClaims#claimTimed}: the first run's claim
   * when it is still there); the claim is confirmed and the owner told only when this call wrote
   * the contact, so a retry of a run that finished tells nobody twice. An owner made inactive (or
   * full, the first run's claim lapsed) is not given the lead: it is left to the SLA, as before.
   *
   * <p>A reassignment that died so ({@link #previousOwner}: the contact still names the owner the
   * lead had before this attempt) is finished the same way: the contact moves from them to the new
   * owner only while it names them with the stage and assignment time read here, their place is
   * freed as {@link HandOffAttempts#assigned} frees it, and the new owner is told of a
   * reassignment.
   */
  void finish(
      HandOffRequest request, Document decided, java.util.function.Consumer<String> ownerFreed) {
    String ownerId = decided.getString("ownerId");
    String leadId = request.leadId();
    Document contact = contacts.find(Filters.eq("leadId", leadId)).first();
    if (contact == null || contact.get(RELEASED_TO_AGENT) != null) {
      return; // the lead moved since
    }
    String named = contact.getString("ownerId");
    String previous = named == null ? null : previousOwner(request, decided, named);
    if (named != null && previous == null) {
      return; // the first run wrote it, or the lead moved since
    }
    OwnerClaims.Claimed claimed = claims.claimTimed(ownerId, leadId, clock.instant());
    if (claimed.place() != OwnerClaims.Place.CLAIMED) {
      LOG.warn(
          "lead {}: attempt {} decided for owner {}, whose place is gone ({}); left to the SLA",
          leadId,
          request.attempt(),
          ownerId,
          claimed.place());
      return;
    }
    Bson unfinished =
        previous == null
            ? Filters.and(
                Filters.eq("leadId", leadId),
                Filters.eq("ownerId", null),
                Filters.exists(RELEASED_TO_AGENT, false))
            // Still as read: a lead its previous owner took on (a stage), or that was handed to
            // them again, is theirs.
            : Filters.and(
                Filters.eq("leadId", leadId),
                Filters.eq("ownerId", previous),
                Filters.eq("ownerAssignedAt", contact.get("ownerAssignedAt")),
                Filters.eq("stage", contact.getString("stage")),
                Filters.exists(RELEASED_TO_AGENT, false));
    if (contacts
            .updateOne(
                unfinished,
                Updates.combine(
                    Updates.set("ownerId", ownerId),
                    Updates.set("ownerAssignedAt", Date.from(claimed.at()))))
            .getModifiedCount()
        == 0) {
      claims.release(ownerId, leadId); // moved meanwhile (kept if the contact names them now)
      return;
    }
    if (!OwnerClaims.active(owners.get(ownerId))) {
      // Made inactive since the claim (as in assigned): their hand-on may not see this lead. The
      // contact is given back as it was (nobody, or the previous owner), for the SLA.
      contacts.updateOne(
          Filters.and(
              Filters.eq("leadId", leadId),
              Filters.eq("ownerId", ownerId),
              Filters.eq("ownerAssignedAt", Date.from(claimed.at()))),
          previous == null
              ? Updates.combine(Updates.unset("ownerId"), Updates.unset("ownerAssignedAt"))
              : Updates.combine(
                  Updates.set("ownerId", previous),
                  Updates.set("ownerAssignedAt", contact.get("ownerAssignedAt"))));
      claims.release(ownerId, leadId);
      return;
    }
    claims.confirm(ownerId, leadId);
    if (previous != null && Owners.held(contact)) {
      // The lead left its rep (as in assigned): their place is free now.
      try {
        ownerFreed.accept(previous);
      } catch (RuntimeException e) {
        LOG.warn("handing waiting leads to owner {} not queued: {}", previous, e.toString());
      }
    }
    boolean reassigned =
        request.attempt() > 1
            && HandOffAttempts.REASSIGNED_FROM.contains(contact.getString("stage"));
    notifications.emit(
        "lead.handed_off",
        leadId,
        request.campaignId(),
        "handed_off",
        reassigned ? "reassigned: the SLA passed" : null,
        ownerId,
        request.attempt());
    LOG.info(
        "lead {} handed to owner {} (attempt {}, finished at its retry)",
        leadId,
        ownerId,
        request.attempt());
  }

  /**
   * The owner the contact still names ({@code named}) when it is the one the lead had before this
   * attempt, so this attempt is a reassignment whose first run died before the contact's write;
   * null otherwise (the first run wrote it, or the lead moved since). Only for an attempt this
   * activity decided (no {@value HandOffFields#BY_HAND_FROM}) that is still open (not accepted
   * since): the owner of the attempt before in the hand-off's {@code history}; when that attempt
   * has no owner there (it waited, and a rep took it: {@code HandOffAcceptance} names them in
   * {@code owners} only), one of the lead's earlier owners. The API moves no held lead by hand
   * while its hand-off names another owner than its contact (HeldLeadMove#requireHandOffOf).
   */
  private static String previousOwner(HandOffRequest request, Document decided, String named) {
    if (request.attempt() < 2
        || named.equals(decided.getString("ownerId"))
        || decided.get(BY_HAND_FROM) != null
        || !"open".equals(decided.getString("status"))) {
      return null;
    }
    String before = null;
    for (Document entry : decided.getList("history", Document.class, List.of())) {
      if (entry.getString("ownerId") != null
          && entry.getInteger("attempt", 0) == request.attempt() - 1) {
        before = entry.getString("ownerId");
      }
    }
    if (before != null) {
      return named.equals(before) ? named : null;
    }
    return decided.getList("owners", String.class, List.of()).contains(named) ? named : null;
  }
}
