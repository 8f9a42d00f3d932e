package com.salesagent.activities.triage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class TriageSnoozeTest {
  /** 23:30 on 31 January in São Paulo is already 1 February in UTC. */
  private static final Instant LATE_EVENING = Instant.parse("2027-02-01T02:30:00Z");

  @Test
  void aNamedDayIsTenInTheMorningThereWhateverTheDefault() {
    assertThat(
            Triage.snoozeUntil(
                "not_now",
                LocalDate.parse("2027-03-15"),
                "America/Sao_Paulo",
                LATE_EVENING,
                Duration.ZERO))
        .isEqualTo(Instant.parse("2027-03-15T13:00:00Z"));
  }

  @Test
  void noDayCountsWholeDaysFromTheReplysDayInTheLeadsZone() {
    assertThat(
            Triage.snoozeUntil(
                "not_now", null, "America/Sao_Paulo", LATE_EVENING, Duration.ofDays(30)))
        .as("31 January there + 30 days, 10:00 there")
        .isEqualTo(Instant.parse("2027-03-02T13:00:00Z"));
    assertThat(Triage.snoozeUntil("not_now", null, "Not/AZone", LATE_EVENING, Duration.ofDays(1)))
        .as("an unknown zone counts as UTC")
        .isEqualTo(Instant.parse("2027-02-02T10:00:00Z"));
  }

  @Test
  void lessThanADayIsExactAndZeroLeavesAReply() {
    assertThat(
            Triage.snoozeUntil(
                "not_now", null, "Europe/Lisbon", LATE_EVENING, Duration.ofMinutes(2)))
        .isEqualTo(LATE_EVENING.plusSeconds(120));
    assertThat(Triage.snoozeUntil("not_now", null, "Europe/Lisbon", LATE_EVENING, Duration.ZERO))
        .isNull();
    assertThat(Triage.snoozeUntil("not_now", null, "Europe/Lisbon", LATE_EVENING, null)).isNull();
  }

  @Test
  void onlyANotNowSnoozes() {
    for (String intent : new String[] {"interested", "objection", "other", "opt_out", null}) {
      assertThat(
              Triage.snoozeUntil(
                  intent, LocalDate.parse("2027-03-15"), "UTC", LATE_EVENING, Duration.ofDays(30)))
          .as(intent)
          .isNull();
    }
  }
}
