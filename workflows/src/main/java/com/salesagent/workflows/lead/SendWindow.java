package com.salesagent.workflows.lead;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Quiet hours in the lead's time zone. Pure and deterministic (no clock of its own): the workflow
 * passes Workflow time in.
 */
public final class SendWindow {
  private SendWindow() {}

  /**
   * The first instant at or after {@code now} outside quiet hours [start, end) local time. A window
   * may wrap midnight (20:00-08:00); start == end means no quiet hours.
   */
  public static Instant nextAllowed(Instant now, ZoneId zone, LocalTime start, LocalTime end) {
    if (start.equals(end)) {
      return now;
    }
    ZonedDateTime local = now.atZone(zone);
    LocalTime t = local.toLocalTime();
    boolean wraps = start.isAfter(end);
    boolean quiet =
        wraps ? (!t.isBefore(start) || t.isBefore(end)) : (!t.isBefore(start) && t.isBefore(end));
    if (!quiet) {
      return now;
    }
    ZonedDateTime opens =
        ZonedDateTime.of(
            wraps && !t.isBefore(start) ? local.toLocalDate().plusDays(1) : local.toLocalDate(),
            end,
            zone);
    return opens.toInstant();
  }
}
