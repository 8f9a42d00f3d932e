package com.salesagent.activities.handoff;

import static com.salesagent.activities.handoff.HandOffFields.OWNER_ACCEPTED_AT;
import static com.salesagent.activities.handoff.HandOffFields.RELEASED_TO_AGENT;
import static com.salesagent.activities.handoff.HandOffFields.SLA_FROM_RESUME;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.workflows.lead.HandOffRequest;
import com.salesagent.workflows.lead.OwnerAssignment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the owner of a lead's hand-off attempt: round robin (or, by the segment's rule, the least
 * loaded) among the active owners who take the lead's segment and have capacity, those working now
 * first, the owner the lead knows first; a reassignment skips the owners who had the lead while
 * another can take it. The owner's turn is taken and a place of their capacity claimed ({@link
 * OwnerClaims}) before the attempt is written ({@link HandOffAttempts}). Also an owner added or
 * freed taking one waiting lead ({@link #assignWaiting}).
 */
final class OwnerAssigner {
  /** The default rule: the owner least recently assigned (of those free, working first). */
  static final String ROUND_ROBIN = "round_robin";

  /**
   * The owner with the smallest share of their capacity in use (ties: round robin), for teams whose
   * reps hold leads for long: a rep who closes fast gets more.
   */
  static final String LEAST_LOADED = "least_loaded";

  static final List<String> RULES = List.of(ROUND_ROBIN, LEAST_LOADED);

  /** Owners exist but none has capacity: try again this much later. */
  static final Duration FULL_RETRY = Duration.ofMinutes(15);

  private static final Logger LOG = LoggerFactory.getLogger(OwnerAssigner.class);

  private final MongoDatabase db;
  private final Owners owners;
  private final OwnerClaims claims;
  private final HandOffAttempts attempts;
  private final DecidedAttempts afterDecision;
  private final MongoCollection<Document> handoffs;
  private final MongoCollection<Document> contacts;
  private final Clock clock;

  OwnerAssigner(
      MongoDatabase db,
      Owners owners,
      OwnerClaims claims,
      HandOffAttempts attempts,
      DecidedAttempts afterDecision,
      Clock clock) {
    this.db = db;
    this.owners = owners;
    this.claims = claims;
    this.attempts = attempts;
    this.afterDecision = afterDecision;
    this.handoffs = db.getCollection(HandOffFields.HANDOFFS);
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.clock = clock;
  }

  /**
   * The owner who held the ended lead this one was enrolled again from ("Start a new conversation":
   * its {@code previousLeadId}), asked first on the lead's first hand-off as a reopened lead's own
   * owner is: the customer talks to the rep who knows them. Null when there is none.
   */
  private String ownerOfTheEarlierLead(String leadId) {
    Document contact =
        contacts
            .find(Filters.eq("leadId", leadId))
            .projection(Projections.include("previousLeadId"))
            .first();
    String previous = contact == null ? null : contact.getString("previousLeadId");
    if (previous == null) {
      return null;
    }
    Document earlier =
        contacts
            .find(Filters.eq("leadId", previous))
            .projection(Projections.include("ownerId"))
            .first();
    return earlier == null ? null : earlier.getString("ownerId");
  }

  OwnerAssignment assign(HandOffRequest request) {
    return keptTimes(request, decide(request));
  }

  /**
   * A reassignment that found nobody else ({@code answer} names no owner) leaves the lead with the
   * rep who holds it, and their run's deadline becomes the answer's retry time (or one SLA from
   * now): the lead's hand-off is given that time too ({@code dueAt}, {@code remindAt}: the run
   * reminds no more), so the Hand-offs queue shows the run's deadline, not a passed one or one of
   * an attempt taken back; the answer names it as its retry time, so both read one instant. Written
   * only while the hand-off names that rep at an earlier attempt.
   */
  private OwnerAssignment keptTimes(HandOffRequest request, OwnerAssignment answer) {
    if (answer.ownerId() != null || request.attempt() < 2 || request.sla() == null) {
      return answer;
    }
    Document contact = contacts.find(Filters.eq("leadId", request.leadId())).first();
    String holder = contact == null ? null : contact.getString("ownerId");
    if (holder == null || !Owners.held(contact)) {
      return answer;
    }
    Instant due = answer.retryAt() != null ? answer.retryAt() : clock.instant().plus(request.sla());
    handoffs.updateOne(
        Filters.and(
            Filters.eq("_id", request.leadId()),
            Filters.eq("ownerId", holder),
            Filters.or(Filters.exists("attempt", false), Filters.lt("attempt", request.attempt()))),
        Updates.combine(
            Updates.set("remindAt", java.util.Date.from(due)),
            Updates.set("dueAt", java.util.Date.from(due))));
    return new OwnerAssignment(null, answer.attempt(), null, null, due, answer.note());
  }

  private OwnerAssignment decide(HandOffRequest request) {
    // Owners whose last place another assigner claimed while this one read their load (or whose
    // decision for this attempt, taken back at its retry, they could not take).
    java.util.Set<String> filled = new java.util.HashSet<>();
    Document before = handoffs.find(Filters.eq("_id", request.leadId())).first();
    if (before != null
        && before.getInteger("attempt", 0) == request.attempt()
        && before.getString("ownerId") != null) {
      if (Boolean.TRUE.equals(before.getBoolean(SLA_FROM_RESUME))) {
        before = afterDecision.slaFromNow(before, request);
      }
      // A retry of the attempt that decided already: what its first run may have left undone (it
      // died after the hand-off's write) is done now, once.
      UnfinishedHandOffs.Finished done = attempts.finish(request, before);
      if (done.outcome() == UnfinishedHandOffs.Outcome.DONE) {
        return DecidedAttempts.assignment(before);
      }
      // Its owner cannot take it (made inactive, full) or the rep who held it accepted it
      // meanwhile: the run must not believe the decided owner holds the lead till its SLA. The
      // attempt is taken back and, unless kept, decided again as a first one would be.
      String decidedOwner = before.getString("ownerId");
      boolean undone = afterDecision.undecide(request, before, done.holder());
      before = handoffs.find(Filters.eq("_id", request.leadId())).first();
      if (!undone
          && before != null
          && before.getInteger("attempt", 0) == request.attempt()
          && before.getString("ownerId") != null) {
        return DecidedAttempts.assignment(before); // decided meanwhile by another: that decision
      }
      if (done.outcome() == UnfinishedHandOffs.Outcome.KEPT) {
        return new OwnerAssignment(
            null, request.attempt(), null, null, null, "accepted by its owner meanwhile");
      }
      filled.add(decidedOwner);
    }
    // The lead asks for a person again (it showed interest after its rep gave it back): it waits
    // for one as any interested lead does (the queue, the next rep freed), not as a lead given
    // back, which waits for nobody.
    contacts.updateOne(
        Filters.and(
            Filters.eq("leadId", request.leadId()),
            Filters.eq("ownerId", null),
            Filters.exists(RELEASED_TO_AGENT, true)),
        Updates.unset(RELEASED_TO_AGENT));
    Instant now = clock.instant();
    // The contact's acceptance mark as this decision starts (a reassignment's only): one found
    // changed later came while it decided (HandOffAttempts#assigned), told by its value, not by
    // the API's clock against this one's.
    Object markAtStart = request.attempt() > 1 ? acceptanceMark(request.leadId()) : null;
    String segment = request.segment() == null ? "default" : request.segment();
    List<String> tried =
        before == null ? List.of() : before.getList("owners", String.class, List.of());
    String rule = rule(segment);
    String known =
        request.preferredOwnerId() != null
            ? request.preferredOwnerId()
            : request.attempt() == 1 ? ownerOfTheEarlierLead(request.leadId()) : null;
    for (int turn = 0; turn < 5; turn++) {
      List<Document> taking = owners.takingSegment(segment);
      if (taking.isEmpty()) {
        releaseIfGone(request.leadId());
        return new OwnerAssignment(
            null, request.attempt(), null, null, null, "no active owner takes segment " + segment);
      }
      // A rep on time off is given nothing; all of them away: tried again (they come back).
      List<Document> away = taking.stream().filter(o -> Owners.offAt(o, now)).toList();
      if (away.size() == taking.size()) {
        return noneFree(request, now, taking.size(), segment, "on time off");
      }
      taking = taking.stream().filter(o -> !away.contains(o)).toList();
      Map<String, Long> loads =
          owners.loads(taking.stream().map(o -> o.getString("_id")).toList(), request.leadId());
      List<Document> free = new ArrayList<>();
      for (Document o : taking) {
        if (!filled.contains(o.getString("_id"))
            && loads.getOrDefault(o.getString("_id"), 0L) < o.getInteger("capacity", 0)) {
          free.add(o);
        }
      }
      if (free.isEmpty()) {
        return noneFree(request, now, taking.size(), segment, "at capacity");
      }
      // The owner the lead knows (it wrote again after its run ended, or it is a new conversation
      // with a lead they held), when they have room.
      List<Document> preferred =
          free.stream().filter(o -> o.getString("_id").equals(known)).toList();
      List<Document> fresh =
          free.stream().filter(o -> !tried.contains(o.getString("_id"))).toList();
      List<Document> pool = !preferred.isEmpty() ? preferred : fresh.isEmpty() ? free : fresh;
      if (LEAST_LOADED.equals(rule)) {
        pool = new ArrayList<>(pool); // stable: equal shares keep the round robin's order
        pool.sort(
            java.util.Comparator.comparingDouble(
                o ->
                    loads.getOrDefault(o.getString("_id"), 0L)
                        / (double) Math.max(1, o.getInteger("capacity", 1))));
      }
      List<Document> working = pool.stream().filter(o -> Owners.hours(o).at(now)).toList();
      Document chosen = (working.isEmpty() ? pool : working).get(0);
      if (!owners.takeTurn(chosen, now)) {
        continue; // another hand-off took this turn meanwhile: read the turns again
      }
      String chosenId = chosen.getString("_id");
      // The load read above may be stale (another process assigning to them now): the place is
      // claimed atomically on the owner (OwnerClaims#claim) before the lead is given to them.
      OwnerClaims.Claimed claimed = claims.claimTimed(chosenId, request.leadId(), now);
      OwnerClaims.Place place = claimed.place();
      if (place == OwnerClaims.Place.FULL) {
        filled.add(chosenId);
        continue;
      }
      if (place == OwnerClaims.Place.BUSY) {
        // Not full, only contended (a burst of hand-offs to them): another turn, and after five
        // "owners busy" in a minute, not "at capacity" in FULL_RETRY.
        continue;
      }
      OwnerAssignment assigned = attempts.assigned(request, chosen, now, claimed.at(), markAtStart);
      if (assigned == HandOffAttempts.OWNER_LEFT) {
        filled.add(chosenId); // made inactive meanwhile: another owner
        continue;
      }
      if (assigned != null) {
        return assigned;
      }
      // An owner added meanwhile took the lead as this attempt (assignWaiting): that decision.
      Document decided = handoffs.find(Filters.eq("_id", request.leadId())).first();
      if (decided == null || !chosenId.equals(decided.getString("ownerId"))) {
        claims.release(chosenId, request.leadId()); // not theirs: the place is free again
      }
      if (decided != null
          && decided.getInteger("attempt", 0) == request.attempt()
          && decided.getString("ownerId") != null) {
        return DecidedAttempts.assignment(decided);
      }
    }
    // Five lost races in a row: the owners are being assigned fast; come back in a moment.
    return new OwnerAssignment(
        null, request.attempt(), null, null, now.plus(Duration.ofMinutes(1)), "owners busy");
  }

  /** The contact's {@link HandOffFields#OWNER_ACCEPTED_AT} as read now (null: none). */
  private Object acceptanceMark(String leadId) {
    Document contact =
        contacts
            .find(Filters.eq("leadId", leadId))
            .projection(Projections.include(OWNER_ACCEPTED_AT))
            .first();
    return contact == null ? null : contact.get(OWNER_ACCEPTED_AT);
  }

  /**
   * The segment's rule ({@code workflow_definitions.handOffRule}: {@value #ROUND_ROBIN}, the
   * default, or {@value #LEAST_LOADED}); an unknown one is logged and round robin applies.
   */
  private String rule(String segment) {
    Document definition = definition(segment);
    String rule = definition == null ? null : definition.getString("handOffRule");
    if (rule == null || RULES.contains(rule)) {
      return rule == null ? ROUND_ROBIN : rule;
    }
    LOG.warn("segment {}: unknown handOffRule {}; round robin", segment, rule);
    return ROUND_ROBIN;
  }

  private Document definition(String segment) {
    return definition(db, segment);
  }

  /** The segment's workflow definition in {@code db} (null: none). */
  static Document definition(MongoDatabase db, String segment) {
    return new com.salesagent.activities.lead.LeadSegments(
            new com.salesagent.activities.mongo.LeadStore(db))
        .definition(segment);
  }

  /**
   * Every active owner of the segment is {@code why} (on time off, at capacity): nobody now, the
   * whole search again after {@link #FULL_RETRY}.
   */
  private OwnerAssignment noneFree(
      HandOffRequest request, Instant now, int owners, String segment, String why) {
    releaseIfGone(request.leadId());
    return new OwnerAssignment(
        null,
        request.attempt(),
        null,
        null,
        now.plus(FULL_RETRY),
        "all " + owners + " owner(s) of segment " + segment + " are " + why);
  }

  /**
   * A lead whose owner is inactive (or deleted) and for whom no other owner was found shows as
   * unassigned (the Hand-offs queue lists it first), not as still held by someone who left.
   */
  private void releaseIfGone(String leadId) {
    Document contact = contacts.find(Filters.eq("leadId", leadId)).first();
    String ownerId = contact == null ? null : contact.getString("ownerId");
    if (ownerId == null) {
      return;
    }
    Document owner = owners.get(ownerId);
    if (owner == null || !Boolean.TRUE.equals(owner.getBoolean("active"))) {
      contacts.updateOne(Filters.eq("leadId", leadId), Updates.unset("ownerId"));
      handoffs.updateOne(
          Filters.eq("_id", leadId),
          Updates.combine(Updates.unset("ownerId"), Updates.set("status", "unassigned")));
    }
  }
}
