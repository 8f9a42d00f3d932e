package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.dashboard.LiveFeed;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A number suppressed while a lead of it is handed to a rep: by hand, or by a STOP through another
 * lead of the number (another campaign), or stored where nothing tells the leads (a voice note's
 * STOP, an error 131050, an API that died between storing and telling). Every live lead of the
 * number is told: its workflow ends, it leaves the Hand-offs queue and its rep's list (its SLA,
 * reminders and reassignments end with the workflow), and its timeline says why.
 */
final class SuppressedLeadsApplicationTest extends AppTestHarness {

  @Test
  void aNumberSuppressedByHandEndsItsHandedOffLeadAndTakesItOffTheQueue() throws Exception {
    emulator().setBehaviour(ackOnly());
    String owner = "supp-" + UUID.randomUUID().toString().substring(0, 8);
    String leadId = "supp-hand-" + UUID.randomUUID();
    String phone = phone();
    putOwner(owner);
    try {
      handedOff(leadId, phone);
      String holder = store().contact(leadId).getString("ownerId");
      assertThat(queue(null)).contains(leadId);
      assertThat(queue(holder)).contains(leadId);

      HttpResponse<String> suppressed =
          postJson(
              "/api/suppressions", "{\"number\":\"" + phone + "\",\"reason\":\"asked on a call\"}");
      assertThat(suppressed.statusCode()).as(suppressed.body()).isEqualTo(200);

      await(
          "the handed-off lead ends",
          Duration.ofSeconds(20),
          () -> "opted_out".equals(store().contact(leadId).getString("stage")));
      assertEnded(leadId, holder);
      assertThat(store().interactions().timeline(leadId))
          .filteredOn(e -> "suppressed".equals(e.getString("type")))
          .extracting(e -> e.getString("detail"))
          .containsExactly("number suppressed by an operator: asked on a call");
      // Said again: nothing more is told or written.
      assertThat(postJson("/api/suppressions", "{\"number\":\"" + phone + "\"}").statusCode())
          .isEqualTo(200);
      assertThat(store().interactions().timeline(leadId))
          .filteredOn(e -> "suppressed".equals(e.getString("type")))
          .hasSize(1);
    } finally {
      deleteOwner(owner);
    }
  }

  @Test
  void aStopThroughAnotherCampaignsLeadEndsTheHandedOffLeadOfTheNumber() throws Exception {
    emulator().setBehaviour(ackOnly());
    String owner = "supp-" + UUID.randomUUID().toString().substring(0, 8);
    String leadId = "supp-held-" + UUID.randomUUID();
    String otherId = "supp-other-" + UUID.randomUUID();
    String phone = phone();
    putOwner(owner);
    try {
      handedOff(leadId, phone);
      String holder = store().contact(leadId).getString("ownerId");
      HttpResponse<String> other =
          postJson(
              "/api/leads?recontact=true",
              leadJson(otherId, phone)
                  .replace("\"name\"", "\"campaignId\":\"supp-cmp-b\",\"name\""));
      assertThat(other.statusCode()).as(other.body()).isBetween(200, 202);
      await(
          "the other lead's opener",
          Duration.ofSeconds(20),
          () ->
              store().messages().messagesOf(otherId).stream()
                  .anyMatch(m -> m.getString("wamid") != null));
      String otherWamid = store().messages().messagesOf(otherId).get(0).getString("wamid");

      assertThat(metaWebhook(textFrom(phone, otherWamid, "STOP")).statusCode()).isEqualTo(200);

      await(
          "the other lead opts out",
          Duration.ofSeconds(20),
          () -> "opted_out".equals(store().contact(otherId).getString("stage")));
      await(
          "the handed-off lead ends too",
          Duration.ofSeconds(20),
          () -> "opted_out".equals(store().contact(leadId).getString("stage")));
      assertEnded(leadId, holder);
      assertThat(store().interactions().timeline(leadId))
          .filteredOn(e -> "opted_out".equals(e.getString("type")))
          .extracting(e -> e.getString("detail"))
          .containsExactly("keyword: opted out in another conversation of the number");
    } finally {
      deleteOwner(owner);
    }
  }

  /**
   * A lead an operator's suppression ends opted_out counts as one in its campaign's funnel, as the
   * leads list shows it (and stays one after a rebuild from the marks, and when told again), and
   * the live feed shows it (polling here: the shared server has no change streams;
   * LiveFeedResumeContract has the stream's). The variant's opt-out rate leaves it out.
   */
  @Test
  void aLeadEndedByAHandSuppressionCountsInTheFunnelOnceAndInTheLiveFeed() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "supp-funnel-" + UUID.randomUUID().toString().substring(0, 8);
    String leadId = "supp-count-" + UUID.randomUUID();
    String phone = phone();
    var db = store().database();
    LiveFeed polling = new LiveFeed(db, () -> false, 100);
    polling.start();
    try {
      BlockingQueue<LiveFeed.Event> polled = polling.subscribe();
      HttpResponse<String> enrolled =
          postJson(
              "/api/leads",
              leadJson(leadId, phone)
                  .replace("\"name\"", "\"campaignId\":\"" + campaign + "\",\"name\""));
      assertThat(enrolled.statusCode()).as(enrolled.body()).isBetween(200, 202);
      await(
          "sent",
          Duration.ofSeconds(20),
          () ->
              store().messages().messagesOf(leadId).stream()
                  .anyMatch(m -> m.getString("wamid") != null));
      String variant = store().contact(leadId).getString("variantId");
      long variantOptOuts = variantOptOuts(variant);

      HttpResponse<String> suppressed =
          postJson("/api/suppressions", "{\"number\":\"" + phone + "\",\"reason\":\"asked\"}");
      assertThat(suppressed.statusCode()).as(suppressed.body()).isEqualTo(200);
      await(
          "the lead ends",
          Duration.ofSeconds(20),
          () -> "opted_out".equals(store().contact(leadId).getString("stage")));

      JsonNode list =
          json.readTree(get("/api/leads?campaignId=" + campaign + "&stage=opted_out").body());
      assertThat(list.path("total").asLong()).isEqualTo(1);
      assertThat(optedOut(campaign)).isEqualTo(1);
      assertThat(feedEvent(polled, leadId)).as("polling").isEqualTo("opted_out");

      // Told again, rebuilt: still one.
      assertThat(postJson("/api/suppressions", "{\"number\":\"" + phone + "\"}").statusCode())
          .isEqualTo(200);
      assertThat(postJson("/api/dashboard/counters/rebuild", "{}").statusCode()).isEqualTo(200);
      assertThat(optedOut(campaign)).isEqualTo(1);
      assertThat(variantOptOuts(variant)).isEqualTo(variantOptOuts);
    } finally {
      polling.stop();
    }
  }

  /**
   * A compliance team's do-not-contact list uploaded as a CRM export (';' separated, the number in
   * its Phone Number column, national numbers in ?region=): every line answered, the live lead of a
   * listed number ends opted_out and counts once in its campaign's funnel, and the same list
   * uploaded again changes nothing. A list refused whole (no number column, over the cap, an
   * unknown region) names the field and suppresses nothing.
   */
  @Test
  void anUploadedListEndsTheLiveLeadsOfItsNumbersOnceAndAgainChangesNothing() throws Exception {
    emulator().setBehaviour(ackOnly());
    String campaign = "supp-list-" + UUID.randomUUID().toString().substring(0, 8);
    String leadId = "supp-listed-" + UUID.randomUUID();
    String phone = phone();
    String national = phone();
    HttpResponse<String> enrolled =
        postJson(
            "/api/leads",
            leadJson(leadId, phone)
                .replace("\"name\"", "\"campaignId\":\"" + campaign + "\",\"name\""));
    assertThat(enrolled.statusCode()).as(enrolled.body()).isBetween(200, 202);
    await(
        "sent",
        Duration.ofSeconds(20),
        () ->
            store().messages().messagesOf(leadId).stream()
                .anyMatch(m -> m.getString("wamid") != null));
    // (11) 9xxxx-xxxx: the national spelling of +55 11 9xxxx-xxxx.
    String local = national.substring(3);
    String written =
        "(" + local.substring(0, 2) + ") " + local.substring(2, 7) + "-" + local.substring(7);
    String csv =
        "Name;Phone Number;Email\r\n"
            + "Zoë;"
            + phone
            + ";zoe@example.com\r\n"
            + "Rui;"
            + written
            + ";rui@example.com\r\n"
            + "Bad;12;bad@example.com\r\n"
            + "Zoë again;+55 "
            + phone.substring(3, 5)
            + " "
            + phone.substring(5)
            + ";\r\n";

    HttpResponse<String> uploaded = upload("?region=BR&reason=compliance%20list", csv);
    assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
    JsonNode answer = json.readTree(uploaded.body());
    JsonNode results = answer.path("results");
    assertThat(results).hasSize(4);
    assertThat(results.get(0).path("status").asText()).isEqualTo("suppressed");
    assertThat(results.get(0).path("number").asText()).isEqualTo(phone);
    assertThat(results.get(1).path("status").asText()).isEqualTo("suppressed");
    assertThat(results.get(1).path("number").asText()).isEqualTo(national);
    assertThat(results.get(2).path("status").asText()).isEqualTo("invalid");
    assertThat(results.get(2).path("line").asLong()).isEqualTo(4);
    assertThat(results.get(2).path("errors").get(0).path("field").asText()).isEqualTo("number");
    assertThat(results.get(3).path("status").asText()).isEqualTo("already_suppressed");
    assertThat(results.get(3).path("duplicateOf").asLong()).isEqualTo(2);
    assertThat(answer.path("summary").toString())
        .isEqualTo(
            "{\"lines\":4,\"suppressed\":2,\"alreadySuppressed\":1,\"invalid\":1,"
                + "\"leadsTold\":1,\"column\":\"Phone Number\"}");

    await(
        "the listed number's lead ends",
        Duration.ofSeconds(20),
        () -> "opted_out".equals(store().contact(leadId).getString("stage")));
    assertThat(store().interactions().timeline(leadId))
        .filteredOn(e -> "suppressed".equals(e.getString("type")))
        .extracting(e -> e.getString("detail"))
        .containsExactly("number suppressed by an imported do-not-contact list");
    assertThat(optedOut(campaign)).isEqualTo(1);

    HttpResponse<String> again = upload("?region=BR", csv);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    JsonNode second = json.readTree(again.body());
    assertThat(second.path("summary").path("suppressed").asInt()).isZero();
    assertThat(second.path("summary").path("alreadySuppressed").asInt()).isEqualTo(3);
    assertThat(second.path("results").get(0).path("status").asText())
        .isEqualTo("already_suppressed");
    assertThat(second.path("summary").path("leadsTold").asInt()).isZero();
    assertThat(optedOut(campaign)).isEqualTo(1);
    assertThat(store().interactions().timeline(leadId))
        .filteredOn(e -> "suppressed".equals(e.getString("type")))
        .hasSize(1);

    String untouched = phone();
    HttpResponse<String> noColumn =
        upload("", "Name,Email\r\nAna," + untouched.substring(1) + "@example.com\r\n");
    assertThat(noColumn.statusCode()).isEqualTo(400);
    assertThat(noColumn.body()).contains("\"field\":\"number\"");
    // Over the cap: the lines read before it are suppressed all the same (never dropped once
    // read), the first one too.
    String readBeforeTheCap = phone();
    StringBuilder over = new StringBuilder(readBeforeTheCap).append('\n');
    for (int i = 0; i < 100_000; i++) {
      over.append("+1500555").append(String.format("%04d", i % 10_000)).append('\n');
    }
    HttpResponse<String> tooMany = upload("", over.toString());
    assertThat(tooMany.statusCode()).as(tooMany.body()).isEqualTo(413);
    assertThat(tooMany.body()).contains("\"field\":\"body\"");
    assertThat(get("/api/suppressions/" + readBeforeTheCap).statusCode())
        .as("a line read before the cap is suppressed")
        .isEqualTo(200);
    HttpResponse<String> region = upload("?region=ZZ", untouched + "\n");
    assertThat(region.statusCode()).isEqualTo(400);
    assertThat(region.body()).contains("\"field\":\"region\"");
    assertThat(get("/api/suppressions/" + untouched).statusCode())
        .as("nothing of a list refused before its first number is suppressed")
        .isEqualTo(404);
  }

  private HttpResponse<String> upload(String query, String csv) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url("/api/suppressions/import" + query)))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "text/csv; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(csv)));
  }

  private long optedOut(String campaign) throws Exception {
    HttpResponse<String> summary = get("/api/dashboard/summary?campaignId=" + campaign);
    assertThat(summary.statusCode()).as(summary.body()).isEqualTo(200);
    return json.readTree(summary.body()).path("funnel").path("opted_out").asLong();
  }

  private long variantOptOuts(String variant) {
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    return new com.salesagent.activities.variants.VariantStats(store().database())
        .stored(today.minusDays(1), today.plusDays(1)).entrySet().stream()
            .filter(e -> e.getKey().variantId().equals(variant))
            .mapToLong(e -> e.getValue().getOrDefault("opted_out", 0L))
            .sum();
  }

  /** "opted_out" when a feed event within 10 s says this lead opted out, else null. */
  private String feedEvent(BlockingQueue<LiveFeed.Event> q, String leadId) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      LiveFeed.Event e = q.poll(200, TimeUnit.MILLISECONDS);
      if (e != null && "feed".equals(e.event()) && e.data().contains(leadId)) {
        JsonNode event = json.readTree(e.data());
        if ("opted_out".equals(event.path("kind").asText())) {
          return "opted_out";
        }
      }
    }
    return null;
  }

  /**
   * A suppression stored where nothing tells the number's leads (the worker's: a voice note saying
   * stop or an error 131050 through another lead; or an API that died between storing and telling):
   * the sweep tells them.
   */
  @Test
  void aSuppressionNobodyToldIsToldByTheSweep() throws Exception {
    emulator().setBehaviour(ackOnly());
    String owner = "supp-" + UUID.randomUUID().toString().substring(0, 8);
    String leadId = "supp-swept-" + UUID.randomUUID();
    String phone = phone();
    putOwner(owner);
    try {
      handedOff(leadId, phone);
      String holder = store().contact(leadId).getString("ownerId");

      new Suppressions(store().database())
          .suppress(List.of(phone), Suppressions.KEYWORD, Instant.now(), "voice note wamid.x");

      // Off the queue at once (filtered on read), before any lead is told.
      assertThat(queue(null)).doesNotContain(leadId);
      assertThat(queue(holder)).doesNotContain(leadId);
      await(
          "the sweep ends the handed-off lead",
          Duration.ofSeconds(90),
          () -> "opted_out".equals(store().contact(leadId).getString("stage")));
      assertEnded(leadId, holder);
      assertThat(store().interactions().timeline(leadId))
          .filteredOn(e -> "suppressed".equals(e.getString("type")))
          .extracting(e -> e.getString("detail"))
          .containsExactly("the number opted out in another conversation (keyword)");
      assertThat(
              store()
                  .database()
                  .getCollection("suppressions_to_tell")
                  .countDocuments(Filters.eq("_id", phone)))
          .isZero();
    } finally {
      deleteOwner(owner);
    }
  }

  /** The lead's workflow has completed, it is on nobody's queue, and no SLA step followed. */
  private void assertEnded(String leadId, String holder) throws Exception {
    // The run records its end stage before it completes: a completion that met a signal landing at
    // that moment (UnhandledCommand) is retried, so the completion may follow the stage by a task.
    await(
        "the lead's workflow completes",
        Duration.ofSeconds(30),
        () ->
            app()
                    .connections()
                    .temporal()
                    .client()
                    .newUntypedWorkflowStub(LeadWorkflow.workflowId(leadId))
                    .describe()
                    .getStatus()
                == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    assertThat(queue(null)).doesNotContain(leadId);
    assertThat(queue(holder)).doesNotContain(leadId);
    assertThat(store().interactions().timeline(leadId))
        .extracting(e -> e.getString("type"))
        .doesNotContain("handoff_reminder", "handoff_reassigned", "handoff_kept");
  }

  private void handedOff(String leadId, String phone) throws Exception {
    String wamid = enrolAndAwaitFirstSend(leadId, phone);
    assertThat(
            metaWebhook(
                    textFrom(phone, wamid, "Sounds great, I am interested. Send me the details"))
                .statusCode())
        .isEqualTo(200);
    await(
        "handed off",
        Duration.ofSeconds(20),
        () -> "handed_off".equals(store().contact(leadId).getString("stage")));
  }

  private String queue(String ownerId) throws Exception {
    HttpResponse<String> queue =
        get(ownerId == null ? "/api/handoffs" : "/api/handoffs?ownerId=" + ownerId);
    assertThat(queue.statusCode()).as(queue.body()).isEqualTo(200);
    return queue.body();
  }

  private void putOwner(String owner) throws Exception {
    HttpResponse<String> put =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/owners/" + owner)))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"Sol Reis\",\"timezone\":\"UTC\",\"capacity\":1000}")));
    assertThat(put.statusCode()).as(put.body()).isIn(200, 201);
  }

  private void deleteOwner(String owner) throws Exception {
    send(
        HttpRequest.newBuilder(URI.create(url("/api/owners/" + owner)))
            .header("Authorization", "Bearer " + TOKEN)
            .DELETE());
  }
}
