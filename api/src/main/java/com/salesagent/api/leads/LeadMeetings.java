package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.MeetingBooked;
import com.salesagent.workflows.lead.Stage;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * A meeting booked with an interested lead ({@code POST /api/leads/{leadId}/meeting}), by its owner
 * or an operator from the dashboard, or by a booking tool's webhook relay with the API token:
 * recorded on the contact ({@code meeting}: at, source, bookingId, by: the lead's owner, {@link
 * ActingOwner}) and in the audit log (the operator who called), and signalled to the lead's
 * workflow (MEETING_BOOKED). The same {@code bookingId} again is 200 and changes nothing; a new
 * booking (rescheduled) replaces the time. In a segment whose workflow definition says {@code
 * bookingConverts}, the booking is the conversion: set as an outcome through {@link LeadOutcomes}
 * (the lead ends converted).
 */
final class LeadMeetings {
  /** What a booking says: when (ISO-8601 with an offset), who booked, the tool's id. */
  public record MeetingRequest(String at, String source, String bookingId) {}

  public record MeetingRecorded(String leadId, Instant at, String status) {}

  static final Pattern SOURCE = Pattern.compile("[a-z0-9_-]{1,40}");
  static final Pattern BOOKING_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  private final LeadStore store;
  private final Function<String, LeadWorkflow> lead;
  private final ObjectMapper strict;
  private final Clock clock;
  private final LeadOutcomes outcomes;

  LeadMeetings(
      LeadStore store,
      Function<String, LeadWorkflow> lead,
      ObjectMapper strict,
      Clock clock,
      LeadOutcomes outcomes) {
    this.store = store;
    this.lead = lead;
    this.strict = strict;
    this.clock = clock;
    this.outcomes = outcomes;
  }

  /** Whether the lead's segment counts a booked meeting as its conversion. */
  private boolean bookingConverts(Document contact) {
    String segment = contact.getString("segment");
    Document definition =
        new com.salesagent.activities.lead.LeadSegments(store)
            .definition(segment == null ? "default" : segment);
    return definition != null && Boolean.TRUE.equals(definition.getBoolean("bookingConverts"));
  }

  Response book(String operator, String leadId, byte[] body) {
    MeetingRequest request;
    try {
      request = strict.readValue(body, MeetingRequest.class);
    } catch (IOException e) {
      throw new ApiException(
          400, "the body is not a JSON meeting {at, source, bookingId}", FieldError.ofJson(e));
    }
    Instant now = clock.instant();
    List<FieldError> errors = new ArrayList<>();
    Instant at = null;
    if (request == null || request.at() == null) {
      errors.add(
          new FieldError(
              "at", "required: when the meeting takes place, e.g. 2026-12-10T15:00:00Z"));
    } else {
      try {
        at = OffsetDateTime.parse(request.at()).toInstant();
        if (at.isBefore(now.minus(Duration.ofDays(30)))
            || at.isAfter(now.plus(Duration.ofDays(366)))) {
          errors.add(new FieldError("at", "within the last 30 days or the next year"));
        }
      } catch (DateTimeParseException e) {
        errors.add(
            new FieldError("at", "an ISO-8601 time with its offset, e.g. 2026-12-10T15:00:00Z"));
      }
    }
    if (request != null
        && request.source() != null
        && !SOURCE.matcher(request.source()).matches()) {
      errors.add(new FieldError("source", "1-40 lower-case letters, digits, '-' or '_'"));
    }
    if (request != null
        && request.bookingId() != null
        && !BOOKING_ID.matcher(request.bookingId()).matches()) {
      errors.add(new FieldError("bookingId", "1-128 letters, digits, '.', ':', '-' or '_'"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid meeting", errors);
    }
    Document contact = store.contact(leadId);
    if (contact == null) {
      throw ApiException.notFound("lead " + leadId, "leadId");
    }
    // The meeting is the lead's owner's (who holds the lead), as its timeline says; the audit
    // log keeps the operator who called.
    String by = ActingOwner.of(new Owners(store.database()), operator, null, contact).label();
    Document previous = contact.get("meeting", Document.class);
    String source = request.source() == null ? "operator" : request.source();
    boolean again =
        previous != null
            && request.bookingId() != null
            && request.bookingId().equals(previous.getString("bookingId"))
            && at.equals(previous.getDate("at").toInstant());
    String stage = contact.getString("stage");
    Stage current = Stage.of(stage); // null: a stage of no workflow (being erased), no meeting
    if (!again && (current == null || !current.interested())) {
      // A booking tool's retry of a booking recorded before is answered as before (200), even
      // once the lead converted with it.
      throw new ApiException(
          409,
          "a meeting is booked with a lead that showed interest (or is with a person)",
          List.of(new FieldError("leadId", "stage " + stage)));
    }
    if (!again) {
      store
          .contacts()
          .updateOne(
              Filters.eq("leadId", leadId),
              Updates.set(
                  "meeting",
                  new Document("at", Date.from(at))
                      .append("source", source)
                      .append("bookingId", request.bookingId())
                      .append("by", by)
                      .append("bookedAt", Date.from(now))));
      store
          .database()
          .getCollection(Collections.AUDIT_LOG)
          .insertOne(
              new Document("action", "meeting_booked")
                  .append("by", operator)
                  .append("leadId", leadId)
                  .append("detail", at + " " + source)
                  .append("at", Date.from(now)));
    }
    MeetingBooked booked = new MeetingBooked(at, source, request.bookingId(), by);
    // The same booking again: the workflow is told only if it has not recorded it (the first
    // call's signal failed); told again, it recorded and applied the meeting a second time.
    boolean applied =
        again
            && store
                .interactions()
                .hasInteraction(
                    leadId, "meeting_booked", "detail", MeetingBooked.timelineDetail(booked));
    try {
      if (!applied) {
        lead.apply(leadId).meetingBooked(booked);
      }
    } catch (io.temporal.client.WorkflowNotFoundException e) {
      if (!again) {
        throw e; // a closed workflow: 409 (WorkflowExceptionMapper)
      }
      // a retry after the lead ended (converted by this booking): answered as before
    }
    if (bookingConverts(contact)) {
      // The segment sells by booking (a paid consultation, a demo that is the sale): the
      // confirmation is the conversion, recorded as an outcome is (once, audited, the bandit's
      // reward, the CRM's deal won) and the workflow ends converted. A retry sets it again: 200.
      String reason =
          "meeting booked for "
              + at
              + " ("
              + source
              + (request.bookingId() == null ? "" : " " + request.bookingId())
              + ")";
      Document conversion = new Document("outcome", "converted").append("reason", reason);
      outcomes.set(
          "booking " + source,
          leadId,
          conversion.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    MeetingRecorded recorded =
        new MeetingRecorded(
            leadId,
            at,
            (again ? "recorded_before" : "recorded")
                + (bookingConverts(contact) ? "; converted" : ""));
    return again ? Response.ok(recorded).build() : Response.accepted(recorded).build();
  }
}
