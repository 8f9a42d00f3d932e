package com.salesagent.api.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.lead.KeepAlive;
import com.salesagent.activities.media.InboundMediaActivitiesImpl;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.whatsapp.SenderClients;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.activities.whatsapp.WhatsAppSettings;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.api.embedded.EmulatorMedia;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.workflows.media.InboundMedia;
import com.salesagent.workflows.media.InboundMediaActivities;
import com.salesagent.workflows.media.StoredMedia;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The download of a lead's media against the real pieces of the embedded stack: the WhatsApp
 * emulator's media endpoints (URL, token-checked download), the embedded S3 server and the embedded
 * MongoDB-wire server. Checked by reading the object back from S3.
 */
class InboundMediaDownloadTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();
  @RegisterExtension static final EmbeddedS3Extension S3 = new EmbeddedS3Extension("media");

  private WhatsAppEmulator emulator;
  private LeadStore store;
  private InboundMediaActivitiesImpl activities;

  @BeforeEach
  void setUp() throws Exception {
    emulator = new WhatsAppEmulator(0, null, null, null, null, EmulatorBehaviour.defaults());
    emulator.start();
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    WhatsAppSettings settings =
        new WhatsAppSettings(
            emulator.baseUrl(), "v21.0", emulator.phoneNumberId(), emulator.accessToken());
    activities =
        new InboundMediaActivitiesImpl(
            store,
            S3.storage(),
            new SenderClients(settings, new WhatsAppClient(settings), ref -> null),
            Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    emulator.stop();
  }

  private void feedback(String leadId, String messageId, String mediaId) {
    store
        .feedback()
        .insertOne(
            new Document("leadId", leadId)
                .append("messageId", messageId)
                .append("type", "image")
                .append("media", new Document("mediaId", mediaId).append("status", "pending"))
                .append("receivedAt", new Date()));
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void anImageIsStoredInS3UnderItsChecksumAndRecordedOnTheFeedbackAndTheTimeline()
      throws Exception {
    byte[] png = EmulatorMedia.samplePng("a lead's photo");
    String id = emulator.media().put("image/png", png);
    feedback("L-1", "wamid.IN1", id);

    StoredMedia stored =
        activities.store(new InboundMedia("wamid.IN1", id, "image", "image/jpeg", null, null));

    String sha = sha256(png);
    assertThat(stored.status()).isEqualTo(StoredMedia.STORED);
    assertThat(stored.contentType()).isEqualTo("image/png");
    assertThat(stored.size()).isEqualTo(png.length);
    assertThat(stored.sha256()).isEqualTo(sha);
    assertThat(stored.url()).isEqualTo("s3://media/media/inbound/" + sha + ".png");
    assertThat(S3.storage().get("media/inbound/" + sha + ".png")).isEqualTo(png);
    Document media =
        store
            .feedback()
            .find(Filters.eq("messageId", "wamid.IN1"))
            .first()
            .get("media", Document.class);
    assertThat(media.getString("status")).isEqualTo("stored");
    assertThat(media.getString("url")).isEqualTo(stored.url());
    assertThat(media.getString("contentType")).isEqualTo("image/png");
    assertThat(media.getString("sha256")).isEqualTo(sha);
    List<Document> events =
        store.interactions().timeline("L-1").stream()
            .filter(e -> "media_received".equals(e.getString("type")))
            .toList();
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getString("media_url")).isEqualTo(stored.url());
              assertThat(e.getString("contentType")).isEqualTo("image/png");
            });
    assertThat(emulator.media().downloads(id)).isEqualTo(1);
  }

  @Test
  void aVoiceNoteIsKeptAsOggOpus() throws Exception {
    byte[] ogg = voiceNote();
    String id = emulator.media().put("audio/ogg; codecs=opus", ogg);
    feedback("L-2", "wamid.IN2", id);

    StoredMedia stored =
        activities.store(new InboundMedia("wamid.IN2", id, "audio", null, null, null));

    assertThat(stored.contentType()).isEqualTo("audio/opus");
    assertThat(S3.storage().get(stored.url().substring("s3://media/".length()))).isEqualTo(ogg);
  }

  @Test
  void aTranscribedVoiceNoteIsTriagedFromItsWordsOnce() throws Exception {
    byte[] ogg = voiceNote();
    String id = emulator.media().put("audio/ogg; codecs=opus", ogg);
    feedback("L-7", "wamid.IN7", id);
    List<byte[]> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    activities.withTranscription(
        speaking("Not now, talk to me next month", "stub/speech", heard::add, Duration.ZERO),
        com.salesagent.activities.triage.ReplyClassifier.LEXICON);
    InboundMedia media = new InboundMedia("wamid.IN7", id, "audio", null, null, null);
    StoredMedia stored = activities.store(media);

    assertThat(activities.transcribe(media, stored)).isEqualTo("Not now, talk to me next month");
    activities.transcribe(media, stored);

    assertThat(heard.get(0)).isEqualTo(ogg);
    Document feedback = store.feedback().find(Filters.eq("messageId", "wamid.IN7")).first();
    assertThat(feedback.getString("intent")).isEqualTo("not_now");
    assertThat(feedback.getString("text")).isEqualTo("Not now, talk to me next month");
    assertThat(feedback.getString("triagedFrom")).isEqualTo("transcript");
    assertThat(feedback.get("media", Document.class).getString("transcribedBy"))
        .isEqualTo("stub/speech");
    assertThat(
            store.interactions().timeline("L-7").stream()
                .filter(e -> "transcribed".equals(e.getString("type")))
                .count())
        .isEqualTo(1);
    // The lead's workflow waits for this triage (the inbox said so on the feedback): it gets
    // the spoken "not now" with its snooze date, at 10:00 in the lead's time zone.
    assertThat(activities.replies(media)).as("nobody waits yet").isEmpty();
    store.insertContact(
        new Document("leadId", "L-7")
            .append("phone", "+5511998760007")
            .append("campaignId", "c")
            .append("timezone", "America/Sao_Paulo"));
    store
        .feedback()
        .updateOne(Filters.eq("messageId", "wamid.IN7"), Updates.set("awaitsTranscript", true));
    List<com.salesagent.workflows.media.LeadReply> replies = activities.replies(media);
    assertThat(replies).singleElement().satisfies(r -> assertThat(r.leadId()).isEqualTo("L-7"));
    var signal = replies.get(0).signal();
    assertThat(signal.intent()).isEqualTo("not_now");
    assertThat(signal.messageId()).isEqualTo("wamid.IN7");
    assertThat(signal.snoozeUntil())
        .isEqualTo(
            java.time.LocalDate.parse(feedback.getString("notBefore"))
                .atTime(10, 0)
                .atZone(java.time.ZoneId.of("America/Sao_Paulo"))
                .toInstant());
    // A spoken stop suppresses the number like a written one.
    store.insertContact(
        new Document("leadId", "L-8")
            .append("phone", "+5511998760008")
            .append("campaignId", "c")
            .append("variantId", "v-stop")
            .append("segment", "smb"));
    String stopId = emulator.media().put("audio/ogg; codecs=opus", ogg);
    feedback("L-8", "wamid.IN8", stopId);
    activities.withTranscription(
        speaking("stop, please remove me", "stub/speech", audio -> {}, Duration.ZERO),
        com.salesagent.activities.triage.ReplyClassifier.LEXICON);
    InboundMedia stopNote = new InboundMedia("wamid.IN8", stopId, "audio", null, null, null);
    activities.transcribe(stopNote, activities.store(stopNote));
    assertThat(
            new com.salesagent.activities.mongo.Suppressions(MONGO.database())
                .active(List.of("+5511998760008")))
        .isPresent();
    assertThat(store.contact("L-8").getBoolean("doNotContact")).isTrue();
    assertThat(
            store.feedback().find(Filters.eq("messageId", "wamid.IN8")).first().getString("intent"))
        .isEqualTo("opt_out");
    // Counted as a written STOP is: the campaign's funnel and the variant, once (a transcription
    // retried counts nothing more).
    activities.transcribe(stopNote, activities.store(stopNote));
    java.time.LocalDate day = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    assertThat(
            new com.salesagent.activities.mongo.FunnelStats(MONGO.database())
                .totals("c", day.minusDays(1), day.plusDays(1))
                .get("opted_out"))
        .isEqualTo(1L);
    assertThat(
            new com.salesagent.activities.variants.VariantStats(MONGO.database())
                .totals("smb")
                .get("v-stop")
                .get("opted_out"))
        .isEqualTo(1L);
    // Offline (no transcriber) nothing is transcribed: the reply stays for a person.
    activities.withTranscription(null, com.salesagent.activities.triage.ReplyClassifier.LEXICON);
    assertThat(activities.transcribe(media, stored)).isNull();
  }

  /**
   * A voice note whose words show interest is the lead's first interested reply when it is
   * transcribed: counted once (a retried transcription adds nothing) for the variant of the message
   * it answered, as the recount from the history (the transcribed event carries the intent and the
   * variant) counts it too.
   */
  @Test
  void aTranscribedVoiceNoteThatShowsInterestCountsItOnceForTheVariantItAnswered()
      throws Exception {
    var db = MONGO.database();
    store.insertContact(
        new Document("leadId", "L-10")
            .append("phone", "+5511998760010")
            .append("campaignId", "c")
            .append("segment", "smb")
            .append("variantId", "v-later"));
    String id = emulator.media().put("audio/ogg; codecs=opus", voiceNote());
    feedback("L-10", "wamid.IN10", id);
    store
        .feedback()
        .updateOne(Filters.eq("messageId", "wamid.IN10"), Updates.set("variantId", "v-answered"));
    activities.withTranscription(
        speaking("Sounds great, tell me more", "stub/speech", audio -> {}, Duration.ZERO),
        com.salesagent.activities.triage.ReplyClassifier.LEXICON);
    InboundMedia media = new InboundMedia("wamid.IN10", id, "audio", null, null, null);
    StoredMedia stored = activities.store(media);

    activities.transcribe(media, stored);
    activities.transcribe(media, stored);

    var stats = new com.salesagent.activities.variants.VariantStats(db);
    assertThat(stats.totals("smb").get("v-answered")).containsEntry("interested", 1L);
    assertThat(stats.totals("smb")).doesNotContainKey("v-later");
    assertThat(store.contact("L-10").get("funnel", Document.class).get("interested")).isNotNull();
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    assertThat(stats.recompute(today.minusDays(1), today.plusDays(1)))
        .isEqualTo(stats.stored(today.minusDays(1), today.plusDays(1)));
  }

  /**
   * A provider's transcription slower than the workflow's 20 s heartbeat timeout: the activity
   * heartbeats while it waits, so it is not taken for a dead worker and transcribed again.
   */
  @Test
  void aSlowTranscriptionIsHeartbeatedWhileItWaits() throws Exception {
    byte[] ogg = voiceNote();
    String id = emulator.media().put("audio/ogg; codecs=opus", ogg);
    feedback("L-9", "wamid.IN9", id);
    java.util.concurrent.atomic.AtomicInteger asked =
        new java.util.concurrent.atomic.AtomicInteger();
    activities.withTranscription(
        speaking(
            "Sounds good, send me the prices",
            "stub/slow-speech",
            audio -> asked.incrementAndGet(),
            KeepAlive.EVERY.multipliedBy(2).plusMillis(500)),
        com.salesagent.activities.triage.ReplyClassifier.LEXICON);
    InboundMedia media = new InboundMedia("wamid.IN9", id, "audio", null, null, null);
    StoredMedia stored = activities.store(media);
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      java.util.concurrent.atomic.AtomicInteger heartbeats =
          new java.util.concurrent.atomic.AtomicInteger();
      env.setActivityHeartbeatListener(Object.class, details -> heartbeats.incrementAndGet());
      env.registerActivitiesImplementations(activities);
      InboundMediaActivities stub =
          env.newActivityStub(
              InboundMediaActivities.class,
              io.temporal.activity.ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofMinutes(1))
                  // The SDK passes on at most one heartbeat per 0.8 s with this timeout.
                  .setHeartbeatTimeout(Duration.ofSeconds(1))
                  .build());

      assertThat(stub.transcribe(media, stored)).isEqualTo("Sounds good, send me the prices");
      assertThat(asked.get()).isEqualTo(1);
      assertThat(heartbeats.get())
          .as("one per beat while the provider transcribes")
          .isGreaterThanOrEqualTo(2);
    } finally {
      env.close();
    }
  }

  /**
   * A spoken goodbye ("Obrigado, tchau!") is triaged closing, kept on the feedback, and told to the
   * waiting run as other, as a written one is: no workflow code reads the new intent.
   */
  @Test
  void aSpokenClosingIsToldToTheRunAsOther() throws Exception {
    String id = emulator.media().put("audio/ogg; codecs=opus", voiceNote());
    feedback("L-12", "wamid.IN12", id);
    store.insertContact(
        new Document("leadId", "L-12").append("phone", "+5511998760012").append("campaignId", "c"));
    activities.withTranscription(
        speaking("Obrigado, tchau!", "stub/speech", b -> {}, Duration.ZERO),
        com.salesagent.activities.triage.ReplyClassifier.LEXICON);
    InboundMedia media = new InboundMedia("wamid.IN12", id, "audio", null, null, null);
    activities.transcribe(media, activities.store(media));
    store
        .feedback()
        .updateOne(Filters.eq("messageId", "wamid.IN12"), Updates.set("awaitsTranscript", true));

    assertThat(
            store
                .feedback()
                .find(Filters.eq("messageId", "wamid.IN12"))
                .first()
                .getString("intent"))
        .isEqualTo("closing");
    assertThat(activities.replies(media))
        .singleElement()
        .satisfies(r -> assertThat(r.signal().intent()).isEqualTo("other"));
  }

  /** The sample voice note (Ogg Opus). */
  private byte[] voiceNote() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/emulator/voice-note.ogg")) {
      return in.readAllBytes();
    }
  }

  /** A provider that hears the audio, takes its time and says these words. */
  private static com.salesagent.activities.media.Transcriber speaking(
      String words, String label, java.util.function.Consumer<byte[]> heard, Duration taking) {
    return new com.salesagent.activities.media.Transcriber() {
      @Override
      public String transcribe(byte[] audio, String contentType) {
        heard.accept(audio);
        try {
          Thread.sleep(taking.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return words;
      }

      @Override
      public String label() {
        return label;
      }
    };
  }

  @Test
  void anImageWithoutACaptionIsDescribedAndTriagedFromTheDescriptionOnce() throws Exception {
    byte[] png = EmulatorMedia.samplePng("a price list");
    String id = emulator.media().put("image/png", png);
    feedback("L-9", "wamid.IN9", id);
    List<byte[]> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.salesagent.activities.media.Transcriber vision =
        new com.salesagent.activities.media.Transcriber() {
          @Override
          public String transcribe(byte[] image, String contentType) {
            seen.add(image);
            return "A price list with 'too expensive' written across it";
          }

          @Override
          public String label() {
            return "stub/vision";
          }
        };
    InboundMedia media = new InboundMedia("wamid.IN9", id, "image", null, null, null);
    StoredMedia stored = activities.store(media);
    // Offline: nothing describes it, the reply stays for a person.
    assertThat(activities.describe(media, stored)).isNull();

    activities.withImageDescriptions(vision);
    assertThat(activities.describe(media, stored)).contains("too expensive");
    activities.describe(media, stored);

    assertThat(seen.get(0)).isEqualTo(png);
    Document feedback = store.feedback().find(Filters.eq("messageId", "wamid.IN9")).first();
    assertThat(feedback.getString("intent")).isEqualTo("objection");
    assertThat(feedback.getString("objection")).isEqualTo("cost");
    assertThat(feedback.getString("triagedFrom")).isEqualTo("description");
    assertThat(feedback.get("media", Document.class).getString("describedBy"))
        .isEqualTo("stub/vision");
    assertThat(
            store.interactions().timeline("L-9").stream()
                .filter(e -> "described".equals(e.getString("type")))
                .count())
        .isEqualTo(1);
    // A captioned image was triaged from its caption: no description is asked for.
    String captioned = emulator.media().put("image/png", png);
    store
        .feedback()
        .insertOne(
            new Document("leadId", "L-10")
                .append("messageId", "wamid.IN10")
                .append("type", "image")
                .append("text", "Interested, send me the pricing")
                .append("media", new Document("mediaId", captioned).append("status", "pending"))
                .append("receivedAt", new Date()));
    InboundMedia withCaption = new InboundMedia("wamid.IN10", captioned, "image", null, null, null);
    seen.clear();
    assertThat(activities.describe(withCaption, activities.store(withCaption))).isNull();
    assertThat(seen).isEmpty();
  }

  @Test
  void aRetryOrADuplicateRecordsNothingTwice() throws Exception {
    byte[] png = EmulatorMedia.samplePng("twice");
    String id = emulator.media().put("image/png", png);
    feedback("L-3", "wamid.IN3", id);
    InboundMedia media = new InboundMedia("wamid.IN3", id, "image", null, null, null);

    StoredMedia first = activities.store(media);
    StoredMedia again = activities.store(media);

    assertThat(again).isEqualTo(first);
    assertThat(
            store.interactions().timeline("L-3").stream()
                .filter(e -> "media_received".equals(e.getString("type")))
                .count())
        .isEqualTo(1);
  }

  @Test
  void somethingThatIsNotAnImageIsRefusedForGoodAndNothingIsStored() throws Exception {
    byte[] script = "#!/bin/sh\necho pwned\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    String id = emulator.media().put("image/png", script);
    feedback("L-4", "wamid.IN4", id);

    assertThatThrownBy(
            () ->
                activities.store(
                    new InboundMedia("wamid.IN4", id, "image", "image/png", null, null)))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            e -> {
              assertThat(e.getType()).isEqualTo(InboundMediaActivities.REFUSED);
              assertThat(e.isNonRetryable()).isTrue();
              assertThat(e.getOriginalMessage())
                  .isEqualTo("image whose bytes are application/x-sh");
            });
    for (String extension : List.of("", ".sh", ".txt", ".png")) {
      assertThat(S3.storage().exists("media/inbound/" + sha256(script) + extension)).isFalse();
    }

    activities.markFailed(
        new InboundMedia("wamid.IN4", id, "image", null, null, null), "refused", "not an image");
    Document media =
        store
            .feedback()
            .find(Filters.eq("messageId", "wamid.IN4"))
            .first()
            .get("media", Document.class);
    assertThat(media.getString("status")).isEqualTo("refused");
    assertThat(media.getString("reason")).isEqualTo("not an image");
  }

  @Test
  void aStickerOverItsLimitIsRefusedWithoutKeepingIt() {
    byte[] big = new byte[600 * 1024];
    System.arraycopy(EmulatorMedia.samplePng("big"), 0, big, 0, 100);
    String id = emulator.media().put("image/png", big);
    feedback("L-5", "wamid.IN5", id);

    assertThatThrownBy(
            () -> activities.store(new InboundMedia("wamid.IN5", id, "sticker", null, null, null)))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            e -> assertThat(e.getType()).isEqualTo(InboundMediaActivities.REFUSED));
  }

  @Test
  void aCloudApiThatCannotBeReachedIsRetriedNotRefused() {
    emulator.stop();

    assertThatThrownBy(
            () ->
                activities.store(new InboundMedia("wamid.IN6", "1234", "image", null, null, null)))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            e -> {
              assertThat(e.isNonRetryable()).isFalse();
              assertThat(e.getType()).isEqualTo("MediaUnavailable");
            });
    emulator = new WhatsAppEmulator(0, null, null, null, null, EmulatorBehaviour.defaults());
  }
}
