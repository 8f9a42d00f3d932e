package com.salesagent.activities.handoff;

import static com.salesagent.activities.handoff.HandOffFields.BY_HAND_FROM;
import static com.salesagent.activities.handoff.HandOffFields.BY_HAND_NOTE;
import static com.salesagent.activities.handoff.HandOffFields.OWNER_ACCEPTED_AT;
import static com.salesagent.activities.handoff.HandOffFields.RELEASED_TO_AGENT;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
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
 * HandOffAttempts#finish}) or, for an attempt decided by hand ({@value
 * HandOffFields#BY_HAND_FROM}), by the API's next move of the lead ({@link #finishByHand}): one way
 * to finish both.
 */
public final class UnfinishedHandOffs {
  private static final Logger LOG = LoggerFactory.getLogger(HandOffAttempts.class);

  /** What {@link #finish} found. */
  public enum Outcome {
    /**
     * The attempt stands as decided: finished now, finished before, or the lead moved since (left
     * as it is).
     */
    DONE,
    /**
     * The decided owner cannot take the lead (made inactive, full, their place contended): nothing
     * names them on the contact; the attempt is to be decided again ({@link
     * DecidedAttempts#undecide}).
     */
    NOT_THEIRS,
    /**
     * The owner who held the lead before this attempt (a reassignment) accepted it meanwhile: it
     * stays theirs, the attempt is taken back.
     */
    KEPT
  }

  /** {@link #finish}'s outcome and the owner the contact names now (null: nobody). */
  public record Finished(Outcome outcome, String holder) {}

  private final Owners owners;
  private final OwnerClaims claims;
  private final MongoCollection<Document> contacts;
  private final MongoCollection<Document> audit;
  private final Notifications notifications;
  private final Clock clock;

  /** For the API's moves by hand ({@link #finishByHand}). */
  public UnfinishedHandOffs(MongoDatabase db, Clock clock) {
    this(
        new Owners(db),
        new OwnerClaims(db),
        db.getCollection(Collections.CONTACTS),
        db.getCollection(Collections.AUDIT_LOG),
        new Notifications(db, clock),
        clock);
  }

  UnfinishedHandOffs(
      Owners owners,
      OwnerClaims claims,
      MongoCollection<Document> contacts,
      MongoCollection<Document> audit,
      Notifications notifications,
      Clock clock) {
    this.owners = owners;
    this.claims = claims;
    this.contacts = contacts;
    this.audit = audit;
    this.notifications = notifications;
    this.clock = clock;
  }

  /**
   * A move by hand whose hand-off is written ({@code decided}: its owner, attempt and {@value
   * HandOffFields#BY_HAND_FROM}) and whose contact still names the owner it was taken from (the
   * request died between its two writes, or this is that request itself): the contact moves to the
   * new owner as {@link #finish} moves it (with {@code alsoOnContact}, the move's own changes of
   * the contact), the owner is told with the move's note. True when the contact names the decided
   * owner now.
   */
  public boolean finishByHand(Document decided, String campaignId, Bson alsoOnContact) {
    String leadId = decided.getString("_id");
    HandOffRequest request =
        new HandOffRequest(leadId, campaignId, null, decided.getInteger("attempt", 1), null);
    Finished done = finish(request, decided, id -> {}, alsoOnContact);
    return decided.getString("ownerId").equals(done.holder());
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
   * when it is still there; {@link OwnerClaims#holdTimed} for an attempt decided by hand, a
   * person's choice); the claim is confirmed and the owner told only when this call wrote the
   * contact, so a retry of a run that finished tells nobody twice. An owner made inactive (or full,
   * the first run's claim lapsed) is not given the lead: {@link Outcome#NOT_THEIRS}, the caller
   * decides the attempt again.
   *
   * <p>A reassignment that died so ({@link #previousOwner}: the contact still names the owner the
   * lead had before this attempt) is finished the same way: the contact moves from them to the new
   * owner only while it names them with the stage, assignment time and acceptance mark ({@value
   * HandOffFields#OWNER_ACCEPTED_AT}) read here, their place is freed as {@link
   * HandOffAttempts#assigned} frees it, and the new owner is told of a reassignment. A previous
   * owner who accepted the lead before the write (the acceptance marks the contact first, so one of
   * the two writes wins) keeps it: {@link Outcome#KEPT}.
   */
  Finished finish(
      HandOffRequest request,
      Document decided,
      java.util.function.Consumer<String> ownerFreed,
      Bson alsoOnContact) {
    String ownerId = decided.getString("ownerId");
    String leadId = request.leadId();
    Document contact = contacts.find(Filters.eq("leadId", leadId)).first();
    if (contact == null || contact.get(RELEASED_TO_AGENT) != null) {
      return new Finished(Outcome.DONE, null); // the lead moved since
    }
    String named = contact.getString("ownerId");
    String previous = named == null ? null : previousOwner(request, decided, named);
    if (named != null && previous == null) {
      if (acceptedByPrevious(request, decided, named)) {
        return new Finished(Outcome.KEPT, named);
      }
      return new Finished(Outcome.DONE, named); // the first run wrote it, or the lead moved since
    }
    boolean byHand = decided.get(BY_HAND_FROM) != null;
    OwnerClaims.Claimed claimed =
        byHand
            ? claims.holdTimed(ownerId, leadId, clock.instant())
            : claims.claimTimed(ownerId, leadId, clock.instant());
    if (claimed.place() != OwnerClaims.Place.CLAIMED) {
      LOG.warn(
          "lead {}: attempt {} decided for owner {}, whose place is gone ({}); decided again",
          leadId,
          request.attempt(),
          ownerId,
          claimed.place());
      return new Finished(Outcome.NOT_THEIRS, named);
    }
    Bson unfinished =
        previous == null
            ? Filters.and(
                Filters.eq("leadId", leadId),
                Filters.eq("ownerId", null),
                Filters.exists(RELEASED_TO_AGENT, false))
            // Still as read: a lead its previous owner took on (a stage, an acceptance), or that
            // was handed to them again, is theirs.
            : Filters.and(
                Filters.eq("leadId", leadId),
                Filters.eq("ownerId", previous),
                Filters.eq("ownerAssignedAt", contact.get("ownerAssignedAt")),
                Filters.eq("stage", contact.getString("stage")),
                Filters.eq(OWNER_ACCEPTED_AT, contact.get(OWNER_ACCEPTED_AT)),
                Filters.exists(RELEASED_TO_AGENT, false));
    if (contacts
            .updateOne(
                unfinished,
                alsoOnContact == null
                    ? Updates.combine(
                        Updates.set("ownerId", ownerId),
                        Updates.set("ownerAssignedAt", Date.from(claimed.at())))
                    : Updates.combine(
                        Updates.set("ownerId", ownerId),
                        Updates.set("ownerAssignedAt", Date.from(claimed.at())),
                        alsoOnContact))
            .getModifiedCount()
        == 0) {
      claims.release(ownerId, leadId); // moved meanwhile (kept if the contact names them now)
      Document now = contacts.find(Filters.eq("leadId", leadId)).first();
      String holder = now == null ? null : now.getString("ownerId");
      if (previous != null
          && previous.equals(holder)
          && !java.util.Objects.equals(
              now.get(OWNER_ACCEPTED_AT), contact.get(OWNER_ACCEPTED_AT))) {
        LOG.info(
            "lead {}: accepted by its owner {} as attempt {} was finished; kept",
            leadId,
            previous,
            request.attempt());
        return new Finished(Outcome.KEPT, holder);
      }
      return new Finished(Outcome.DONE, holder);
    }
    if (!OwnerClaims.active(owners.get(ownerId))) {
      // Made inactive since the claim (as in assigned): their hand-on may not see this lead. The
      // contact is given back as it was (nobody, or the previous owner), and the attempt decided
      // again.
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
      return new Finished(Outcome.NOT_THEIRS, previous);
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
        request.campaignId() != null ? request.campaignId() : contact.getString("campaignId"),
        "handed_off",
        byHand ? decided.getString(BY_HAND_NOTE) : reassigned ? "reassigned: the SLA passed" : null,
        ownerId,
        request.attempt());
    if (byHand) {
      // The move's audit entry, as its request would have written it (by the operator who asked),
      // once: only the call that wrote the contact gets here, the API's next move or the run's
      // retry, whichever finished it; the request itself, finding it finished, writes the same id.
      String by = null;
      for (Document entry : decided.getList("history", Document.class, List.of())) {
        if (ownerId.equals(entry.getString("ownerId"))
            && entry.getInteger("attempt", 0) == request.attempt()
            && entry.getString("by") != null) {
          by = entry.getString("by");
        }
      }
      HandOffAudit.once(
          audit,
          HandOffAudit.movedByHand(leadId, request.attempt(), decided.getDate("assignedAt")),
          new Document("action", "handoff_reassigned_by_hand")
              .append("by", by != null ? by : "system")
              .append("leadId", leadId)
              .append("detail", decided.getString(BY_HAND_FROM) + " -> " + ownerId)
              .append("at", Date.from(clock.instant())));
    }
    LOG.info(
        "lead {} handed to owner {} (attempt {}, finished at its retry)",
        leadId,
        ownerId,
        request.attempt());
    return new Finished(Outcome.DONE, ownerId);
  }

  /**
   * Takes back a reassignment whose contact write lost to its previous owner's acceptance (the
   * contact's {@value HandOffFields#OWNER_ACCEPTED_AT} changed since it was read): the hand-off
   * {@code ours} (the attempt as this move wrote it) is replaced by {@code earlier} (as it was
   * before the move), keeping the acceptance when the acceptance's own hand-off write came first
   * (status, time and who). Conditional on the hand-off as read here, so an acceptance written
   * meanwhile is read again, not lost; true when taken back.
   */
  public static boolean takeBackKept(
      MongoCollection<Document> handoffs, Bson ours, Document earlier) {
    for (int turn = 0; turn < 3; turn++) {
      Document now = handoffs.find(ours).first();
      if (now == null) {
        return false; // changed by another since: left as it is
      }
      Document back = new Document(earlier);
      if ("accepted".equals(now.getString("status"))) {
        for (String field : List.of("status", "acceptedAt", "acceptedBy")) {
          if (now.get(field) != null) {
            back.put(field, now.get(field));
          }
        }
      }
      Object status = now.get("status");
      if (handoffs
              .replaceOne(
                  Filters.and(
                      ours,
                      status == null
                          ? Filters.exists("status", false)
                          : Filters.eq("status", status)),
                  back)
              .getModifiedCount()
          == 1) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the owner the contact names ({@code named}) is the one the lead had before this attempt
   * and accepted it before this attempt's contact was written (the hand-off marked accepted): the
   * lead is theirs, not this attempt's owner's.
   */
  private static boolean acceptedByPrevious(
      HandOffRequest request, Document decided, String named) {
    return "accepted".equals(decided.getString("status"))
        && named.equals(ownerBefore(request, decided, named));
  }

  /**
   * The owner the contact still names ({@code named}) when it is the one the lead had before this
   * attempt, so this attempt is a reassignment whose first run died before the contact's write;
   * null otherwise (the first run wrote it, or the lead moved since). Only for an attempt still
   * open (not accepted since): {@link #ownerBefore}. An attempt decided by hand ({@value
   * HandOffFields#BY_HAND_FROM}) is one whose API request died between its writes: the API finishes
   * it at the lead's next move ({@link #finishByHand}), the run at its hand-off.
   */
  private static String previousOwner(HandOffRequest request, Document decided, String named) {
    if (!"open".equals(decided.getString("status"))) {
      return null;
    }
    String before = ownerBefore(request, decided, named);
    return named.equals(before) ? named : null;
  }

  /**
   * The owner the lead had before this attempt, when {@code named} (the contact's) may be them: the
   * one a move by hand took it from ({@value HandOffFields#BY_HAND_FROM}); the owner of the attempt
   * before in the hand-off's {@code history}; when that attempt has no owner there, {@code named}
   * if it is one of the lead's earlier owners. Null for a first attempt, or when the contact names
   * this attempt's owner.
   */
  static String ownerBefore(HandOffRequest request, Document decided, String named) {
    if (request.attempt() < 2 || named.equals(decided.getString("ownerId"))) {
      return null;
    }
    if (decided.get(BY_HAND_FROM) != null) {
      return decided.getString(BY_HAND_FROM);
    }
    String before = null;
    for (Document entry : decided.getList("history", Document.class, List.of())) {
      if (entry.getString("ownerId") != null
          && entry.getInteger("attempt", 0) == request.attempt() - 1) {
        before = entry.getString("ownerId");
      }
    }
    if (before != null) {
      return before;
    }
    return decided.getList("owners", String.class, List.of()).contains(named) ? named : null;
  }
}
