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
public record MeetingBooked(Instant at, String source, String bookingId, String by) {
  /**
   * What the lead's timeline says of the meeting ({@code meeting_booked}): its time, source and
   * booking id. The API looks for it to tell whether the workflow has this meeting already.
   */
  public static String timelineDetail(MeetingBooked meeting) {
    return "meeting at "
        + meeting.at()
        + " ("
        + (meeting.source() == null ? "operator" : meeting.source())
        + (meeting.bookingId() == null ? "" : " " + meeting.bookingId())
        + ")";
  }
}
