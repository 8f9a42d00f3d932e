package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class SendWindowTest {
  static final LocalTime EIGHT_PM = LocalTime.of(20, 0);
  static final LocalTime EIGHT_AM = LocalTime.of(8, 0);
  static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  @Test
  void outsideQuietHoursSendsNow() {
    Instant noon = Instant.parse("2026-06-10T10:00:00Z"); // 12:00 in Paris
    assertThat(SendWindow.nextAllowed(noon, PARIS, EIGHT_PM, EIGHT_AM)).isEqualTo(noon);
  }

  @Test
  void lateEveningWaitsForTomorrowMorning() {
    Instant late = Instant.parse("2026-06-10T20:30:00Z"); // 22:30 in Paris (UTC+2)
    assertThat(SendWindow.nextAllowed(late, PARIS, EIGHT_PM, EIGHT_AM))
        .isEqualTo(Instant.parse("2026-06-11T06:00:00Z"));
  }

  @Test
  void earlyMorningWaitsForTheSameMorning() {
    Instant early = Instant.parse("2026-06-11T03:00:00Z"); // 05:00 in Paris
    assertThat(SendWindow.nextAllowed(early, PARIS, EIGHT_PM, EIGHT_AM))
        .isEqualTo(Instant.parse("2026-06-11T06:00:00Z"));
  }

  @Test
  void aWindowThatDoesNotWrapMidnight() {
    Instant lunch = Instant.parse("2026-06-10T10:30:00Z"); // 12:30 in Paris
    assertThat(SendWindow.nextAllowed(lunch, PARIS, LocalTime.NOON, LocalTime.of(14, 0)))
        .isEqualTo(Instant.parse("2026-06-10T12:00:00Z"));
  }

  @Test
  void equalStartAndEndMeansNoQuietHours() {
    Instant any = Instant.parse("2026-06-10T23:00:00Z");
    assertThat(SendWindow.nextAllowed(any, PARIS, EIGHT_AM, EIGHT_AM)).isEqualTo(any);
  }

  @Test
  void theDaylightSavingChangeIsRespected() {
    // 2026-10-25 02:00 local: Paris goes from UTC+2 to UTC+1 overnight.
    Instant night = Instant.parse("2026-10-24T21:00:00Z"); // 23:00 local (UTC+2)
    assertThat(SendWindow.nextAllowed(night, PARIS, EIGHT_PM, EIGHT_AM))
        .isEqualTo(Instant.parse("2026-10-25T07:00:00Z")); // 08:00 local (UTC+1)
  }
}
