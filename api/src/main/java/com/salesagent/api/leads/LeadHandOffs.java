package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.lead.LeadSegments;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.notify.Notifications;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.owners.SnoozedLeads;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerRelease;
import io.temporal.client.WorkflowNotFoundException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.List;
import java.util.function.Function;
import org.bson.Document;

/**
 * A held lead moved by hand: reassigned to another rep ({@link #reassign}), or snoozed by its rep
 * until a time ({@link #snooze}). Both write the contact and the hand-off record conditionally, so
 * a retried request changes nothing more, and are audited with the operator's name.
 */
final class LeadHandOffs {
  /** The longest a rep may snooze a lead. */
  static final Duration MAX_SNOOZE = Duration.ofDays(30);

  /** The contact's snooze ({@link SnoozedLeads}). */
  static final String SNOOZE = SnoozedLeads.FIELD;

  /** {@code POST /api/leads/{id}/handoff/reassign}: the rep to hand the lead to, who asks. */
  public record ReassignRequest(String ownerId, String byOwnerId) {}

  public record Reassigned(String leadId, String ownerId, String from, String status) {}

  /** {@code POST /api/leads/{id}/handoff/snooze}: until when, who asks. */
  public record SnoozeRequest(String until, String byOwnerId) {}

  public record Snoozed(String leadId, String ownerId, String until, String status) {}

  /** {@code POST /api/leads/{id}/handoff/release}: who gives the lead back, and why. */
  public record ReleaseRequest(String byOwnerId, String reason) {}

  public record Released(String leadId, String from, String status) {}

  /** The contact's mark of a lead its rep gave back to the agent (cleared by its next hand-off). */
  public static final String RELEASED = HandOffActivitiesImpl.RELEASED_TO_AGENT;

  /** The longest reason a release keeps. */
  static final int MAX_REASON = 200;

  private final LeadStore store;
  private final Function<String, LeadWorkflow> lead;
  private final ObjectMapper strict;
  private final Owners owners;
  private final Clock clock;
  private final MongoCollection<Document> handoffs;
  private final Notifications notifications;
  private volatile java.util.function.Consumer<String> ownerFreed = id -> {};

  LeadHandOffs(
      LeadStore store, Function<String, LeadWorkflow> lead, ObjectMapper strict, Clock clock) {
    this.store = store;
    this.lead = lead;
    this.strict = strict;
    this.owners = new Owners(store.database());
    this.clock = clock;
    this.handoffs = store.database().getCollection(HandOffActivitiesImpl.HANDOFFS);
    this.notifications = new Notifications(store.database(), clock);
  }

  /**
   * Told the rep a release or a reassignment took a lead from: the place it frees goes at once to
   * the oldest lead waiting for them ({@link
   * com.salesagent.activities.handoff.WaitingHandOffs#inBackground}: signalled and claimed as an
   * owner's {@code PUT} does), not at that lead's own retry. Must not block the request.
   */
  void whenOwnerFreed(java.util.function.Consumer<String> ownerFreed) {
    this.ownerFreed = ownerFreed;
  }

  private void freed(String ownerId) {
    try {
      ownerFreed.accept(ownerId);
    } catch (RuntimeException e) {
      // The waiting leads go at their own retry or the next PUT, as before.
    }
  }

  /**
   * Hands a held lead to the rep {@code ownerId} (active; 422 naming it otherwise), asked by an
   * operator or by the lead's own owner ({@code byOwnerId}: 409 naming it when another rep holds
   * the lead). 409 naming {@code leadId} for a lead nobody holds (no hand-off), that ended or is
   * being erased. The lead's next hand-off attempt is claimed for the new rep in one conditional
   * write (it matches the attempt and owner read, so of two requests, or a request and the SLA's
   * own reassignment, one decides; the other is told it changed), with a fresh SLA in the new rep's
   * working hours; then the contact, the audit log, {@code lead.handed_off} to the new rep, and the
   * lead's workflow ({@code ownerGone} of the previous owner: its hand-off finds the claimed
   * attempt and records {@code handoff_reassigned}). The lead is handed off again: the new rep must
   * take it or write to it within the SLA. A lead the rep holds already answers 200 {@code
   * already_owner} and writes nothing (the workflow is told again, which it ignores once it has
   * moved).
   */
  Response reassign(String operator, String leadId, byte[] body) {
    ReassignRequest request = read(body, ReassignRequest.class, "a JSON object {ownerId}");
    String target = request == null ? null : request.ownerId();
    String by = request == null ? null : request.byOwnerId();
    List<FieldError> errors = new java.util.ArrayList<>();
    Document owner = null;
    if (target == null) {
      errors.add(new FieldError("ownerId", "required: the rep to hand the lead to"));
    } else if (!LeadConversation.ID.matcher(target).matches()) {
      errors.add(new FieldError("ownerId", "1-64 letters, digits, '-' or '_'"));
    } else {
      owner = owners.get(target);
      if (owner == null) {
        errors.add(new FieldError("ownerId", "no such owner"));
      } else if (!Boolean.TRUE.equals(owner.getBoolean("active"))) {
        errors.add(new FieldError("ownerId", "the owner is inactive"));
      }
    }
    byErrors(by, errors);
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid reassignment", errors);
    }
    Document contact = held(leadId);
    String holder = contact.getString("ownerId");
    requireHolder(by, holder);
    Document handoff = handoffs.find(Filters.eq("_id", leadId)).first();
    if (target.equals(holder)) {
      tellAgain(leadId, handoff, target);
      return Response.ok(new Reassigned(leadId, target, holder, "already_owner")).build();
    }
    requireHandOffOf(handoff, holder);
    Instant now = clock.instant();
    int attempt = handoff.getInteger("attempt", 1);
    Duration sla = HandOffActivitiesImpl.handOffSla(definition(contact.getString("segment")));
    var hours = Owners.hours(owner);
    Instant remindAt = hours.plusWorking(now, sla.dividedBy(2));
    Instant dueAt = hours.plusWorking(now, sla);
    // The rep who asked, by name and id; else the operator (not the lead's owner: they lose it).
    String actor = by != null ? ActingOwner.of(owners, operator, by, contact).label() : operator;
    String note = "reassigned by " + actor;
    // A paused run takes the claim when it resumes: the new rep's SLA starts then (the hand-off
    // activity sets the times), not now, or a long pause would hand the lead on at its resume.
    boolean paused = LeadStore.PAUSED.equals(contact.getString("stage"));
    long claimed =
        handoffs
            .updateOne(
                Filters.and(
                    Filters.eq("_id", leadId),
                    Filters.eq("ownerId", holder),
                    Filters.eq("attempt", attempt)),
                Updates.combine(
                    Updates.set("ownerId", target),
                    Updates.set("attempt", attempt + 1),
                    Updates.set("assignedAt", Date.from(now)),
                    Updates.set("remindAt", Date.from(remindAt)),
                    Updates.set("dueAt", Date.from(dueAt)),
                    Updates.set("status", "open"),
                    Updates.set(HandOffActivitiesImpl.BY_HAND_FROM, holder),
                    Updates.set(HandOffActivitiesImpl.BY_HAND_NOTE, note),
                    paused
                        ? Updates.set(HandOffActivitiesImpl.SLA_FROM_RESUME, true)
                        : Updates.unset(HandOffActivitiesImpl.SLA_FROM_RESUME),
                    Updates.unset("remindedAt"),
                    Updates.unset("acceptedAt"),
                    Updates.unset("acceptedBy"),
                    Updates.addToSet("owners", target),
                    Updates.push(
                        "history",
                        new Document("ownerId", target)
                            .append("attempt", attempt + 1)
                            .append("at", Date.from(now))
                            .append("by", operator))))
            .getModifiedCount();
    if (claimed == 0) {
      Document now2 = handoffs.find(Filters.eq("_id", leadId)).first();
      if (now2 != null && target.equals(now2.getString("ownerId"))) {
        return Response.ok(new Reassigned(leadId, target, holder, "already_owner")).build();
      }
      throw new ApiException(
          409,
          "the lead's hand-off changed meanwhile: load it again",
          List.of(new FieldError("leadId", "its owner or attempt changed as this was asked")));
    }
    store
        .contacts()
        .updateOne(
            Filters.and(Filters.eq("leadId", leadId), Filters.eq("ownerId", holder)),
            paused
                ? Updates.combine(
                    Updates.set("ownerId", target),
                    Updates.set("ownerAssignedAt", Date.from(now)),
                    // The new rep has not seen it: it resumes handed off to them.
                    Updates.set(LeadStore.PAUSED_FROM, "handed_off"),
                    Updates.unset(SNOOZE))
                : Updates.combine(
                    Updates.set("ownerId", target),
                    Updates.set("ownerAssignedAt", Date.from(now)),
                    Updates.unset(SNOOZE)));
    audit(operator, leadId, "handoff_reassigned_by_hand", holder + " -> " + target, now);
    notifications.emit(
        "lead.handed_off",
        leadId,
        contact.getString("campaignId"),
        "handed_off",
        note,
        target,
        attempt + 1);
    try {
      lead.apply(leadId).ownerGone(holder);
    } catch (WorkflowNotFoundException e) {
      // Ended as it was reassigned: nothing more to hand on.
    }
    freed(holder);
    return Response.accepted(new Reassigned(leadId, target, holder, "reassigned")).build();
  }

  /**
   * Gives an interested lead its rep holds back to the agent (a lead not ready to talk, a rep at
   * capacity): the rep ({@code byOwnerId}: 409 naming it when another holds the lead) or an
   * operator. Only a lead that showed interest ({@code handed_off} or {@code in_conversation}, or
   * paused from one): one that asked a question or objected needs a person (409 naming {@code
   * leadId}: reassign it or set its outcome), and a booked meeting stays with its rep. The hand-off
   * is closed in one conditional write (the attempt and owner read: of two requests, or a request
   * and the SLA's own reassignment, one decides; the other is 409), then the contact (no owner, its
   * snooze ended, {@value #RELEASED} with who, when and why: it is not on the Hand-offs queue, nor
   * given to a rep added or freed), the audit log ({@code handoff_released}), {@code
   * lead.handoff_released} to the outbound webhooks, and the lead's workflow ({@code
   * ownerReleased}: no SLA runs, the agent's re-engagements go on, its next reply with interest is
   * handed to a person again). The same release again answers 200 {@code released_before}.
   */
  Response release(String operator, String leadId, byte[] body) {
    ReleaseRequest request = read(body, ReleaseRequest.class, "a JSON object {byOwnerId, reason}");
    String by = request == null ? null : request.byOwnerId();
    String reason = request == null ? null : request.reason();
    List<FieldError> errors = new java.util.ArrayList<>();
    byErrors(by, errors);
    if (reason != null && reason.length() > MAX_REASON) {
      errors.add(new FieldError("reason", "at most " + MAX_REASON + " characters"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid release", errors);
    }
    Document contact = store.contact(leadId);
    Document before = contact == null ? null : contact.get(RELEASED, Document.class);
    if (before != null && contact.getString("ownerId") == null) {
      ReplyRefusals.erasing(contact);
      String from = before.getString("ownerId");
      if (by == null || by.equals(from)) {
        tellReleased(
            leadId,
            from,
            before.getString("by"),
            before.getString("reason"),
            before.getDate("at") == null ? null : before.getDate("at").toInstant());
        return Response.ok(new Released(leadId, from, "released_before")).build();
      }
    }
    contact = held(leadId);
    String holder = contact.getString("ownerId");
    requireHolder(by, holder);
    String stage = Owners.heldStage(contact);
    String paused = stage.equals(contact.getString("stage")) ? "" : " (paused)";
    if ("meeting_booked".equals(stage)) {
      throw new ApiException(
          409,
          "a booked meeting stays with its rep: set the lead's outcome or reassign it",
          List.of(new FieldError("leadId", "stage meeting_booked" + paused)));
    }
    Document funnel = contact.get("funnel", Document.class);
    if (funnel == null || funnel.get("interested") == null) {
      throw new ApiException(
          409,
          "only a lead that showed interest goes back to the agent: a question or an objection"
              + " needs a person (reassign it or set its outcome)",
          List.of(new FieldError("leadId", "stage " + stage + paused + ", no interest shown")));
    }
    Document handoff = handoffs.find(Filters.eq("_id", leadId)).first();
    requireHandOffOf(handoff, holder);
    Instant now = clock.instant();
    int attempt = handoff.getInteger("attempt", 1);
    String actor = ActingOwner.of(owners, operator, by, contact).label();
    String text = reason == null || reason.isBlank() ? null : reason.strip();
    long closed =
        handoffs
            .updateOne(
                Filters.and(
                    Filters.eq("_id", leadId),
                    Filters.eq("ownerId", holder),
                    Filters.eq("attempt", attempt)),
                Updates.combine(
                    Updates.unset("ownerId"),
                    Updates.set("status", "released"),
                    Updates.set("releasedAt", Date.from(now)),
                    Updates.unset(HandOffActivitiesImpl.BY_HAND_FROM),
                    Updates.unset(HandOffActivitiesImpl.BY_HAND_NOTE),
                    Updates.unset(HandOffActivitiesImpl.SLA_FROM_RESUME),
                    Updates.push(
                        "history",
                        new Document("releasedBy", holder)
                            .append("attempt", attempt)
                            .append("at", Date.from(now))
                            .append("by", operator))))
            .getModifiedCount();
    if (closed == 0) {
      throw new ApiException(
          409,
          "the lead's hand-off changed meanwhile: load it again",
          List.of(new FieldError("leadId", "its owner or attempt changed as this was asked")));
    }
    Document mark =
        new Document("at", Date.from(now))
            .append("by", actor)
            .append("ownerId", holder)
            .append("reason", text);
    store
        .contacts()
        .updateOne(
            Filters.and(Filters.eq("leadId", leadId), Filters.eq("ownerId", holder)),
            LeadStore.PAUSED.equals(contact.getString("stage"))
                ? Updates.combine(
                    Updates.unset("ownerId"),
                    Updates.unset("ownerAssignedAt"),
                    Updates.unset(SNOOZE),
                    Updates.set(LeadStore.PAUSED_FROM, "interested"),
                    Updates.set(RELEASED, mark))
                : Updates.combine(
                    Updates.unset("ownerId"),
                    Updates.unset("ownerAssignedAt"),
                    Updates.unset(SNOOZE),
                    Updates.set(RELEASED, mark)));
    audit(
        operator,
        leadId,
        "handoff_released",
        holder + " -> the agent" + (text == null ? "" : ": " + text),
        now);
    notifications.emit(
        "lead.handoff_released",
        leadId,
        contact.getString("campaignId"),
        "interested",
        "released by " + actor,
        holder,
        attempt);
    tellReleased(leadId, holder, actor, text, now);
    freed(holder);
    return Response.accepted(new Released(leadId, holder, "released")).build();
  }

  /**
   * The lead's workflow is told (again: it ignores a release once its owner changed), with when the
   * rep pressed it: interest the run records from then on, before it handles the release, is handed
   * to a person again.
   */
  private void tellReleased(String leadId, String from, String by, String reason, Instant at) {
    try {
      lead.apply(leadId).ownerReleased(new OwnerRelease(from, by, reason, at));
    } catch (WorkflowNotFoundException e) {
      // Ended as it was released: nothing more to do.
    }
  }

  /**
   * A retried reassignment whose first answer was lost after its claim (Temporal did not take the
   * signal): the workflow is told again; once it has moved it ignores the signal.
   */
  private void tellAgain(String leadId, Document handoff, String target) {
    String from = handoff == null ? null : handoff.getString(HandOffActivitiesImpl.BY_HAND_FROM);
    if (from == null || !target.equals(handoff.getString("ownerId"))) {
      return;
    }
    try {
      lead.apply(leadId).ownerGone(from);
    } catch (RuntimeException e) {
      // Told already, or Temporal away: the claimed attempt stands for the run's next hand-off.
    }
  }

  /**
   * Snoozes a lead its rep has acted on (taken, written to, booked) until {@code until} (ISO-8601
   * instant, after now and at most {@link #MAX_SNOOZE} ahead: 422 naming {@code until} otherwise):
   * the Hand-offs queue leaves it out until then (the count of snoozed leads stays beside it), and
   * a message from the lead after the snooze was set ends it at once (the lead wrote: it needs an
   * answer), both decided when the queue is read, so nothing has to fire at the time. A lead still
   * waiting to be taken is 409 naming {@code leadId}: its SLA runs until a person acts. The same
   * snooze again answers 200 {@code snoozed_before} and writes nothing.
   */
  Response snooze(String operator, String leadId, byte[] body) {
    SnoozeRequest request = read(body, SnoozeRequest.class, "a JSON object {until}");
    String by = request == null ? null : request.byOwnerId();
    List<FieldError> errors = new java.util.ArrayList<>();
    Instant now = clock.instant();
    Instant until = null;
    String raw = request == null ? null : request.until();
    if (raw == null) {
      errors.add(new FieldError("until", "required: an ISO-8601 instant"));
    } else if (raw.length() > 64) {
      errors.add(new FieldError("until", "at most 64 characters"));
    } else {
      try {
        until = Instant.parse(raw);
        if (!until.isAfter(now)) {
          errors.add(new FieldError("until", "must be in the future"));
        } else if (until.isAfter(now.plus(MAX_SNOOZE))) {
          errors.add(new FieldError("until", "at most " + MAX_SNOOZE.toDays() + " days ahead"));
        }
      } catch (DateTimeParseException e) {
        errors.add(new FieldError("until", "an ISO-8601 instant, e.g. 2026-12-08T09:00:00Z"));
      }
    }
    byErrors(by, errors);
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid snooze", errors);
    }
    Document contact = held(leadId);
    String holder = contact.getString("ownerId");
    requireHolder(by, holder);
    // A paused lead as the stage its pause left: one not taken yet still waits for its rep.
    String stage = Owners.heldStage(contact);
    if ("handed_off".equals(stage) || "interested".equals(stage)) {
      throw new ApiException(
          409,
          "a lead is snoozed once its rep has taken it: its SLA runs until a person acts",
          List.of(
              new FieldError(
                  "leadId",
                  "stage "
                      + stage
                      + (stage.equals(contact.getString("stage")) ? "" : " (paused)")
                      + ": take it")));
    }
    Document before = contact.get(SNOOZE, Document.class);
    if (before != null && until.equals(toInstant(before.get("until")))) {
      return Response.ok(new Snoozed(leadId, holder, until.toString(), "snoozed_before")).build();
    }
    String actor = ActingOwner.of(owners, operator, by, contact).label();
    store
        .contacts()
        .updateOne(
            Filters.and(Filters.eq("leadId", leadId), Filters.eq("ownerId", holder)),
            Updates.set(
                SNOOZE,
                new Document("until", Date.from(until))
                    .append("at", Date.from(now))
                    .append("by", actor)
                    .append("ownerId", holder)));
    audit(operator, leadId, "handoff_snoozed", "until " + until, now);
    return Response.ok(new Snoozed(leadId, holder, until.toString(), "snoozed")).build();
  }

  /**
   * Ends a lead's snooze now ({@code DELETE}); none: 200 {@code not_snoozed}, nothing written. A
   * rep ({@code byOwnerId}) ends only a lead they hold: 409 naming {@code byOwnerId} otherwise.
   */
  Response unsnooze(String operator, String leadId, String by) {
    List<FieldError> errors = new java.util.ArrayList<>();
    byErrors(by, errors);
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid snooze end", errors);
    }
    Document contact = store.contact(leadId);
    if (contact == null) {
      throw ApiException.notFound("lead " + leadId, "leadId");
    }
    ReplyRefusals.erasing(contact);
    // A rep ends only their own lead's snooze, as only they set it (an operator: any).
    requireHolder(by, contact.getString("ownerId"));
    if (contact.get(SNOOZE) == null) {
      return Response.ok(new Snoozed(leadId, contact.getString("ownerId"), null, "not_snoozed"))
          .build();
    }
    Instant now = clock.instant();
    store
        .contacts()
        .updateOne(
            Filters.and(Filters.eq("leadId", leadId), Filters.exists(SNOOZE)),
            Updates.unset(SNOOZE));
    audit(operator, leadId, "handoff_unsnoozed", null, now);
    return Response.ok(new Snoozed(leadId, contact.getString("ownerId"), null, "unsnoozed"))
        .build();
  }

  private static Instant toInstant(Object o) {
    return o instanceof Date d ? d.toInstant() : null;
  }

  /** A lead someone holds, live and not being erased; 404/409 naming {@code leadId} otherwise. */
  private Document held(String leadId) {
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

  private void byErrors(String by, List<FieldError> errors) {
    if (by == null) {
      return;
    }
    if (!LeadConversation.ID.matcher(by).matches()) {
      errors.add(new FieldError("byOwnerId", "1-64 letters, digits, '-' or '_'"));
    } else if (owners.get(by) == null) {
      errors.add(new FieldError("byOwnerId", "no such owner"));
    }
  }

  /** The lead's hand-off record names its holder; 409 naming {@code leadId} while it changes. */
  private static void requireHandOffOf(Document handoff, String holder) {
    if (handoff == null || !holder.equals(handoff.getString("ownerId"))) {
      throw new ApiException(
          409,
          "the lead's hand-off is changing: load it again",
          List.of(new FieldError("leadId", "its hand-off names another owner than the lead")));
    }
  }

  /** A rep asking for a lead must hold it (an operator, no {@code byOwnerId}, may ask for any). */
  private void requireHolder(String by, String holder) {
    if (by != null && !by.equals(holder)) {
      throw new ApiException(
          409,
          "the lead is another owner's: only its owner or an operator moves it",
          List.of(new FieldError("byOwnerId", "the lead is held by " + holder)));
    }
  }

  private Document definition(String segment) {
    return new LeadSegments(store).definition(segment == null ? "default" : segment);
  }

  private <T> T read(byte[] body, Class<T> type, String expected) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      return strict.readValue(body, type);
    } catch (IOException e) {
      throw new ApiException(400, "the body is not " + expected, FieldError.ofJson(e));
    }
  }

  private void audit(String operator, String leadId, String action, String detail, Instant at) {
    store
        .database()
        .getCollection(Collections.AUDIT_LOG)
        .insertOne(
            new Document("action", action)
                .append("by", operator)
                .append("leadId", leadId)
                .append("detail", detail)
                .append("at", Date.from(at)));
  }
}
