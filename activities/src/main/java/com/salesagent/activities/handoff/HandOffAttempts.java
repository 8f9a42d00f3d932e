package com.salesagent.activities.handoff;

import static com.salesagent.activities.handoff.HandOffFields.BY_HAND_FROM;
import static com.salesagent.activities.handoff.HandOffFields.BY_HAND_NOTE;
import static com.salesagent.activities.handoff.HandOffFields.BY_HAND_PRIOR;
import static com.salesagent.activities.handoff.HandOffFields.OWNER_ACCEPTED_AT;
import static com.salesagent.activities.handoff.HandOffFields.RELEASED_TO_AGENT;
import static com.salesagent.activities.handoff.HandOffFields.SLA_FROM_RESUME;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.notify.Notifications;
import com.salesagent.workflows.lead.HandOffRequest;
import com.salesagent.workflows.lead.OwnerAssignment;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lead's hand-off attempts as written in {@value HandOffFields#HANDOFFS}: the decision of an
 * attempt (claimed once, so a retried activity answers what the first one decided), the contact
 * that names the owner, the owner told, or taken back when its owner was made inactive or the
 * lead's holder accepted it meanwhile. What becomes of an attempt once decided (taken back at its
 * retry, its SLA times moved) is {@link DecidedAttempts}.
 */
final class HandOffAttempts {
  private static final Logger LOG = LoggerFactory.getLogger(HandOffAttempts.class);

  /** Stages of a lead an owner holds: a hand-off from one of them is a reassignment. */
  static final java.util.Set<String> REASSIGNED_FROM =
      java.util.Set.of("handed_off", "in_conversation", "meeting_booked");

  private final Owners owners;
  private final OwnerClaims claims;
  private final MongoCollection<Document> handoffs;
  private final MongoCollection<Document> contacts;
  private final Notifications notifications;
  private volatile java.util.function.Consumer<String> ownerFreed = id -> {};
  private final UnfinishedHandOffs unfinished;

  HandOffAttempts(MongoDatabase db, Owners owners, OwnerClaims claims, Clock clock) {
    this.owners = owners;
    this.claims = claims;
    this.handoffs = db.getCollection(HandOffFields.HANDOFFS);
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.notifications = new Notifications(db, clock);
    this.unfinished =
        new UnfinishedHandOffs(
            owners,
            claims,
            contacts,
            db.getCollection(Collections.AUDIT_LOG),
            notifications,
            clock);
  }

  /** See {@link HandOffActivitiesImpl#whenOwnerFreed}. */
  void whenOwnerFreed(java.util.function.Consumer<String> ownerFreed) {
    this.ownerFreed = ownerFreed;
  }

  /**
   * Writes the owner as the lead's attempt {@code request.attempt()}, then the contact, and tells
   * the owner. The attempt is claimed atomically: the write matches only a hand-off document of an
   * earlier attempt (or none: it is inserted), so of two deciders of one attempt (the workflow's
   * activity, an owner taking waiting leads, two owners at once) only the first writes; null for
   * the others. {@code markAtStart}: the contact's {@link HandOffFields#OWNER_ACCEPTED_AT} as read
   * when the caller began deciding the attempt (see {@link #acceptedMeanwhile}).
   */
  OwnerAssignment assigned(
      HandOffRequest request, Document owner, Instant now, Instant claimedAt, Object markAtStart) {
    WorkingHours hours = Owners.hours(owner);
    Instant remindAt = hours.plusWorking(now, request.sla().dividedBy(2));
    Instant dueAt = hours.plusWorking(now, request.sla());
    String ownerId = owner.getString("_id");
    // The contact as it was before this attempt: a reassignment moves it from its owner only while
    // it is as read here (their acceptance marks it first: of the two, one wins).
    Document held = contacts.find(Filters.eq("leadId", request.leadId())).first();
    Document earlier; // the lead's hand-off before this attempt's write (null: none)
    try {
      earlier =
          handoffs.findOneAndUpdate(
              Filters.and(
                  Filters.eq("_id", request.leadId()),
                  Filters.or(
                      Filters.exists("attempt", false), Filters.lt("attempt", request.attempt()))),
              Updates.combine(
                  Updates.set("campaignId", request.campaignId()),
                  Updates.set("segment", request.segment()),
                  Updates.set("ownerId", ownerId),
                  Updates.set("attempt", request.attempt()),
                  Updates.set("assignedAt", Date.from(now)),
                  Updates.set("remindAt", Date.from(remindAt)),
                  Updates.set("dueAt", Date.from(dueAt)),
                  Updates.set("status", "open"),
                  Updates.unset("remindedAt"),
                  // A new attempt is not accepted: an acceptance of the one before is not carried.
                  Updates.unset("acceptedAt"),
                  Updates.unset("acceptedBy"),
                  Updates.unset(BY_HAND_FROM),
                  Updates.unset(BY_HAND_NOTE),
                  Updates.unset(BY_HAND_PRIOR),
                  Updates.unset(SLA_FROM_RESUME),
                  Updates.addToSet("owners", ownerId),
                  Updates.push(
                      "history",
                      new Document("ownerId", ownerId)
                          .append("attempt", request.attempt())
                          .append("at", Date.from(now))),
                  Updates.setOnInsert("createdAt", Date.from(now))),
              new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.BEFORE));
    } catch (MongoException e) {
      if (ErrorCategory.fromErrorCode(e.getCode()) == ErrorCategory.DUPLICATE_KEY
          || (e instanceof MongoWriteException w
              && w.getError().getCategory() == ErrorCategory.DUPLICATE_KEY)) {
        return null; // the document exists at this attempt or a later one: another decided
      }
      throw e;
    }
    // A later attempt is a reassignment when the lead is held (an owner's SLA passed, an owner
    // left); a lead that ended and wrote again (a new run of its workflow) is handed off afresh.
    boolean reassigned =
        request.attempt() > 1 && held != null && REASSIGNED_FROM.contains(held.getString("stage"));
    String from = held == null ? null : held.getString("ownerId");
    if (reassigned && acceptedMeanwhile(earlier, held, from, ownerId, markAtStart)) {
      // Its owner accepted it as this attempt decided (before the contact was read here, so the
      // contact's write below would match): theirs; the attempt is taken back with the acceptance.
      UnfinishedHandOffs.takeBackKept(handoffs, ours(request, ownerId, now), earlier);
      claims.release(ownerId, request.leadId());
      LOG.info(
          "lead {}: accepted by its owner {} as attempt {} was decided; kept",
          request.leadId(),
          from,
          request.attempt());
      return new OwnerAssignment(
          null, request.attempt(), null, null, null, "accepted by its owner meanwhile");
    }
    Bson owned =
        Updates.combine(
            Updates.set("ownerId", ownerId),
            // On MongoDB's clock, its claim's time: the claims it is compared with are.
            Updates.set("ownerAssignedAt", Date.from(claimedAt)),
            Updates.unset(RELEASED_TO_AGENT));
    if (from != null && !from.equals(ownerId) && earlier != null) {
      // A reassignment: only while its owner has not accepted it since it was read.
      if (contacts
              .updateOne(
                  Filters.and(
                      Filters.eq("leadId", request.leadId()),
                      Filters.eq("ownerId", from),
                      Filters.eq(OWNER_ACCEPTED_AT, held.get(OWNER_ACCEPTED_AT))),
                  owned)
              .getMatchedCount()
          == 0) {
        Document now2 = contacts.find(Filters.eq("leadId", request.leadId())).first();
        if (now2 != null
            && from.equals(now2.getString("ownerId"))
            && !java.util.Objects.equals(now2.get(OWNER_ACCEPTED_AT), held.get(OWNER_ACCEPTED_AT))
            && OwnerClaims.active(owners.get(from))) {
          // Accepted by its owner as it was reassigned: theirs; the attempt is taken back. An owner
          // made inactive is handed on whatever they accepted (as in acceptedMeanwhile).
          UnfinishedHandOffs.takeBackKept(handoffs, ours(request, ownerId, now), earlier);
          claims.release(ownerId, request.leadId());
          LOG.info(
              "lead {}: accepted by its owner {} as attempt {} was written; kept",
              request.leadId(),
              from,
              request.attempt());
          return new OwnerAssignment(
              null, request.attempt(), null, null, null, "accepted by its owner meanwhile");
        }
        contacts.updateOne(Filters.eq("leadId", request.leadId()), owned); // moved otherwise
      }
    } else if (from == null) {
      // A lead nobody held as read: a rep may take it meanwhile (HandOffAcceptance writes the
      // contact, only while it names nobody, then the hand-off as it read it). An acceptance whose
      // hand-off write came before this attempt's (the hand-off overwritten was accepted), or whose
      // contact write came before this one (which is written only while the contact names nobody),
      // stands: the attempt is taken back.
      boolean acceptedBefore =
          earlier != null
              && "accepted".equals(earlier.getString("status"))
              && earlier.getString("ownerId") != null
              && !ownerId.equals(earlier.getString("ownerId"));
      if (acceptedBefore || takenMeanwhile(request.leadId(), ownerId, owned)) {
        Bson ours = ours(request, ownerId, now);
        if (earlier == null) {
          handoffs.deleteOne(Filters.and(ours, Filters.ne("status", "accepted")));
        } else {
          UnfinishedHandOffs.takeBackKept(handoffs, ours, earlier);
        }
        claims.release(ownerId, request.leadId());
        LOG.info(
            "lead {}: taken by a rep as attempt {} was written; kept",
            request.leadId(),
            request.attempt());
        return new OwnerAssignment(
            null, request.attempt(), null, null, null, "accepted by its owner meanwhile");
      }
    } else {
      contacts.updateOne(Filters.eq("leadId", request.leadId()), owned);
    }
    if (!OwnerClaims.active(owners.get(ownerId))) {
      // Made inactive since the owners were read (DELETE, or a PUT with active false): their
      // hand-on read the leads they hold before this contact named them, or reads it now and is
      // told of a lead whose run has no owner yet; either way nobody would hand it on before its
      // SLA. Read after the contact's write, so a deactivation that this read does not see comes
      // after it, and its hand-on finds the lead. The attempt is taken back for another owner.
      takeBack(request, ownerId, earlier, held, now, claimedAt);
      return OWNER_LEFT;
    }
    claims.confirm(ownerId, request.leadId());
    String previous = held == null ? null : held.getString("ownerId");
    if (previous != null && !previous.equals(ownerId) && Owners.held(held)) {
      // The lead left its rep (reassigned at its SLA's deadline): their place is free now.
      try {
        ownerFreed.accept(previous);
      } catch (RuntimeException e) {
        LOG.warn("handing waiting leads to owner {} not queued: {}", previous, e.toString());
      }
    }
    notifications.emit(
        "lead.handed_off",
        request.leadId(),
        request.campaignId(),
        "handed_off",
        reassigned ? "reassigned: the SLA passed" : null,
        ownerId,
        request.attempt());
    LOG.info(
        "lead {} handed to owner {} (attempt {}, due {})",
        request.leadId(),
        ownerId,
        request.attempt(),
        dueAt);
    return new OwnerAssignment(ownerId, request.attempt(), remindAt, dueAt, null, null);
  }

  /** See {@link UnfinishedHandOffs#finish}. */
  UnfinishedHandOffs.Finished finish(HandOffRequest request, Document decided) {
    return unfinished.finish(request, decided, ownerFreed, null);
  }

  /**
   * What {@link #assigned} answers when the owner was made inactive while the attempt was written:
   * the attempt, the contact and the claim are taken back, the caller picks another owner.
   */
  static final OwnerAssignment OWNER_LEFT =
      new OwnerAssignment(null, 0, null, null, null, "owner made inactive meanwhile");

  /**
   * Undoes this assignment's writes, each only while it is still this one's: the hand-off as it was
   * before ({@code earlier}; none: removed), the contact's owner as it was ({@code held}), and the
   * owner's claim.
   */
  private void takeBack(
      HandOffRequest request,
      String ownerId,
      Document earlier,
      Document held,
      Instant now,
      Instant claimedAt) {
    String leadId = request.leadId();
    Bson ours = ours(request, ownerId, now);
    if (earlier == null) {
      handoffs.deleteOne(ours);
    } else {
      handoffs.replaceOne(ours, earlier);
    }
    List<Bson> back = new ArrayList<>();
    for (String field : List.of("ownerId", "ownerAssignedAt", RELEASED_TO_AGENT)) {
      Object was = held == null ? null : held.get(field);
      back.add(was == null ? Updates.unset(field) : Updates.set(field, was));
    }
    contacts.updateOne(
        Filters.and(
            Filters.eq("leadId", leadId),
            Filters.eq("ownerId", ownerId),
            Filters.eq("ownerAssignedAt", Date.from(claimedAt))),
        Updates.combine(back));
    claims.release(ownerId, leadId);
    LOG.info(
        "lead {}: owner {} was made inactive meanwhile; attempt {} taken back",
        leadId,
        ownerId,
        request.attempt());
  }

  /**
   * Whether the owner the lead is being moved from ({@code from}, the contact's as read) accepted
   * it while this attempt was decided, so the attempt's hand-off write ({@code earlier}: what it
   * overwrote) replaced their acceptance: the overwritten hand-off was theirs and accepted (the run
   * reassigns a lead at its SLA only while its owner has not acted: an acceptance there came after
   * the run decided to move it), or the contact's acceptance mark was written since this attempt
   * began deciding: it is not the one read then ({@code markAtStart}; the hand-off's own write may
   * come after this one's). Told by the mark's value, never by its time: the mark is written on the
   * API's clock, this decision runs on the worker's, and skewed clocks would take an acceptance
   * meanwhile for an old one (the lead moved from the rep who accepted it) or a mark left from
   * before (an acceptance that died before its hand-off write) for one meanwhile (the lead kept
   * with a rep who did not take it). An owner made inactive is handed on whatever they accepted
   * before.
   */
  private boolean acceptedMeanwhile(
      Document earlier, Document held, String from, String ownerId, Object markAtStart) {
    if (earlier == null || from == null || from.equals(ownerId)) {
      return false;
    }
    if (!from.equals(earlier.getString("ownerId"))) {
      return false;
    }
    Object mark = held.get(OWNER_ACCEPTED_AT);
    boolean accepted =
        "accepted".equals(earlier.getString("status"))
            || (mark != null && !java.util.Objects.equals(mark, markAtStart));
    return accepted && OwnerClaims.active(owners.get(from));
  }

  /**
   * Writes {@code owned} on the contact of a lead read as held by nobody, only while it names
   * nobody; true when it names another owner than {@code ownerId} instead (a rep took it
   * meanwhile). One that names {@code ownerId} already is theirs as this attempt decided; one a
   * taker's contact write gave back since (its hand-off write lost to this attempt's) is written.
   */
  private boolean takenMeanwhile(String leadId, String ownerId, Bson owned) {
    for (int turn = 0; turn < 3; turn++) {
      if (contacts
              .updateOne(
                  Filters.and(Filters.eq("leadId", leadId), Filters.eq("ownerId", null)), owned)
              .getMatchedCount()
          == 1) {
        return false;
      }
      Document now = contacts.find(Filters.eq("leadId", leadId)).first();
      String holder = now == null ? null : now.getString("ownerId");
      if (now == null || ownerId.equals(holder)) {
        return false; // gone (erased), or theirs already
      }
      if (holder != null) {
        return true;
      }
    }
    return false;
  }

  /** This assignment's hand-off write, as {@link #assigned} wrote it. */
  private static Bson ours(HandOffRequest request, String ownerId, Instant now) {
    return Filters.and(
        Filters.eq("_id", request.leadId()),
        Filters.eq("attempt", request.attempt()),
        Filters.eq("ownerId", ownerId),
        Filters.eq("assignedAt", Date.from(now)));
  }
}
