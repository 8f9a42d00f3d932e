package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartupBannerTest {
  @Test
  void theBannerNamesTheDashboardAndTheTemporalUiWhenConfigured() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StartupBanner.print(
        new PrintStream(bytes, true, StandardCharsets.UTF_8),
        true,
        8080,
        8081,
        List.of(),
        "tok",
        true,
        "http://localhost:8088",
        Duration.ofSeconds(7));

    String banner = bytes.toString(StandardCharsets.UTF_8);

    assertThat(banner).contains("Dashboard:").contains("http://localhost:8080/dashboard/");
    assertThat(banner).contains("http://localhost:8088");
  }
}
