package com.salesagent.activities.triage;

import java.time.LocalDate;
import java.util.List;

/**
 * What a reply says. {@code intent}: interested, not_now, objection, wrong_person, opt_out or
 * other; {@code objection}: cost, timing, competitor or other (for objections); {@code notBefore}:
 * the date a "not now" names, if any.
 */
public record Triage(
    String intent,
    String objection,
    String sentiment,
    List<String> keywords,
    LocalDate notBefore,
    String classifier) {

  /**
   * When a "not now" that named a date snoozes the lead: 10:00 on that day in the lead's time zone
   * (UTC when it has none or an unknown one); null for any other reply.
   */
  public static java.time.Instant snoozeUntil(String intent, LocalDate notBefore, String timezone) {
    if (!"not_now".equals(intent) || notBefore == null) {
      return null;
    }
    java.time.ZoneId zone;
    try {
      zone = java.time.ZoneId.of(timezone);
    } catch (RuntimeException e) {
      zone = java.time.ZoneOffset.UTC;
    }
    return notBefore.atTime(10, 0).atZone(zone).toInstant();
  }
}
