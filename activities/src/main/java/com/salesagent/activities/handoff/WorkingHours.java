package com.salesagent.activities.handoff;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * A sales rep's working hours: {@code start} to {@code end} local time (start before end) on {@code
 * days}, in {@code zone}. An SLA counts working time only: two hours given at 17:00 to someone who
 * stops at 18:00 fall due at 10:00 the next working day.
 */
public record WorkingHours(ZoneId zone, LocalTime start, LocalTime end, Set<DayOfWeek> days) {
  public static final WorkingHours ALWAYS =
      new WorkingHours(
          java.time.ZoneOffset.UTC, LocalTime.MIN, LocalTime.MAX, EnumSet.allOf(DayOfWeek.class));

  public WorkingHours {
    if (!start.isBefore(end)) {
      throw new IllegalArgumentException("working hours must start before they end");
    }
    if (days.isEmpty()) {
      throw new IllegalArgumentException("working hours need at least one day");
    }
    days = Set.copyOf(days);
  }

  /** Working at this instant. */
  public boolean at(Instant instant) {
    ZonedDateTime t = instant.atZone(zone);
    LocalTime time = t.toLocalTime();
    return days.contains(t.getDayOfWeek()) && !time.isBefore(start) && time.isBefore(end);
  }

  /** {@code work} of working time after {@code from} (from the next working period if outside). */
  public Instant plusWorking(Instant from, Duration work) {
    Instant t = from;
    Duration left = work;
    // At most a year of periods: days are never empty, so each turn ends a period.
    for (int i = 0; i < 800; i++) {
      t = nextWorking(t);
      Instant periodEnd = periodEnd(t);
      Duration available = Duration.between(t, periodEnd);
      if (left.compareTo(available) <= 0) {
        return t.plus(left);
      }
      left = left.minus(available);
      t = periodEnd;
    }
    return t.plus(left);
  }

  /** The instant itself when working, else the start of the next working period. */
  public Instant nextWorking(Instant from) {
    if (at(from)) {
      return from;
    }
    ZonedDateTime t = from.atZone(zone);
    LocalDate day = t.toLocalDate();
    if (days.contains(day.getDayOfWeek()) && t.toLocalTime().isBefore(start)) {
      return day.atTime(start).atZone(zone).toInstant();
    }
    for (int i = 1; i <= 8; i++) {
      LocalDate next = day.plusDays(i);
      if (days.contains(next.getDayOfWeek())) {
        return next.atTime(start).atZone(zone).toInstant();
      }
    }
    return from; // unreachable: days is never empty
  }

  private Instant periodEnd(Instant working) {
    ZonedDateTime t = working.atZone(zone);
    if (end.equals(LocalTime.MAX)) {
      return t.toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
    }
    return t.toLocalDate().atTime(end).atZone(zone).toInstant();
  }
}
