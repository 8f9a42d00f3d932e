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
    assertThat(banner).contains("http://localhost:8080/api-docs/").contains("/prometheus");
    assertThat(banner).contains("http://localhost:8088");
  }

  @Test
  void configuredSecretsAreShownAsFingerprintsAndGeneratedOnesInFull() {
    String secret = "configured-admin-token-0123456789abcdef";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StartupBanner.print(
        new PrintStream(bytes, true, StandardCharsets.UTF_8),
        true,
        8080,
        8081,
        List.of(
            "Webhook app secret: "
                + com.salesagent.api.embedded.EmbeddedRuntime.shown(
                    "s3cr3t-from-env", "s3cr3t-from-env")),
        secret,
        false,
        "",
        Duration.ofSeconds(7));

    String banner = bytes.toString(StandardCharsets.UTF_8);
    assertThat(banner).doesNotContain(secret).doesNotContain("s3cr3t-from-env");
    assertThat(banner).contains("sha256:").contains("from API_ADMIN_TOKEN");
    assertThat(com.salesagent.api.embedded.EmbeddedRuntime.shown("", "generated-value"))
        .startsWith("generated-value");
  }
}
