package com.salesagent.workflows.lead;

import java.time.Instant;

/**
 * A meeting with the lead was booked (by its owner, an operator, or a booking tool calling the
 * API): {@code at} when it takes place, {@code source} who booked it ("operator", "calendly"...),
 * {@code bookingId} the tool's id when there is one, {@code by} who the timeline names: the lead's
 * owner ("Ana Lima (ana)"), or the operator identity that called the API for a lead nobody owns. An
 * interested lead is then MEETING_BOOKED: its owner has acted, and its re-engagement window counts
 * from the meeting.
 */
public record MeetingBooked(Instant at, String source, String bookingId, String by) {}
