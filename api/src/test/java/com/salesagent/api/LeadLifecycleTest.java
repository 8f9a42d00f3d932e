package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Interactions;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.workflows.lead.Stage;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A lead's lifecycle end to end on the embedded stack, through the WhatsApp emulator's real HTTP,
 * signature and parsing path: enrolment, the first send, signed status callbacks, the follow-up and
 * the reply, with its meters, counters and analytics; and an opt-out reply ending the lead.
 */
final class LeadLifecycleTest extends AppTestHarness {
  @Test
  void enrolSendSignedCallbacksFollowUpAndAnInterestedReply() throws Exception {
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
        "interested",
        Duration.ofSeconds(40),
        () -> "interested".equals(store().contact(leadId).getString("stage")));

    List<Document> messages = store().messages().messagesOf(leadId);
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
        .containsPattern("sales_agent_webhook_events_total\\{[^}]*kind=\"status\"")
        .containsPattern("sales_agent_follow_up_lateness_seconds_count(\\{[^}]*})? [1-9]")
        .contains("sales_agent_follow_up_lateness_seconds_bucket");
    assertThat(messages.get(0).getString("kind")).isEqualTo("template");
    assertThat(messages.get(1).getString("purpose")).isEqualTo("follow_up_read");
    Document feedback = store().feedback().find(Filters.eq("leadId", leadId)).first();
    assertThat(feedback.getString("text")).isEqualTo("Sounds great, call me tomorrow");
    assertThat(feedback.getString("wamid")).isEqualTo(messages.get(1).getString("wamid"));
    List<String> types =
        store().interactions().timeline(leadId).stream().map(d -> d.getString("type")).toList();
    assertThat(types)
        .contains(
            "enrolled",
            "researched",
            "variant_assigned",
            "message_sent",
            "delivered",
            "read",
            "replied",
            "interested");
    // "Sounds great, call me tomorrow": interested, the workflow goes on until its outcome.
    assertThat(state(leadId).stage()).isEqualTo(Stage.INTERESTED);
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
                  .interactions()
                  .collection()
                  .countDocuments(
                      Filters.and(
                          Filters.eq("type", "message_sent"),
                          Interactions.eventOfVariant(variant),
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
    assertThat(view.path("stage").asText()).isEqualTo("interested");
    assertThat(view.path("messages")).hasSize(2);
    assertThat(view.path("workflow").path("stage").asText()).isEqualTo("INTERESTED");
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
        .until(() -> store().messages().messagesOf(leadId).size() == 1);

    Document contact = store().contact(leadId);
    assertThat(contact.getBoolean("doNotContact")).isTrue();
    assertThat(store().messages().messagesOf(leadId)).hasSize(1);
    assertThat(store().feedback().find(Filters.eq("leadId", leadId)).first().getString("intent"))
        .isEqualTo("opt_out");
  }

  /**
   * Through the real path (the emulator's signed delivery report marks the lead delivered): the
   * number, silent, is not enrolled by another campaign's lead (409 {@code recently_contacted}
   * naming {@code phone}, nothing stored), and is with {@code ?recontact=true}.
   */
  @Test
  void aNumberOurMessageReachedThatNeverAnsweredIsNotEnrolledAgainUnlessAnOperatorSaysSo()
      throws Exception {
    emulator()
        .setBehaviour(
            new EmulatorBehaviour(
                "realistic",
                1.0,
                0.0,
                0.0,
                0.0,
                1,
                50,
                100,
                200,
                300,
                List.of("ok"),
                List.of("STOP"),
                7));
    String leadId = "silent-" + UUID.randomUUID();
    String phone = phone();
    enrolAndAwaitFirstSend(leadId, phone);
    await(
        "delivered",
        Duration.ofSeconds(20),
        () -> store().contact(leadId).get("funnel", Document.class).get("delivered") != null);

    String again = "silent-again-" + UUID.randomUUID();
    String other =
        leadJson(again, phone).replace("\"company\"", "\"campaignId\":\"autumn\",\"company\"");
    HttpResponse<String> refused = postJson("/api/leads", other);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    JsonNode body = json.readTree(refused.body());
    assertThat(body.path("status").asText()).isEqualTo("recently_contacted");
    assertThat(body.path("earlierLeadId").asText()).isEqualTo(leadId);
    assertThat(body.path("errors").get(0).path("field").asText()).isEqualTo("phone");
    assertThat(refused.body()).doesNotContain(phone.substring(3));
    assertThat(store().contact(again)).isNull();

    HttpResponse<String> meant = postJson("/api/leads?recontact=true", other);
    assertThat(meant.statusCode()).as(meant.body()).isEqualTo(202);
    assertThat(store().contact(again).getString("campaignId")).isEqualTo("autumn");
  }
}
