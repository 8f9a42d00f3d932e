package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.config.ApiConfiguration;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.api.webhook.WebhookSignature;
import com.salesagent.worker.cli.ConfigSources;
import com.salesagent.workflows.lead.LeadState;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.Stage;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lead lifecycle on the embedded stack: the REST API, the webhook with Meta-format fixtures,
 * and end to end through the WhatsApp emulator's real HTTP, signature and parsing path, with
 * follow-up delays shrunk to seconds by configuration.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LifecycleApplicationTest {
  static final String TOKEN = "lifecycle-token-0123456789abcdef01234";

  static Map<String, String> environment() {
    Map<String, String> env = EmbeddedEnvironment.anyHour(TOKEN);
    env.put("FOLLOW_UP_READ_NO_REPLY", "3s");
    env.put("FOLLOW_UP_UNREAD", "6s");
    return env;
  }

  static final DropwizardAppExtension<ApiConfiguration> APP =
      new DropwizardAppExtension<>(
          SalesAgentApplication.class,
          "embedded.yml",
          ConfigSources.fileOrClasspath(environment()));

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private SalesAgentApplication app() {
    return APP.getApplication();
  }

  private WhatsAppEmulator emulator() {
    return app().emulator();
  }

  private LeadStore store() {
    return new LeadStore(app().connections().mongo().database());
  }

  private String url(String path) {
    return "http://localhost:" + APP.getLocalPort() + path;
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postJson(String path, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url(path)))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + TOKEN));
  }

  private HttpResponse<String> webhook(String body, String signature) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url("/webhooks/whatsapp")))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8)));
    if (signature != null) {
      request.header("X-Hub-Signature-256", signature);
    }
    return send(request);
  }

  private String sign(String body) {
    return new WebhookSignature(emulator().appSecret()).sign(body.getBytes(StandardCharsets.UTF_8));
  }

  static String leadJson(String leadId, String phone) {
    return """
        {"leadId":"%s","name":"Zoë Ñúñez","phone":"%s","company":"Acme","jobTitle":"Head of Sales",
         "industry":"retail","companySize":"30","timezone":"America/Sao_Paulo",
         "notes":"Met at the retail fair.\\n\\nExpanding to three new cities.",
         "consent":{"whatsappOptIn":true,"source":"web form","at":"2026-11-20T10:00:00Z"}}
        """
        .formatted(leadId, phone);
  }

  private String notification(String phoneNumberId, String valueFields) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"waba-1","changes":[{"field":"messages",
         "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550000000",
         "phone_number_id":"%s"},%s}}]}]}
        """
        .formatted(phoneNumberId, valueFields);
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) {
    org.awaitility.Awaitility.await(what)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .until(condition::getAsBoolean);
  }

  private LeadState state(String leadId) {
    return app()
        .connections()
        .temporal()
        .client()
        .newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId))
        .state();
  }

  private static String phone() {
    // +55 11 9xxxx-xxxx: valid Brazilian mobile numbers, unique per test.
    return "+55119"
        + String.format("%08d", Math.floorMod(UUID.randomUUID().hashCode(), 100_000_000));
  }

  // ---- end to end

  @Test
  void enrolSendSignedCallbacksFollowUpReplyEndsReplied() throws Exception {
    emulator()
        .setBehaviour(
            new EmulatorBehaviour(
                "realistic",
                1.0,
                1.0,
                0.0,
                0.0,
                2,
                50,
                100,
                300,
                500,
                List.of("Sounds great, call me tomorrow"),
                List.of("STOP"),
                7));
    String leadId = "e2e-" + UUID.randomUUID();

    HttpResponse<String> enrolled = postJson("/api/leads", leadJson(leadId, phone()));

    assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(202);
    assertThat(json.readTree(enrolled.body()).path("workflowId").asText())
        .isEqualTo("lead-" + leadId);
    await(
        "replied",
        Duration.ofSeconds(40),
        () -> "replied".equals(store().contact(leadId).getString("stage")));

    List<Document> messages = store().messagesOf(leadId);
    assertThat(messages).hasSize(2);
    assertThat(messages).allSatisfy(m -> assertThat(m.getString("status")).isEqualTo("read"));
    // The same lifecycle on the admin port's Prometheus page: our meters and Temporal's.
    String prometheus =
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + APP.getAdminPort() + "/prometheus"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(prometheus)
        .containsPattern(
            "sales_agent_sends_total\\{[^}]*result=\"sent\"[^}]*step=\"first_contact\"")
        .containsPattern("sales_agent_sends_total\\{[^}]*result=\"sent\"[^}]*step=\"follow_up\"")
        .containsPattern("sales_agent_webhook_events_total\\{[^}]*kind=\"status\"");
    assertThat(messages.get(0).getString("kind")).isEqualTo("template");
    assertThat(messages.get(1).getString("purpose")).isEqualTo("follow_up_read");
    Document feedback = store().feedback().find(Filters.eq("leadId", leadId)).first();
    assertThat(feedback.getString("text")).isEqualTo("Sounds great, call me tomorrow");
    assertThat(feedback.getString("wamid")).isEqualTo(messages.get(1).getString("wamid"));
    List<String> types =
        store().interactions(leadId).stream().map(d -> d.getString("type")).toList();
    assertThat(types)
        .contains(
            "enrolled",
            "researched",
            "variant_assigned",
            "message_sent",
            "delivered",
            "read",
            "replied",
            "outcome");
    assertThat(state(leadId).stage()).isEqualTo(Stage.REPLIED);
    var totals =
        new com.salesagent.activities.variants.VariantStats(app().connections().mongo().database())
            .totals("smb")
            .get(messages.get(0).getString("variantId"));
    assertThat(totals.get("assigned")).isGreaterThanOrEqualTo(1L);
    assertThat(totals.get("sent")).isGreaterThanOrEqualTo(2L);
    // Each message counts once as sent, although the emulator also reports a "sent" status.
    long sentMessages =
        app()
            .connections()
            .mongo()
            .database()
            .getCollection("messages")
            .countDocuments(
                Filters.and(
                    Filters.eq("variantId", messages.get(0).getString("variantId")),
                    Filters.exists("wamid"),
                    Filters.in(
                        "leadId",
                        store()
                            .contacts()
                            .find(Filters.eq("segment", "smb"))
                            .map(d -> d.getString("leadId"))
                            .into(new java.util.ArrayList<>()))));
    // Each message counts once: the counter equals the send records of its variant and segment,
    // read when nothing moved between the two reads (other tests' leads send meanwhile).
    String variant = messages.get(0).getString("variantId");
    var stats =
        new com.salesagent.activities.variants.VariantStats(app().connections().mongo().database());
    long[] agreed = new long[2];
    await(
        "a quiet moment to compare sends with the counter",
        Duration.ofSeconds(20),
        () -> {
          long before = stats.totals("smb").get(variant).getOrDefault("sent", 0L);
          long recorded =
              store()
                  .history()
                  .countDocuments(
                      Filters.and(
                          Filters.eq("type", "message_sent"),
                          Filters.eq("meta.variantId", variant),
                          Filters.in(
                              "meta.leadId",
                              store()
                                  .contacts()
                                  .find(Filters.eq("segment", "smb"))
                                  .map(d -> d.getString("leadId"))
                                  .into(new java.util.ArrayList<>()))));
          long after = stats.totals("smb").get(variant).getOrDefault("sent", 0L);
          agreed[0] = after;
          agreed[1] = recorded;
          return before == after;
        });
    assertThat(agreed[0]).isEqualTo(agreed[1]);
    assertThat(sentMessages).isPositive();
    assertThat(totals.get("read")).isGreaterThanOrEqualTo(2L);
    assertThat(totals.get("replied")).isGreaterThanOrEqualTo(1L);
    JsonNode analytics = json.readTree(get("/api/analytics/variants?segment=smb").body());
    JsonNode row = null;
    for (JsonNode r : analytics.path("variants")) {
      if (r.path("variantId").asText().equals(messages.get(0).getString("variantId"))) {
        row = r;
      }
    }
    assertThat(row).isNotNull();
    assertThat(row.path("replyRate").path("high").asDouble()).isGreaterThan(0);
    assertThat(row.path("probabilityToBeBest").asDouble()).isBetween(0.0, 1.0);
    assertThat(analytics.path("sampleRatioMismatch").has("alarm")).isTrue();

    JsonNode view = json.readTree(get("/api/leads/" + leadId).body());
    assertThat(view.path("stage").asText()).isEqualTo("replied");
    assertThat(view.path("messages")).hasSize(2);
    assertThat(view.path("workflow").path("stage").asText()).isEqualTo("REPLIED");
    // Why was this sent: composer and the retrieved chunks with their scores.
    JsonNode first = view.path("messages").path(0);
    assertThat(first.path("composer").asText()).isEqualTo("offline-template");
    assertThat(first.path("retrieved").path(0).path("chunkId").asText()).matches("[0-9a-f]{24}");
    assertThat(first.path("text").asText()).contains("I saw that ");
  }

  @Test
  void anOptOutReplyStopsTheLeadAndMarksDoNotContact() throws Exception {
    emulator()
        .setBehaviour(
            new EmulatorBehaviour(
                "realistic",
                1.0,
                1.0,
                0.0,
                1.0,
                1,
                50,
                100,
                200,
                300,
                List.of("ok"),
                List.of("no más"),
                7));
    String leadId = "optout-" + UUID.randomUUID();

    postJson("/api/leads", leadJson(leadId, phone()));
    await(
        "opted out",
        Duration.ofSeconds(30),
        () -> "opted_out".equals(store().contact(leadId).getString("stage")));
    // Nothing more goes out after the STOP, for as long as a follow-up would have taken.
    org.awaitility.Awaitility.await("no send after the opt-out")
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .until(() -> store().messagesOf(leadId).size() == 1);

    Document contact = store().contact(leadId);
    assertThat(contact.getBoolean("doNotContact")).isTrue();
    assertThat(store().messagesOf(leadId)).hasSize(1);
    assertThat(store().feedback().find(Filters.eq("leadId", leadId)).first().getString("intent"))
        .isEqualTo("opt_out");
  }

  @Test
  void aMessageHeldByTheGateIsListedAndSentOnceApproved() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "held-" + UUID.randomUUID();
    // The seeded templates are English: for a Portuguese-speaking lead the gate holds them.
    String body =
        leadJson(leadId, phone()).replace("\"timezone\"", "\"locale\":\"pt-BR\",\"timezone\"");

    postJson("/api/leads", body);
    await(
        "held",
        Duration.ofSeconds(20),
        () -> "awaiting_approval".equals(store().contact(leadId).getString("stage")));
    JsonNode pending = json.readTree(get("/api/approvals").body()).path("pending");
    JsonNode mine = null;
    for (JsonNode p : pending) {
      if (leadId.equals(p.path("leadId").asText())) {
        mine = p;
      }
    }
    assertThat(mine).isNotNull();
    assertThat(mine.path("gate").path("decision").asText()).isEqualTo("hold");
    assertThat(mine.path("gate").path("checks").path("languageMatchesLocale").asBoolean())
        .isFalse();
    assertThat(store().messagesOf(leadId).get(0).getString("wamid")).isNull();

    HttpResponse<String> invalid =
        postJson("/api/leads/" + leadId + "/approval", "{\"decision\":\"maybe\"}");
    HttpResponse<String> editOfTemplate =
        postJson("/api/leads/" + leadId + "/approval", "{\"decision\":\"edit\",\"text\":\"Olá!\"}");
    HttpResponse<String> selfNamed =
        postJson(
            "/api/leads/" + leadId + "/approval",
            "{\"decision\":\"approve\",\"approver\":\"quality-gate\"}");
    HttpResponse<String> approved =
        postJson("/api/leads/" + leadId + "/approval", "{\"decision\":\"approve\"}");
    HttpResponse<String> again =
        postJson("/api/leads/" + leadId + "/approval", "{\"decision\":\"approve\"}");

    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(invalid.body()).contains("decision");
    assertThat(editOfTemplate.statusCode()).isEqualTo(409);
    assertThat(editOfTemplate.body()).contains("template");
    // The approver is whoever the token authenticated, never what the body claims.
    assertThat(selfNamed.statusCode()).isEqualTo(422);
    assertThat(selfNamed.body()).contains("approver");
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
    assertThat(json.readTree(approved.body()).path("approver").asText()).isEqualTo("operator");
    assertThat(again.statusCode()).isEqualTo(409);
    await(
        "sent",
        Duration.ofSeconds(20),
        () -> store().messagesOf(leadId).get(0).getString("wamid") != null);
    Document message = store().messagesOf(leadId).get(0);
    assertThat(message.get("approval", Document.class).getString("by")).isEqualTo("operator");
    assertThat(message.get("approval", Document.class).getString("status")).isEqualTo("approve");
  }

  @Test
  void disablingAVariantReachesLeadsInFlightAndNewAssignmentsSkipIt() throws Exception {
    emulator().setBehaviour(ackOnly());
    String variant = "kill-" + UUID.randomUUID().toString().substring(0, 8);
    String body =
        """
        {"variantId":"%s","segments":["*"],"angle":"speed to value","weight":1,
         "templates":{"first_contact":{"name":"intro_k","language":"en",
           "body":"Hi {{firstName}}, I saw that {{fact}}. Shall we talk?"},
          "follow_up_read":{"name":"fu_k","language":"en","body":"Hi {{firstName}}, any thoughts?"}}}
        """
            .formatted(variant);
    HttpResponse<String> bad =
        postJson("/api/variants", body.replace("{{firstName}}, any", "{{firstname}}, any"));
    assertThat(bad.statusCode()).isEqualTo(422);
    assertThat(bad.body()).contains("templates.follow_up_read.body").contains("{{firstname}}");
    assertThat(postJson("/api/variants", body).statusCode()).isEqualTo(201);
    assertThat(postJson("/api/variants", body).statusCode()).isEqualTo(409);
    // Only the new variant is enabled for a moment, so the next lead gets it.
    List<String> others = new java.util.ArrayList<>();
    for (JsonNode v : json.readTree(get("/api/variants").body()).path("variants")) {
      String id = v.path("variantId").asText();
      if (!id.equals(variant) && v.path("enabled").asBoolean()) {
        others.add(id);
        postJson("/api/variants/" + id + "/disable", "");
      }
    }
    String leadId = "kill-" + UUID.randomUUID();
    try {
      enrolAndAwaitFirstSend(leadId, phone());
      assertThat(store().contact(leadId).getString("variantId")).isEqualTo(variant);
    } finally {
      for (String id : others) {
        postJson("/api/variants/" + id + "/enable", "");
      }
    }

    long reach =
        json.readTree(get("/api/variants/" + variant + "/in-flight").body())
            .path("inFlight")
            .asLong();
    assertThat(reach).as("the confirmation's figure").isGreaterThanOrEqualTo(1);
    assertThat(get("/api/variants/no-such-variant/in-flight").statusCode()).isEqualTo(404);
    HttpResponse<String> disabled = postJson("/api/variants/" + variant + "/disable", "");

    assertThat(disabled.statusCode()).isEqualTo(200);
    JsonNode killSwitch = json.readTree(disabled.body()).path("killSwitch");
    assertThat(killSwitch.path("inFlight").asLong()).isGreaterThanOrEqualTo(1);
    String fanOut = killSwitch.path("workflowId").asText();
    assertThat(fanOut).startsWith("kill-switch-" + variant + "-");
    // The fan-out is a workflow: followed through the API until it has reached every lead.
    await(
        "the kill-switch reached every in-flight lead",
        Duration.ofSeconds(30),
        () -> {
          try {
            JsonNode progress = json.readTree(get("/api/variants/kill-switches/" + fanOut).body());
            return progress.path("done").asBoolean() && progress.path("signalled").asInt() >= 1;
          } catch (Exception e) {
            return false;
          }
        });
    assertThat(get("/api/variants/kill-switches/kill-switch-nope").statusCode()).isEqualTo(404);
    // The lead is parked on its 6 s follow-up timer; its next send uses another variant.
    await(
        "follow-up on another variant",
        Duration.ofSeconds(30),
        () -> store().messagesOf(leadId).size() >= 2);
    assertThat(store().messagesOf(leadId).get(1).getString("variantId")).isNotEqualTo(variant);
    assertThat(store().interactions(leadId))
        .anyMatch(d -> "variant_switched".equals(d.getString("type")));
  }

  // ---- enrolment API

  @Test
  void theSameLeadIdTwiceStartsNoSecondWorkflow() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "dup-" + UUID.randomUUID();
    String body = leadJson(leadId, phone());

    HttpResponse<String> first = postJson("/api/leads", body);
    HttpResponse<String> second = postJson("/api/leads", body);

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(json.readTree(second.body()).path("status").asText()).isEqualTo("already_enrolled");
    assertThat(json.readTree(second.body()).path("message").asText())
        .contains("no second workflow");
    assertThat(store().contacts().countDocuments(Filters.eq("leadId", leadId))).isEqualTo(1);
  }

  @Test
  void badFieldsAreNamedWith422AndMalformedJsonWith400() throws Exception {
    HttpResponse<String> invalid =
        postJson("/api/leads", "{\"name\":\"A\",\"phone\":\"+1 555\",\"company\":\"C\"}");
    HttpResponse<String> wrongType =
        postJson("/api/leads", "{\"name\":\"A\",\"consent\":{\"whatsappOptIn\":\"sure\"}}");
    HttpResponse<String> unknownField = postJson("/api/leads", "{\"nmae\":\"A\"}");

    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(json.readTree(invalid.body()).findValuesAsText("field"))
        .contains("phone", "consent");
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(json.readTree(wrongType.body()).findValuesAsText("field"))
        .containsExactly("consent.whatsappOptIn");
    assertThat(unknownField.statusCode()).isEqualTo(400);
    assertThat(unknownField.body()).contains("nmae");
  }

  @Test
  void theApiNeedsTheTokenAndUnknownLeadsAre404() throws Exception {
    HttpResponse<String> anonymous =
        send(HttpRequest.newBuilder(URI.create(url("/api/leads"))).GET());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(get("/api/leads/no-such-lead").statusCode()).isEqualTo(404);
  }

  @Test
  void aCsvImportEnrolsGoodRowsAndReportsBadOnesByLine() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "import-" + UUID.randomUUID();
    String csv =
        "leadId,name,phone,company,timezone,campaignId,consentOptIn,consentSource,consentAt\n"
            + "csv-a-"
            + campaign
            + ",Ana,"
            + phone()
            + ",Acme,UTC,"
            + campaign
            + ",true,form,2026-11-20T10:00:00Z\n"
            + "csv-b-"
            + campaign
            + ",Bo,not-a-phone,Beta,UTC,"
            + campaign
            + ",true,form,2026-11-20T10:00:00Z\n"
            + "csv-c-"
            + campaign
            + ",Cy,"
            + phone()
            + ",Gamma,UTC,"
            + campaign
            + ",false,form,2026-11-20T10:00:00Z\n"
            + "csv-d-"
            + campaign
            + ",Di,"
            + phone()
            + ",Delta,UTC,"
            + campaign
            + ",true,form,2026-11-20T10:00:00Z\n";

    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)));

    assertThat(response.statusCode()).isEqualTo(200);
    List<JsonNode> lines = response.body().lines().map(this::parse).toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0).path("line").asInt()).isEqualTo(2);
    assertThat(lines.get(0).path("status").asText()).isEqualTo("enrolled");
    assertThat(lines.get(1).path("line").asInt()).isEqualTo(3);
    assertThat(lines.get(1).path("status").asText()).isEqualTo("rejected");
    assertThat(lines.get(1).findValuesAsText("field")).containsExactly("phone");
    assertThat(lines.get(2).findValuesAsText("field")).containsExactly("consent.whatsappOptIn");
    assertThat(lines.get(3).path("status").asText()).isEqualTo("enrolled");
    assertThat(lines.get(4).path("summary").path("enrolled").asInt()).isEqualTo(2);
    assertThat(lines.get(4).path("summary").path("rejected").asInt()).isEqualTo(2);
    assertThat(store().countContacts(null, campaign)).isEqualTo(2);
  }

  @Test
  void aJsonLinesImportReportsMalformedLines() throws Exception {
    emulator().setBehaviour(ackOnly());
    String id = "jsonl-" + UUID.randomUUID();
    String body =
        leadJson(id, phone()).replace("\n", " ")
            + "\n{not json\n\n"
            + leadJson(id, phone()).replace("\n", " ")
            + "\n";

    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body)));

    List<JsonNode> lines = response.body().lines().map(this::parse).toList();
    assertThat(lines.get(0).path("status").asText()).isEqualTo("enrolled");
    assertThat(lines.get(1).path("line").asInt()).isEqualTo(2);
    assertThat(lines.get(1).path("status").asText()).isEqualTo("rejected");
    assertThat(lines.get(2).path("line").asInt()).isEqualTo(4);
    assertThat(lines.get(2).path("status").asText()).isEqualTo("already_enrolled");
  }

  @Test
  void anUnsupportedImportTypeIs415() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString("<leads/>")));
    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(response.body()).contains("Content-Type");
  }

  // ---- webhook

  @Test
  void theVerificationHandshakeEchoesTheChallengeOnlyForTheRightToken() throws Exception {
    String good =
        "/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token="
            + URLEncoder.encode(emulator().verifyToken(), StandardCharsets.UTF_8);
    HttpResponse<String> ok = send(HttpRequest.newBuilder(URI.create(url(good))));
    HttpResponse<String> wrong =
        send(
            HttpRequest.newBuilder(
                URI.create(
                    url(
                        "/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope"))));

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("1158201444");
    assertThat(wrong.statusCode()).isEqualTo(403);
  }

  @Test
  void aMissingOrWrongSignatureIs401AndNothingIsStored() throws Exception {
    // The shared emulator posts webhooks of other tests at any moment: count this body's events
    // only.
    String wamid = "wamid.unsigned-" + UUID.randomUUID();
    String body =
        notification(
            emulator().phoneNumberId(),
            "\"statuses\":[{\"id\":\""
                + wamid
                + "\",\"status\":\"read\",\"timestamp\":\"1764064800\",\"recipient_id\":\"5511900000000\"}]");

    HttpResponse<String> missing = webhook(body, null);
    HttpResponse<String> wrong =
        webhook(
            body,
            new WebhookSignature("not-the-secret").sign(body.getBytes(StandardCharsets.UTF_8)));

    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(store().webhookEvents().countDocuments(Filters.regex("eventKey", wamid))).isZero();
  }

  @Test
  void batchedStatusesAreStoredOnceAndDuplicatesChangeNothing() throws Exception {
    String wamidA = "wamid.batch-a-" + UUID.randomUUID();
    String wamidB = "wamid.batch-b-" + UUID.randomUUID();
    String body =
        notification(
            emulator().phoneNumberId(),
            ("\"statuses\":["
                    + "{\"id\":\"%1$s\",\"status\":\"delivered\",\"timestamp\":\"1764064800\",\"recipient_id\":\"5511900000001\"},"
                    + "{\"id\":\"%1$s\",\"status\":\"read\",\"timestamp\":\"1764064860\",\"recipient_id\":\"5511900000001\"},"
                    + "{\"id\":\"%2$s\",\"status\":\"failed\",\"timestamp\":\"1764064900\",\"recipient_id\":\"5511900000002\","
                    + "\"errors\":[{\"code\":131026,\"title\":\"Message undeliverable\"}]}]")
                .formatted(wamidA, wamidB));

    HttpResponse<String> first = webhook(body, sign(body));
    HttpResponse<String> again = webhook(body, sign(body));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(json.readTree(first.body()).path("stored").asInt()).isEqualTo(3);
    assertThat(json.readTree(again.body()).path("stored").asInt()).isZero();
    assertThat(json.readTree(again.body()).path("duplicates").asInt()).isEqualTo(3);
    assertThat(store().webhookEvents().countDocuments(Filters.regex("eventKey", "batch-")))
        .isEqualTo(3);
    // Statuses for wamids not stored (yet) wait for their message instead of being dropped: the
    // sweep looks again until the grace period ends. Never a crash.
    await(
        "kept pending",
        Duration.ofSeconds(10),
        () ->
            store()
                    .webhookEvents()
                    .countDocuments(
                        Filters.and(
                            Filters.regex("eventKey", wamidA),
                            Filters.eq("processed", false),
                            Filters.exists("nextAttemptAt")))
                == 2);
  }

  @Test
  void aStatusForAKnownMessageUpdatesItAndReachesTheWorkflow() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "status-" + UUID.randomUUID();
    String wamid = enrolAndAwaitFirstSend(leadId, phone());
    long ts = Instant.now().getEpochSecond();
    String read =
        notification(
            emulator().phoneNumberId(),
            "\"statuses\":[{\"id\":\"%s\",\"status\":\"read\",\"timestamp\":\"%d\",\"recipient_id\":\"5511900000009\"}]"
                .formatted(wamid, ts));

    assertThat(webhook(read, sign(read)).statusCode()).isEqualTo(200);

    await(
        "read in MongoDB",
        Duration.ofSeconds(10),
        () -> "read".equals(store().messageByWamid(wamid).getString("status")));
    await(
        "read in the workflow",
        Duration.ofSeconds(10),
        () -> state(leadId).messages().get(0).readAt() != null);
    assertThat(state(leadId).nextAction()).isEqualTo("follow_up_read");
  }

  @Test
  void aNotNowReplyIsTriagedAndSnoozesTheLead() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "snooze-" + UUID.randomUUID();
    String phone = phone();
    String wamid = enrolAndAwaitFirstSend(leadId, phone);
    String reply =
        notification(
            emulator().phoneNumberId(),
            ("\"messages\":[{\"from\":\"%s\",\"id\":\"wamid.in-%s\",\"timestamp\":\"%d\",\"type\":\"text\","
                    + "\"text\":{\"body\":\"Not now, maybe next quarter. Budget reviews first.\"},"
                    + "\"context\":{\"from\":\"15550000000\",\"id\":\"%s\"}}]")
                .formatted(
                    phone.substring(1), UUID.randomUUID(), Instant.now().getEpochSecond(), wamid));

    assertThat(webhook(reply, sign(reply)).statusCode()).isEqualTo(200);

    await(
        "snoozed",
        Duration.ofSeconds(15),
        () -> "snoozed".equals(store().contact(leadId).getString("stage")));
    Document feedback = store().feedback().find(Filters.eq("leadId", leadId)).first();
    assertThat(feedback.getString("intent")).isEqualTo("not_now");
    assertThat(feedback.getString("notBefore")).matches("\\d{4}-(01|04|07|10)-01");
    assertThat(feedback.getString("classifier")).isEqualTo("lexicon-v1");
    assertThat(feedback.getList("keywords", String.class)).contains("quarter");
    Document persona =
        app()
            .connections()
            .mongo()
            .database()
            .getCollection("personas")
            .find(Filters.eq("leadId", leadId))
            .first();
    assertThat(persona.getList("keywords", String.class)).contains("quarter", "budget");
    assertThat(state(leadId).stage()).isEqualTo(Stage.SNOOZED);
  }

  @Test
  void metasMarketingStopPreferenceOptsTheLeadOut() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "pref-" + UUID.randomUUID();
    String phone = phone();
    enrolAndAwaitFirstSend(leadId, phone);
    String preference =
        notification(
            emulator().phoneNumberId(),
            ("\"user_preferences\":[{\"wa_id\":\"%s\",\"detail\":\"User requested to stop marketing messages\","
                    + "\"category\":\"marketing_messages\",\"value\":\"stop\",\"timestamp\":%d}]")
                .formatted(phone.substring(1), Instant.now().getEpochSecond()));

    assertThat(webhook(preference, sign(preference)).statusCode()).isEqualTo(200);

    await(
        "opted out",
        Duration.ofSeconds(15),
        () -> "opted_out".equals(store().contact(leadId).getString("stage")));
    assertThat(store().contact(leadId).getString("doNotContactSource"))
        .isEqualTo("marketing_preference");
  }

  @Test
  void nonAsciiRepliesKeepTheirTextAndNotificationsForOtherNumbersAreIgnored() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "utf8-" + UUID.randomUUID();
    String phone = phone();
    String wamid = enrolAndAwaitFirstSend(leadId, phone);
    String text = "Olá! Ça m'intéresse — 請聯繫我 ✓";
    String reply =
        notification(
            emulator().phoneNumberId(),
            ("\"contacts\":[{\"profile\":{\"name\":\"Zoë\"},\"wa_id\":\"%1$s\"}],"
                    + "\"messages\":[{\"from\":\"%1$s\",\"id\":\"wamid.in-%2$s\",\"timestamp\":\"%3$d\",\"type\":\"text\","
                    + "\"text\":{\"body\":\"%4$s\"},\"context\":{\"from\":\"15550000000\",\"id\":\"%5$s\"}}]")
                .formatted(
                    phone.substring(1),
                    UUID.randomUUID(),
                    Instant.now().getEpochSecond(),
                    text,
                    wamid));
    String foreign =
        notification(
            "999999999",
            "\"statuses\":[{\"id\":\"%s\",\"status\":\"read\",\"timestamp\":\"1\",\"recipient_id\":\"x\"}]"
                .formatted(wamid));

    HttpResponse<String> ignored = webhook(foreign, sign(foreign));
    HttpResponse<String> accepted = webhook(reply, sign(reply));

    assertThat(json.readTree(ignored.body()).path("ignored").asInt()).isEqualTo(1);
    assertThat(json.readTree(ignored.body()).path("stored").asInt()).isZero();
    assertThat(accepted.statusCode()).isEqualTo(200);
    await(
        "replied",
        Duration.ofSeconds(15),
        () -> "replied".equals(store().contact(leadId).getString("stage")));
    Document feedback = store().feedback().find(Filters.eq("leadId", leadId)).first();
    assertThat(feedback.getString("text")).isEqualTo(text);
    assertThat(feedback.getString("wamid")).isEqualTo(wamid);
  }

  @Test
  void theIncrementalCountersAgreeWithTheAggregationOverTheHistory() throws Exception {
    emulator()
        .setBehaviour(
            new EmulatorBehaviour(
                "realistic",
                1.0,
                0.5,
                0.5,
                0.0,
                1,
                50,
                100,
                200,
                300,
                List.of("Sounds great", "Too expensive for us"),
                List.of("STOP"),
                11));
    List<String> leads = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String leadId = "counters-" + i + "-" + UUID.randomUUID();
      postJson("/api/leads", leadJson(leadId, phone()));
      leads.add(leadId);
    }
    for (String leadId : leads) {
      await(
          "first send of " + leadId,
          Duration.ofSeconds(30),
          () -> store().messagesOf(leadId).stream().anyMatch(m -> m.getString("wamid") != null));
    }
    // Compare once every lead has its outcome and the inbox is idle: the rows then hold
    // delivered, read and replied too, not only what the sends counted.
    for (String leadId : leads) {
      await(
          "an outcome for " + leadId,
          Duration.ofSeconds(60),
          () -> Stage.valueOf(store().contact(leadId).getString("stage").toUpperCase()).terminal());
    }
    await(
        "the inbox to be idle",
        Duration.ofSeconds(30),
        () -> store().webhookEvents().countDocuments(Filters.eq("processed", false)) == 0);
    String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
    String path =
        "/api/analytics/variants/counters?from="
            + java.time.LocalDate.parse(today).minusDays(1)
            + "&to="
            + java.time.LocalDate.parse(today).plusDays(1);
    JsonNode answer = json.readTree(get(path).body());
    assertThat(answer.path("differing")).as(answer.toString()).isEmpty();
    assertThat(answer.path("agree").asBoolean()).isTrue();
    assertThat(answer.path("rows").asInt()).isPositive();
    Map<String, Long> totals = new java.util.HashMap<>();
    for (Document d :
        store().database().getCollection("variant_stats").find(Filters.eq("day", today))) {
      for (String field : List.of("assigned", "sent", "delivered", "read", "replied")) {
        Number n = d.get(field, Number.class);
        totals.merge(field, n == null ? 0L : n.longValue(), Long::sum);
      }
    }
    // Exact where the test knows the truth: every lead assigned once; every message the
    // emulator accepted counted once as sent (no tolerance that could hide a double count).
    assertThat(totals.get("assigned")).isGreaterThanOrEqualTo(leads.size());
    long sentHere =
        store()
            .messages()
            .countDocuments(
                Filters.and(Filters.in("leadId", leads), Filters.exists("wamid", true)));
    long sentStored =
        store()
            .history()
            .countDocuments(
                Filters.and(Filters.in("meta.leadId", leads), Filters.eq("type", "message_sent")));
    assertThat(sentStored).isEqualTo(sentHere);
    assertThat(totals.get("delivered")).isPositive();
    assertThat(totals.get("read")).isPositive();
    assertThat(totals.get("replied")).isPositive();

    HttpResponse<String> bad = get("/api/analytics/variants/counters?from=yesterday&to=" + today);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("\"field\":\"from\"");
    HttpResponse<String> reversed =
        postJson("/api/analytics/variants/counters/rebuild?from=" + today + "&to=2020-01-01", "");
    assertThat(reversed.statusCode()).isEqualTo(400);
    assertThat(reversed.body()).contains("\"field\":\"to\"");
    HttpResponse<String> openDay =
        postJson("/api/analytics/variants/counters/rebuild?from=" + today + "&to=" + today, "");
    assertThat(openDay.statusCode()).isEqualTo(400);
    assertThat(openDay.body()).contains("closed days");
  }

  @Test
  void aLosingArmIsAutoDisabledOnRequestAuditedAndLiftedByAnOperatorEnable() throws Exception {
    var db = store().database();
    String segment = "auto-" + UUID.randomUUID().toString().substring(0, 8);
    for (String[] arm : new String[][] {{"v-cost", "60"}, {"v-scaling", "4"}, {"v-speed", "55"}}) {
      db.getCollection("variant_stats")
          .insertOne(
              new Document("variantId", arm[0])
                  .append("segment", segment)
                  .append("day", "2026-11-01")
                  .append("assigned", 300L)
                  .append("replied", Long.parseLong(arm[1])));
    }
    var configs = db.getCollection("agent_configurations");
    Document before = configs.find(Filters.eq("configId", "default")).first();
    try {
      configs.updateOne(
          Filters.eq("configId", "default"),
          com.mongodb.client.model.Updates.set(
              "autoDisable",
              new Document("enabled", true)
                  .append("minSamples", 200)
                  .append("maxProbabilityToBeBest", 0.02)
                  .append("consecutiveChecks", 1)));

      HttpResponse<String> checked = postJson("/api/variants/auto-disable/check", "");

      assertThat(checked.statusCode()).as(checked.body()).isEqualTo(200);
      assertThat(checked.body()).contains(segment).contains("v-scaling");
      Document config = configs.find(Filters.eq("configId", "default")).first();
      assertThat(config.get("autoDisabled", Document.class).getList(segment, String.class))
          .containsExactly("v-scaling");
      assertThat(
              db.getCollection("audit_log")
                  .countDocuments(
                      Filters.and(
                          Filters.eq("action", "variant_auto_disabled"),
                          Filters.eq("segment", segment))))
          .isEqualTo(1);
      JsonNode analytics = json.readTree(get("/api/analytics/variants?segment=" + segment).body());
      for (JsonNode v : analytics.path("variants")) {
        assertThat(v.path("autoDisabled").asBoolean())
            .as(v.path("variantId").asText())
            .isEqualTo("v-scaling".equals(v.path("variantId").asText()));
      }

      assertThat(postJson("/api/variants/v-scaling/enable", "").statusCode()).isEqualTo(200);

      config = configs.find(Filters.eq("configId", "default")).first();
      assertThat(config.get("autoDisabled", Document.class).getList(segment, String.class))
          .isEmpty();
      assertThat(
              db.getCollection("audit_log")
                  .countDocuments(
                      Filters.and(
                          Filters.eq("action", "variant_enabled"),
                          Filters.eq("variantId", "v-scaling"))))
          .isPositive();
    } finally {
      configs.updateOne(
          Filters.eq("configId", "default"),
          com.mongodb.client.model.Updates.set("autoDisable", before.get("autoDisable")));
    }
  }

  /** Enrols a lead and returns the wamid of its first message once the emulator accepted it. */
  private String enrolAndAwaitFirstSend(String leadId, String phone) throws Exception {
    postJson("/api/leads", leadJson(leadId, phone));
    await(
        "sent",
        Duration.ofSeconds(20),
        () -> store().messagesOf(leadId).stream().anyMatch(m -> m.getString("wamid") != null));
    return store().messagesOf(leadId).get(0).getString("wamid");
  }

  private JsonNode parse(String line) {
    try {
      return json.readTree(line);
    } catch (Exception e) {
      throw new AssertionError(line, e);
    }
  }

  private static EmulatorBehaviour ackOnly() {
    return new EmulatorBehaviour(
        "ack_only", 1.0, 0.0, 0.0, 0.0, 0, 50, 100, 0, 0, List.of("x"), List.of("STOP"), 1);
  }
}
