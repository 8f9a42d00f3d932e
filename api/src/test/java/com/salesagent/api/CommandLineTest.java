package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.temporal.Ports;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Start-up failures: one line that names the cause and the setting to change. */
class CommandLineTest {
  private record Outcome(Optional<Throwable> failure, List<String> errLines) {}

  private static Outcome run(Map<String, String> env, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Optional<Throwable> failure =
        new SalesAgentApplication(env)
            .runCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
    List<String> lines =
        Arrays.stream(err.toString(StandardCharsets.UTF_8).split("\\R"))
            .filter(l -> !l.isBlank())
            .toList();
    return new Outcome(failure, lines);
  }

  private static Map<String, String> realStack(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", "0");
    env.put("ADMIN_PORT", "0");
    env.put("API_ADMIN_TOKEN", LONG_TOKEN);
    env.put("CONNECT_TIMEOUT_SECONDS", "2");
    env.put("WHATSAPP_PHONE_NUMBER_ID", "106540352242922");
    env.put("WHATSAPP_ACCESS_TOKEN", "command-line-access-token");
    env.put("WHATSAPP_APP_SECRET", "command-line-app-secret");
    env.put("WHATSAPP_VERIFY_TOKEN", "command-line-verify-token");
    env.put("PII_HASH_KEY", PII_HASH_KEY);
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return env;
  }

  static final String LONG_TOKEN = "command-line-token-0123456789abcdef0123";

  /** 36 bytes in base64. */
  static final String PII_HASH_KEY = "Y29tbWFuZC1saW5lLXBpaS1oYXNoLWtleS0wMTIzNDU2Nzg5";

  /**
   * The real stack hashes phone numbers with PII_HASH_KEY: without one (or with one too short, or
   * no base64) it does not start, with a line naming the variable and how to make one, never the
   * value given.
   */
  @Test
  void aMissingShortOrMalformedPiiHashKeyStopsTheRealStackNamingIt() throws Exception {
    String[] bad = {"", "c2hvcnQta2V5", "not base64 at all!"};
    for (String key : bad) {
      Outcome outcome = run(realStack("PII_HASH_KEY", key), "server");

      String printed = String.join("\n", outcome.errLines());
      assertThat(outcome.failure()).as("'" + key + "'").isPresent();
      assertThat(printed)
          .as(printed)
          .startsWith("error: server.yml has an error")
          .contains("PII_HASH_KEY must be a base64 key of at least 32 bytes")
          .contains("openssl rand -base64 32")
          .doesNotContain("unexpected failure");
      if (!key.isEmpty()) {
        assertThat(printed).doesNotContain(key);
      }
      assertThat(outcome.errLines()).noneMatch(l -> l.trim().startsWith("at "));
    }
  }

  @Test
  void aShortAdminTokenIsRefusedAtStart() throws Exception {
    Outcome outcome = run(realStack("API_ADMIN_TOKEN", "secret123"), "server");

    assertThat(outcome.failure()).isPresent();
    assertThat(outcome.errLines()).hasSize(1);
    assertThat(outcome.errLines().get(0))
        .startsWith("error: API_ADMIN_TOKEN is too short (9 characters)")
        .contains("at least 32");
  }

  @Test
  void theServerCommandNeedsAnAdminToken() throws Exception {
    Map<String, String> env = realStack();
    env.remove("API_ADMIN_TOKEN");

    Outcome outcome = run(env, "server");

    assertThat(outcome.failure()).isPresent();
    assertThat(outcome.errLines()).hasSize(1);
    assertThat(outcome.errLines().get(0)).startsWith("error: API_ADMIN_TOKEN is not set");
  }

  @Test
  void aMalformedSettingIsNamedWithItsVariable() throws Exception {
    Outcome outcome = run(realStack("MONGODB_URI", "mysql://db"), "server");

    assertThat(outcome.failure()).isPresent();
    assertThat(String.join("\n", outcome.errLines()))
        .startsWith("error: ")
        .contains("mongodb")
        .contains("MONGODB_URI");
    assertThat(outcome.errLines()).noneMatch(l -> l.trim().startsWith("at "));
  }

  @Test
  void aWebhookConcurrencyOutOfRangeOrNotANumberIsNamed() throws Exception {
    for (String value : List.of("65", "-1")) {
      Outcome outcome = run(realStack("WEBHOOK_CONCURRENCY", value), "server");

      assertThat(outcome.failure()).as(value).isPresent();
      assertThat(String.join("\n", outcome.errLines()))
          .as(value)
          .startsWith("error: ")
          .contains("api.webhookConcurrency must be 0 (cores + 1) or 1-64 (WEBHOOK_CONCURRENCY)");
      assertThat(outcome.errLines()).noneMatch(l -> l.trim().startsWith("at "));
    }
    Outcome outcome = run(realStack("WEBHOOK_CONCURRENCY", "many"), "server");
    assertThat(outcome.failure()).isPresent();
    assertThat(String.join("\n", outcome.errLines()))
        .startsWith("error: ")
        .contains("api.webhookConcurrency")
        .contains("expected: int");
    assertThat(outcome.errLines()).noneMatch(l -> l.trim().startsWith("at "));
  }

  /**
   * Each of these started with a stack trace ("unexpected failure at start-up", the outbound
   * webhooks' and HubSpot's stage map refused when the application was wired), or started at all: a
   * HubSpot URL that is no URL (every CRM write failing later), a port out of range named only by
   * its YAML key. Now each is a line naming its variable, before anything connects.
   */
  @Test
  void aBadNotificationHubSpotOrPortSettingIsALineNamingItsVariable() throws Exception {
    String[][] cases = {
      {"NOTIFY_WEBHOOK_URL", "ftp://hooks.example.com", "NOTIFY_WEBHOOK_SECRET", "s3cret"},
      {"NOTIFY_WEBHOOK_SECRET", "", "NOTIFY_WEBHOOK_URL", "https://hooks.example.com/in"},
      {"HUBSPOT_BASE_URL", "api.hubapi.com", "HUBSPOT_ACCESS_TOKEN", "pat-na1-x"},
      {"HUBSPOT_WEBHOOK_URL", "agent.example.com/webhooks/hubspot", "HUBSPOT_CLIENT_SECRET", "x"},
      {"HUBSPOT_DEAL_STAGES", "converted:closedwon", "HUBSPOT_ACCESS_TOKEN", "pat-na1-x"},
      {"HTTP_PORT", "99999", "ADMIN_PORT", "0"},
    };
    for (String[] c : cases) {
      Outcome outcome = run(realStack(c[0], c[1], c[2], c[3]), "server");

      String printed = String.join("\n", outcome.errLines());
      assertThat(outcome.failure()).as(c[0]).isPresent();
      assertThat(printed)
          .as(c[0])
          .startsWith("error: server.yml has an error")
          .contains(c[0])
          .doesNotContain("unexpected failure");
      assertThat(outcome.errLines()).as(c[0]).noneMatch(l -> l.trim().startsWith("at "));
    }
  }

  @Test
  void aLeadRetentionThatIsNoDurationOrUnderADayIsRefusedNamingIt() throws Exception {
    Outcome notADuration = run(realStack("LEAD_RETENTION", "one year"), "server");

    assertThat(notADuration.failure()).isPresent();
    assertThat(String.join("\n", notADuration.errLines()))
        .startsWith("error: ")
        .contains("api.leadRetention")
        .contains("LEAD_RETENTION");
    assertThat(notADuration.errLines()).noneMatch(l -> l.trim().startsWith("at "));

    // 30m for 30d would erase leads half an hour after their end.
    for (String value : List.of("30m", "23h", "-1d")) {
      Outcome outcome = run(realStack("LEAD_RETENTION", value), "server");

      assertThat(outcome.failure()).as(value).isPresent();
      assertThat(String.join("\n", outcome.errLines()))
          .as(value)
          .startsWith("error: ")
          .contains("LEAD_RETENTION");
      assertThat(outcome.errLines()).noneMatch(l -> l.trim().startsWith("at "));
    }
    Outcome underADay = run(realStack("LEAD_RETENTION", "30m"), "server");
    assertThat(String.join("\n", underADay.errLines()))
        .contains("LEAD_RETENTION must be 0 (off) or at least 1d, e.g. 365d");
  }

  @Test
  void anUnreachableTemporalIsOneLineNamingTheSetting() throws Exception {
    Outcome outcome = run(realStack("TEMPORAL_ADDRESS", "127.0.0.1:" + Ports.freePort()), "server");

    assertThat(outcome.failure()).isPresent();
    assertThat(outcome.errLines()).hasSize(1);
    assertThat(outcome.errLines().get(0))
        .startsWith("error: Cannot reach Temporal")
        .contains("TEMPORAL_ADDRESS");
  }

  @Test
  void embeddedPartsAreRefusedByTheServerCommand() throws Exception {
    Outcome outcome = run(realStack("S3_ENDPOINT", "embedded"), "server");

    assertThat(outcome.errLines()).hasSize(1);
    assertThat(outcome.errLines().get(0)).contains("S3_ENDPOINT=embedded");
  }

  @Test
  void theServerCommandNamesEveryMissingWhatsAppVariableInOneLine() throws Exception {
    Map<String, String> env = realStack("WHATSAPP_ACCESS_TOKEN", "", "WHATSAPP_VERIFY_TOKEN", "");
    env.remove("WHATSAPP_PHONE_NUMBER_ID");

    Outcome outcome = run(env, "server");

    assertThat(outcome.failure()).isPresent();
    assertThat(outcome.errLines()).hasSize(1);
    assertThat(outcome.errLines().get(0))
        .startsWith(
            "error: WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_ACCESS_TOKEN, WHATSAPP_VERIFY_TOKEN are not"
                + " set")
        .doesNotContain("WHATSAPP_APP_SECRET");
  }

  @Test
  void aTakenHttpPortIsNamedBeforeAnythingStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(0));
      Map<String, String> env = EmbeddedEnvironment.freePorts(LONG_TOKEN);
      env.put("HTTP_PORT", String.valueOf(taken.getLocalPort()));

      Outcome outcome = run(env, "embedded");

      assertThat(outcome.failure()).isPresent();
      assertThat(outcome.errLines()).hasSize(1);
      assertThat(outcome.errLines().get(0))
          .contains(String.valueOf(taken.getLocalPort()))
          .contains("HTTP_PORT");
    }
  }
}
