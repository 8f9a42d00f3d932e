package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.config.ApiConfiguration;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.api.embedded.EmulatorNumbers;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.worker.cli.ConfigSources;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The embedded stack with an emulator serving two business numbers (WHATSAPP_EMULATOR_NUMBERS=2):
 * leads enrolled through the API go out on both numbers, each with its own token; each lead's
 * statuses come back on its own number's webhooks and reach it; the pool API lists both numbers
 * with what they sent.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SenderPoolApplicationTest {
  static final String TOKEN = "sender-pool-token-0123456789abcdef012345";

  static Map<String, String> environment() {
    Map<String, String> env = EmbeddedEnvironment.anyHour(TOKEN);
    env.put("WHATSAPP_EMULATOR_NUMBERS", "2");
    return env;
  }

  static final DropwizardAppExtension<ApiConfiguration> APP =
      new DropwizardAppExtension<>(
          SalesAgentApplication.class,
          "embedded.yml",
          ConfigSources.fileOrClasspath(environment()));

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private WhatsAppEmulator emulator() {
    return APP.<SalesAgentApplication>getApplication().emulator();
  }

  private LeadStore store() {
    return new LeadStore(
        APP.<SalesAgentApplication>getApplication().connections().mongo().database());
  }

  private HttpResponse<String> call(String method, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + APP.getLocalPort() + path))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String lead(String leadId, String phone) {
    return """
        {"leadId":"%s","name":"Ana Souza","phone":"%s","company":"Acme","jobTitle":"Head of Sales",
         "industry":"retail","companySize":"30","locale":"en","campaignId":"pool",
         "notes":"Met at the retail fair. They are opening twelve new stores next year.",
         "consent":{"whatsappOptIn":true,"source":"web form","at":"2026-11-20T10:00:00Z"}}
        """
        .formatted(leadId, phone);
  }

  private void ackOnly() {
    emulator()
        .setBehaviour(
            new EmulatorBehaviour(
                "ack_only", 1.0, 0, 0, 0, 0, 50, 100, 0, 0, List.of("x"), List.of("STOP"), 1));
  }

  private static String phone() {
    return "+55119"
        + String.format("%08d", Math.floorMod(UUID.randomUUID().hashCode(), 100_000_000));
  }

  @Test
  void leadsEnrolledOnTheEmbeddedStackGoOutOnBothNumbersAndTheirStatusesComeBack()
      throws Exception {
    ackOnly();
    List<EmulatorNumbers.Number> numbers = emulator().numbers().all();
    assertThat(numbers).hasSize(2);
    // The other test of this class may have sent before: counted from here.
    int before0 = emulator().acceptedFrom(numbers.get(0).phoneNumberId());
    int before1 = emulator().acceptedFrom(numbers.get(1).phoneNumberId());
    int beforeTotal = emulator().acceptedTotal();

    List<String> leads = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      String leadId = "pool-" + i + "-" + UUID.randomUUID();
      HttpResponse<String> r = call("POST", "/api/leads", lead(leadId, phone()));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      leads.add(leadId);
    }

    // Every lead's first message delivered: its status webhooks, from either number, reached it.
    await("all delivered")
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                leads.stream()
                    .allMatch(
                        id ->
                            store().messages().messagesOf(id).stream()
                                .anyMatch(m -> "delivered".equals(m.getString("status")))));

    Set<String> pinned = new HashSet<>();
    for (String id : leads) {
      pinned.add(store().contact(id).getString("senderId"));
    }
    assertThat(pinned)
        .containsExactlyInAnyOrder(numbers.get(0).phoneNumberId(), numbers.get(1).phoneNumberId());
    assertThat(emulator().acceptedFrom(numbers.get(0).phoneNumberId())).isGreaterThan(before0);
    assertThat(emulator().acceptedFrom(numbers.get(1).phoneNumberId())).isGreaterThan(before1);
    assertThat(
            emulator().acceptedFrom(numbers.get(0).phoneNumberId())
                - before0
                + emulator().acceptedFrom(numbers.get(1).phoneNumberId())
                - before1)
        .isEqualTo(emulator().acceptedTotal() - beforeTotal);
    // The contact's number is the one each message went out on (the emulator counts per number).
    long onSecond =
        leads.stream()
            .filter(
                id ->
                    numbers
                        .get(1)
                        .phoneNumberId()
                        .equals(store().contact(id).getString("senderId")))
            .count();
    assertThat(emulator().acceptedFrom(numbers.get(1).phoneNumberId()) - before1)
        .isEqualTo((int) onSecond);

    HttpResponse<String> listed = call("GET", "/api/senders", null);
    assertThat(listed.statusCode()).isEqualTo(200);
    JsonNode senders = json.readTree(listed.body()).path("senders");
    assertThat(senders).hasSize(2);
    long sent = 0;
    for (JsonNode s : senders) {
      assertThat(s.path("tokenRef").asText()).doesNotContain("emulator-token");
      sent += s.path("sentLastMinute").asLong() + s.path("sentThisMinute").asLong();
      // The display number was learned from the number's own webhooks.
      assertThat(s.path("displayPhoneNumber").asText()).startsWith("1555000");
      // The worker reported having both numbers' token variables.
      assertThat(s.path("usable").asBoolean()).as(s.toString()).isTrue();
    }
    assertThat(sent).isGreaterThanOrEqualTo(16);
    // Both emulator numbers are covered: the senders health check has no token to call missing.
    var health = APP.getEnvironment().healthChecks().runHealthCheck("senders");
    assertThat(health.isHealthy()).as(health.getMessage()).isTrue();
    assertThat(health.getMessage()).doesNotContain("token_missing").doesNotContain("awaited");
    Document dashboard = Document.parse(call("GET", "/api/dashboard/summary", null).body());
    assertThat(dashboard.getList("senders", Document.class)).hasSize(2);
  }

  /**
   * Every number paused (Meta locked the account): a new lead is pinned to one anyway and waits for
   * it (waiting_sender, its next check 5 minutes away). An operator's resume wakes it: its message
   * goes out within seconds, not at its next check.
   */
  @Test
  void resumingAPausedNumberWakesTheLeadWaitingForItAtOnce() throws Exception {
    ackOnly();
    List<EmulatorNumbers.Number> numbers = emulator().numbers().all();
    com.salesagent.activities.mongo.Senders senders =
        new com.salesagent.activities.mongo.Senders(store().database());
    for (EmulatorNumbers.Number n : numbers) {
      senders.pause(n.phoneNumberId(), 131031, "test: account locked", java.time.Instant.now());
    }
    try {
      String leadId = "parked-" + UUID.randomUUID();
      assertThat(call("POST", "/api/leads", lead(leadId, phone())).statusCode()).isEqualTo(202);
      await("waiting for its number")
          .atMost(Duration.ofSeconds(60))
          .until(() -> "waiting_sender".equals(store().contact(leadId).getString("stage")));
      String pinned = store().contact(leadId).getString("senderId");
      assertThat(store().messages().messagesOf(leadId))
          .noneMatch(m -> m.getString("wamid") != null);

      HttpResponse<String> resumed = call("POST", "/api/senders/" + pinned + "/resume", "");

      assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
      JsonNode answer = json.readTree(resumed.body());
      assertThat(answer.path("status").asText()).isEqualTo("active");
      assertThat(answer.path("woken").path("signalled").asInt()).isGreaterThanOrEqualTo(1);
      await("sent once its number resumed")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  store().messages().messagesOf(leadId).stream()
                      .anyMatch(m -> m.getString("wamid") != null));
    } finally {
      for (EmulatorNumbers.Number n : numbers) {
        call("POST", "/api/senders/" + n.phoneNumberId() + "/resume", "");
      }
    }
  }

  /**
   * Every number paused by Meta for its quality: a new lead waits for its number (its next check 5
   * minutes away). Meta's signed webhook saying the quality recovered wakes it, as an operator's
   * resume does: its message goes out within seconds.
   */
  @Test
  void metaGivingANumberBackWakesTheLeadWaitingForItAtOnce() throws Exception {
    ackOnly();
    List<EmulatorNumbers.Number> numbers = emulator().numbers().all();
    com.salesagent.activities.mongo.Senders senders =
        new com.salesagent.activities.mongo.Senders(store().database());
    for (EmulatorNumbers.Number n : numbers) {
      senders.learnDisplayNumber(n.phoneNumberId(), n.displayNumber());
      assertThat(metaSays(quality(n.displayNumber(), "FLAGGED")).statusCode()).isEqualTo(200);
      assertThat(senders.get(n.phoneNumberId()).getString("status")).isEqualTo("paused");
    }
    try {
      String leadId = "quality-" + UUID.randomUUID();
      assertThat(call("POST", "/api/leads", lead(leadId, phone())).statusCode()).isEqualTo(202);
      await("waiting for its number")
          .atMost(Duration.ofSeconds(60))
          .until(() -> "waiting_sender".equals(store().contact(leadId).getString("stage")));
      String pinned = store().contact(leadId).getString("senderId");
      String display =
          numbers.stream()
              .filter(n -> n.phoneNumberId().equals(pinned))
              .findFirst()
              .orElseThrow()
              .displayNumber();

      assertThat(metaSays(quality(display, "UNFLAGGED")).statusCode()).isEqualTo(200);

      assertThat(senders.get(pinned).getString("status")).isEqualTo("active");
      await("sent once Meta gave its number back")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  store().messages().messagesOf(leadId).stream()
                      .anyMatch(m -> m.getString("wamid") != null));
    } finally {
      for (EmulatorNumbers.Number n : numbers) {
        call("POST", "/api/senders/" + n.phoneNumberId() + "/resume", "");
      }
    }
  }

  /**
   * Every number paused by Meta's account error (a send let through as a probe every 5 minutes): a
   * lead waits for its number, its next check 5 minutes away. The probe falls due and another
   * lead's first send is let through as it; Meta accepts it, so the number is active again, and the
   * waiting lead is woken as by an operator's resume: its message goes out within seconds.
   */
  @Test
  void aProbeSendThatSucceedsWakesTheOtherLeadsWaitingForItsNumber() throws Exception {
    ackOnly();
    List<EmulatorNumbers.Number> numbers = emulator().numbers().all();
    com.salesagent.activities.mongo.Senders senders =
        new com.salesagent.activities.mongo.Senders(store().database());
    com.mongodb.client.MongoCollection<Document> pool =
        store().database().getCollection(com.salesagent.activities.mongo.Senders.COLLECTION);
    for (EmulatorNumbers.Number n : numbers) {
      senders.pause(n.phoneNumberId(), 131031, "test: account locked", java.time.Instant.now());
    }
    String number = numbers.get(0).phoneNumberId();
    String other = numbers.get(1).phoneNumberId();
    String otherRef = senders.get(other).getString("tokenRef");
    // The other number's token variable is one no worker has: both new leads are pinned to ours.
    pool.updateOne(
        com.mongodb.client.model.Filters.eq("_id", other),
        com.mongodb.client.model.Updates.set("tokenRef", "NO_WORKER_HAS_IT"));
    try {
      String waiting = "probe-waits-" + UUID.randomUUID();
      assertThat(call("POST", "/api/leads", lead(waiting, phone())).statusCode()).isEqualTo(202);
      await("waiting for its number")
          .atMost(Duration.ofSeconds(60))
          .until(() -> "waiting_sender".equals(store().contact(waiting).getString("stage")));
      assertThat(store().contact(waiting).getString("senderId")).isEqualTo(number);

      // Five minutes on: the number's probe is due; the next send on it goes out as the probe.
      pool.updateOne(
          com.mongodb.client.model.Filters.eq("_id", number),
          com.mongodb.client.model.Updates.set(
              "probeAt", java.util.Date.from(java.time.Instant.now().minusSeconds(1))));
      String prober = "probe-sends-" + UUID.randomUUID();
      assertThat(call("POST", "/api/leads", lead(prober, phone())).statusCode()).isEqualTo(202);
      await("the probe went out")
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  store().messages().messagesOf(prober).stream()
                      .anyMatch(m -> m.getString("wamid") != null));
      assertThat(store().contact(prober).getString("senderId")).isEqualTo(number);
      // The send records its wamid, then marks the number active: a moment apart.
      await("the probe gave its number back")
          .atMost(Duration.ofSeconds(10))
          .until(() -> "active".equals(senders.get(number).getString("status")));

      await("the waiting lead sent once the probe gave its number back")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  store().messages().messagesOf(waiting).stream()
                      .anyMatch(m -> m.getString("wamid") != null));
    } finally {
      pool.updateOne(
          com.mongodb.client.model.Filters.eq("_id", other),
          com.mongodb.client.model.Updates.set("tokenRef", otherRef));
      for (EmulatorNumbers.Number n : numbers) {
        call("POST", "/api/senders/" + n.phoneNumberId() + "/resume", "");
      }
    }
  }

  private static String quality(String display, String event) {
    return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"waba-1\",\"changes\":[{"
        + "\"field\":\"phone_number_quality_update\",\"value\":{\"display_phone_number\":\""
        + display
        + "\",\"event\":\""
        + event
        + "\"}}]}]}";
  }

  /** Meta's POST to the webhook, signed with the emulator's app secret. */
  private HttpResponse<String> metaSays(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://localhost:" + APP.getLocalPort() + "/webhooks/whatsapp"))
            .header("Content-Type", "application/json")
            .header(
                "X-Hub-Signature-256",
                new com.salesagent.api.webhook.WebhookSignature(emulator().appSecret())
                    .sign(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A number registered with a token variable no worker sets: listed (and on the dashboard) as
   * unusable with the reason, not active; the worker never pins a lead to it.
   */
  @Test
  void aNumberWhoseTokenVariableNoWorkerHasIsShownUnusable() throws Exception {
    String id = "7770001";
    HttpResponse<String> added =
        call(
            "POST",
            "/api/senders",
            "{\"phoneNumberId\":\"" + id + "\",\"tokenRef\":\"NO_WORKER_HAS_IT\"}");
    assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
    assertThat(json.readTree(added.body()).path("reason").asText()).isEqualTo("token_unchecked");
    com.mongodb.client.MongoCollection<Document> pool =
        store().database().getCollection(com.salesagent.activities.mongo.Senders.COLLECTION);
    try {
      // As it stands once the workers' reports had time to name it (they report every 15 s).
      pool.updateOne(
          com.mongodb.client.model.Filters.eq("_id", id),
          com.mongodb.client.model.Updates.set(
              "registeredAt", java.util.Date.from(java.time.Instant.now().minusSeconds(120))));

      JsonNode listed = null;
      for (JsonNode s : json.readTree(call("GET", "/api/senders", null).body()).path("senders")) {
        if (id.equals(s.path("phoneNumberId").asText())) {
          listed = s;
        }
      }
      assertThat(listed).isNotNull();
      assertThat(listed.path("status").asText()).isEqualTo("active");
      assertThat(listed.path("usable").asBoolean()).isFalse();
      assertThat(listed.path("reason").asText()).isEqualTo("token_missing");
      // The senders health check names it by the same rule: its number and the variable's name
      // (red once this process is past its first minute; before, the reports are still awaited).
      var health = APP.getEnvironment().healthChecks().runHealthCheck("senders");
      assertThat(health.getMessage()).contains("phone number id " + id + " (NO_WORKER_HAS_IT)");
      Document summary = Document.parse(call("GET", "/api/dashboard/summary", null).body());
      assertThat(summary.getList("senders", Document.class))
          .anySatisfy(
              row -> {
                assertThat(row.getString("phoneNumberId")).isEqualTo(id);
                assertThat(row.getBoolean("usable")).isFalse();
                assertThat(row.getString("reason")).isEqualTo("token_missing");
              });
    } finally {
      pool.deleteOne(com.mongodb.client.model.Filters.eq("_id", id));
    }
  }
}
