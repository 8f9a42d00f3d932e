package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.model.Filters;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.workflows.lead.Stage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Message variants on the embedded stack: the variants API and the kill-switch reaching leads in
 * flight, the incremental counters against the aggregation over the history, and the automatic
 * disabling of a losing arm. The tests that disable variants or change the auto-disable settings
 * put them back in finally blocks, as the other classes share the application.
 */
final class VariantsApplicationTest extends AppTestHarness {
  /** Disables every enabled variant but {@code variant}, so the next lead gets it; their ids. */
  private List<String> disableAllBut(String variant) throws Exception {
    List<String> others = new java.util.ArrayList<>();
    for (JsonNode v : json.readTree(get("/api/variants").body()).path("variants")) {
      String id = v.path("variantId").asText();
      if (!id.equals(variant) && v.path("enabled").asBoolean()) {
        others.add(id);
        postJson("/api/variants/" + id + "/disable", "");
      }
    }
    return others;
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
    List<String> others = disableAllBut(variant);
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
    // Counted once it is off: the lead switches at its next message, nothing of it is in flight.
    assertThat(killSwitch.path("switching").asLong())
        .as(killSwitch.toString())
        .isGreaterThanOrEqualTo(1);
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
        () -> store().messages().messagesOf(leadId).size() >= 2);
    assertThat(store().messages().messagesOf(leadId).get(1).getString("variantId"))
        .isNotEqualTo(variant);
    assertThat(store().interactions().timeline(leadId))
        .anyMatch(d -> "variant_switched".equals(d.getString("type")));
  }

  /**
   * Disabling every variant answered 200 with no warning, and a lead enrolled then stayed
   * "researching" with no next action (its assignment retried in the worker's log only). The
   * disable that leaves segments without a variant warns naming them (it still goes through: a kill
   * switch), the waiting lead's page says why, the variants count it, and it goes on once a variant
   * is enabled again.
   */
  @Test
  void disablingEveryVariantWarnsAndALeadWaitingForOneSaysSoUntilOneIsEnabled() throws Exception {
    emulator().setBehaviour(ackOnly());
    List<String> disabled = new java.util.ArrayList<>();
    String leadId = "wait-" + UUID.randomUUID();
    try {
      JsonNode last = null;
      for (JsonNode v : json.readTree(get("/api/variants").body()).path("variants")) {
        if (v.path("enabled").asBoolean()) {
          String id = v.path("variantId").asText();
          disabled.add(id);
          HttpResponse<String> off = postJson("/api/variants/" + id + "/disable", "");
          assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
          last = json.readTree(off.body());
        }
      }
      assertThat(last).isNotNull();
      List<String> left = new java.util.ArrayList<>();
      for (JsonNode w : last.path("warnings")) {
        if ("no_enabled_variant".equals(w.path("problem").asText())) {
          left.add(w.path("segment").asText());
        }
      }
      assertThat(left).as(last.toString()).contains("smb", "mid_market", "enterprise", "default");

      postJson("/api/leads", leadJson(leadId, phone()));
      await(
          "the lead waits for a variant",
          Duration.ofSeconds(30),
          () -> {
            Document c = store().contact(leadId);
            return c != null && c.getString("waitingForVariant") != null;
          });
      String segment = store().contact(leadId).getString("waitingForVariant");
      JsonNode page = json.readTree(get("/api/leads/" + leadId).body());
      assertThat(page.path("nextAction").asText())
          .isEqualTo("waiting: no enabled prompt variant for segment " + segment);
      // The page's profile (the contact as shown) and the lead list say it too.
      assertThat(page.path("lead").path("nextAction").asText())
          .isEqualTo("waiting: no enabled prompt variant for segment " + segment);
      JsonNode row = null;
      for (JsonNode l :
          json.readTree(get("/api/leads?stage=researching&pageSize=100").body()).path("leads")) {
        if (leadId.equals(l.path("leadId").asText())) {
          row = l;
        }
      }
      assertThat(row).as("the lead in the list").isNotNull();
      assertThat(row.path("nextAction").asText())
          .isEqualTo("waiting: no enabled prompt variant for segment " + segment);
      assertThat(page.path("interactions").findValuesAsText("type"))
          .contains("waiting_for_variant");
      assertThat(json.readTree(get("/api/variants/gaps").body()).path("waitingForVariant").asLong())
          .isGreaterThanOrEqualTo(1);
    } finally {
      for (String id : disabled) {
        postJson("/api/variants/" + id + "/enable", "");
      }
    }
    // The wait ends at the lead's next look, within seconds (VariantAssigner.WAKE_DELAY, 5 s),
    // not at its assignment's back-off (up to 30 s apart): measured, with a generous deadline.
    long enabledAt = System.nanoTime();
    await(
        "sent once a variant is enabled again",
        Duration.ofSeconds(45),
        () ->
            store().messages().messagesOf(leadId).stream()
                .anyMatch(m -> m.getString("wamid") != null));
    System.out.printf(
        "a lead waiting for a variant was sent %d ms after the enable%n",
        (System.nanoTime() - enabledAt) / 1_000_000);
    assertThat(store().contact(leadId).containsKey("waitingForVariant")).isFalse();
  }

  /**
   * An image-card variant through the running system: the modality set through the API, a lead's
   * first contact goes as a template with the card as its image header (uploaded to the Cloud API
   * from S3), the timeline names the S3 object, and the variants report shows the modality.
   */
  /**
   * An operator's segment on the running system: a lead whose persona matches it (a phrase of its
   * job title, so no other class's lead does) gets the segment at its profile step and its first
   * message from the segment's pool; the segment keys its counters and search attribute.
   */
  @Test
  void anOperatorsSegmentGivesAMatchingLeadItsSegmentAndAVariantFromItsPool() throws Exception {
    emulator().setBehaviour(ackOnly());
    String segment = "zephyr-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created =
        postJson(
            "/api/segments",
            """
            {"segmentId":"%s","order":1,"query":{"q":"zephyr"},"variants":["v-speed"],
             "workflowDefinition":"default"}
            """
                .formatted(segment));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String leadId = "seg-" + UUID.randomUUID();
    postJson(
        "/api/leads",
        leadJson(leadId, phone()).replace("\"Head of Sales\"", "\"VP of Zephyr Operations\""));
    await(
        "sent",
        Duration.ofSeconds(20),
        () ->
            store().messages().messagesOf(leadId).stream()
                .anyMatch(m -> m.getString("wamid") != null));

    Document contact = store().contact(leadId);
    assertThat(contact.getString("segment")).isEqualTo(segment);
    assertThat(contact.getString("variantId")).isEqualTo("v-speed");
    assertThat(state(leadId).segment()).isEqualTo(segment);
    assertThat(
            app()
                .connections()
                .mongo()
                .database()
                .getCollection("variant_stats")
                .countDocuments(Filters.and(Filters.eq("segment", segment), Filters.gt("sent", 0))))
        .isEqualTo(1);
    JsonNode match = json.readTree(get("/api/segments/match?leadId=" + leadId).body());
    assertThat(match.path("matches").asText()).isEqualTo(segment);
    assertThat(match.path("assigned").asText()).isEqualTo(segment);
  }

  /**
   * A segment defined by a research topic: research runs beside the profile step, so the topic is
   * known only once research is done; the lead must still be matched on it before its variant is
   * assigned and its first message goes out (the seed's "mentioned scaling challenges").
   */
  @Test
  void aSegmentOnAResearchTopicHoldsTheLeadWhoseResearchMentionsIt() throws Exception {
    emulator().setBehaviour(ackOnly());
    String segment = "scaling-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created =
        postJson(
            "/api/segments",
            """
            {"segmentId":"%s","order":0,"query":{"topic":["scaling_challenges"],"q":"quasar"},
             "variants":["v-speed"],"workflowDefinition":"default"}
            """
                .formatted(segment));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String leadId = "topic-" + UUID.randomUUID();
    postJson(
        "/api/leads",
        leadJson(leadId, phone())
            .replace("\"Head of Sales\"", "\"VP of Quasar Platform\"")
            .replace(
                "\"notes\"",
                "\"researchText\":\"Our platform is struggling to scale as usage grows: "
                    + "performance bottlenecks under rapidly growing traffic, and the "
                    + "infrastructure cannot keep up with growth.\",\"notes\""));
    await(
        "sent",
        Duration.ofSeconds(20),
        () ->
            store().messages().messagesOf(leadId).stream()
                .anyMatch(m -> m.getString("wamid") != null));

    Document persona =
        app()
            .connections()
            .mongo()
            .database()
            .getCollection("personas")
            .find(Filters.eq("leadId", leadId))
            .first();
    assertThat(persona.get("evidence", Document.class).getList("topics", Document.class))
        .extracting(t -> t.getString("value"))
        .contains("scaling_challenges");
    Document contact = store().contact(leadId);
    assertThat(contact.getString("segment")).isEqualTo(segment);
    assertThat(contact.getString("variantId")).isEqualTo("v-speed");
    assertThat(state(leadId).segment()).isEqualTo(segment);
  }

  @Test
  void anImageCardVariantSendsItsCardAsTheFirstContactsHeader() throws Exception {
    emulator().setBehaviour(ackOnly());
    String variant = "card-" + UUID.randomUUID().toString().substring(0, 8);
    String body =
        """
        {"variantId":"%s","segments":["*"],"angle":"cost savings","weight":1,
         "modality":"%s","offer":"Cut your cost per lead",
         "templates":{"first_contact":{"name":"intro_card","language":"en","header":"image",
           "body":"Hi {{firstName}}, I saw that {{fact}}. Shall we talk?"},
          "follow_up_read":{"name":"fu_card","language":"en","body":"Hi {{firstName}}, any thoughts?"}}}
        """;
    HttpResponse<String> bad = postJson("/api/variants", body.formatted(variant, "hologram"));
    assertThat(bad.statusCode()).isEqualTo(422);
    assertThat(bad.body()).contains("modality");
    assertThat(postJson("/api/variants", body.formatted(variant, "image_card")).statusCode())
        .isEqualTo(201);
    List<String> others = disableAllBut(variant);
    String leadId = "card-" + UUID.randomUUID();
    String phone = phone();
    String heldId = "card-held-" + UUID.randomUUID();
    try {
      enrolAndAwaitFirstSend(leadId, phone);
      // A Portuguese-speaking lead's English text is held by the gate: the approver sees the card.
      postJson(
          "/api/leads",
          leadJson(heldId, phone()).replace("\"timezone\"", "\"locale\":\"pt-BR\",\"timezone\""));
      await(
          "held",
          Duration.ofSeconds(30),
          () -> "awaiting_approval".equals(store().contact(heldId).getString("stage")));
    } finally {
      for (String id : others) {
        postJson("/api/variants/" + id + "/enable", "");
      }
      postJson("/api/variants/" + variant + "/disable", "");
    }
    org.bson.Document message = store().messages().messagesOf(leadId).get(0);
    assertThat(message.getString("variantId")).isEqualTo(variant);
    org.bson.Document card = message.get("media", org.bson.Document.class);
    assertThat(card.getString("sentAs")).isEqualTo("template_header");
    String waId = phone.substring(1);
    assertThat(emulator().lastMessageType(waId)).isEqualTo("template");
    byte[] stored =
        app()
            .connections()
            .storage()
            .storage()
            .get(card.getString("url").replaceFirst("^s3://[^/]+/", ""));
    assertThat(emulator().media().bytes(emulator().lastMediaId(waId))).isEqualTo(stored);
    assertThat(store().interactions().timeline(leadId))
        .anyMatch(
            e ->
                "message_sent".equals(e.getString("type"))
                    && card.getString("url").equals(e.getString("media_url")));
    JsonNode held = null;
    for (JsonNode p : json.readTree(get("/api/approvals").body()).path("pending")) {
      if (heldId.equals(p.path("leadId").asText())) {
        held = p;
      }
    }
    assertThat(held).as("the held card message is listed").isNotNull();
    String sha = held.path("media").path("sha256").asText();
    assertThat(held.path("media").path("contentType").asText()).isEqualTo("image/png");
    HttpResponse<byte[]> preview =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url("/api/leads/" + heldId + "/media/" + sha)))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(preview.statusCode()).isEqualTo(200);
    assertThat(preview.headers().firstValue("Content-Type")).hasValue("image/png");
    org.bson.Document heldCard =
        store().messages().messagesOf(heldId).get(0).get("media", org.bson.Document.class);
    assertThat(preview.body())
        .isEqualTo(
            app()
                .connections()
                .storage()
                .storage()
                .get(heldCard.getString("url").replaceFirst("^s3://[^/]+/", "")));
    // Only under a lead whose own message or reply names it.
    assertThat(get("/api/leads/nobody-" + UUID.randomUUID() + "/media/" + sha).statusCode())
        .isEqualTo(404);
    postJson("/api/leads/" + heldId + "/approval", "{\"decision\":\"reject\"}");
    JsonNode report = json.readTree(get("/api/analytics/variants").body()).path("variants");
    boolean shown = false;
    for (JsonNode row : report) {
      if (row.path("variantId").asText().equals(variant)) {
        assertThat(row.path("modality").asText()).isEqualTo("image_card");
        shown = true;
      }
    }
    assertThat(shown).as("the variants report lists the card variant").isTrue();
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
                List.of("Sounds great, tell me more", "No thanks", "Too expensive for us"),
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
          () ->
              store().messages().messagesOf(leadId).stream()
                  .anyMatch(m -> m.getString("wamid") != null));
    }
    // Compare once every lead has its outcome and the inbox is idle: the rows then hold
    // delivered, read and replied too, not only what the sends counted.
    for (String leadId : leads) {
      await(
          "an outcome for " + leadId,
          Duration.ofSeconds(60),
          () -> Stage.valueOf(store().contact(leadId).getString("stage").toUpperCase()).settled());
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
    // The two reads could straddle a send (its wamid is stored before its message_sent): they must
    // agree once nothing is in flight; a double count (CI saw 9 against 8 when a "sent" webhook
    // overtook the send's own answer) never would.
    await(
        "every accepted message counted once as sent",
        Duration.ofSeconds(20),
        () -> {
          long sentHere =
              store()
                  .messages()
                  .collection()
                  .countDocuments(
                      Filters.and(Filters.in("leadId", leads), Filters.exists("wamid", true)));
          long sentStored =
              store()
                  .interactions()
                  .collection()
                  .countDocuments(
                      Filters.and(
                          Filters.in("meta.leadId", leads), Filters.eq("type", "message_sent")));
          return sentStored == sentHere;
        });
    List<String> sentWamids = new java.util.ArrayList<>();
    for (Document d :
        store()
            .interactions()
            .collection()
            .find(
                Filters.and(
                    Filters.in("meta.leadId", leads), Filters.eq("type", "message_sent")))) {
      sentWamids.add(d.getString("wamid"));
    }
    assertThat(sentWamids).doesNotContainNull();
    assertThat(sentWamids).as("one message_sent per accepted message").doesNotHaveDuplicates();
    assertThat(totals.get("delivered")).isPositive();
    assertThat(totals.get("read")).isPositive();
    assertThat(totals.get("replied")).isPositive();
    // Interest is counted for exactly the leads that showed it in a reply, each once; a polite no
    // ("No thanks") or an objection alone is a reply, not interest.
    java.util.Set<String> showedInterest = new java.util.TreeSet<>();
    store()
        .feedback()
        .find(Filters.and(Filters.in("leadId", leads), Filters.eq("intent", "interested")))
        .forEach(f -> showedInterest.add(f.getString("leadId")));
    java.util.Set<String> countedInterested = new java.util.TreeSet<>();
    store()
        .contacts()
        .find(Filters.and(Filters.in("leadId", leads), Filters.exists("funnel.interested")))
        .forEach(c -> countedInterested.add(c.getString("leadId")));
    assertThat(countedInterested).isEqualTo(showedInterest);

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

  /**
   * A rep writes to a lead during its sequence, before its first reply (its reaction to the first
   * message opened WhatsApp's window), and the lead then replies: the reply answers the rep, not
   * the variant. The variants report shows the lead as assisted, the variant's replies unchanged
   * and no trial for it, and the stored counters agree with their recount. The lead's own segment
   * (a phrase of its job title no other lead has) keeps the figures exact.
   */
  @Test
  void aReplyToARepsMessageBeforeTheLeadsFirstReplyIsNotTheVariantsEvidence() throws Exception {
    emulator().setBehaviour(ackOnly());
    String segment = "assist-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created =
        postJson(
            "/api/segments",
            """
            {"segmentId":"%s","order":2,"query":{"q":"quokka"},"variants":["v-speed"],
             "workflowDefinition":"default"}
            """
                .formatted(segment));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String leadId = "assist-" + UUID.randomUUID();
    String phone = phone();
    postJson(
        "/api/leads",
        leadJson(leadId, phone).replace("\"Head of Sales\"", "\"VP of Quokka Logistics\""));
    await(
        "sent",
        Duration.ofSeconds(20),
        () ->
            store().messages().messagesOf(leadId).stream()
                .anyMatch(m -> m.getString("wamid") != null));
    assertThat(store().contact(leadId).getString("segment")).isEqualTo(segment);
    String first = store().messages().messagesOf(leadId).get(0).getString("wamid");
    // The lead reacts to the first message: the window is open, no reply yet.
    assertThat(metaWebhook(reactionFrom(phone, first)).statusCode()).isEqualTo(200);
    emulator().recipientWrote(phone);
    await(
        "the reaction taken in",
        Duration.ofSeconds(15),
        () ->
            store().interactions().timeline(leadId).stream()
                .anyMatch(e -> "reaction".equals(e.getString("type"))));

    HttpResponse<String> queued =
        postJson(
            "/api/leads/" + leadId + "/replies",
            "{\"text\":\"Hi, I run the Quokka rollouts here: shall I send you a case study?\"}");
    assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
    String key = json.readTree(queued.body()).path("idempotencyKey").asText();
    await(
        "the rep's message sent",
        Duration.ofSeconds(20),
        () -> {
          Document m = store().messages().messageByKey(key);
          return m != null && m.getString("wamid") != null;
        });
    String repsMessage = store().messages().messageByKey(key).getString("wamid");
    assertThat(metaWebhook(textFrom(phone, repsMessage, "Yes please, send it")).statusCode())
        .isEqualTo(200);
    await(
        "the reply counted in the funnel",
        Duration.ofSeconds(20),
        () ->
            com.salesagent.activities.mongo.FunnelStats.reached(
                store().contact(leadId), "replied"));

    JsonNode row = null;
    for (JsonNode v :
        json.readTree(get("/api/analytics/variants?segment=" + segment).body()).path("variants")) {
      if ("v-speed".equals(v.path("variantId").asText())) {
        row = v;
      }
    }
    assertThat(row).as("v-speed in the segment's report").isNotNull();
    assertThat(row.path("counts").path("assigned").asLong()).isEqualTo(1);
    assertThat(row.path("counts").path("assisted").asLong()).as(row.toString()).isEqualTo(1);
    assertThat(row.path("counts").path("replied").asLong()).as(row.toString()).isZero();
    assertThat(row.path("measured").asLong()).isZero();
    assertThat(row.path("replyRate").path("trials").asLong()).isZero();
    String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
    JsonNode check =
        json.readTree(
            get("/api/analytics/variants/counters?from=" + today + "&to=" + today).body());
    for (JsonNode d : check.path("differing")) {
      assertThat(d.path("segment").asText()).as(d.toString()).isNotEqualTo(segment);
    }
  }

  /**
   * The kill switch through the running system: a lead sent its first message on one variant of its
   * segment's pool, the variant switched off while the lead waits for its follow-up, the follow-up
   * goes on the other variant and the lead replies to it. The lead received the first variant's
   * message, so it stays that variant's trial (measured there, not {@code switched}), its reply
   * credited there whichever message it answers, and it is no trial of the second (not assigned);
   * the recount agrees. Before, it was taken off the first variant's trials and its reply credited
   * to neither, while the leads that had replied before the switch stayed: the switched-off variant
   * kept its replies and lost its non-replies.
   */
  @Test
  void aLeadSwitchedAfterItsFirstMessageStaysTheOldVariantsTrial() throws Exception {
    emulator().setBehaviour(ackOnly());
    String segment = "switch-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created =
        postJson(
            "/api/segments",
            """
            {"segmentId":"%s","order":2,"query":{"q":"wombat"},"variants":["v-speed","v-cost"],
             "workflowDefinition":"default"}
            """
                .formatted(segment));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String leadId = "switch-" + UUID.randomUUID();
    String phone = phone();
    postJson(
        "/api/leads",
        leadJson(leadId, phone).replace("\"Head of Sales\"", "\"VP of Wombat Logistics\""));
    await(
        "sent",
        Duration.ofSeconds(20),
        () ->
            store().messages().messagesOf(leadId).stream()
                .anyMatch(m -> m.getString("wamid") != null));
    assertThat(store().contact(leadId).getString("segment")).isEqualTo(segment);
    String old = store().contact(leadId).getString("variantId");
    try {
      assertThat(postJson("/api/variants/" + old + "/disable", "").statusCode()).isEqualTo(200);
      await(
          "the follow-up on the other variant",
          Duration.ofSeconds(40),
          () ->
              store().messages().messagesOf(leadId).stream()
                  .anyMatch(
                      m -> m.getString("wamid") != null && !old.equals(m.getString("variantId"))));
    } finally {
      postJson("/api/variants/" + old + "/enable", "");
    }
    Document followUp =
        store().messages().messagesOf(leadId).stream()
            .filter(m -> m.getString("wamid") != null && !old.equals(m.getString("variantId")))
            .findFirst()
            .orElseThrow();
    String now = followUp.getString("variantId");
    assertThat(
            metaWebhook(textFrom(phone, followUp.getString("wamid"), "Yes, tell me more"))
                .statusCode())
        .isEqualTo(200);
    await(
        "the reply counted in the funnel",
        Duration.ofSeconds(20),
        () ->
            com.salesagent.activities.mongo.FunnelStats.reached(
                store().contact(leadId), "replied"));

    Map<String, JsonNode> rows = new java.util.HashMap<>();
    for (JsonNode v :
        json.readTree(get("/api/analytics/variants?segment=" + segment).body()).path("variants")) {
      rows.put(v.path("variantId").asText(), v);
    }
    JsonNode before = rows.get(old);
    JsonNode after = rows.get(now);
    assertThat(before).as("%s in the segment's report", old).isNotNull();
    assertThat(after).as("%s in the segment's report", now).isNotNull();
    assertThat(before.path("counts").path("assigned").asLong()).as(before.toString()).isEqualTo(1);
    assertThat(before.path("counts").path("switched").asLong()).as(before.toString()).isZero();
    assertThat(before.path("measured").asLong()).as(before.toString()).isEqualTo(1);
    assertThat(before.path("counts").path("replied").asLong()).as(before.toString()).isEqualTo(1);
    assertThat(after.path("counts").path("assigned").asLong()).as(after.toString()).isZero();
    assertThat(after.path("counts").path("replied").asLong()).as(after.toString()).isZero();
    assertThat(after.path("measured").asLong()).as(after.toString()).isZero();
    String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
    JsonNode check =
        json.readTree(
            get("/api/analytics/variants/counters?from=" + today + "&to=" + today).body());
    for (JsonNode d : check.path("differing")) {
      assertThat(d.path("segment").asText()).as(d.toString()).isNotEqualTo(segment);
    }
  }

  /** Meta's notification of a reaction from {@code phone} to our {@code wamid}, sent now. */
  private String reactionFrom(String phone, String wamid) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"waba-1","changes":[{"field":"messages",
         "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550000000",
         "phone_number_id":"%s"},"messages":[{"from":"%s","id":"wamid.in-%s","timestamp":"%d",
         "type":"reaction","reaction":{"message_id":"%s","emoji":"👍"}}]}}]}]}
        """
        .formatted(
            emulator().phoneNumberId(),
            phone.substring(1),
            UUID.randomUUID(),
            java.time.Instant.now().getEpochSecond(),
            wamid);
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
}
