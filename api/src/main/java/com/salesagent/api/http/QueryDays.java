package com.salesagent.api.http;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The days a report's {@code from} and {@code to} query parameters may name: from {@link #EARLIEST}
 * to tomorrow (UTC; a client a few hours ahead of UTC asks for its today). A day outside (a typo, a
 * placeholder, a probe such as {@code -999999999-01-01}) is refused naming the parameter instead of
 * querying a billion years, or failing with a 500 where a day is turned into a time.
 */
public final class QueryDays {
  private QueryDays() {}

  /** The earliest day a report covers: nothing of this service happened before. */
  public static final LocalDate EARLIEST = LocalDate.of(2000, 1, 1);

  /**
   * Adds an error naming {@code field} when {@code day} is outside the days taken; whether it did.
   */
  public static boolean outside(String field, LocalDate day, Clock clock, List<FieldError> errors) {
    LocalDate latest = LocalDate.now(clock.withZone(ZoneOffset.UTC)).plusDays(1);
    if (day != null && (day.isBefore(EARLIEST) || day.isAfter(latest))) {
      errors.add(
          new FieldError(field, "a day from " + EARLIEST + " to " + latest + " (tomorrow, UTC)"));
      return true;
    }
    return false;
  }
}
