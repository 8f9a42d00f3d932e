package com.salesagent.activities.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** An SLA counts the owner's working time only, in the owner's time zone. */
class WorkingHoursTest {
  private static final ZoneId SAO_PAULO = ZoneId.of("America/Sao_Paulo"); // UTC-3, no DST now

  private static final WorkingHours WEEKDAYS =
      new WorkingHours(
          SAO_PAULO,
          LocalTime.of(9, 0),
          LocalTime.of(18, 0),
          EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));

  @Test
  void twoHoursGivenAnHourBeforeTheEndOfTheDayFallDueAnHourIntoTheNext() {
    Instant thursday17 = Instant.parse("2026-12-03T20:00:00Z"); // 17:00 in São Paulo
    assertThat(WEEKDAYS.plusWorking(thursday17, Duration.ofHours(2)))
        .isEqualTo(Instant.parse("2026-12-04T13:00:00Z")); // Friday 10:00
  }

  @Test
  void aFridayEveningHandOffStartsOnMonday() {
    Instant friday20 = Instant.parse("2026-12-04T23:00:00Z"); // Friday 20:00 local
    assertThat(WEEKDAYS.at(friday20)).isFalse();
    assertThat(WEEKDAYS.nextWorking(friday20)).isEqualTo(Instant.parse("2026-12-07T12:00:00Z"));
    assertThat(WEEKDAYS.plusWorking(friday20, Duration.ofHours(1)))
        .isEqualTo(Instant.parse("2026-12-07T13:00:00Z")); // Monday 10:00
  }

  @Test
  void inHoursTheSlaIsPlainTime() {
    Instant tuesday10 = Instant.parse("2026-12-01T13:00:00Z");
    assertThat(WEEKDAYS.at(tuesday10)).isTrue();
    assertThat(WEEKDAYS.plusWorking(tuesday10, Duration.ofMinutes(90)))
        .isEqualTo(Instant.parse("2026-12-01T14:30:00Z"));
  }

  @Test
  void alwaysWorkingCountsEveryHour() {
    Instant at = Instant.parse("2026-12-05T03:00:00Z");
    assertThat(WorkingHours.ALWAYS.plusWorking(at, Duration.ofHours(30)))
        .isEqualTo(at.plus(Duration.ofHours(30)));
  }

  @Test
  void hoursThatEndBeforeTheyStartOrHaveNoDayAreRefused() {
    assertThatThrownBy(
            () ->
                new WorkingHours(
                    SAO_PAULO,
                    LocalTime.of(18, 0),
                    LocalTime.of(9, 0),
                    EnumSet.of(DayOfWeek.MONDAY)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new WorkingHours(
                    SAO_PAULO,
                    LocalTime.of(9, 0),
                    LocalTime.of(18, 0),
                    EnumSet.noneOf(DayOfWeek.class)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
