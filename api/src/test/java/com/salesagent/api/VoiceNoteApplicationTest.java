package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.media.OggOpus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Voice notes from people on the running system: a rep answers a lead who wrote with a recording (a
 * laptop's WAV, transcoded) or with a text spoken by the offline voice; each goes through the
 * lead's send path as a WhatsApp voice note, once per request id, and is played back from S3; what
 * cannot go is refused with the reason (outside the window, a type that cannot be decoded, too
 * large, a language the offline voice does not speak). A voice-note variant takes a recording.
 */
final class VoiceNoteApplicationTest extends AppTestHarness {
  private final ObjectMapper json = new ObjectMapper();

  private HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url(path)))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** The lead answers its first message, which opens WhatsApp's 24 h window. */
  private void leadWrites(String phone, String wamid, String text) throws Exception {
    emulator().recipientWrote(phone);
    assertThat(metaWebhook(textFrom(phone, wamid, text)).statusCode()).isEqualTo(200);
  }

  static byte[] wav(double seconds) throws Exception {
    int rate = 44_100;
    int n = (int) (rate * seconds);
    ByteBuffer pcm = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      short s = (short) (7000 * Math.sin(2 * Math.PI * 330 * i / rate));
      pcm.putShort(s).putShort(s);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AudioSystem.write(
        new AudioInputStream(
            new ByteArrayInputStream(pcm.array()), new AudioFormat(rate, 16, 2, true, false), n),
        AudioFileFormat.Type.WAVE,
        out);
    return out.toByteArray();
  }

  private byte[] s3(Document media) {
    return app()
        .connections()
        .storage()
        .storage()
        .get(media.getString("url").replaceFirst("^s3://[^/]+/", ""));
  }

  @Test
  void aRepAnswersALeadWithARecordedAndASpokenVoiceNote() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "voice-" + UUID.randomUUID();
    String phone = phone();
    String waId = phone.substring(1);
    String wamid = enrolAndAwaitFirstSend(leadId, phone);
    String path = "/api/leads/" + leadId + "/replies/voice-note";

    // Before the lead writes, no voice note can go (nothing is made).
    HttpResponse<String> early = post(path, "audio/wav", wav(1));
    assertThat(early.statusCode()).as(early.body()).isEqualTo(409);
    assertThat(early.body()).contains("\"field\":\"body\"").contains("a voice note cannot go");

    leadWrites(phone, wamid, "Sounds great, I am interested. Tell me more");
    await(
        "the reply recorded",
        Duration.ofSeconds(15),
        () ->
            !store()
                .feedback()
                .find(Filters.eq("leadId", leadId))
                .into(new java.util.ArrayList<>())
                .isEmpty());

    // A recording from a laptop (44.1 kHz stereo WAV): transcoded, stored, sent as a voice note.
    HttpResponse<String> recorded = post(path + "?requestId=rec-1", "audio/wav", wav(2.5));
    assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(202);
    JsonNode queued = json.readTree(recorded.body());
    assertThat(queued.path("kind").asText()).isEqualTo("voice_note");
    String key = queued.path("idempotencyKey").asText();
    await(
        "the voice note at the Cloud API",
        Duration.ofSeconds(15),
        () -> store().messages().messageByKey(key).getString("wamid") != null);
    assertThat(emulator().lastMessageType(waId)).isEqualTo("audio");
    assertThat(emulator().lastWasVoiceNote(waId)).isTrue();
    Document media = store().messages().messageByKey(key).get("media", Document.class);
    assertThat(media.getString("sentAs")).isEqualTo("voice_note");
    assertThat(media.getString("madeBy")).contains("transcoded from audio/vnd.wave");
    byte[] ogg = s3(media);
    assertThat(OggOpus.read(ogg).seconds())
        .isEqualTo(2.5, org.assertj.core.data.Offset.offset(0.01));
    assertThat(emulator().media().bytes(emulator().lastMediaId(waId))).isEqualTo(ogg);
    // Played back to operators from S3 through the lead's media route.
    HttpResponse<byte[]> played =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(url("/api/leads/" + leadId + "/media/" + media.getString("sha256"))))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(played.statusCode()).isEqualTo(200);
    assertThat(played.headers().firstValue("Content-Type").orElse("")).startsWith("audio/ogg");
    assertThat(played.body()).isEqualTo(ogg);

    // The same request again (a retry after a lost answer): nothing more reaches the lead.
    int before = emulator().acceptedFor(phone);
    HttpResponse<String> retried = post(path + "?requestId=rec-1", "audio/wav", wav(2.5));
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);

    // A text spoken by the offline voice.
    String text = "Thanks for your reply! I can show you the pricing on a short call tomorrow.";
    HttpResponse<String> spoken =
        postJson(path, "{\"text\":\"" + text + "\",\"requestId\":\"spoken-1\"}");
    assertThat(spoken.statusCode()).as(spoken.body()).isEqualTo(202);
    String spokenKey = json.readTree(spoken.body()).path("idempotencyKey").asText();
    await(
        "the spoken voice note sent",
        Duration.ofSeconds(15),
        () -> store().messages().messageByKey(spokenKey).getString("wamid") != null);
    assertThat(emulator().acceptedFor(phone)).isEqualTo(before + 1);
    Document spokenMedia = store().messages().messageByKey(spokenKey).get("media", Document.class);
    assertThat(spokenMedia.getString("madeBy")).startsWith("freetts/kevin16");
    assertThat(spokenMedia.getString("script")).isEqualTo(text);
    assertThat(OggOpus.read(s3(spokenMedia)).seconds()).isGreaterThan(2);
    assertThat(store().interactions().timeline(leadId))
        .anyMatch(
            e ->
                "message_sent".equals(e.getString("type"))
                    && spokenMedia.getString("url").equals(e.getString("media_url")));
    assertThat(
            app()
                .connections()
                .mongo()
                .database()
                .getCollection("audit_log")
                .countDocuments(
                    Filters.and(
                        Filters.eq("action", "owner_voice_note"), Filters.eq("leadId", leadId))))
        .isEqualTo(2);

    // What cannot become a voice note: the reason, the field, and nothing sent.
    byte[] m4a = new byte[2048];
    byte[] box = "\0\0\0\u0020ftypM4A \0\0\0\0M4A mp42isom".getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(box, 0, m4a, 0, box.length);
    HttpResponse<String> empty = post(path, "audio/mpeg", m4a); // the declared type is not believed
    assertThat(empty.statusCode()).as("an M4A with no audio in it").isEqualTo(422);
    assertThat(empty.body()).contains("\"field\":\"body\"").contains("M4A");
    byte[] pdf = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n".getBytes(StandardCharsets.ISO_8859_1);
    HttpResponse<String> type = post(path, "audio/mpeg", pdf);
    assertThat(type.statusCode()).isEqualTo(415);
    assertThat(type.body()).contains("\"field\":\"body\"").contains("M4A or AAC");
    byte[] mp3 = new byte[2048];
    System.arraycopy("ID3".getBytes(StandardCharsets.US_ASCII), 0, mp3, 0, 3);
    mp3[3] = 3;
    HttpResponse<String> silent = post(path, "audio/mpeg", mp3);
    assertThat(silent.statusCode()).as(silent.body()).isEqualTo(422);
    assertThat(silent.body()).contains("MP3");
    com.salesagent.api.http.HeadOnly.Answer large =
        com.salesagent.api.http.HeadOnly.post(
            APP.getLocalPort(),
            path,
            java.util.Map.of("Authorization", "Bearer " + TOKEN, "Content-Type", "audio/wav"),
            18L * 1024 * 1024);
    assertThat(large.status()).isEqualTo(413);
    assertThat(large.body()).contains("\"field\":\"body\"");
    for (String invalid :
        List.of(
            "{\"text\":\"  \"}",
            "{\"text\":\"" + "x".repeat(1501) + "\"}",
            "{\"text\":\"hi\",\"ownerId\":\"nobody-here\"}",
            "{\"text\":\"hi\",\"requestId\":\"not ok!\"}")) {
      HttpResponse<String> r = postJson(path, invalid);
      assertThat(r.statusCode()).as(invalid).isEqualTo(422);
    }
    assertThat(postJson(path, "{\"text\":\"hi\",\"volume\":11}").statusCode()).isEqualTo(400);
    assertThat(post(path, "audio/wav", new byte[0]).statusCode()).isEqualTo(422);
    assertThat(emulator().acceptedFor(phone)).isEqualTo(before + 1);
  }

  /**
   * A rep records the agent's draft (the lead page's Record, or Send the recording, with the draft
   * in the box): the recording names it in its query ({@code ?draftId=}), which the route ignored,
   * so the draft was superseded by the very answer it was. It is used, as when it is spoken; a
   * draft id the lead has not is 422 naming it, nothing sent.
   */
  @Test
  void aRecordingNamesTheDraftItSaysInItsQuery() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "voice-draft-" + UUID.randomUUID();
    String phone = phone();
    String wamid = enrolAndAwaitFirstSend(leadId, phone);
    leadWrites(phone, wamid, "Sounds great, I am interested. How much does it cost?");
    await(
        "the reply recorded",
        Duration.ofSeconds(15),
        () -> store().feedback().countDocuments(Filters.eq("leadId", leadId)) > 0);
    // Its own id: the agent's draft of the reply (same id scheme) may land at any time.
    String replyId = "wamid.recorded-draft";
    String draftId = leadId + ":" + replyId;
    var drafts =
        app()
            .connections()
            .mongo()
            .database()
            .getCollection(com.salesagent.activities.knowledge.KnowledgeActivitiesImpl.DRAFTS);
    drafts.replaceOne(
        Filters.eq("_id", draftId),
        new Document("_id", draftId)
            .append("leadId", leadId)
            .append("replyMessageId", replyId)
            .append("grounded", true)
            .append("text", "Our plans start at 49 a month.")
            .append("status", "held")
            .append("createdAt", java.util.Date.from(java.time.Instant.now())),
        new com.mongodb.client.model.ReplaceOptions().upsert(true));
    String path = "/api/leads/" + leadId + "/replies/voice-note";

    HttpResponse<String> unknown =
        post(path + "?requestId=rec-d0&draftId=" + leadId + ":wamid.nope", "audio/wav", wav(1));
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(422);
    assertThat(unknown.body()).contains("\"field\":\"draftId\"");

    HttpResponse<String> recorded =
        post(
            path
                + "?requestId=rec-d1&draftId="
                + URLEncoder.encode(draftId, StandardCharsets.UTF_8),
            "audio/wav",
            wav(1.5));
    assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(202);
    Document draft = drafts.find(Filters.eq("_id", draftId)).first();
    assertThat(draft.getString("status")).as("the draft went, recorded").isEqualTo("used");
    assertThat(draft.get("usedBy", Document.class).getString("key"))
        .isEqualTo(json.readTree(recorded.body()).path("idempotencyKey").asText());
  }

  /**
   * Two reps answering the same message, one with a voice note: the voice note names the lead
   * message its rep saw as a text does ({@code seenMessageId}, in the JSON body or the recording's
   * query), and after another rep's answer it is 409 in the same shape (the field, who answered and
   * when, never the number): nothing is made nor queued. {@code force} sends it; a bad value is
   * refused naming its field.
   */
  @Test
  void aVoiceNoteAfterAnotherRepsAnswerIsToldAndGoesOnlyWhenForced() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "voice-collide-" + UUID.randomUUID();
    String phone = phone();
    String wamid = enrolAndAwaitFirstSend(leadId, phone);
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
    leadWrites(phone, wamid, "Sounds great, I am interested. Tell me more");
    await(
        "the reply recorded",
        Duration.ofSeconds(15),
        () -> store().feedback().countDocuments(Filters.eq("leadId", leadId)) > 0);
    var wrote = store().feedbackOf(leadId);
    String seen = wrote.get(wrote.size() - 1).getString("messageId");
    String query = "&seenMessageId=" + URLEncoder.encode(seen, StandardCharsets.UTF_8);
    HttpResponse<String> answered =
        postJson(
            "/api/leads/" + leadId + "/replies",
            "{\"text\":\"Here is the price list.\",\"ownerId\":\""
                + ana
                + "\",\"seenMessageId\":\""
                + seen
                + "\"}");
    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(202);

    String path = "/api/leads/" + leadId + "/replies/voice-note";
    String spoken =
        "{\"text\":\"I can show you the pricing tomorrow.\",\"ownerId\":\""
            + bruno
            + "\",\"seenMessageId\":\""
            + seen
            + "\"";
    HttpResponse<String> toldSpoken = postJson(path, spoken + "}");
    HttpResponse<String> toldRecorded =
        post(path + "?ownerId=" + bruno + query, "audio/wav", wav(1));
    for (HttpResponse<String> told : List.of(toldSpoken, toldRecorded)) {
      assertThat(told.statusCode()).as(told.body()).isEqualTo(409);
      JsonNode body = json.readTree(told.body());
      assertThat(body.path("errors").get(0).path("field").asText()).isEqualTo("seenMessageId");
      assertThat(body.path("errors").get(0).path("message").asText())
          .contains("Ana Lima (" + ana + ") answered at ", "force");
      assertThat(body.path("answeredBy").asText()).isEqualTo("Ana Lima (" + ana + ")");
      assertThat(body.path("answeredAt").asText()).isNotBlank();
      assertThat(told.body()).doesNotContain(phone.substring(3));
    }
    // Each says "anyway" the way its request can: a recording is the body, so force is a query.
    assertThat(json.readTree(toldSpoken.body()).path("errors").get(0).path("message").asText())
        .contains("\"force\": true");
    assertThat(json.readTree(toldRecorded.body()).path("errors").get(0).path("message").asText())
        .contains("?force=true")
        .doesNotContain("\"force\": true");
    assertThat(personMessages(leadId)).as("nothing queued for Bruno").isEqualTo(1);

    HttpResponse<String> badSeen = post(path + "?seenMessageId=has%20space", "audio/wav", wav(1));
    assertThat(badSeen.statusCode()).as(badSeen.body()).isEqualTo(422);
    assertThat(badSeen.body()).contains("\"field\":\"seenMessageId\"");
    HttpResponse<String> unknown = post(path + "?seenMessageId=wamid.nope", "audio/wav", wav(1));
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(422);
    assertThat(unknown.body()).contains("\"field\":\"seenMessageId\"");
    HttpResponse<String> badForce = post(path + "?force=yes" + query, "audio/wav", wav(1));
    assertThat(badForce.statusCode()).as(badForce.body()).isEqualTo(422);
    assertThat(badForce.body()).contains("\"field\":\"force\"");
    HttpResponse<String> badJsonForce = postJson(path, spoken + ",\"force\":\"yes\"}");
    assertThat(badJsonForce.statusCode()).as(badJsonForce.body()).isEqualTo(400);
    assertThat(badJsonForce.body()).contains("\"field\":\"force\"");
    assertThat(personMessages(leadId)).isEqualTo(1);

    // Bruno heard Ana's answer and sends anyway: both forms go.
    HttpResponse<String> forcedSpoken = postJson(path, spoken + ",\"force\":true}");
    assertThat(forcedSpoken.statusCode()).as(forcedSpoken.body()).isEqualTo(202);
    HttpResponse<String> forcedRecorded =
        post(path + "?ownerId=" + bruno + "&force=true" + query, "audio/wav", wav(1));
    assertThat(forcedRecorded.statusCode()).as(forcedRecorded.body()).isEqualTo(202);
    assertThat(json.readTree(forcedRecorded.body()).path("kind").asText()).isEqualTo("voice_note");
    assertThat(personMessages(leadId)).isEqualTo(3);
    // Ana, who saw the lead's message too, is told of Bruno's voice note.
    HttpResponse<String> toAna =
        postJson(
            "/api/leads/" + leadId + "/replies",
            "{\"text\":\"And a discount.\",\"ownerId\":\""
                + ana
                + "\",\"seenMessageId\":\""
                + seen
                + "\"}");
    assertThat(toAna.statusCode()).as(toAna.body()).isEqualTo(409);
    assertThat(json.readTree(toAna.body()).path("answeredBy").asText())
        .isEqualTo("Bruno Reis (" + bruno + ")");
  }

  private long personMessages(String leadId) {
    return store().messages().messagesOf(leadId).stream()
        .filter(m -> "person".equals(m.getString("composer")))
        .count();
  }

  @Test
  void theOfflineVoiceDoesNotSpeakToALeadInAnotherLanguage() throws Exception {
    emulator().setBehaviour(ackOnly());
    String leadId = "voice-pt-" + UUID.randomUUID();
    String phone = phone();
    postJson(
        "/api/leads",
        leadJson(leadId, phone).replace("\"timezone\"", "\"locale\":\"pt-BR\",\"timezone\""));
    await(
        "sent",
        Duration.ofSeconds(30),
        () ->
            store().messages().messagesOf(leadId).stream()
                .anyMatch(m -> m.getString("wamid") != null));
    String wamid = store().messages().messagesOf(leadId).get(0).getString("wamid");
    leadWrites(phone, wamid, "Tenho interesse, me conte mais");
    await(
        "the reply recorded",
        Duration.ofSeconds(15),
        () -> store().feedback().countDocuments(Filters.eq("leadId", leadId)) > 0);

    HttpResponse<String> refused =
        postJson("/api/leads/" + leadId + "/replies/voice-note", "{\"text\":\"Hello there\"}");

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(refused.body()).contains("English only").contains("\"field\":\"text\"");
    assertThat(store().messages().messagesOf(leadId)).hasSize(1);
  }

  /** Text to be spoken with a replacement mark or half an emoji is refused naming it. */
  @Test
  void unreadableTextToSpeakIsRefusedNamingIt() throws Exception {
    for (String text : List.of("Hi Jo\\ufffdo", "Hi \\ud83d")) {
      HttpResponse<String> refused =
          postJson(
              "/api/leads/voice-unreadable-" + UUID.randomUUID() + "/replies/voice-note",
              "{\"text\":\"" + text + "\"}");
      assertThat(refused.statusCode()).as(text + ": " + refused.body()).isEqualTo(422);
      assertThat(refused.body()).contains("\"field\":\"text\"");
    }
  }

  /**
   * Text to be spoken is capped at 1,500 characters counted as a person sees them (code points):
   * 1,500 emoji (non-BMP, 3,000 UTF-16 chars) pass the cap (here on to the next check: no such
   * lead, 404); 1,501 are 422 naming text. Before, 751 emoji were refused as over the cap.
   */
  @Test
  void theCapOfTextToSpeakCountsCodePoints() throws Exception {
    String emoji = new String(Character.toChars(0x1F600));
    HttpResponse<String> atCap =
        postJson(
            "/api/leads/voice-cap-" + UUID.randomUUID() + "/replies/voice-note",
            "{\"text\":\"" + emoji.repeat(1500) + "\"}");
    assertThat(atCap.body()).doesNotContain("characters to speak");
    assertThat(atCap.statusCode()).as(atCap.body()).isEqualTo(404);
    HttpResponse<String> past =
        postJson(
            "/api/leads/voice-cap-" + UUID.randomUUID() + "/replies/voice-note",
            "{\"text\":\"" + emoji.repeat(1501) + "\"}");
    assertThat(past.statusCode()).as(past.body()).isEqualTo(422);
    assertThat(past.body()).contains("\"field\":\"text\"").contains("characters to speak");
  }

  @Test
  void aVoiceNoteVariantTakesAnOperatorsRecording() throws Exception {
    String variant = "voice-" + UUID.randomUUID().toString().substring(0, 8);
    String body =
        """
        {"variantId":"%s","segments":["*"],"angle":"a personal hello","weight":1,
         "modality":"voice_note","enabled":false,
         "templates":{"first_contact":{"name":"intro_voice","language":"en",
           "body":"Hi {{firstName}}, I saw that {{fact}}. Shall we talk?"},
          "follow_up_read":{"name":"fu_voice","language":"en","body":"Hi {{firstName}}, any thoughts?"}}}
        """
            .formatted(variant);
    assertThat(postJson("/api/variants", body).statusCode()).isEqualTo(201);
    String path = "/api/variants/" + variant + "/voice-note";

    HttpResponse<String> recorded =
        send(
            HttpRequest.newBuilder(URI.create(url(path)))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "audio/wav")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(wav(3))));

    assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(200);
    JsonNode note = json.readTree(recorded.body());
    assertThat(note.path("seconds").asDouble()).isEqualTo(3.0);
    Document stored =
        app()
            .connections()
            .mongo()
            .database()
            .getCollection("prompt_variants")
            .find(Filters.eq("variantId", variant))
            .first()
            .get("voiceNote", Document.class);
    assertThat(stored.getString("sha256")).isEqualTo(note.path("sha256").asText());
    assertThat(OggOpus.read(s3(stored)).seconds())
        .isEqualTo(3.0, org.assertj.core.data.Offset.offset(0.01));
    // Replacing the variant keeps its recording; a bad upload changes nothing.
    assertThat(
            send(HttpRequest.newBuilder(URI.create(url("/api/variants/" + variant)))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(body)))
                .statusCode())
        .isEqualTo(200);
    HttpResponse<String> bad =
        send(
            HttpRequest.newBuilder(URI.create(url(path)))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "audio/wav")
                .PUT(HttpRequest.BodyPublishers.ofString("not audio at all")));
    assertThat(bad.statusCode()).isEqualTo(415);
    Document kept =
        app()
            .connections()
            .mongo()
            .database()
            .getCollection("prompt_variants")
            .find(Filters.eq("variantId", variant))
            .first();
    assertThat(kept.get("voiceNote", Document.class).getString("sha256"))
        .isEqualTo(note.path("sha256").asText());
    assertThat(
            send(HttpRequest.newBuilder(
                        URI.create(url("/api/variants/nope-" + variant + "/voice-note")))
                    .header("Authorization", "Bearer " + TOKEN)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(wav(1))))
                .statusCode())
        .isEqualTo(404);
    assertThat(
            send(HttpRequest.newBuilder(URI.create(url(path)))
                    .header("Authorization", "Bearer " + TOKEN)
                    .DELETE())
                .statusCode())
        .isEqualTo(204);
    assertThat(
            app()
                .connections()
                .mongo()
                .database()
                .getCollection("prompt_variants")
                .find(Filters.eq("variantId", variant))
                .first()
                .get("voiceNote"))
        .isNull();
    // Without the token: 401, like every route.
    assertThat(
            send(HttpRequest.newBuilder(URI.create(url(path)))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(wav(1))))
                .statusCode())
        .isEqualTo(401);
  }
}
