package com.salesagent.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DataConverter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DataConvertersTest {
  record Times(
      Instant at,
      Duration delay,
      ZoneId zone,
      LocalDate day,
      OffsetDateTime next,
      Optional<String> note) {}

  record Narrow(Instant at) {}

  private final DataConverter converter = DataConverters.dataConverter();

  @Test
  void javaTimeValuesRoundTripAsIsoStrings() {
    Times times =
        new Times(
            Instant.parse("2026-11-25T10:15:30.123456Z"),
            Duration.ofHours(72),
            ZoneId.of("America/Sao_Paulo"),
            LocalDate.of(2026, 12, 1),
            OffsetDateTime.of(2026, 11, 26, 9, 0, 0, 0, ZoneOffset.ofHours(-3)),
            Optional.of("hello"));

    Payloads payloads = converter.toPayloads(times).orElseThrow();
    String json = payloads.getPayloads(0).getData().toString(StandardCharsets.UTF_8);

    assertThat(json)
        .contains("\"2026-11-25T10:15:30.123456Z\"")
        .contains("\"PT72H\"")
        .contains("\"America/Sao_Paulo\"")
        .contains("\"2026-12-01\"")
        .contains("\"2026-11-26T09:00:00-03:00\"");
    Times back = converter.fromPayloads(0, Optional.of(payloads), Times.class, Times.class);
    assertThat(back).isEqualTo(times);
  }

  @Test
  void unknownFieldsAreIgnoredSoRecordsCanEvolve() {
    Times wide =
        new Times(
            Instant.parse("2026-01-01T00:00:00Z"),
            Duration.ZERO,
            ZoneId.of("UTC"),
            LocalDate.of(2026, 1, 1),
            OffsetDateTime.parse("2026-01-01T00:00:00Z"),
            Optional.empty());
    Payloads payloads = converter.toPayloads(wide).orElseThrow();

    Narrow narrow = converter.fromPayloads(0, Optional.of(payloads), Narrow.class, Narrow.class);

    assertThat(narrow.at()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
  }
}
