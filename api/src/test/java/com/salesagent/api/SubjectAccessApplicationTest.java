package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.compose.LlmWriter;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.embedded.EmulatorMedia;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A subject access request ({@code POST /api/subject-access}) on the embedded stack: one JSON
 * document of everything held about a person, found by their number (in the body) or a lead id,
 * across campaigns; audited without the number; nothing of an erased lead.
 */
final class SubjectAccessApplicationTest extends AppTestHarness {
  private static final String ROUTE = "/api/subject-access";

  private HttpResponse<String> export(String body, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(ROUTE)))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b);
  }

  private JsonNode exported(String body) throws Exception {
    HttpResponse<String> r = export(body, TOKEN);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode doc = json.readTree(r.body());
    assertThat(doc.path("complete").asBoolean()).as("complete").isTrue();
    return doc;
  }

  private MongoDatabase db() {
    return app().connections().mongo().database();
  }

  private List<Document> exports() {
    return db().getCollection(Collections.AUDIT_LOG)
        .find(Filters.eq("action", "subject_access_exported"))
        .sort(Sorts.ascending("at"))
        .into(new ArrayList<>());
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.path(field).asText()));
    return out;
  }

  private static JsonNode lead(JsonNode doc, String leadId) {
    for (JsonNode l : doc.path("leads")) {
      if (leadId.equals(l.path("leadId").asText())) {
        return l;
      }
    }
    throw new AssertionError("no lead " + leadId + " in " + doc.path("leads"));
  }

  private String photoFrom(String phone, String wamid, String mediaId, String tag) {
    return ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"waba-1\",\"changes\":"
            + "[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
            + "\"metadata\":{\"display_phone_number\":\"15550000000\",\"phone_number_id\":"
            + "\"%s\"},\"messages\":[{\"from\":\"%s\",\"id\":\"wamid.photo-%s\","
            + "\"timestamp\":\"%d\",\"context\":{\"id\":\"%s\"},\"type\":\"image\","
            + "\"image\":{\"caption\":\"Our floor plan\","
            + "\"mime_type\":\"image/png\",\"id\":\"%s\"}}]}}]}]}")
        .formatted(
            emulator().phoneNumberId(),
            phone.substring(1),
            tag,
            Instant.now().getEpochSecond(),
            wamid,
            mediaId);
  }

  private HttpResponse<String> importCsv(String csv) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url("/api/leads/import")))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "text/csv")
            .POST(HttpRequest.BodyPublishers.ofString(csv)));
  }

  /**
   * A person imported from a CSV (a duplicate row of their number too), who replied with text and a
   * photo and whose lead an operator closed as lost, and who was enrolled again in another
   * campaign: asked for by their number as a spreadsheet writes it, both leads come back with their
   * contact (the number whole), messages, replies, timeline, media link, outcome; the import rows
   * naming the lead or echoing the number; the audit entries; and the export is audited with the
   * operator and the lead ids, never the number.
   */
  @Test
  void exportsEveryLeadOfTheNumberWithMessagesRepliesImportRowsAndAudit() throws Exception {
    emulator().setBehaviour(ackOnly());
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String leadId = "sar-" + tag;
    String otherId = "sar-again-" + tag;
    String phone = phone();
    String written = "+55 " + phone.substring(3, 5) + " " + phone.substring(5);
    String csv =
        "leadId,name,phone,company,notes,consentOptIn,consentSource,consentAt\n"
            + leadId
            + ",Greta Auskunft,"
            + written
            + ",Auskunft GmbH,Met at the fair"
            + ",yes,web form,2026-11-20T10:00:00Z\n"
            + "dup-"
            + tag
            + ",Greta Auskunft,"
            + written
            + ",Auskunft GmbH,A duplicate row"
            + ",yes,web form,2026-11-20T10:00:00Z\n";
    HttpResponse<String> imported = importCsv(csv);
    assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
    assertThat(imported.body()).as(imported.body()).contains("\"status\":\"enrolled\"");
    awaitLead(
        leadId,
        "sent",
        Duration.ofSeconds(40),
        () ->
            store().messages().messagesOf(leadId).stream()
                .anyMatch(m -> m.getString("wamid") != null));
    String wamid =
        store().messages().messagesOf(leadId).stream()
            .filter(m -> m.getString("wamid") != null)
            .findFirst()
            .orElseThrow()
            .getString("wamid");
    String reply = "Tell me more about pricing " + tag;
    assertThat(metaWebhook(textFrom(phone, wamid, reply)).statusCode()).isEqualTo(200);
    byte[] png = EmulatorMedia.samplePng("sar " + tag);
    assertThat(
            metaWebhook(photoFrom(phone, wamid, emulator().media().put("image/png", png), tag))
                .statusCode())
        .isEqualTo(200);
    await(
        "the reply and the photo stored",
        Duration.ofSeconds(30),
        () ->
            store().feedback().find(Filters.eq("leadId", leadId)).into(new ArrayList<>()).stream()
                    .anyMatch(f -> reply.equals(f.getString("text")))
                && store()
                        .feedback()
                        .countDocuments(
                            Filters.and(
                                Filters.eq("leadId", leadId), Filters.eq("media.status", "stored")))
                    == 1);
    HttpResponse<String> lost =
        postJson(
            "/api/leads/" + leadId + "/outcome",
            "{\"outcome\":\"lost\",\"reason\":\"no budget this year\"}");
    assertThat(lost.statusCode()).as(lost.body()).isIn(200, 202);
    HttpResponse<String> again =
        postJson(
            "/api/leads?recontact=true",
            leadJson(otherId, phone)
                .replace("\"name\"", "\"campaignId\":\"cmp-sar-" + tag + "\",\"name\""));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
    int auditedBefore = exports().size();

    JsonNode doc = exported("{\"phone\":\"" + written + "\"}");

    assertThat(Instant.parse(doc.path("generatedAt").asText()))
        .isBefore(Instant.now().plusSeconds(1));
    assertThat(doc.path("request").path("phone").asText()).isEqualTo(phone);
    assertThat(doc.path("truncated").asBoolean()).isFalse();
    assertThat(texts(doc.path("leads"), "leadId")).containsExactlyInAnyOrder(leadId, otherId);
    JsonNode first = lead(doc, leadId);
    assertThat(first.path("erasing").asBoolean()).isFalse();
    assertThat(first.path("contact").path("phone").asText()).isEqualTo(phone);
    assertThat(first.path("contact").path("name").asText()).isEqualTo("Greta Auskunft");
    assertThat(texts(first.path("messages"), "wamid")).contains(wamid);
    assertThat(texts(first.path("feedback"), "text")).contains(reply);
    assertThat(texts(first.path("interactionHistory"), "type")).contains("enrolled");
    assertThat(first.path("outcome").path("value").asText()).isEqualTo("lost");
    assertThat(first.path("media")).hasSize(1);
    JsonNode media = first.path("media").get(0);
    String link = media.path("link").asText();
    assertThat(link).isEqualTo("/api/leads/" + leadId + "/media/" + media.path("sha256").asText());
    assertThat(media.path("key").asText()).isNotBlank();
    HttpResponse<byte[]> photo =
        http.send(
            HttpRequest.newBuilder(URI.create(url(link)))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(photo.statusCode()).isEqualTo(200);
    assertThat(photo.body()).isEqualTo(png);
    assertThat(lead(doc, otherId).path("contact").path("campaignId").asText())
        .isEqualTo("cmp-sar-" + tag);
    // Import rows: the one that enrolled the lead (by its id), the duplicate (by the number's
    // hash).
    List<String> rows = new ArrayList<>();
    doc.path("importRows").forEach(r -> rows.add(r.path("result").toString()));
    assertThat(rows).hasSize(2);
    assertThat(String.join("\n", rows)).contains(leadId, "dup-" + tag);
    // Audit entries naming the lead: the outcome, and this export's own.
    List<String> actions = texts(doc.path("auditLog"), "action");
    assertThat(actions).contains("lead_outcome", "subject_access_exported");
    assertThat(doc.path("notIncluded").toString()).contains("Temporal", "HubSpot", "request log");

    List<Document> audited = exports();
    assertThat(audited).hasSize(auditedBefore + 1);
    Document entry = audited.get(audited.size() - 1);
    assertThat(entry.getString("actor")).isEqualTo("operator");
    assertThat(entry.getList("leadIds", String.class)).containsExactlyInAnyOrder(leadId, otherId);
    // Keyed hashes (PII_HASH_KEY; on the embedded default the key kept in DATA_DIR): a plain
    // SHA-256 of a number is reversed by hashing every number.
    assertThat(entry.getList("numberHashes", String.class))
        .contains(com.salesagent.activities.privacy.PiiHash.of(phone))
        .doesNotContain(LlmWriter.sha256(phone));
    List<String> rowHashes = new ArrayList<>();
    doc.path("importRows")
        .forEach(r -> r.path("numberHashes").forEach(h -> rowHashes.add(h.asText())));
    assertThat(rowHashes)
        .as("the duplicate row found by its number's hash")
        .contains(com.salesagent.activities.privacy.PiiHash.of(phone))
        .doesNotContain(LlmWriter.sha256(phone));
    String national = phone.substring(5);
    assertThat(entry.toJson()).doesNotContain(national, "Greta");
  }

  /** A lead id alone finds the same person, its number's other leads too, the asked one first. */
  @Test
  void aLeadIdFindsThePersonsLeadsInEveryCampaign() throws Exception {
    emulator().setBehaviour(ackOnly());
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String phone = phone();
    String z = "z-sar-" + tag;
    String a = "a-sar-" + tag;
    enrolAndAwaitFirstSend(z, phone);
    HttpResponse<String> second =
        postJson(
            "/api/leads?recontact=true",
            leadJson(a, phone)
                .replace("\"name\"", "\"campaignId\":\"cmp-b-" + tag + "\",\"name\""));
    assertThat(second.statusCode()).as(second.body()).isEqualTo(202);

    JsonNode doc = exported("{\"leadId\":\"" + z + "\"}");

    assertThat(texts(doc.path("leads"), "leadId")).containsExactly(z, a);
    assertThat(doc.path("numbers").toString()).contains(phone);
    assertThat(texts(lead(doc, a).path("messages"), "leadId")).allMatch(a::equals);
  }

  /**
   * "Erase me": a person with leads in two campaigns is erased in one request by their number
   * (before, one DELETE per lead, and no route found their leads by number): each lead's own
   * erasure runs (202, erasing), the call is audited once without the number, asking again says
   * erasing already; a bad keepSuppressed is 400 naming it; a number nobody holds answers 200 with
   * no lead.
   */
  @Test
  void aPersonsLeadsInEveryCampaignAreErasedByOneRequest() throws Exception {
    emulator().setBehaviour(ackOnly());
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String phone = phone();
    String z = "z-erase-" + tag;
    String a = "a-erase-" + tag;
    // No send needed: the leads exist once enrolled (202), whatever their runs have done.
    HttpResponse<String> first = postJson("/api/leads", leadJson(z, phone));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    HttpResponse<String> second =
        postJson(
            "/api/leads?recontact=true",
            leadJson(a, phone)
                .replace("\"name\"", "\"campaignId\":\"cmp-e-" + tag + "\",\"name\""));
    assertThat(second.statusCode()).as(second.body()).isEqualTo(202);

    HttpResponse<String> bad =
        postJson(ROUTE + "/erasure", "{\"phone\":\"" + phone + "\",\"keepSuppressed\":\"maybe\"}");
    assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
    assertThat(bad.body()).contains("keepSuppressed");
    assertThat(store().contact(z).get("erasure")).as("nothing erased on a bad request").isNull();

    HttpResponse<String> erased =
        postJson(ROUTE + "/erasure", "{\"phone\":\"" + phone + "\",\"reason\":\"asked by email\"}");
    assertThat(erased.statusCode()).as(erased.body()).isEqualTo(202);
    JsonNode answer = json.readTree(erased.body());
    assertThat(texts(answer.path("leads"), "leadId")).containsExactlyInAnyOrder(z, a);
    assertThat(texts(answer.path("leads"), "status")).containsOnly("erasing");
    assertThat(answer.path("more").asBoolean()).isFalse();
    for (String leadId : List.of(z, a)) {
      await(
          leadId + " erased",
          Duration.ofSeconds(60),
          () -> {
            try {
              return json.readTree(get("/api/leads/" + leadId + "/erasure").body())
                  .path("status")
                  .asText()
                  .equals("erased");
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
    }
    List<Document> audited =
        db().getCollection(Collections.AUDIT_LOG)
            .find(Filters.eq("action", "subject_erasure_requested"))
            .into(new ArrayList<>());
    assertThat(audited)
        .anyMatch(d -> d.getList("leadIds", String.class).containsAll(List.of(z, a)));
    assertThat(audited.toString()).doesNotContain(phone.substring(3));

    HttpResponse<String> nobody = postJson(ROUTE + "/erasure", "{\"phone\":\"" + phone() + "\"}");
    assertThat(nobody.statusCode()).as(nobody.body()).isEqualTo(200);
    assertThat(json.readTree(nobody.body()).path("leads")).isEmpty();
  }

  /**
   * A person no lead holds who asks to be forgotten (keepSuppressed true, the default) is not
   * messaged when their number is enrolled afterwards: the number is suppressed as an erasure's
   * (before, nothing was, and the next enrolment messaged them); with keepSuppressed=false nothing
   * is, and a later enrolment (a new consent) goes.
   */
  @Test
  void aPersonNoLeadHoldsIsSuppressedUnlessKeepSuppressedIsFalse() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String kept = phone();
    HttpResponse<String> forgotten =
        postJson(ROUTE + "/erasure", "{\"phone\":\"" + kept + "\",\"reason\":\"by phone\"}");
    assertThat(forgotten.statusCode()).as(forgotten.body()).isEqualTo(200);
    assertThat(json.readTree(forgotten.body()).path("leads")).isEmpty();
    HttpResponse<String> again = postJson("/api/leads", leadJson("forgot-" + tag, kept));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    assertThat(again.body()).contains("suppress");
    assertThat(store().contact("forgot-" + tag)).isNull();
    assertThat(json.readTree(forgotten.body()).path("note").asText()).contains("suppressed");

    String free = phone();
    HttpResponse<String> notKept =
        postJson(
            ROUTE + "/erasure",
            "{\"phone\":\"" + free + "\",\"reason\":\"by phone\",\"keepSuppressed\":false}");
    assertThat(notKept.statusCode()).as(notKept.body()).isEqualTo(200);
    assertThat(json.readTree(notKept.body()).path("note").asText()).contains("not suppressed");
    HttpResponse<String> consented = postJson("/api/leads", leadJson("consent-" + tag, free));
    assertThat(consented.statusCode()).as(consented.body()).isEqualTo(202);
  }

  /**
   * An erasure of a person whose reason is refused (400 naming reason) does nothing: before, the
   * person's numbers were suppressed, the imports told to forget them and the request audited as
   * subject_erasure_requested before the first lead's erasure refused the reason, and a person no
   * lead holds was answered 200 with the bad reason never read.
   */
  @Test
  void anErasureWithABadReasonIsRefusedBeforeAnythingIsDone() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String phone = phone();
    String leadId = "bad-reason-" + tag;
    HttpResponse<String> enrolled = postJson("/api/leads", leadJson(leadId, phone));
    assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(202);
    long audited =
        db().getCollection(Collections.AUDIT_LOG)
            .countDocuments(Filters.eq("action", "subject_erasure_requested"));
    String nobody = phone();
    for (String asked : List.of(phone, nobody)) {
      for (String reason : List.of("by \\u202Eliame", "x".repeat(501))) {
        HttpResponse<String> bad =
            postJson(
                ROUTE + "/erasure", "{\"phone\":\"" + asked + "\",\"reason\":\"" + reason + "\"}");
        assertThat(bad.statusCode()).as(asked + " " + bad.body()).isEqualTo(400);
        assertThat(texts(json.readTree(bad.body()).path("errors"), "field"))
            .containsExactly("reason");
      }
      assertThat(new Suppressions(db()).find(asked)).as("suppression of " + asked).isNull();
    }
    assertThat(store().contact(leadId).get("erasure")).as("nothing erased").isNull();
    assertThat(
            db().getCollection(Collections.AUDIT_LOG)
                .countDocuments(Filters.eq("action", "subject_erasure_requested")))
        .as("nothing audited")
        .isEqualTo(audited);
  }

  /** Refusals name the field; none of them exports or audits anything. */
  @Test
  void badRequestsAreRefusedNamingTheFieldAndAuditNothing() throws Exception {
    int before = exports().size();

    assertThat(export("{\"phone\":\"+5511998765432\"}", null).statusCode()).isEqualTo(401);
    for (String bad :
        List.of(
            "{\"phone\":\"12345\"}",
            "{\"phone\":\"+5511\"}",
            "{\"phone\":\"not a number\"}",
            "{\"phone\":\"11 99876-5432\"}")) {
      HttpResponse<String> r = export(bad, TOKEN);
      assertThat(r.statusCode()).as(bad + " " + r.body()).isEqualTo(400);
      assertThat(json.readTree(r.body()).path("errors").get(0).path("field").asText())
          .as(bad)
          .isEqualTo("phone");
    }
    HttpResponse<String> none = export("{}", TOKEN);
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat(texts(json.readTree(none.body()).path("errors"), "field"))
        .contains("phone", "leadId");
    HttpResponse<String> badId = export("{\"leadId\":\"a b/c\"}", TOKEN);
    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(badId.body()).contains("leadId");
    HttpResponse<String> unknownField = export("{\"number\":\"+5511998765432\"}", TOKEN);
    assertThat(unknownField.statusCode()).isEqualTo(400);
    assertThat(unknownField.body()).contains("number");
    HttpResponse<String> text =
        send(
            HttpRequest.newBuilder(URI.create(url(ROUTE)))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"phone\":\"+5511998765432\"}")));
    assertThat(text.statusCode()).isEqualTo(415);

    assertThat(exports()).hasSize(before);
  }

  /**
   * A number with no lead answers 200 with no leads: what is held of it (a suppression by hand and
   * its audit entry) is still listed.
   */
  @Test
  void anUnknownNumberIs200WithNoLeadsAndItsSuppressionIfAny() throws Exception {
    String nobody = phone();
    JsonNode empty = exported("{\"phone\":\"" + nobody + "\"}");
    assertThat(empty.path("leads")).isEmpty();
    assertThat(empty.path("suppressions")).isEmpty();

    String suppressed = phone();
    HttpResponse<String> s =
        postJson("/api/suppressions", "{\"number\":\"" + suppressed + "\",\"reason\":\"asked\"}");
    assertThat(s.statusCode()).as(s.body()).isEqualTo(200);
    JsonNode doc = exported("{\"phone\":\"" + suppressed + "\"}");
    assertThat(doc.path("leads")).isEmpty();
    assertThat(texts(doc.path("suppressions"), "number")).containsExactly(suppressed);
    assertThat(texts(doc.path("auditLog"), "action")).contains("suppression_added");
  }

  /**
   * A lead being erased is exported and says so; once erased, nothing of it is: asked by its number
   * the export holds no lead, no reply, no raw payload, only the suppression the erasure kept;
   * asked by its lead id, the erasure's own audit entries.
   */
  @Test
  void aLeadBeingErasedSaysSoAndAnErasedLeadsDataIsAbsent() throws Exception {
    emulator().setBehaviour(ackOnly());
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String leadId = "sar-erase-" + tag;
    String phone = phone();
    String wamid = enrolAndAwaitFirstSend(leadId, phone);
    String reply = "Please forget me " + tag;
    assertThat(metaWebhook(textFrom(phone, wamid, reply)).statusCode()).isEqualTo(200);
    await(
        "the reply stored",
        Duration.ofSeconds(20),
        () -> store().feedback().countDocuments(Filters.eq("leadId", leadId)) == 1);
    assertThat(exported("{\"phone\":\"" + phone + "\"}").path("webhookPayloads").toString())
        .contains(reply);
    // Marked as the erasure's request marks it, before its workflow starts.
    assertThat(store().erasures().markErasing(leadId, Instant.now())).isTrue();

    JsonNode erasing = exported("{\"phone\":\"" + phone + "\"}");
    assertThat(lead(erasing, leadId).path("erasing").asBoolean()).isTrue();
    assertThat(lead(erasing, leadId).path("erasingNote").asText()).contains("erasure");

    HttpResponse<String> accepted =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/leads/" + leadId)))
                .header("Authorization", "Bearer " + TOKEN)
                .DELETE());
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    await(
        "erased",
        Duration.ofSeconds(60),
        () -> {
          try {
            return json.readTree(get("/api/leads/" + leadId + "/erasure").body())
                .path("status")
                .asText()
                .equals("erased");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });

    HttpResponse<String> after = export("{\"phone\":\"" + phone + "\"}", TOKEN);
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).doesNotContain(reply, wamid, leadId, "Zoë");
    JsonNode doc = json.readTree(after.body());
    assertThat(doc.path("leads")).isEmpty();
    assertThat(doc.path("webhookPayloads")).isEmpty();
    assertThat(doc.path("importRows")).isEmpty();
    assertThat(texts(doc.path("suppressions"), "source")).containsExactly(Suppressions.ERASURE);

    JsonNode byId = exported("{\"leadId\":\"" + leadId + "\"}");
    assertThat(byId.path("leads")).isEmpty();
    assertThat(texts(byId.path("auditLog"), "action"))
        .contains("lead_erasure_requested", "lead_erased");
    assertThat(byId.toString()).doesNotContain(reply, phone.substring(5));
  }

  /**
   * A lead with more replies than one MongoDB reply message holds (15,000 replies of WhatsApp's
   * longest text, 4,096 characters: about 61 MB; the embedded MongoDB-wire server answered the
   * sorted find in one message past the driver's 48 MB, and the export was cut off as invalid
   * JSON): read in batches, the whole document comes back.
   */
  @Test
  void aLeadWithMoreDataThanOneMongoReplyIsExportedWhole() throws Exception {
    String leadId = "sar-big-" + UUID.randomUUID().toString().substring(0, 8);
    String phone = phone();
    store().contacts().insertOne(new Document("leadId", leadId).append("phone", phone));
    String text = "y".repeat(4096);
    try {
      for (int i = 0; i < 15_000; i += 1_000) {
        List<Document> batch = new ArrayList<>();
        for (int j = i; j < i + 1_000; j++) {
          batch.add(
              new Document("leadId", leadId)
                  .append("text", j + " " + text)
                  .append("receivedAt", new java.util.Date()));
        }
        store().feedback().insertMany(batch);
      }

      HttpResponse<String> r = export("{\"phone\":\"" + phone + "\"}", TOKEN);

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).endsWith("\"complete\":true}");
      assertThat(lead(json.readTree(r.body()), leadId).path("feedback")).hasSize(15_000);
    } finally {
      store().feedback().deleteMany(Filters.eq("leadId", leadId));
      store().contacts().deleteOne(Filters.eq("leadId", leadId));
    }
  }
}
