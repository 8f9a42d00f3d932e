package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import com.salesagent.api.owners.SnoozedLeads;
import com.salesagent.workflows.lead.LeadWorkflow;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Function;
import org.bson.Document;

/**
 * A held lead moved by hand: reassigned to another rep ({@link #reassign}), given back to the agent
 * ({@link #release}), or snoozed by its rep until a time ({@link #snooze}). Each writes the contact
 * and the hand-off record conditionally, so a retried request changes nothing more, and is audited
 * with the operator's name.
 *
 * <p>This class reads and checks the requests (422 naming the field) and shapes the answers; the
 * lead is moved by {@link HandOffReassignment}, {@link HandOffRelease} or {@link LeadSnoozes}
 * ({@link HeldLeadMove}).
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

  /**
   * {@code POST /api/leads/{id}/handoff/release}: who gives the lead back, why, and the newest lead
   * message the rep saw (optional: {@link ReplyCollisions#SEEN}).
   */
  public record ReleaseRequest(String byOwnerId, String reason, String seenMessageId) {}

  public record Released(String leadId, String from, String status) {}

  /** The contact's mark of a lead its rep gave back to the agent (cleared by its next hand-off). */
  public static final String RELEASED = HandOffActivitiesImpl.RELEASED_TO_AGENT;

  /** The longest reason a release keeps. */
  static final int MAX_REASON = 200;

  private final ObjectMapper strict;
  private final Clock clock;
  private final Owners owners;
  private final HandOffReassignment reassignment;
  private final HandOffRelease releases;
  private final LeadSnoozes snoozes;
  private volatile java.util.function.Consumer<String> ownerFreed = id -> {};

  LeadHandOffs(
      LeadStore store, Function<String, LeadWorkflow> lead, ObjectMapper strict, Clock clock) {
    this.strict = strict;
    this.clock = clock;
    this.owners = new Owners(store.database());
    this.reassignment = new HandOffReassignment(store, lead, owners, clock);
    this.releases = new HandOffRelease(store, lead, owners, clock);
    this.snoozes = new LeadSnoozes(store, lead, owners, clock);
    // A move by hand that died between its writes, finished by any of them, freed its rep.
    for (HeldLeadMove move : List.of(reassignment, releases, snoozes)) {
      move.whenFinishedMoveFrees(this::freed);
    }
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
    HandOffReassignment.Outcome done = reassignment.reassign(operator, leadId, target, owner, by);
    if (done.already()) {
      return Response.ok(new Reassigned(leadId, target, done.from(), "already_owner")).build();
    }
    freed(done.from()); // and the rep a finished earlier move took it from (HeldLeadMove)
    return Response.accepted(new Reassigned(leadId, target, done.from(), "reassigned")).build();
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
   * handed to a person again). The same release again answers 200 {@code released_before}. {@code
   * seenMessageId} (optional) names the newest lead message the rep saw (422 naming it when the
   * lead has no such message): interest the lead shows after it is handed to a person again, by the
   * order of its messages, whatever the clocks say; without it the lead's newest stored message.
   */
  Response release(String operator, String leadId, byte[] body) {
    ReleaseRequest request =
        read(body, ReleaseRequest.class, "a JSON object {byOwnerId, reason, seenMessageId}");
    String by = request == null ? null : request.byOwnerId();
    String reason = request == null ? null : request.reason();
    String seen = request == null ? null : request.seenMessageId();
    List<FieldError> errors = new java.util.ArrayList<>();
    byErrors(by, errors);
    errors.addAll(ReplyCollisions.errors(seen));
    if (reason != null && ReadableText.length(reason) > MAX_REASON) {
      errors.add(new FieldError("reason", "at most " + MAX_REASON + " characters"));
    } else if (reason != null && !reason.isBlank()) {
      // Shown on the timeline and the lead page, sent on the outbound webhooks: one readable line,
      // as an outcome's or a stop's reason (no control character, no bidi override).
      com.salesagent.api.http.ReadableText.checkLine(errors, "reason", reason.strip());
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid release", errors);
    }
    HandOffRelease.Outcome done = releases.release(operator, leadId, by, reason, seen);
    if (done.before()) {
      return Response.ok(new Released(leadId, done.from(), "released_before")).build();
    }
    freed(done.from());
    return Response.accepted(new Released(leadId, done.from(), "released")).build();
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
    LeadSnoozes.Outcome done = snoozes.snooze(operator, leadId, by, until, now);
    return Response.ok(
            new Snoozed(
                leadId,
                done.ownerId(),
                until.toString(),
                done.changed() ? "snoozed" : "snoozed_before"))
        .build();
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
    LeadSnoozes.Outcome done = snoozes.unsnooze(operator, leadId, by);
    return Response.ok(
            new Snoozed(leadId, done.ownerId(), null, done.changed() ? "unsnoozed" : "not_snoozed"))
        .build();
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
}
