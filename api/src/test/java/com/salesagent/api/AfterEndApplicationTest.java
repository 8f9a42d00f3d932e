package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.model.Filters;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A lead that writes after its run ended waits on the "wrote after the end" list, and a person can
 * answer it: the message goes through the send path once (its own workflow, the lead's run stays
 * ended), its outcome is on the timeline, and the lead leaves the list.
 */
final class AfterEndApplicationTest extends AppTestHarness {

  /** A stopped lead that wrote after the stop; returns its phone once the message is stored. */
  private String stoppedLeadThatWrote(String leadId, String text) throws Exception {
    emulator().setBehaviour(ackOnly());
    String phone = phone();
    String wamid = enrolAndAwaitFirstSend(leadId, phone);
    assertThat(postJson("/api/leads/" + leadId + "/stop", "").statusCode()).isEqualTo(202);
    await(
        "stopped",
        Duration.ofSeconds(15),
        () -> "stopped".equals(store().contact(leadId).getString("stage")));
    Thread.sleep(1000); // the run completes after recording its outcome
    emulator().recipientWrote(phone);
    assertThat(metaWebhook(textFrom(phone, wamid, text)).statusCode()).isEqualTo(200);
    await(
        "on the after-the-end list",
        Duration.ofSeconds(15),
        () -> store().contact(leadId).get("afterEnd") != null);
    return phone;
  }

  private JsonNode afterEndList() throws Exception {
    HttpResponse<String> list = get("/api/handoffs/after-end");
    assertThat(list.statusCode()).isEqualTo(200);
    return json.readTree(list.body());
  }

  /** The lead's row on the list now, or null (for a condition awaited). */
  private JsonNode listedRow(String leadId) {
    try {
      return row(afterEndList(), leadId);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode row(JsonNode list, String leadId) {
    for (JsonNode r : list.get("leads")) {
      if (leadId.equals(r.get("leadId").asText())) {
        return r;
      }
    }
    return null;
  }

  @Test
  void aPersonAnswersALeadThatWroteAfterItsRunEndedOnceAndTheRunStaysEnded() throws Exception {
    String leadId = "after-end-" + UUID.randomUUID();
    String phone = stoppedLeadThatWrote(leadId, "Can you send me the invoice again?");

    JsonNode row = row(afterEndList(), leadId);
    assertThat(row).as("listed").isNotNull();
    assertThat(row.get("stage").asText()).isEqualTo("stopped");
    assertThat(row.get("lastReply").get("text").asText())
        .isEqualTo("Can you send me the invoice again?");
    assertThat(row.toString()).doesNotContain(phone.substring(3));
    // The agent drafted an answer to the question from the knowledge base, held for the rep.
    String messageId =
        store().contact(leadId).get("afterEnd", Document.class).getString("messageId");
    await(
        "a draft answer held",
        Duration.ofSeconds(30),
        () ->
            store()
                    .database()
                    .getCollection("drafts")
                    .find(Filters.eq("_id", leadId + ":" + messageId))
                    .first()
                != null);
    await(
        "answer_drafted on the timeline",
        Duration.ofSeconds(15),
        () ->
            store().interactions().timeline(leadId).stream()
                .anyMatch(e -> "answer_drafted".equals(e.getString("type"))));
    // No entry answers an invoice: the draft says "no grounded answer" (no text), and the row
    // does not say a draft answer is ready.
    Document draft =
        store()
            .database()
            .getCollection("drafts")
            .find(Filters.eq("_id", leadId + ":" + messageId))
            .first();
    assertThat(row(afterEndList(), leadId).get("draftWaiting").asBoolean())
        .isEqualTo(draft.getString("text") != null);

    String body = "{\"text\":\"Of course, sending it now.\",\"requestId\":\"invoice-1\"}";
    HttpResponse<String> queued = postJson("/api/leads/" + leadId + "/replies", body);
    assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
    String key = json.readTree(queued.body()).get("idempotencyKey").asText();
    String wamid = awaitOwnerReplied(leadId, key);
    assertThat(emulator().acceptedFor(phone)).as("the first message and the answer").isEqualTo(2);
    assertThat(store().contact(leadId).getString("stage"))
        .as("the run stays ended")
        .isEqualTo("stopped");
    assertThat(row(afterEndList(), leadId)).as("answered: off the list").isNull();

    HttpResponse<String> again = postJson("/api/leads/" + leadId + "/replies", body);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json.readTree(again.body()).get("status").asText()).isEqualTo("queued_before");
    Thread.sleep(1000);
    assertThat(emulator().acceptedFor(phone)).as("once").isEqualTo(2);
    assertThat(
            store().interactions().timeline(leadId).stream()
                .filter(e -> "owner_replied".equals(e.getString("type")))
                .count())
        .isEqualTo(1);

    HttpResponse<String> template =
        postJson("/api/leads/" + leadId + "/replies", "{\"template\":\"re_engagement\"}");
    assertThat(template.statusCode()).isEqualTo(409);
    assertThat(json.readTree(template.body()).get("errors").get(0).get("field").asText())
        .isEqualTo("template");

    // Erased on request: the message's own workflow is stopped and listed with the lead's.
    assertThat(delete("/api/leads/" + leadId).statusCode()).isEqualTo(202);
    await("erased", Duration.ofSeconds(60), () -> "erased".equals(erasureStatus(leadId)));
    JsonNode report = json.readTree(get("/api/leads/" + leadId + "/erasure").body()).path("report");
    assertThat(report.path("first").path("workflowIds").toString())
        .contains(key, "after-end-draft-" + messageId);
  }

  @Test
  void anOperatorDismissesALeadThatNeedsNoAnswer() throws Exception {
    String leadId = "after-end-noted-" + UUID.randomUUID();
    // A thanks alone is on no list (a closing: nothing to answer); this needs no answer either.
    stoppedLeadThatWrote(leadId, "Got the invoice, all sorted now");
    assertThat(row(afterEndList(), leadId)).isNotNull();

    HttpResponse<String> dismissed = delete("/api/handoffs/after-end/" + leadId);
    assertThat(dismissed.statusCode()).isEqualTo(200);
    assertThat(row(afterEndList(), leadId)).isNull();
    assertThat(
            store()
                .database()
                .getCollection("audit_log")
                .countDocuments(
                    Filters.and(
                        Filters.eq("action", "after_end_dismissed"), Filters.eq("leadId", leadId))))
        .isEqualTo(1);
    HttpResponse<String> twice = delete("/api/handoffs/after-end/" + leadId);
    assertThat(twice.statusCode()).isEqualTo(404);
    assertThat(twice.body()).contains("\"field\":\"leadId\"");
  }

  /**
   * A lead being erased on request (its erasure accepted: the contact marked, then left as a
   * tombstone whose stage is {@code erasing}) is answered by nobody and gets no outcome: 409 naming
   * {@code leadId}. Before, a reply was queued (202: a message with the rep's text written for a
   * lead being forgotten), the tombstone's stage answered 500 (no such stage), and an outcome set
   * the tombstone's stage to converted and told the CRM {@code lead.converted}.
   */
  @Test
  void aLeadBeingErasedIsNeitherAnsweredNorGivenAnOutcome() throws Exception {
    String leadId = "after-end-erasing-" + UUID.randomUUID();
    stoppedLeadThatWrote(leadId, "Please call me back");
    store().erasures().markErasing(leadId, java.time.Instant.now());

    HttpResponse<String> marked =
        postJson("/api/leads/" + leadId + "/replies", "{\"text\":\"Calling you now\"}");
    assertThat(marked.statusCode()).as(marked.body()).isEqualTo(409);
    assertThat(json.readTree(marked.body()).get("errors").get(0).get("field").asText())
        .isEqualTo("leadId");
    assertThat(
            store()
                .messages()
                .collection()
                .countDocuments(
                    Filters.and(Filters.eq("leadId", leadId), Filters.eq("composer", "person"))))
        .as("no message written for a lead being erased")
        .isZero();

    // The tombstone the erasure's first pass leaves.
    store().setContactFields(leadId, new Document("stage", "erasing"));
    for (String[] call :
        new String[][] {
          {"/replies", "{\"text\":\"Calling you now\"}"},
          {"/replies/voice-note", "{\"text\":\"Calling you now\"}"},
          {"/handoff/accept", ""},
          {"/outcome", "{\"outcome\":\"converted\",\"reason\":\"paid\"}"}
        }) {
      HttpResponse<String> refused = postJson("/api/leads/" + leadId + call[0], call[1]);
      assertThat(refused.statusCode()).as(call[0] + ": " + refused.body()).isEqualTo(409);
      assertThat(json.readTree(refused.body()).get("errors").get(0).get("field").asText())
          .as(call[0])
          .isEqualTo("leadId");
    }
    assertThat(store().contact(leadId).getString("stage")).isEqualTo("erasing");
    assertThat(store().contact(leadId).get("outcome")).isNull();
    assertThat(
            store()
                .database()
                .getCollection("notifications")
                .countDocuments(
                    Filters.and(
                        Filters.eq("leadId", leadId), Filters.eq("type", "lead.converted"))))
        .isZero();
  }

  /**
   * A lead whose run ended and that wrote more than 24 h ago cannot be answered at all: the 409
   * names {@code text} and does not send the rep to the template, which an ended lead is refused
   * too (before, it said to send {@code {"template": "re_engagement"}} instead).
   */
  @Test
  void anEndedLeadOutsideTheWindowIsNotToldToSendTheTemplate() throws Exception {
    String leadId = "after-end-closed-" + UUID.randomUUID();
    stoppedLeadThatWrote(leadId, "Are you still there?");
    store()
        .feedback()
        .updateMany(
            Filters.eq("leadId", leadId),
            com.mongodb.client.model.Updates.set(
                "receivedAt",
                java.util.Date.from(java.time.Instant.now().minus(Duration.ofHours(25)))));

    HttpResponse<String> refused =
        postJson("/api/leads/" + leadId + "/replies", "{\"text\":\"Yes, we are\"}");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    JsonNode error = json.readTree(refused.body()).get("errors").get(0);
    assertThat(error.get("field").asText()).isEqualTo("text");
    assertThat(error.get("message").asText()).doesNotContain("re_engagement").contains("stopped");
    HttpResponse<String> template =
        postJson("/api/leads/" + leadId + "/replies", "{\"template\":\"re_engagement\"}");
    assertThat(template.statusCode()).isEqualTo(409);
  }

  /**
   * A rep answered a live lead (request id R), the lead was then converted and wrote again after
   * its end: the same request R again (a browser's retry, a double click) is 200 queued_before and
   * changes nothing. Before, it started a workflow for the message, whose send found it sent and
   * recorded it as the answer to the new message: the lead left the "wrote after the end" list
   * unanswered.
   */
  @Test
  void aRetriedRequestFromBeforeTheEndDoesNotTakeTheLeadOffTheList() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "after-end-retry-" + UUID.randomUUID();
    String phone = phone();
    String wamid = enrolAndAwaitFirstSend(leadId, phone);
    emulator().recipientWrote(phone);
    assertThat(metaWebhook(textFrom(phone, wamid, "Sounds great, I am interested")).statusCode())
        .isEqualTo(200);
    await(
        "interested",
        Duration.ofSeconds(15),
        () -> "interested".equals(store().contact(leadId).getString("stage")));
    String body = "{\"text\":\"Happy to help\",\"requestId\":\"live-1\"}";
    HttpResponse<String> live = postJson("/api/leads/" + leadId + "/replies", body);
    assertThat(live.statusCode()).as(live.body()).isEqualTo(202);
    String key = json.readTree(live.body()).get("idempotencyKey").asText();
    await(
        "sent by the run",
        Duration.ofSeconds(20),
        () -> store().messages().messageByKey(key).getString("wamid") != null);
    assertThat(
            postJson(
                    "/api/leads/" + leadId + "/outcome",
                    "{\"outcome\":\"converted\",\"reason\":\"signed\"}")
                .statusCode())
        .isEqualTo(202);
    await(
        "converted",
        Duration.ofSeconds(15),
        () -> "converted".equals(store().contact(leadId).getString("stage")));
    Thread.sleep(1000); // the run completes after recording its outcome
    assertThat(
            metaWebhook(textFrom(phone, wamid, "Can you send me the contract copy?")).statusCode())
        .isEqualTo(200);
    await(
        "on the after-the-end list",
        Duration.ofSeconds(15),
        () -> store().contact(leadId).get("afterEnd") != null);

    HttpResponse<String> retried = postJson("/api/leads/" + leadId + "/replies", body);
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
    assertThat(json.readTree(retried.body()).get("status").asText()).isEqualTo("queued_before");
    Thread.sleep(5000);
    assertThat(store().contact(leadId).get("afterEnd"))
        .as("the contract question is still unanswered")
        .isNotNull();
    assertThat(row(afterEndList(), leadId)).isNotNull();
    assertThat(emulator().acceptedFor(phone)).as("the first message and the answer").isEqualTo(2);
  }

  /**
   * A lead on the "wrote after the end" list whose number then asked not to be contacted (a STOP
   * after its question) cannot be answered: its row says so ({@code doNotContact}), and a reply is
   * 409. Before, the row looked like any other lead to answer.
   */
  @Test
  void aListedLeadThatOptedOutSaysItCannotBeAnswered() throws Exception {
    String leadId = "after-end-optout-" + UUID.randomUUID();
    String phone = stoppedLeadThatWrote(leadId, "Who are you?");
    assertThat(row(afterEndList(), leadId).path("doNotContact").asBoolean()).isFalse();
    String wamid = store().messages().messagesOf(leadId).get(0).getString("wamid");
    assertThat(metaWebhook(textFrom(phone, wamid, "STOP")).statusCode()).isEqualTo(200);
    await(
        "suppressed",
        Duration.ofSeconds(15),
        () -> store().contact(leadId).getBoolean("doNotContact", false));

    JsonNode row = row(afterEndList(), leadId);
    assertThat(row).isNotNull();
    assertThat(row.path("doNotContact").asBoolean()).as(row.toString()).isTrue();
    assertThat(postJson("/api/leads/" + leadId + "/replies", "{\"text\":\"Sorry\"}").statusCode())
        .isEqualTo(409);
  }

  /**
   * A number that said STOP and then asks a price question: the agent drafted the price list, held
   * on the lead page, one click from a sales message to an opted-out number. Its draft is withheld
   * (no text), and the lead page says why and how the number may opt back in.
   */
  @Test
  void anOptedOutLeadThatWritesAgainGetsNoSalesDraft() throws Exception {
    String leadId = "after-end-nodraft-" + UUID.randomUUID();
    String phone = stoppedLeadThatWrote(leadId, "Who are you?");
    String wamid = store().messages().messagesOf(leadId).get(0).getString("wamid");
    assertThat(metaWebhook(textFrom(phone, wamid, "STOP")).statusCode()).isEqualTo(200);
    await(
        "suppressed",
        Duration.ofSeconds(15),
        () -> store().contact(leadId).getBoolean("doNotContact", false));

    String question = "How much does it cost per month?";
    assertThat(metaWebhook(textFrom(phone, wamid, question)).statusCode()).isEqualTo(200);
    await(
        "the question stored",
        Duration.ofSeconds(15),
        () ->
            store()
                    .feedback()
                    .find(Filters.and(Filters.eq("leadId", leadId), Filters.eq("text", question)))
                    .first()
                != null);
    String messageId =
        store()
            .feedback()
            .find(Filters.and(Filters.eq("leadId", leadId), Filters.eq("text", question)))
            .first()
            .getString("messageId");
    await(
        "its draft decided",
        Duration.ofSeconds(30),
        () ->
            store()
                    .database()
                    .getCollection("drafts")
                    .find(Filters.eq("_id", leadId + ":" + messageId))
                    .first()
                != null);

    Document draft =
        store()
            .database()
            .getCollection("drafts")
            .find(Filters.eq("_id", leadId + ":" + messageId))
            .first();
    assertThat(draft.getString("status")).as(draft.toJson()).isEqualTo("withheld");
    assertThat(draft.getString("text")).isNull();
    assertThat(
            store()
                .database()
                .getCollection("drafts")
                .countDocuments(
                    Filters.and(Filters.eq("leadId", leadId), Filters.eq("status", "held"))))
        .as("nothing held for an opted-out number")
        .isZero();
    HttpResponse<String> page = get("/api/leads/" + leadId);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(json.readTree(page.body()).get("lead").path("noDraftBecause").asText())
        .startsWith("opted out: do not sell; they may opt back in by");
  }

  /**
   * A rep's message queued while the lead's run waits (paused: the API answered 202 with
   * waitsForResume), then an operator marks the lead converted, or stops it: the run ends without
   * sending it. Before, it stayed "composed" for ever, unsent and untold; then (found by the QA
   * walk) the sweep sent it on after the outcome, 55 s later, though nobody resumed the lead. A
   * pause holds what it held until a resume, and an outcome is none: the sweep holds it back after
   * either, once, and the message and the timeline say why. (A message left by a run that ended
   * with an outcome, not paused, is sent on: PendingPersonMessagesTest.)
   */
  @Test
  void aMessageThePauseHeldIsNotSentAfterAnOutcomeNorAfterAStop() throws Exception {
    emulator().setBehaviour(ackOnly());
    String converted = "left-behind-" + UUID.randomUUID();
    String convertedPhone = phone();
    String convertedKey = leftBehind(converted, convertedPhone, "/outcome", "converted");
    String stopped = "left-behind-stop-" + UUID.randomUUID();
    String stoppedPhone = phone();
    String stoppedKey = leftBehind(stopped, stoppedPhone, "/stop", "stopped");
    Thread.sleep(1000);
    assertThat(store().messages().messageByKey(convertedKey).getString("status"))
        .as("left behind by the run")
        .isEqualTo("composed");

    var sweep =
        new com.salesagent.api.leads.PendingPersonMessages(
            store(),
            app().connections().temporal().client(),
            java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofMinutes(1)));
    assertThat(sweep.sweep()).contains(convertedKey, stoppedKey);
    assertThat(sweep.sweep()).as("each once").doesNotContain(convertedKey, stoppedKey);

    Document pausedThenConverted = store().messages().messageByKey(convertedKey);
    assertThat(pausedThenConverted.getString("status")).isEqualTo("not_sent");
    assertThat(pausedThenConverted.getString("notSentBecause")).contains("paused");
    assertThat(store().contact(converted).getString("stage")).isEqualTo("converted");
    Document held = store().messages().messageByKey(stoppedKey);
    assertThat(held.getString("status")).isEqualTo("not_sent");
    assertThat(held.getString("notSentBecause")).contains("stopped");
    assertThat(store().interactions().timeline(stopped))
        .anyMatch(
            e ->
                "owner_reply_failed".equals(e.getString("type"))
                    && e.getString("detail").startsWith(stoppedKey));
    assertThat(store().interactions().timeline(converted))
        .anyMatch(
            e ->
                "owner_reply_failed".equals(e.getString("type"))
                    && e.getString("detail").startsWith(convertedKey));
    Thread.sleep(2000);
    assertThat(emulator().acceptedFor(convertedPhone)).as("never after a pause").isEqualTo(1);
    assertThat(emulator().acceptedFor(stoppedPhone)).as("never after a stop").isEqualTo(1);
  }

  /**
   * A rep answers a lead that said no (its own workflow sends it: {@code owner_replied}), the lead
   * then writes again with interest (a new run of its workflow), and the rep's request is sent
   * again (the same requestId: a retry). The message went already: the live run is not told it,
   * which sent it again as "replayed" and put a second {@code owner_replied} for it on the
   * timeline. The rep's next message goes as any.
   */
  @Test
  void aRetriedAnswerThatWentBeforeTheLeadWroteAgainIsOnTheTimelineOnce() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "retried-answer-" + UUID.randomUUID();
    String phone = phone();
    String first = enrolAndAwaitFirstSend(leadId, phone);
    emulator().recipientWrote(phone);
    assertThat(metaWebhook(textFrom(phone, first, "Not interested, thanks.")).statusCode())
        .isEqualTo(200);
    await(
        "the no ends the run",
        Duration.ofSeconds(15),
        () ->
            "replied".equals(store().contact(leadId).getString("stage"))
                && app()
                        .connections()
                        .temporal()
                        .client()
                        .newUntypedWorkflowStub(
                            com.salesagent.workflows.lead.LeadWorkflow.workflowId(leadId))
                        .describe()
                        .getStatus()
                    == io.temporal.api.enums.v1.WorkflowExecutionStatus
                        .WORKFLOW_EXECUTION_STATUS_COMPLETED);
    String body = "{\"text\":\"Understood, thanks for your time.\",\"requestId\":\"retried-1\"}";
    HttpResponse<String> queued = postJson("/api/leads/" + leadId + "/replies", body);
    assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
    String key = json.readTree(queued.body()).get("idempotencyKey").asText();
    String answer = awaitOwnerReplied(leadId, key);

    emulator().recipientWrote(phone);
    assertThat(
            metaWebhook(textFrom(phone, answer, "Actually, I am interested. Can we talk Monday?"))
                .statusCode())
        .isEqualTo(200);
    await(
        "a new run",
        Duration.ofSeconds(20),
        () ->
            com.salesagent.workflows.lead.Stage.valueOf(
                    store().contact(leadId).getString("stage").toUpperCase())
                .interested());

    HttpResponse<String> again = postJson("/api/leads/" + leadId + "/replies", body);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(json.readTree(again.body()).get("status").asText()).isEqualTo("queued_before");
    // The run takes its people's messages in order: once the next one is on the timeline, the
    // retried one was acted on too, had it been told.
    HttpResponse<String> next =
        postJson(
            "/api/leads/" + leadId + "/replies",
            "{\"text\":\"Great, Monday 10:00 works.\",\"requestId\":\"retried-2\"}");
    assertThat(next.statusCode()).as(next.body()).isEqualTo(202);
    awaitOwnerReplied(leadId, json.readTree(next.body()).get("idempotencyKey").asText());

    assertThat(
            store().interactions().timeline(leadId).stream()
                .filter(
                    e ->
                        "owner_replied".equals(e.getString("type"))
                            && answer.equals(e.getString("wamid"))))
        .as("one person's message, once")
        .hasSize(1);
    assertThat(emulator().acceptedFor(phone)).as("the first, the answer and the next").isEqualTo(3);
  }

  /** Waits for the message of {@code key} to go and its {@code owner_replied}; its wamid. */
  private String awaitOwnerReplied(String leadId, String key) {
    await(
        "sent",
        Duration.ofSeconds(20),
        () -> {
          Document m = store().messages().messageByKey(key);
          return m != null && m.getString("wamid") != null;
        });
    String wamid = store().messages().messageByKey(key).getString("wamid");
    await(
        "owner_replied on the timeline",
        Duration.ofSeconds(15),
        () ->
            store().interactions().timeline(leadId).stream()
                .anyMatch(
                    e ->
                        "owner_replied".equals(e.getString("type"))
                            && wamid.equals(e.getString("wamid"))));
    return wamid;
  }

  /**
   * Outside the 24 h window a lead whose run ended can only be written to by a new sales sequence:
   * "Start a new conversation" enrols it again as a new lead made from its contact (no need to find
   * the original row). The new lead sends its first message to the same number; the two leads name
   * each other; the ended one leaves the "wrote after the end" list; a retried request answers the
   * lead it made and sends nothing more.
   */
  @Test
  void anEndedLeadIsEnrolledAgainAsANewConversationOnce() throws Exception {
    String leadId = "again-" + UUID.randomUUID();
    String phone = stoppedLeadThatWrote(leadId, "Hi, can we talk next month?");

    HttpResponse<String> again = postJson("/api/leads/" + leadId + "/enrol-again", "");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
    JsonNode made = json.readTree(again.body());
    String newId = made.get("leadId").asText();
    assertThat(newId).isEqualTo(leadId + ".again1");
    assertThat(made.get("previousLeadId").asText()).isEqualTo(leadId);
    await(
        "the new lead's first message",
        Duration.ofSeconds(30),
        () -> emulator().acceptedFor(phone) == 2);

    Document fresh = store().contact(newId);
    assertThat(fresh.getString("previousLeadId")).isEqualTo(leadId);
    assertThat(fresh.getString("phone")).isEqualTo(store().contact(leadId).getString("phone"));
    assertThat(fresh.get("consent", Document.class).getString("source"))
        .isEqualTo(store().contact(leadId).get("consent", Document.class).getString("source"));
    Document ended = store().contact(leadId);
    assertThat(ended.getList("enrolledAgainAs", String.class)).containsExactly(newId);
    assertThat(ended.getString("stage")).isEqualTo("stopped");
    assertThat(ended.get("afterEnd")).as("off the after-the-end list").isNull();
    assertThat(
            store()
                .database()
                .getCollection("audit_log")
                .countDocuments(
                    Filters.and(
                        Filters.eq("action", "lead_enrolled_again"), Filters.eq("leadId", leadId))))
        .isEqualTo(1);

    HttpResponse<String> retried = postJson("/api/leads/" + leadId + "/enrol-again", "{}");
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
    assertThat(json.readTree(retried.body()).get("leadId").asText()).isEqualTo(newId);
    HttpResponse<String> live = postJson("/api/leads/" + newId + "/enrol-again", "");
    assertThat(live.statusCode()).as("the new lead is live").isEqualTo(409);
    assertThat(json.readTree(live.body()).get("errors").get(0).get("field").asText())
        .isEqualTo("leadId");
    Thread.sleep(500);
    assertThat(emulator().acceptedFor(phone)).as("nothing more sent").isEqualTo(2);
  }

  /**
   * After "Start a new conversation" the new lead is the number's conversation: its run times its
   * follow-ups and checks two reps' answers. A rep who wrote from the ended lead's page (still
   * open, still offering the box) sent through the ended lead's own workflow: the new lead's run
   * never heard of it, and its automated follow-up went on its own clock, right after the rep's
   * message. A person's message to an ended lead whose number has a live lead now is 409 naming
   * {@code leadId} and the lead to write from; nothing is queued or sent.
   */
  @Test
  void anEndedLeadWhoseNumberHasALiveLeadNowIsNotWrittenToBesideIt() throws Exception {
    String leadId = "again-write-" + UUID.randomUUID();
    String phone = stoppedLeadThatWrote(leadId, "Hi, is the offer still on?");
    HttpResponse<String> again = postJson("/api/leads/" + leadId + "/enrol-again", "");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
    String newId = json.readTree(again.body()).get("leadId").asText();
    await(
        "the new lead's first message",
        Duration.ofSeconds(30),
        () -> emulator().acceptedFor(phone) == 2);

    for (String path : List.of("/replies", "/replies/voice-note")) {
      HttpResponse<String> written =
          postJson(
              "/api/leads/" + leadId + path,
              "{\"text\":\"Yes, it is: shall we talk?\",\"requestId\":\"old-page"
                  + path.replace('/', '-')
                  + "\"}");
      assertThat(written.statusCode()).as(path + ": " + written.body()).isEqualTo(409);
      JsonNode error = json.readTree(written.body()).get("errors").get(0);
      assertThat(error.get("field").asText()).isEqualTo("leadId");
      assertThat(error.get("message").asText()).contains(newId);
    }
    assertThat(store().messages().messagesOf(leadId).stream().map(m -> m.getString("purpose")))
        .as("nothing queued for the ended lead")
        .doesNotContain("owner_reply");
    JsonNode endedPage = json.readTree(get("/api/leads/" + leadId).body()).get("lead");
    assertThat(endedPage.get("liveLeadOfNumber").asText()).isEqualTo(newId);

    // The new lead takes the rep's free text: the number wrote inside WhatsApp's window (to the
    // ended lead), and the window is the number's.
    assertThat(
            json.readTree(get("/api/leads/" + newId).body())
                .get("lead")
                .get("numberLastWroteAt")
                .isNull())
        .isFalse();
    HttpResponse<String> there =
        postJson(
            "/api/leads/" + newId + "/replies",
            "{\"text\":\"Yes, it is: shall we talk?\",\"requestId\":\"new-page\"}");
    assertThat(there.statusCode()).as(there.body()).isEqualTo(202);
    await(
        "the rep's message went", Duration.ofSeconds(30), () -> emulator().acceptedFor(phone) == 3);
  }

  /**
   * The number was already live in another campaign when its ended lead wrote: the ended lead is on
   * the list, but a message to it is refused (write from the live lead). The row said nothing of
   * it, so a rep answered, got a 409 and had to find the other lead; it names it now.
   */
  @Test
  void aRowWhoseNumberHasALiveLeadElsewhereNamesIt() throws Exception {
    String leadId = "listed-beside-" + UUID.randomUUID();
    String phone = stoppedLeadThatWrote(leadId, "Is this still available?");
    assertThat(row(afterEndList(), leadId).path("liveLeadOfNumber").asText(null)).isNull();
    String live = "live-elsewhere-" + UUID.randomUUID();
    store()
        .insertContact(
            new Document("leadId", live)
                .append("campaignId", "another-campaign")
                .append("phone", phone)
                .append("stage", "awaiting_response"));

    assertThat(row(afterEndList(), leadId).path("liveLeadOfNumber").asText(null)).isEqualTo(live);
  }

  /**
   * The number enrolled again (a CSV row, the API) while its ended lead waits on the "wrote after
   * the end" list: the new lead is its conversation now, so the ended one leaves the list, as it
   * does when "Start a new conversation" makes the new lead.
   */
  @Test
  void aNewLeadOfTheNumberTakesTheEndedOneOffTheList() throws Exception {
    String leadId = "superseded-" + UUID.randomUUID();
    String phone = stoppedLeadThatWrote(leadId, "Hello? Is this still on?");
    String fresh = "superseding-" + UUID.randomUUID();
    HttpResponse<String> enrolled = postJson("/api/leads", leadJson(fresh, phone));
    assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(202);
    assertThat(store().contact(leadId).get("afterEnd")).as("off the list").isNull();
    assertThat(row(afterEndList(), leadId)).isNull();
  }

  /** Where no new conversation may start, or the request is wrong, it says which field. */
  @Test
  void enrollingAgainIsRefusedNamingWhatIsWrong() throws Exception {
    emulator().setBehaviour(ackOnly());
    String optedOut = "again-stop-" + UUID.randomUUID();
    String phone = phone();
    String wamid = enrolAndAwaitFirstSend(optedOut, phone);
    assertThat(metaWebhook(textFrom(phone, wamid, "STOP")).statusCode()).isEqualTo(200);
    await(
        "opted out",
        Duration.ofSeconds(15),
        () -> "opted_out".equals(store().contact(optedOut).getString("stage")));

    assertThat(refusedField(optedOut, "", 409)).isEqualTo("phone");
    assertThat(refusedField("no-such-lead-" + UUID.randomUUID(), "", 404)).isEqualTo("leadId");
    String stopped = "again-bad-" + UUID.randomUUID();
    stoppedLeadThatWrote(stopped, "hello again");
    assertThat(refusedField(stopped, "{\"leadId\":\"has spaces\"}", 422)).isEqualTo("leadId");
    assertThat(refusedField(stopped, "{\"campaignId\":\"bad campaign!\"}", 422))
        .isEqualTo("campaignId");
    assertThat(
            postJson("/api/leads/" + stopped + "/enrol-again", "{\"phone\":\"+1\"}").statusCode())
        .as("an unknown field")
        .isEqualTo(400);
    // The ended lead's own id, or another lead of the number's, is no new lead: it answered 200
    // already_enrolled, enrolled nothing, linked the lead to itself and took it off the list.
    assertThat(refusedField(stopped, "{\"leadId\":\"" + stopped + "\"}", 422)).isEqualTo("leadId");
    assertThat(store().contact(stopped).get("enrolledAgainAs")).as("nothing made").isNull();
    assertThat(store().contact(stopped).get("previousLeadId")).isNull();
    assertThat(store().contact(stopped).get("afterEnd")).as("still to answer").isNotNull();
    HttpResponse<String> made = postJson("/api/leads/" + stopped + "/enrol-again", "");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(202);
    String newId = json.readTree(made.body()).get("leadId").asText();
    await(
        "the new lead is live",
        Duration.ofSeconds(15),
        () -> "awaiting_response".equals(store().contact(newId).getString("stage")));
    assertThat(postJson("/api/leads/" + newId + "/stop", "").statusCode()).isEqualTo(202);
    await(
        "the new lead stopped",
        Duration.ofSeconds(15),
        () -> "stopped".equals(store().contact(newId).getString("stage")));
    assertThat(refusedField(newId, "{\"leadId\":\"" + stopped + "\"}", 409)).isEqualTo("leadId");
    assertThat(store().contact(newId).get("enrolledAgainAs")).as("nothing made").isNull();
    assertThat(store().contact(stopped).get("previousLeadId")).isNull();
  }

  private String refusedField(String leadId, String body, int status) throws Exception {
    HttpResponse<String> r = postJson("/api/leads/" + leadId + "/enrol-again", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return json.readTree(r.body()).get("errors").get(0).get("field").asText();
  }

  /**
   * A rep asks for the re-engagement template while the lead's run waits (paused), then an operator
   * marks the lead converted: the run ends without composing it (the API had answered 202). Before,
   * nothing said so (the API stores no message for a template: the run composes it); now the sweep
   * finds the request untaken and tells the lead's timeline it did not go, once. A template the run
   * did send is left alone.
   */
  @Test
  void aTemplateTheRunEndedBeforeSendingIsSaidNotToHaveGone() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "left-template-" + UUID.randomUUID();
    String phone = phone();
    String key =
        leftBehind(leadId, phone, "/outcome", "converted", "{\"template\":\"re_engagement\"}");
    Thread.sleep(1000);

    var sweep =
        new com.salesagent.api.leads.PendingPersonMessages(
            store(),
            app().connections().temporal().client(),
            java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofMinutes(1)));
    assertThat(sweep.sweep()).contains(key);
    assertThat(sweep.sweep()).as("once").doesNotContain(key);
    assertThat(emulator().acceptedFor(phone)).as("no template after the end").isEqualTo(1);
    assertThat(store().interactions().timeline(leadId))
        .filteredOn(e -> "owner_reply_failed".equals(e.getString("type")))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getString("detail"))
                    .startsWith(key)
                    .contains("template")
                    .contains("converted"));
  }

  /**
   * An interested lead, paused, with a rep's message queued, then ended by {@code ending} ({@code
   * /outcome} converted or {@code /stop}): the message's key.
   */
  private String leftBehind(String leadId, String phone, String ending, String stage)
      throws Exception {
    return leftBehind(leadId, phone, ending, stage, "{\"text\":\"Here are the details\"}");
  }

  private String leftBehind(String leadId, String phone, String ending, String stage, String body)
      throws Exception {
    String wamid = enrolAndAwaitFirstSend(leadId, phone);
    emulator().recipientWrote(phone);
    assertThat(metaWebhook(textFrom(phone, wamid, "Sounds great, I am interested")).statusCode())
        .isEqualTo(200);
    await(
        "interested",
        Duration.ofSeconds(15),
        () -> "interested".equals(store().contact(leadId).getString("stage")));
    assertThat(postJson("/api/leads/" + leadId + "/pause", "").statusCode()).isEqualTo(202);
    await("paused", Duration.ofSeconds(15), () -> state(leadId).paused());
    HttpResponse<String> queued = postJson("/api/leads/" + leadId + "/replies", body);
    assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
    String key = json.readTree(queued.body()).get("idempotencyKey").asText();
    assertThat(
            postJson(
                    "/api/leads/" + leadId + ending,
                    ending.equals("/outcome")
                        ? "{\"outcome\":\"converted\",\"reason\":\"signed\"}"
                        : "")
                .statusCode())
        .isEqualTo(202);
    await(
        stage,
        Duration.ofSeconds(15),
        () -> stage.equals(store().contact(leadId).getString("stage")));
    return key;
  }

  /**
   * Two reps answer the same message over HTTP: the second, naming the message it saw, is 409 in
   * the one error shape (field {@code seenMessageId}, who answered and when, never the number) and
   * nothing goes; the first rep's retried request is still 200; {@code force} sends. The lead gets
   * the two answers the reps chose to send, no more.
   */
  @Test
  void aSecondRepAnsweringTheSameMessageIsToldAndSendsOnlyWhenForced() throws Exception {
    String leadId = "after-end-collide-" + UUID.randomUUID();
    String phone = stoppedLeadThatWrote(leadId, "Is the offer still on?");
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String ana = "ana-" + suffix;
    String bruno = "bruno-" + suffix;
    for (String[] owner : new String[][] {{ana, "Ana Lima"}, {bruno, "Bruno Reis"}}) {
      HttpResponse<String> put =
          send(
              HttpRequest.newBuilder(URI.create(url("/api/owners/" + owner[0])))
                  .header("Authorization", "Bearer " + TOKEN)
                  .header("Content-Type", "application/json")
                  .PUT(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"name\":\""
                              + owner[1]
                              + "\",\"timezone\":\"UTC\",\"capacity\":1,\"active\":false}")));
      assertThat(put.statusCode()).as(put.body()).isIn(200, 201);
    }
    var wrote = store().feedbackOf(leadId);
    String seen = wrote.get(wrote.size() - 1).getString("messageId");
    String path = "/api/leads/" + leadId + "/replies";
    String first =
        "{\"text\":\"Yes, until Friday.\",\"ownerId\":\""
            + ana
            + "\",\"seenMessageId\":\""
            + seen
            + "\",\"requestId\":\"ana-1\"}";
    assertThat(postJson(path, first).statusCode()).isEqualTo(202);

    String second =
        "{\"text\":\"It is!\",\"ownerId\":\"" + bruno + "\",\"seenMessageId\":\"" + seen + "\"";
    HttpResponse<String> collision = postJson(path, second + "}");
    assertThat(collision.statusCode()).as(collision.body()).isEqualTo(409);
    JsonNode body = json.readTree(collision.body());
    assertThat(body.path("errors").get(0).path("field").asText()).isEqualTo("seenMessageId");
    assertThat(body.path("errors").get(0).path("message").asText())
        .contains("Ana Lima (" + ana + ") answered at ");
    assertThat(body.path("answeredBy").asText()).isEqualTo("Ana Lima (" + ana + ")");
    assertThat(collision.body()).doesNotContain(phone.substring(3));

    HttpResponse<String> retried = postJson(path, first);
    assertThat(retried.statusCode()).as("the first rep's retry").isEqualTo(200);
    assertThat(json.readTree(retried.body()).get("status").asText()).isEqualTo("queued_before");

    HttpResponse<String> yes = postJson(path, second + ",\"force\":\"yes\"}");
    assertThat(yes.statusCode()).isEqualTo(400);
    assertThat(yes.body()).contains("\"field\":\"force\"");
    assertThat(postJson(path, second + ",\"force\":true}").statusCode()).isEqualTo(202);
    await(
        "both answers at the Cloud API",
        Duration.ofSeconds(20),
        () -> emulator().acceptedFor(phone) == 3);
    Thread.sleep(1000);
    assertThat(emulator().acceptedFor(phone)).as("the first message and two answers").isEqualTo(3);
  }

  /**
   * A person's answer to a lead on the "wrote after the end" list went (Meta accepted it: the lead
   * left the list), then Meta reported it failed (a status webhook for its wamid). Before, the lead
   * stayed off the list: its message counted as answered although the answer never arrived. Now it
   * is back, the row saying whose answer failed and why, and not "answered, not sent yet".
   */
  @Test
  void anAnswerMetaReportsFailedPutsTheLeadBackOnTheList() throws Exception {
    String leadId = "after-end-failed-" + UUID.randomUUID();
    String phone = stoppedLeadThatWrote(leadId, "Can I still get the discount?");
    String messageId =
        store().contact(leadId).get("afterEnd", Document.class).getString("messageId");

    HttpResponse<String> queued =
        postJson(
            "/api/leads/" + leadId + "/replies",
            "{\"text\":\"Yes, until Friday.\",\"requestId\":\"failed-1\"}");
    assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
    String key = json.readTree(queued.body()).get("idempotencyKey").asText();
    await(
        "answered: off the list",
        Duration.ofSeconds(20),
        () -> {
          Document m = store().messages().messageByKey(key);
          return m != null && m.getString("wamid") != null && listedRow(leadId) == null;
        });
    String answer = store().messages().messageByKey(key).getString("wamid");

    HttpResponse<String> failed =
        metaWebhook(
            """
            {"object":"whatsapp_business_account","entry":[{"id":"waba-1","changes":[{"field":"messages",
             "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550000000",
             "phone_number_id":"%s"},"statuses":[{"id":"%s","status":"failed","timestamp":"%d",
             "recipient_id":"%s","errors":[{"code":131026,"title":"Message undeliverable"}]}]}}]}]}
            """
                .formatted(
                    emulator().phoneNumberId(),
                    answer,
                    java.time.Instant.now().getEpochSecond(),
                    phone.substring(1)));
    assertThat(failed.statusCode()).isEqualTo(200);
    await(
        "the answer failed",
        Duration.ofSeconds(15),
        () -> "failed".equals(store().messages().messageByKey(key).getString("status")));
    await("back on the list", Duration.ofSeconds(15), () -> listedRow(leadId) != null);

    JsonNode row = row(afterEndList(), leadId);
    assertThat(row.path("messageId").asText()).isEqualTo(messageId);
    assertThat(row.path("answerFailed").path("reason").asText())
        .as(row.toString())
        .contains("131026");
    assertThat(row.path("answerFailed").path("by").asText()).isNotEmpty();
    assertThat(row.path("answeredBy").isNull()).as("nothing is on its way").isTrue();
    assertThat(row.toString()).doesNotContain(phone.substring(3));
  }

  /**
   * An operator dismisses a row naming the lead message they saw ({@code seenMessageId}); the lead
   * wrote again since: 409 naming the field, and the row stays with the new message. Before, the
   * row was cleared whatever the lead wrote since (and the parameter was refused, 400). Naming the
   * latest message dismisses it; a message the lead never sent is 422.
   */
  @Test
  void aDismissalNamingAnOlderMessageIsRefusedWhenTheLeadWroteSince() throws Exception {
    String leadId = "after-end-seen-" + UUID.randomUUID();
    String phone = stoppedLeadThatWrote(leadId, "Do you have a price list?");
    String seen = store().contact(leadId).get("afterEnd", Document.class).getString("messageId");
    String wamid = store().messages().messagesOf(leadId).get(0).getString("wamid");
    assertThat(metaWebhook(textFrom(phone, wamid, "And do you ship to Chile?")).statusCode())
        .isEqualTo(200);
    await(
        "the newer message listed",
        Duration.ofSeconds(15),
        () ->
            !seen.equals(
                store().contact(leadId).get("afterEnd", Document.class).getString("messageId")));
    String newer = store().contact(leadId).get("afterEnd", Document.class).getString("messageId");

    String path = "/api/handoffs/after-end/" + leadId + "?seenMessageId=";
    HttpResponse<String> refused = delete(path + java.net.URLEncoder.encode(seen, "UTF-8"));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    JsonNode body = json.readTree(refused.body());
    assertThat(body.path("errors").get(0).path("field").asText()).isEqualTo("seenMessageId");
    assertThat(body.path("messageId").asText()).isEqualTo(newer);
    JsonNode row = row(afterEndList(), leadId);
    assertThat(row).as("the row stays").isNotNull();
    assertThat(row.path("messageId").asText()).isEqualTo(newer);

    HttpResponse<String> unknown = delete(path + "wamid.never-sent");
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(422);
    assertThat(unknown.body()).contains("\"field\":\"seenMessageId\"");

    HttpResponse<String> dismissed = delete(path + java.net.URLEncoder.encode(newer, "UTF-8"));
    assertThat(dismissed.statusCode()).as(dismissed.body()).isEqualTo(200);
    assertThat(row(afterEndList(), leadId)).isNull();
    assertThat(
            store()
                .database()
                .getCollection("audit_log")
                .countDocuments(
                    Filters.and(
                        Filters.eq("action", "after_end_dismissed"), Filters.eq("leadId", leadId))))
        .isEqualTo(1);
  }

  private String erasureStatus(String leadId) {
    try {
      return json.readTree(get("/api/leads/" + leadId + "/erasure").body()).path("status").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> delete(String path) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url(path)))
            .header("Authorization", "Bearer " + TOKEN)
            .DELETE());
  }
}
