package com.salesagent.activities.handoff;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.lead.KeepAlive;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.notify.Notifications;
import com.salesagent.workflows.lead.HandOffActivities;
import com.salesagent.workflows.lead.HandOffRequest;
import com.salesagent.workflows.lead.LeadPolicy;
import com.salesagent.workflows.lead.OwnerAssignment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands interested leads to sales reps: round robin (or, by the segment's rule, the least loaded)
 * among the active owners who take the lead's segment and have capacity, those working now first; a
 * reassignment skips the owners who had the lead while another can take it. The SLA's reminder
 * (halfway) and deadline count the owner's working time. The decision is stored per lead and
 * attempt ({@code handoffs}), so a retried activity answers what the first one decided; the owner
 * is told through the outbound webhooks.
 */
public final class HandOffActivitiesImpl implements HandOffActivities {
  public static final String HANDOFFS = "handoffs";

  /** The default rule: the owner least recently assigned (of those free, working first). */
  public static final String ROUND_ROBIN = "round_robin";

  /**
   * The owner with the smallest share of their capacity in use (ties: round robin), for teams whose
   * reps hold leads for long: a rep who closes fast gets more.
   */
  public static final String LEAST_LOADED = "least_loaded";

  public static final List<String> RULES = List.of(ROUND_ROBIN, LEAST_LOADED);

  /**
   * On a hand-off attempt an operator or the lead's owner decided by hand (the API's reassignment):
   * the owner it was taken from, and the note the workflow's {@code handoff_reassigned} reads
   * ("reassigned by Ana Lima (ana)"). Cleared by every other assignment.
   */
  /**
   * The contact's mark of an interested lead its rep gave back to the agent (the API's release):
   * nobody holds it, it waits for no rep (not on the queue, not taken by a rep added or freed); its
   * next hand-off (the lead wrote with interest again) clears it.
   */
  public static final String RELEASED_TO_AGENT = "releasedToAgent";

  public static final String BY_HAND_FROM = "reassignedFrom";

  public static final String BY_HAND_NOTE = "reassignNote";

  /**
   * On a hand-off attempt decided by hand while the lead's run was paused: the new rep's SLA starts
   * when the run takes the attempt (its resume), not at the reassignment, so a lead paused for days
   * is not reminded and handed on the moment it resumes. Cleared once the times are set.
   */
  public static final String SLA_FROM_RESUME = "slaFromResume";

  /** Owners exist but none has capacity: try again this much later. */
  static final Duration FULL_RETRY = Duration.ofMinutes(15);

  private static final Logger LOG = LoggerFactory.getLogger(HandOffActivitiesImpl.class);

  private final Owners owners;
  private final MongoCollection<Document> handoffs;
  private final MongoCollection<Document> contacts;
  private final Notifications notifications;
  private final Clock clock;
  private final MongoDatabase db;
  private volatile java.util.function.Consumer<String> ownerFreed = id -> {};

  public HandOffActivitiesImpl(MongoDatabase db, Clock clock) {
    this.db = db;
    this.owners = new Owners(db);
    this.handoffs = db.getCollection(HANDOFFS);
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.notifications = new Notifications(db, clock);
    this.clock = clock;
  }

  /**
   * Told the owner a reassignment took a lead from (its SLA passed and another rep took it): the
   * place it frees goes at once to the next lead waiting for them ({@link
   * WaitingHandOffs#inBackground}), not at that lead's own retry. Called after the contact names
   * the new owner, on the activity's thread: the consumer must not block.
   */
  public HandOffActivitiesImpl whenOwnerFreed(java.util.function.Consumer<String> ownerFreed) {
    this.ownerFreed = ownerFreed;
    return this;
  }

  /**
   * Heartbeats throughout (KeepAlive): the workflow gives hand-offs a heartbeat timeout, so an
   * attempt stuck on a dead worker is retried without waiting out its start-to-close timeout.
   */
  @Override
  public OwnerAssignment handOff(HandOffRequest request) {
    try (KeepAlive alive = KeepAlive.start()) {
      return assign(request);
    }
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

  private OwnerAssignment assign(HandOffRequest request) {
    Document before = handoffs.find(Filters.eq("_id", request.leadId())).first();
    if (before != null
        && before.getInteger("attempt", 0) == request.attempt()
        && before.getString("ownerId") != null) {
      if (Boolean.TRUE.equals(before.getBoolean(SLA_FROM_RESUME))) {
        before = slaFromNow(before, request);
      }
      return assignment(before); // a retry of the attempt that decided already
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
    String segment = request.segment() == null ? "default" : request.segment();
    List<String> tried =
        before == null ? List.of() : before.getList("owners", String.class, List.of());
    String rule = rule(segment);
    String known =
        request.preferredOwnerId() != null
            ? request.preferredOwnerId()
            : request.attempt() == 1 ? ownerOfTheEarlierLead(request.leadId()) : null;
    // Owners whose last place another assigner claimed while this one read their load.
    java.util.Set<String> filled = new java.util.HashSet<>();
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
        releaseIfGone(request.leadId());
        return new OwnerAssignment(
            null,
            request.attempt(),
            null,
            null,
            now.plus(FULL_RETRY),
            "all " + taking.size() + " owner(s) of segment " + segment + " are on time off");
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
        releaseIfGone(request.leadId());
        return new OwnerAssignment(
            null,
            request.attempt(),
            null,
            null,
            now.plus(FULL_RETRY),
            "all " + taking.size() + " owner(s) of segment " + segment + " are at capacity");
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
      // claimed atomically on the owner (Owners#claim) before the lead is given to them.
      Owners.Place place = owners.claimPlace(chosenId, request.leadId(), now);
      if (place == Owners.Place.FULL) {
        filled.add(chosenId);
        continue;
      }
      if (place == Owners.Place.BUSY) {
        // Not full, only contended (a burst of hand-offs to them): another turn, and after five
        // "owners busy" in a minute, not "at capacity" in FULL_RETRY.
        continue;
      }
      OwnerAssignment assigned = assigned(request, chosen, now);
      if (assigned != null) {
        return assigned;
      }
      // An owner added meanwhile took the lead as this attempt (assignWaiting): that decision.
      Document decided = handoffs.find(Filters.eq("_id", request.leadId())).first();
      if (decided == null || !chosenId.equals(decided.getString("ownerId"))) {
        owners.release(chosenId, request.leadId()); // not theirs: the place is free again
      }
      if (decided != null
          && decided.getInteger("attempt", 0) == request.attempt()
          && decided.getString("ownerId") != null) {
        return assignment(decided);
      }
    }
    // Five lost races in a row: the owners are being assigned fast; come back in a moment.
    return new OwnerAssignment(
        null, request.attempt(), null, null, now.plus(Duration.ofMinutes(1)), "owners busy");
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
    return new com.salesagent.activities.lead.LeadSegments(
            new com.salesagent.activities.mongo.LeadStore(db))
        .definition(segment);
  }

  /**
   * The time an owner has to act on a lead of this definition's segment ({@code handOffSla}, {@link
   * LeadPolicy#DEFAULT_HAND_OFF_SLA} when none): the lead's policy, as the workflow reads it.
   */
  public static Duration handOffSla(Document definition) {
    return Duration.parse(
        definition == null
            ? LeadPolicy.DEFAULT_HAND_OFF_SLA.toString()
            : definition.get("handOffSla", LeadPolicy.DEFAULT_HAND_OFF_SLA.toString()));
  }

  /**
   * An owner added or enabled takes a lead waiting unassigned ({@link Owners#waitingFor}): the
   * lead's next hand-off attempt is decided here by the rules of a fresh one (the owner is active,
   * takes the lead's segment, holds fewer leads than their capacity; their round-robin turn is
   * taken; the SLA is the segment's policy) and written as the workflow's own attempt would be (the
   * same claim of the attempt, the contact, the owner told). The lead's workflow, woken, finds it
   * as a retried attempt does. Null when the owner cannot take it (inactive, another segment, full)
   * or the lead is no longer waiting: held meanwhile, or its attempt claimed first by another
   * owner's call or by its own workflow.
   */
  public OwnerAssignment assignWaiting(String leadId, String ownerId) {
    Document contact = contacts.find(Filters.eq("leadId", leadId)).first();
    if (contact == null
        || !"interested".equals(contact.getString("stage"))
        || contact.getString("ownerId") != null
        || contact.get(RELEASED_TO_AGENT) != null) {
      return null; // held, or given back to the agent by its rep: it waits for nobody
    }
    Document before = handoffs.find(Filters.eq("_id", leadId)).first();
    if (before != null && before.getString("ownerId") != null) {
      return null; // held, or its reassignment under way
    }
    String segment =
        contact.getString("segment") == null ? "default" : contact.getString("segment");
    HandOffRequest request =
        new HandOffRequest(
            leadId,
            contact.getString("campaignId"),
            contact.getString("segment"),
            before == null ? 1 : before.getInteger("attempt", 0) + 1,
            handOffSla(definition(segment)));
    for (int turn = 0; turn < 5; turn++) {
      Document owner =
          owners.takingSegment(segment).stream()
              .filter(o -> ownerId.equals(o.getString("_id")))
              .findFirst()
              .orElse(null);
      Instant now = clock.instant();
      if (owner == null
          || Owners.offAt(owner, now)
          || owners.loads(List.of(ownerId), leadId).get(ownerId)
              >= owner.getInteger("capacity", 0)) {
        return null;
      }
      if (owners.takeTurn(owner, now)) {
        // The load read above may be stale: the place is claimed atomically (Owners#claim).
        if (!owners.claim(ownerId, leadId, now)) {
          return null;
        }
        OwnerAssignment assigned = assigned(request, owner, now);
        if (assigned == null) {
          Document decided = handoffs.find(Filters.eq("_id", leadId)).first();
          if (decided == null || !ownerId.equals(decided.getString("ownerId"))) {
            owners.release(ownerId, leadId);
          }
        }
        return assigned;
      }
    }
    return null; // the owner's turns are being taken fast: the caller's next call tries again
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

  /**
   * Writes the owner as the lead's attempt {@code request.attempt()}, then the contact, and tells
   * the owner. The attempt is claimed atomically: the write matches only a hand-off document of an
   * earlier attempt (or none: it is inserted), so of two deciders of one attempt (the workflow's
   * activity, an owner taking waiting leads, two owners at once) only the first writes; null for
   * the others.
   */
  /** Stages of a lead an owner holds: a hand-off from one of them is a reassignment. */
  private static final java.util.Set<String> REASSIGNED_FROM =
      java.util.Set.of("handed_off", "in_conversation", "meeting_booked");

  private OwnerAssignment assigned(HandOffRequest request, Document owner, Instant now) {
    WorkingHours hours = Owners.hours(owner);
    Instant remindAt = hours.plusWorking(now, request.sla().dividedBy(2));
    Instant dueAt = hours.plusWorking(now, request.sla());
    String ownerId = owner.getString("_id");
    try {
      handoffs.updateOne(
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
              Updates.unset(BY_HAND_FROM),
              Updates.unset(BY_HAND_NOTE),
              Updates.unset(SLA_FROM_RESUME),
              Updates.addToSet("owners", ownerId),
              Updates.push(
                  "history",
                  new Document("ownerId", ownerId)
                      .append("attempt", request.attempt())
                      .append("at", Date.from(now))),
              Updates.setOnInsert("createdAt", Date.from(now))),
          new UpdateOptions().upsert(true));
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
        return null; // the document exists at this attempt or a later one: another decided
      }
      throw e;
    }
    // A later attempt is a reassignment when the lead is held (an owner's SLA passed, an owner
    // left); a lead that ended and wrote again (a new run of its workflow) is handed off afresh.
    Document held = contacts.find(Filters.eq("leadId", request.leadId())).first();
    boolean reassigned =
        request.attempt() > 1 && held != null && REASSIGNED_FROM.contains(held.getString("stage"));
    contacts.updateOne(
        Filters.eq("leadId", request.leadId()),
        Updates.combine(
            Updates.set("ownerId", ownerId),
            Updates.set("ownerAssignedAt", Date.from(now)),
            Updates.unset(RELEASED_TO_AGENT)));
    owners.confirm(ownerId, request.leadId());
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

  /**
   * An attempt claimed by hand while the run was paused ({@link #SLA_FROM_RESUME}): its reminder
   * and deadline from now, in the owner's working hours, written once (conditional on the mark, so
   * a retried activity answers the times the first one wrote).
   */
  private Document slaFromNow(Document claimed, HandOffRequest request) {
    Document owner = owners.get(claimed.getString("ownerId"));
    Instant now = clock.instant();
    Bson times = Updates.unset(SLA_FROM_RESUME);
    if (owner != null && request.sla() != null) {
      WorkingHours hours = Owners.hours(owner);
      times =
          Updates.combine(
              Updates.set(
                  "remindAt", Date.from(hours.plusWorking(now, request.sla().dividedBy(2)))),
              Updates.set("dueAt", Date.from(hours.plusWorking(now, request.sla()))),
              times);
    }
    handoffs.updateOne(
        Filters.and(
            Filters.eq("_id", claimed.getString("_id")),
            Filters.eq("attempt", claimed.getInteger("attempt")),
            Filters.eq(SLA_FROM_RESUME, true)),
        times);
    Document now2 = handoffs.find(Filters.eq("_id", claimed.getString("_id"))).first();
    return now2 != null && now2.getString("ownerId") != null ? now2 : claimed;
  }

  private static OwnerAssignment assignment(Document h) {
    return new OwnerAssignment(
        h.getString("ownerId"),
        h.getInteger("attempt", 1),
        h.getDate("remindAt").toInstant(),
        h.getDate("dueAt").toInstant(),
        null,
        h.getString(BY_HAND_NOTE));
  }

  /**
   * The attempt's reminder and deadline as the paused run moved them (the pause does not count
   * against the SLA): one write conditional on the attempt and its owner, so a retry writes the
   * same and an attempt another one replaced meanwhile (a reassignment) is left as it is.
   */
  @Override
  public void moveSla(String leadId, String ownerId, int attempt, Instant remindAt, Instant dueAt) {
    List<Bson> times = new ArrayList<>();
    if (remindAt != null) {
      times.add(Updates.set("remindAt", Date.from(remindAt)));
    }
    if (dueAt != null) {
      times.add(Updates.set("dueAt", Date.from(dueAt)));
    }
    if (times.isEmpty()) {
      return;
    }
    handoffs.updateOne(
        Filters.and(
            Filters.eq("_id", leadId),
            Filters.eq("attempt", attempt),
            Filters.eq("ownerId", ownerId)),
        Updates.combine(times));
  }

  /** Whether the lead is do-not-contact or its number is on the suppression list. */
  private boolean suppressed(String leadId) {
    Document contact =
        contacts
            .find(Filters.eq("leadId", leadId))
            .projection(Projections.include("phone", "waIds", "doNotContact"))
            .first();
    return contact != null
        && (contact.getBoolean("doNotContact", false)
            || new com.salesagent.activities.mongo.Suppressions(db)
                .active(com.salesagent.activities.mongo.LeadStore.numbersOf(contact))
                .isPresent());
  }

  @Override
  public void remindOwner(String leadId, String ownerId, int attempt) {
    try (KeepAlive alive = KeepAlive.start()) {
      remind(leadId, ownerId, attempt);
    }
  }

  private void remind(String leadId, String ownerId, int attempt) {
    if (suppressed(leadId)) {
      // The number asked not to be contacted: the lead is told to end (SuppressedLeads), nobody is
      // asked to work it meanwhile.
      LOG.info("lead {}: no hand-off reminder, its number is suppressed", leadId);
      return;
    }
    Document h = handoffs.find(Filters.eq("_id", leadId)).first();
    handoffs.updateOne(
        Filters.and(Filters.eq("_id", leadId), Filters.eq("attempt", attempt)),
        Updates.set("remindedAt", Date.from(clock.instant())));
    notifications.emit(
        "lead.handoff_reminder",
        leadId,
        h == null ? null : h.getString("campaignId"),
        "handed_off",
        "the SLA is half gone",
        ownerId,
        attempt);
  }
}
