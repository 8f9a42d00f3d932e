package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The quality gate on the embedded stack: a message it holds is listed for approval, the approval
 * API refuses bad decisions, an edit of a template and an approver named in the body, and the
 * approved message is sent.
 */
final class ApprovalsApplicationTest extends AppTestHarness {
  @Test
  void aMessageHeldByTheGateIsListedAndSentOnceApproved() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "held-" + UUID.randomUUID();
    // The seeded templates have no French translation: a French-speaking lead gets the English
    // fallback, which the gate holds.
    String body =
        leadJson(leadId, phone()).replace("\"timezone\"", "\"locale\":\"fr-FR\",\"timezone\"");

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
    // A first contact goes as an approved template: the reviewer is not offered an edit that the
    // workflow refuses (the dashboard showed "Send edited", which always failed with 409).
    assertThat(mine.path("editable").isBoolean()).isTrue();
    assertThat(mine.path("editable").asBoolean()).isFalse();
    assertThat(mine.path("gate").path("checks").path("languageMatchesLocale").asBoolean())
        .isFalse();
    assertThat(store().messages().messagesOf(leadId).get(0).getString("wamid")).isNull();

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
    assertThat(json.readTree(approved.body()).path("outcome").asText()).isEqualTo("send");
    // The same decision sent again (a retry, a double click) answers as the first.
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(again.body()).isEqualTo(approved.body());
    HttpResponse<String> otherwise =
        postJson("/api/leads/" + leadId + "/approval", "{\"decision\":\"reject\"}");
    assertThat(otherwise.statusCode()).isEqualTo(409);
    assertThat(otherwise.body()).contains("decided already");
    await(
        "sent",
        Duration.ofSeconds(20),
        () -> store().messages().messagesOf(leadId).get(0).getString("wamid") != null);
    Document message = store().messages().messagesOf(leadId).get(0);
    assertThat(message.get("approval", Document.class).getString("by")).isEqualTo("operator");
    assertThat(message.get("approval", Document.class).getString("status")).isEqualTo("approve");
    // The lead's timeline says once that it waited for a reviewer, with the gate's score.
    List<Document> requested =
        store().interactions().timeline(leadId).stream()
            .filter(e -> "approval_requested".equals(e.getString("type")))
            .toList();
    assertThat(requested).hasSize(1);
    assertThat(requested.get(0).getString("detail")).startsWith("gate score ");
    assertThat(store().interactions().timeline(leadId))
        .filteredOn(e -> "approval_approve".equals(e.getString("type")))
        .hasSize(1);
  }

  /** The pending approval of the lead, or null. */
  private JsonNode pendingOf(String leadId) throws Exception {
    for (JsonNode p : json.readTree(get("/api/approvals").body()).path("pending")) {
      if (leadId.equals(p.path("leadId").asText())) {
        return p;
      }
    }
    return null;
  }

  @Test
  void approvingAMessageWhoseVariantWasSwitchedOffSaysItIsRecomposedNotSent() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "held-off-" + UUID.randomUUID();
    // A French-speaking lead: the English fallback is held by the gate (see above).
    postJson(
        "/api/leads",
        leadJson(leadId, phone()).replace("\"timezone\"", "\"locale\":\"fr-FR\",\"timezone\""));
    await(
        "held",
        Duration.ofSeconds(20),
        () -> "awaiting_approval".equals(store().contact(leadId).getString("stage")));
    JsonNode held = pendingOf(leadId);
    String key = held.path("idempotencyKey").asText();
    String variant = held.path("variantId").asText();

    HttpResponse<String> notTheOneSeen =
        postJson(
            "/api/leads/" + leadId + "/approval",
            "{\"decision\":\"approve\",\"idempotencyKey\":\"lead-x-send-9\"}");
    assertThat(notTheOneSeen.statusCode()).isEqualTo(409);
    assertThat(notTheOneSeen.body()).contains("is not the one waiting");

    assertThat(postJson("/api/variants/" + variant + "/disable", "").statusCode()).isEqualTo(200);
    try {
      HttpResponse<String> approved =
          postJson(
              "/api/leads/" + leadId + "/approval",
              "{\"decision\":\"approve\",\"idempotencyKey\":\"" + key + "\"}");

      assertThat(approved.statusCode()).as(approved.body()).isEqualTo(409);
      JsonNode answer = json.readTree(approved.body());
      assertThat(answer.path("reason").asText()).isEqualTo("variant_switched_off");
      assertThat(answer.path("variantId").asText()).isEqualTo(variant);
      assertThat(answer.path("idempotencyKey").asText()).isEqualTo(key);
      assertThat(answer.path("outcome").asText()).isEqualTo("recompose");
      assertThat(answer.path("message").asText()).contains("switched off").contains("not sent");
      // What the answer said happens: composed again on another variant, held again.
      await(
          "held again, recomposed",
          Duration.ofSeconds(30),
          () -> {
            try {
              JsonNode again = pendingOf(leadId);
              return again != null && !key.equals(again.path("idempotencyKey").asText());
            } catch (Exception e) {
              return false;
            }
          });
      assertThat(pendingOf(leadId).path("variantId").asText()).isNotEqualTo(variant);
      assertThat(
              store().messages().messagesOf(leadId).stream()
                  .filter(m -> m.getString("wamid") != null))
          .as("the switched-off variant's text never went out")
          .isEmpty();
    } finally {
      postJson("/api/variants/" + variant + "/enable", "");
    }
  }
}
