package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.api.embedded.EmulatorMedia;
import com.salesagent.api.webhook.WebhookSignature;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Erasure on request on the embedded stack: a lead that answered with a photo is erased; its
 * documents, its media object, its raw webhook payloads and its workflow are gone, its number stays
 * suppressed, the erasure is audited; another lead that sent the same photo keeps it.
 */
final class ErasureApplicationTest extends AppTestHarness {
  private HttpResponse<String> delete(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).DELETE();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b);
  }

  private void webhook(String body) throws Exception {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create(url("/webhooks/whatsapp")))
                .header("Content-Type", "application/json")
                .header(
                    "X-Hub-Signature-256",
                    new WebhookSignature(emulator().appSecret())
                        .sign(body.getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(r.statusCode()).isEqualTo(200);
  }

  private void replyWithPhoto(String phone, String wamid, String mediaId, String tag)
      throws Exception {
    String from = phone.substring(1);
    String body =
        ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"waba-1\",\"changes\":"
                + "[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
                + "\"metadata\":{\"display_phone_number\":\"15550000000\",\"phone_number_id\":"
                + "\"%s\"},\"messages\":[{\"from\":\"%s\",\"id\":\"wamid.photo-%s\","
                + "\"timestamp\":\"1764064800\",\"context\":{\"id\":\"%s\"},\"type\":\"image\","
                + "\"image\":{\"caption\":\"Interested, here is our floor plan\","
                + "\"mime_type\":\"image/png\",\"id\":\"%s\"}}]}}]}]}")
            .formatted(emulator().phoneNumberId(), from, tag, wamid, mediaId);
    webhook(body);
  }

  private void replyWithText(String phone, String id, String contextWamid, String text)
      throws Exception {
    String body =
        ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"waba-1\",\"changes\":"
                + "[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
                + "\"metadata\":{\"display_phone_number\":\"15550000000\",\"phone_number_id\":"
                + "\"%s\"},\"messages\":[{\"from\":\"%s\",\"id\":\"%s\",\"timestamp\":\"%d\","
                + "\"context\":{\"id\":\"%s\"},\"type\":\"text\",\"text\":{\"body\":\"%s\"}}]}}]}]}")
            .formatted(
                emulator().phoneNumberId(),
                phone.substring(1),
                id,
                java.time.Instant.now().getEpochSecond(),
                contextWamid,
                text);
    webhook(body);
  }

  private String erasureStatus(String leadId) {
    try {
      return json.readTree(get("/api/leads/" + leadId + "/erasure").body()).path("status").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Document storedMedia(String leadId) {
    for (Document f : store().feedback().find(Filters.eq("leadId", leadId))) {
      Document media = f.get("media", Document.class);
      if (media != null && "stored".equals(media.getString("status"))) {
        return media;
      }
    }
    return null;
  }

  @Test
  void anErasedLeadLeavesNoDocumentsMediaOrPayloadsAndStaysSuppressed() throws Exception {
    // The emulator's recipients only acknowledge: this test writes the replies. Left as an earlier
    // test set it on the shared application (LeadLifecycleTest's recipients all say stop), the
    // number would be suppressed by that stop before the erasure suppresses it.
    emulator().setBehaviour(ackOnly());
    String leadId = "erase-" + UUID.randomUUID();
    String otherId = "keep-" + UUID.randomUUID();
    String phone = phone();
    String otherPhone = phone();
    String wamid = enrolAndAwaitFirstSend(leadId, phone);
    String otherWamid = enrolAndAwaitFirstSend(otherId, otherPhone);
    // The same photo from both leads: one object in S3 (content-addressed), named by both.
    byte[] png = EmulatorMedia.samplePng("floor plan " + leadId);
    replyWithPhoto(phone, wamid, emulator().media().put("image/png", png), leadId);
    replyWithPhoto(otherPhone, otherWamid, emulator().media().put("image/png", png), otherId);
    await(
        "both photos stored",
        Duration.ofSeconds(30),
        () -> storedMedia(leadId) != null && storedMedia(otherId) != null);
    String url = storedMedia(leadId).getString("url");
    assertThat(storedMedia(otherId).getString("url")).isEqualTo(url);
    ObjectStorage s3 = app().connections().storage().storage();
    String key = url.replaceFirst("^s3://[^/]+/", "");
    MongoDatabase db = app().connections().mongo().database();
    String digits = phone.substring(1);
    assertThat(
            db.getCollection(Collections.WEBHOOK_EVENTS)
                .countDocuments(Filters.eq("partitionKey", digits)))
        .isPositive();

    // Bad requests first: nothing starts.
    assertThat(delete("/api/leads/" + leadId, null).statusCode()).isEqualTo(401);
    HttpResponse<String> bad = delete("/api/leads/" + leadId + "?keepSuppressed=maybe", TOKEN);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("keepSuppressed");
    HttpResponse<String> unknown = delete("/api/leads/nobody-" + UUID.randomUUID(), TOKEN);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(get("/api/leads/" + leadId + "/erasure").statusCode()).isEqualTo(404);

    HttpResponse<String> accepted =
        delete("/api/leads/" + leadId + "?reason=asked%20by%20email", TOKEN);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    assertThat(json.readTree(accepted.body()).path("workflowId").asText())
        .isEqualTo("erasure-" + leadId);
    // Asked twice (an operator's double click, a retried request): one erasure.
    assertThat(delete("/api/leads/" + leadId, TOKEN).statusCode()).isEqualTo(202);

    await("erased", Duration.ofSeconds(60), () -> "erased".equals(erasureStatus(leadId)));
    JsonNode report = json.readTree(get("/api/leads/" + leadId + "/erasure").body()).path("report");
    assertThat(report.path("first").path("documents").path("messages").asLong()).isPositive();
    assertThat(report.path("first").path("documents").path("feedback").asLong()).isPositive();
    // The dev server cannot delete histories; the report says so instead of claiming it did.
    assertThat(report.path("historiesKept").asText()).contains("retention");

    for (String collection :
        List.of(
            Collections.CONTACTS,
            Collections.MESSAGES,
            Collections.FEEDBACK,
            Collections.RESEARCH_RESULTS,
            Collections.PERSONAS)) {
      assertThat(db.getCollection(collection).countDocuments(Filters.eq("leadId", leadId)))
          .as(collection)
          .isZero();
    }
    assertThat(store().interactions().timeline(leadId)).isEmpty();
    assertThat(get("/api/leads/" + leadId).statusCode()).isEqualTo(404);
    assertThat(
            db.getCollection(Collections.WEBHOOK_EVENTS)
                .countDocuments(Filters.eq("partitionKey", digits)))
        .isZero();
    assertThat(
            db.getCollection(Collections.WEBHOOK_EVENTS)
                .countDocuments(Filters.and(Filters.exists("erasedAt"), Filters.exists("item"))))
        .isZero();
    // The other lead's photo is the same object: it stays, with its documents.
    assertThat(s3.exists(key)).isTrue();
    assertThat(storedMedia(otherId)).isNotNull();
    assertThat(
            app()
                .connections()
                .temporal()
                .client()
                .newUntypedWorkflowStub(LeadWorkflow.workflowId(leadId))
                .describe()
                .getStatus())
        .isIn(
            WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
            WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    // The number asked to be forgotten, not to be contacted again.
    Document suppression = new Suppressions(db).find(phone);
    assertThat(suppression.getString("source")).isEqualTo(Suppressions.ERASURE);
    assertThat(postJson("/api/leads", leadJson("again-" + UUID.randomUUID(), phone)).statusCode())
        .isEqualTo(409);
    List<String> audited =
        db.getCollection(Collections.AUDIT_LOG)
            .find(Filters.eq("leadId", leadId))
            .map(d -> d.getString("action") + " by " + d.getString("actor"))
            .into(new java.util.ArrayList<>());
    assertThat(audited).contains("lead_erasure_requested by operator", "lead_erased by operator");

    // Erasing the other lead as well: now nothing names the photo and it goes.
    assertThat(delete("/api/leads/" + otherId + "?keepSuppressed=false", TOKEN).statusCode())
        .isEqualTo(202);
    await(
        "the other erased", Duration.ofSeconds(60), () -> "erased".equals(erasureStatus(otherId)));
    assertThat(s3.exists(key)).isFalse();
    assertThat(new Suppressions(db).find(otherPhone)).isNull();
  }

  /**
   * The number of a lead being erased (its number not kept suppressed), enrolled again in another
   * campaign the moment the erasure was accepted: the person's reply, even one quoting the erased
   * lead's message, and their stop reach the new lead, never the erased one, which was marked when
   * its erasure was accepted; the stop suppresses the number; the erasure still completes.
   */
  @Test
  void aNewLeadOnAnErasedLeadsNumberGetsThePersonsReplyAndStop() throws Exception {
    emulator().setBehaviour(ackOnly());
    String erasedId = "erase-" + UUID.randomUUID();
    String newId = "again-" + UUID.randomUUID();
    String phone = phone();
    String erasedWamid = enrolAndAwaitFirstSend(erasedId, phone);

    HttpResponse<String> accepted =
        delete("/api/leads/" + erasedId + "?keepSuppressed=false", TOKEN);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    Document erased = store().contact(erasedId);
    assertThat(erased == null || LeadStore.erasing(erased)).as("marked when accepted").isTrue();
    HttpResponse<String> enrolled =
        postJson(
            "/api/leads",
            leadJson(newId, phone).replace("\"name\"", "\"campaignId\":\"cmp-again\",\"name\""));
    assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(202);
    await(
        "sent to the new lead",
        Duration.ofSeconds(20),
        () ->
            store().messages().messagesOf(newId).stream()
                .anyMatch(m -> m.getString("wamid") != null));

    replyWithText(phone, "wamid.reply-" + newId, erasedWamid, "Sounds interesting, tell me more");
    await(
        "the reply on the new lead",
        Duration.ofSeconds(20),
        () -> store().feedback().countDocuments(Filters.eq("leadId", newId)) == 1);
    replyWithText(phone, "wamid.stop-" + newId, erasedWamid, "STOP");
    await(
        "the new lead opted out",
        Duration.ofSeconds(30),
        () -> "opted_out".equals(store().contact(newId).getString("stage")));

    Document suppression = new Suppressions(app().connections().mongo().database()).find(phone);
    assertThat(suppression.getString("source")).isEqualTo(Suppressions.KEYWORD);
    assertThat(store().feedback().countDocuments(Filters.eq("leadId", erasedId))).isZero();
    Document stillThere = store().contact(erasedId);
    if (stillThere != null) {
      assertThat(stillThere.get("doNotContact")).isNull();
      assertThat(stillThere.get("funnel")).isNull();
    }
    await("erased", Duration.ofSeconds(60), () -> "erased".equals(erasureStatus(erasedId)));
    assertThat(store().contact(erasedId)).isNull();
    assertThat(store().contact(newId).getBoolean("doNotContact")).isTrue();
  }

  /**
   * The erased lead's number enrolled again in the same campaign between the erasure's acceptance
   * and its first pass (held there: the lead marked and accepted as the request does, its contact
   * whole): a lead being erased is no longer the number's active lead, so the enrolment is a new
   * lead (202, its own id, its own first message); the erasure then removes the old lead only.
   */
  @Test
  void theNumberEnrolledAgainInTheSameCampaignWhileErasingIsANewLeadTheErasureLeavesWhole()
      throws Exception {
    emulator().setBehaviour(ackOnly());
    String erasedId = "erase-" + UUID.randomUUID();
    String newId = "again-" + UUID.randomUUID();
    String phone = phone();
    enrolAndAwaitFirstSend(erasedId, phone);
    java.time.Instant requested = java.time.Instant.now();
    assertThat(store().erasures().markErasing(erasedId, requested)).isTrue();
    store().erasures().erasureAccepted(erasedId, requested);

    HttpResponse<String> enrolled = postJson("/api/leads", leadJson(newId, phone));

    assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(202);
    assertThat(json.readTree(enrolled.body()).path("leadId").asText()).isEqualTo(newId);
    await(
        "sent to the new lead",
        Duration.ofSeconds(20),
        () ->
            store().messages().messagesOf(newId).stream()
                .anyMatch(m -> m.getString("wamid") != null));
    HttpResponse<String> accepted =
        delete("/api/leads/" + erasedId + "?keepSuppressed=false", TOKEN);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    await("erased", Duration.ofSeconds(60), () -> "erased".equals(erasureStatus(erasedId)));

    assertThat(store().contact(erasedId)).isNull();
    Document again = store().contact(newId);
    assertThat(again.getString("phone")).isEqualTo(phone);
    assertThat(LeadStore.erasing(again)).isFalse();
    assertThat(again.getString("activeKey")).isNotNull();
    assertThat(store().messages().messagesOf(newId)).anyMatch(m -> m.getString("wamid") != null);
    assertThat(store().interactions().timeline(newId)).isNotEmpty();
    assertThat(store().byWhatsAppId().leadIdsByWhatsAppId(phone.substring(1)))
        .containsExactly(newId);
    assertThat(
            app()
                .connections()
                .temporal()
                .client()
                .newUntypedWorkflowStub(LeadWorkflow.workflowId(newId))
                .describe()
                .getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(new Suppressions(app().connections().mongo().database()).find(phone)).isNull();
  }

  /**
   * The same leadId enrolled again while its lead is being erased is refused (409, status
   * lead_erasing, naming leadId, with Retry-After and retryAt: when the erasure will have removed
   * it), not answered "enrolled already" for a lead that is going; once erased, the same leadId is
   * a new lead: its own workflow and first message, nothing of the erased one (its messages, its
   * history, its mark).
   */
  @Test
  void theSameLeadIdEnrolledAgainWhileErasingIs409SayingWhenThenANewLead() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "erase-" + UUID.randomUUID();
    String phone = phone();
    String erasedWamid = enrolAndAwaitFirstSend(leadId, phone);
    HttpResponse<String> accepted = delete("/api/leads/" + leadId + "?keepSuppressed=false", TOKEN);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

    HttpResponse<String> whileErasing = postJson("/api/leads", leadJson(leadId, phone));

    assertThat(whileErasing.statusCode()).as(whileErasing.body()).isEqualTo(409);
    JsonNode refused = json.readTree(whileErasing.body());
    assertThat(refused.path("status").asText()).isEqualTo("lead_erasing");
    assertThat(refused.path("message").asText()).contains("being erased");
    assertThat(refused.path("errors").get(0).path("field").asText()).isEqualTo("leadId");
    long retryAfter =
        Long.parseLong(whileErasing.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isPositive();
    assertThat(java.time.Instant.parse(refused.path("retryAt").asText()))
        .isAfter(java.time.Instant.now());

    await("erased", Duration.ofSeconds(60), () -> "erased".equals(erasureStatus(leadId)));
    HttpResponse<String> after = postJson("/api/leads", leadJson(leadId, phone));

    assertThat(after.statusCode()).as(after.body()).isEqualTo(202);
    assertThat(json.readTree(after.body()).path("status").asText()).isEqualTo("enrolled");
    await(
        "sent to the new lead",
        Duration.ofSeconds(20),
        () ->
            store().messages().messagesOf(leadId).stream()
                .anyMatch(m -> m.getString("wamid") != null));
    assertThat(store().messages().messagesOf(leadId))
        .noneMatch(m -> erasedWamid.equals(m.getString("wamid")))
        .noneMatch(LeadStore::erasing);
    assertThat(LeadStore.erasing(store().contact(leadId))).isFalse();
    assertThat(store().interactions().timeline(leadId))
        .filteredOn(d -> "enrolled".equals(d.getString("type")))
        .hasSize(1);
    assertThat(
            app()
                .connections()
                .temporal()
                .client()
                .newUntypedWorkflowStub(LeadWorkflow.workflowId(leadId))
                .describe()
                .getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  /**
   * A lead that said stop, being erased without keeping its number suppressed: its number was
   * suppressed by the stop, not by the erasure, so an enrolment in the same campaign is still
   * refused as suppressed, before the erasure's first pass and after its last.
   */
  @Test
  void anErasedLeadsStopStillSuppressesItsNumber() throws Exception {
    emulator().setBehaviour(ackOnly());
    String erasedId = "erase-" + UUID.randomUUID();
    String phone = phone();
    String wamid = enrolAndAwaitFirstSend(erasedId, phone);
    replyWithText(phone, "wamid.stop-" + erasedId, wamid, "STOP");
    await(
        "opted out",
        Duration.ofSeconds(30),
        () -> "opted_out".equals(store().contact(erasedId).getString("stage")));
    assertThat(store().erasures().markErasing(erasedId, java.time.Instant.now())).isTrue();

    HttpResponse<String> whileErasing =
        postJson("/api/leads", leadJson("again-" + UUID.randomUUID(), phone));

    assertThat(whileErasing.statusCode()).as(whileErasing.body()).isEqualTo(409);
    assertThat(whileErasing.body()).contains("suppressed");
    assertThat(delete("/api/leads/" + erasedId + "?keepSuppressed=false", TOKEN).statusCode())
        .isEqualTo(202);
    await("erased", Duration.ofSeconds(60), () -> "erased".equals(erasureStatus(erasedId)));
    Document stop = new Suppressions(app().connections().mongo().database()).find(phone);
    assertThat(stop.getBoolean("active")).isTrue();
    assertThat(stop.getString("source")).isEqualTo(Suppressions.KEYWORD);
    HttpResponse<String> afterErasure =
        postJson("/api/leads", leadJson("again-" + UUID.randomUUID(), phone));
    assertThat(afterErasure.statusCode()).as(afterErasure.body()).isEqualTo(409);
    assertThat(afterErasure.body()).contains("suppressed");
  }

  /**
   * An import's row answers ({@code GET /api/imports/{importId}/rows}, kept IMPORT_RETENTION) echo
   * the rows not enrolled: after the lead's erasure neither the row that enrolled it, nor a
   * duplicate row of its number, nor a row of its number refused for its consent (no lead of its
   * own) holds its name, number, notes or id; another person's row is left whole.
   */
  @Test
  void anErasedLeadsImportRowsNoLongerHoldItsNameNumberOrId() throws Exception {
    emulator().setBehaviour(ackOnly());
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String leadId = "imp-erase-" + tag;
    String otherId = "imp-keep-" + tag;
    String phone = phone();
    // Written as a spreadsheet would: spaces, no "+55" grouping as the lead holds it.
    String written = "+55 " + phone.substring(3, 5) + " " + phone.substring(5);
    String csv =
        "leadId,name,phone,company,notes,consentOptIn,consentSource,consentAt\n"
            + leadId
            + ",Greta Erasmussen,"
            + written
            + ",Vergessen GmbH,Met at the fair "
            + tag
            + ",yes,web form,2026-11-20T10:00:00Z\n"
            + "dup-"
            + tag
            + ",Greta Erasmussen,"
            + written
            + ",Vergessen GmbH,A duplicate row "
            + tag
            + ",yes,web form,2026-11-20T10:00:00Z\n"
            + ",Greta Erasmussen,"
            + written
            + ",Vergessen GmbH,No consent "
            + tag
            + ",no,web form,2026-11-20T10:00:00Z\n"
            + otherId
            + ",Otto Bleibt,"
            + phone()
            + ",Bleibt AG,Other person "
            + tag
            + ",maybe,web form,2026-11-20T10:00:00Z\n";
    HttpResponse<String> imported =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)));
    assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
    assertThat(imported.body()).contains("\"status\":\"enrolled\"", "phone_active", "Greta");
    String importId = imported.headers().firstValue("Import-Id").orElseThrow();
    String rowsPath = "/api/imports/" + importId + "/rows";
    await("the rows recorded", Duration.ofSeconds(10), () -> rows(rowsPath).size() == 4);

    HttpResponse<String> accepted = delete("/api/leads/" + leadId, TOKEN);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    await("erased", Duration.ofSeconds(60), () -> "erased".equals(erasureStatus(leadId)));

    List<String> rows = rows(rowsPath);
    assertThat(rows).hasSize(4);
    for (String row : rows.subList(0, 3)) {
      assertThat(row)
          .doesNotContain("Greta", "Erasmussen", "Vergessen", tag, phone.substring(5))
          .contains("erased on request");
    }
    assertThat(rows.get(3)).contains("Otto Bleibt", otherId);

    // The same file imported again (a CRM's weekly export still holds the person): the operator's
    // answer echoes the refused rows to fix, the import's record keeps nothing of the person.
    HttpResponse<String> again =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/import")))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(again.body()).contains("\"source\":\"erasure\"", "Greta");
    String againRows = "/api/imports/" + again.headers().firstValue("Import-Id").orElseThrow();
    await(
        "the rows recorded again",
        Duration.ofSeconds(10),
        () -> rows(againRows + "/rows").size() == 4);
    List<String> recorded = rows(againRows + "/rows");
    for (String row : recorded.subList(0, 3)) {
      assertThat(row)
          .doesNotContain("Greta", "Erasmussen", "Vergessen", phone.substring(5))
          .contains("asked to be erased");
    }
    assertThat(recorded.get(3)).contains("Otto Bleibt");
  }

  private List<String> rows(String path) {
    try {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return r.body().lines().filter(l -> !l.isBlank()).toList();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * An erasure is one lead's: the same person enrolled in another campaign keeps its lead, so the
   * 202 names the other leads of the erased lead's number for the operator to erase too (else
   * nothing said they exist: no route finds leads by number).
   */
  @Test
  void theErasuresAnswerNamesTheOtherLeadsOfItsNumber() throws Exception {
    emulator().setBehaviour(ackOnly());
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String leadId = "erase-first-" + tag;
    String otherId = "same-person-" + tag;
    String aloneId = "alone-" + tag;
    String phone = phone();
    enrolAndAwaitFirstSend(leadId, phone);
    HttpResponse<String> second =
        postJson(
            "/api/leads?recontact=true",
            leadJson(otherId, phone)
                .replace("\"name\"", "\"campaignId\":\"cmp-" + tag + "\",\"name\""));
    assertThat(second.statusCode()).as(second.body()).isIn(200, 202);
    assertThat(store().contact(otherId)).isNotNull();
    HttpResponse<String> third = postJson("/api/leads", leadJson(aloneId, phone()));
    assertThat(third.statusCode()).as(third.body()).isEqualTo(202);

    HttpResponse<String> accepted = delete("/api/leads/" + leadId + "?keepSuppressed=false", TOKEN);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    JsonNode body = json.readTree(accepted.body());
    assertThat(body.path("otherLeads").toString()).isEqualTo("[\"" + otherId + "\"]");
    assertThat(body.path("otherLeadsNote").asText()).contains("erase each of them");

    HttpResponse<String> alone = delete("/api/leads/" + aloneId, TOKEN);
    assertThat(alone.statusCode()).as(alone.body()).isEqualTo(202);
    assertThat(json.readTree(alone.body()).has("otherLeads")).isFalse();
  }
}
