package com.salesagent.api.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.lead.MessagingActivitiesImpl;
import com.salesagent.activities.lead.ResearchActivitiesImpl;
import com.salesagent.activities.lead.TemplateComposeActivities;
import com.salesagent.activities.media.OggOpus;
import com.salesagent.activities.media.OutboundMedia;
import com.salesagent.activities.media.VoiceNotes;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Seeds;
import com.salesagent.activities.research.EnrolmentSource;
import com.salesagent.activities.research.Retriever;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.activities.whatsapp.WhatsAppSettings;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.worker.config.LifecycleSettings;
import com.salesagent.workflows.lead.ComposeRequest;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A voice-note variant on the embedded pieces: a first contact (a template, outside the 24 h
 * window) goes as text and says why no voice note was made; inside the window the message is spoken
 * offline, kept in the embedded S3 server, uploaded to the emulator's media endpoint and sent as a
 * voice note ({@code audio} with {@code voice: true}); an operator's recording of the variant goes
 * instead of the spoken message; a lead in another language gets no robot voice.
 */
class VoiceNoteSendTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();
  @RegisterExtension static final EmbeddedS3Extension S3 = new EmbeddedS3Extension("voices");

  private WhatsAppEmulator emulator;
  private LeadStore store;
  private TemplateComposeActivities composer;
  private MessagingActivitiesImpl messaging;
  private VoiceNotes voiceNotes;

  @BeforeEach
  void setUp() throws Exception {
    emulator = new WhatsAppEmulator(0, null, null, null, null, EmulatorBehaviour.defaults());
    emulator.start();
    MongoSchema.ensure(MONGO.database());
    Seeds.ensure(MONGO.database(), new LifecycleSettings().toDefaults());
    MONGO
        .database()
        .getCollection(Collections.PROMPT_VARIANTS)
        .updateOne(Filters.eq("variantId", "v-cost"), Updates.set("modality", "voice_note"));
    store = new LeadStore(MONGO.database());
    OutboundMedia media = new OutboundMedia(S3.storage(), MONGO.database());
    voiceNotes = new VoiceNotes(S3.storage(), null);
    Clock clock = Clock.systemUTC();
    composer =
        new TemplateComposeActivities(
                store, new Retriever(MONGO.database(), ImageCardSendTest.EMBEDDINGS), clock)
            .withVoiceNotes(voiceNotes);
    WhatsAppSettings settings =
        new WhatsAppSettings(
            emulator.baseUrl(), "v21.0", emulator.phoneNumberId(), emulator.accessToken());
    messaging =
        new MessagingActivitiesImpl(store, new WhatsAppClient(settings), settings, clock)
            .withMedia(media);
    for (String lead : List.of("L-1", "L-2")) {
      store.insertContact(
          new Document("leadId", lead)
              .append("name", "Ana Souza")
              .append("phone", lead.equals("L-1") ? "+5511998765432" : "+5511998765433")
              .append("locale", lead.equals("L-1") ? "en" : "pt-BR")
              .append("company", "Acme")
              .append("industry", "retail")
              .append("campaignId", "c-1")
              .append("notes", "They are opening three new stores next year in the south.")
              .append("enrolledAt", new Date()));
      new ResearchActivitiesImpl(
              store, List.of(new EnrolmentSource()), ImageCardSendTest.EMBEDDINGS, clock)
          .research(lead);
    }
  }

  @AfterEach
  void tearDown() {
    emulator.stop();
  }

  private Document compose(String lead, String key, int step, String purpose, boolean template) {
    composer.compose(new ComposeRequest(lead, "c-1", "v-cost", step, purpose, key, 0, template));
    return store.messages().messageByKey(key);
  }

  @Test
  void outsideTheWindowTheTextGoesAndInsideItTheMessageGoesAsAVoiceNote() throws Exception {
    Document first = compose("L-1", "k-1", 0, "first_contact", true);
    assertThat(first.get("media")).isNull();
    assertThat(first.get("voiceNote", Document.class).getString("why"))
        .contains("no audio template");
    assertThat(messaging.send(new SendRequest("L-1", "k-1", 0, true, false)).outcome())
        .isEqualTo(SendResult.SENT);
    assertThat(emulator.lastMessageType("5511998765432")).isEqualTo("template");

    emulator.recipientWrote("5511998765432");
    Document followUp = compose("L-1", "k-2", 1, "follow_up_read", false);
    Document note = followUp.get("media", Document.class);
    assertThat(note.getString("kind")).isEqualTo("audio");
    assertThat(note.getString("contentType")).isEqualTo("audio/ogg; codecs=opus");
    assertThat(note.getString("madeBy")).startsWith("freetts/kevin16");
    assertThat(note.getString("script")).isEqualTo(followUp.getString("text"));
    byte[] stored = S3.storage().get(note.getString("url").replaceFirst("^s3://voices/", ""));
    assertThat(stored.length).isEqualTo(note.getInteger("size"));
    assertThat(OggOpus.read(stored).seconds()).isGreaterThan(2.0);

    SendResult sent = messaging.send(new SendRequest("L-1", "k-2", 1, false, false));

    assertThat(sent.outcome()).isEqualTo(SendResult.SENT);
    assertThat(emulator.lastMessageType("5511998765432")).isEqualTo("audio");
    assertThat(emulator.lastWasVoiceNote("5511998765432")).isTrue();
    assertThat(emulator.media().bytes(emulator.lastMediaId("5511998765432"))).isEqualTo(stored);
    assertThat(
            store.messages().messageByKey("k-2").get("media", Document.class).getString("sentAs"))
        .isEqualTo("voice_note");
    Document event =
        store.interactions().timeline("L-1").stream()
            .filter(
                e ->
                    "message_sent".equals(e.getString("type"))
                        && note.getString("url").equals(e.getString("media_url")))
            .findFirst()
            .orElseThrow();
    assertThat(event.getString("contentType")).isEqualTo("audio/ogg; codecs=opus");
    assertThat(event.getString("sha256")).isEqualTo(note.getString("sha256"));
    // The counters say how many of the variant's sends went as voice notes (one of two), and the
    // aggregation over the history agrees.
    Map<String, Long> costs = TodaysCounters.of(MONGO.database(), "v-cost");
    assertThat(costs).containsEntry("sent", 2L).containsEntry("sent_voice_note", 1L);
    assertThat(costs).doesNotContainKey("sent_image");
  }

  /**
   * A rep's voice note (QA: its message said {@code kind: text}, so the lead's conversation showed
   * it as a text): what went is recorded as a voice note, {@code audio} as a lead's voice note is,
   * in the message and in the conversation; a variant's voice note the same, and a text stays text.
   */
  @Test
  void aRepsVoiceNoteAndAVariantsAreRecordedAsAudioNotText() throws Exception {
    emulator.recipientWrote("5511998765432");
    short[] tone = new short[16_000];
    for (int i = 0; i < tone.length; i++) {
      tone[i] = (short) (6000 * Math.sin(2 * Math.PI * 220 * i / 16_000));
    }
    Document note = voiceNotes.upload(OggOpus.encode(tone, 16_000), "Ana (ana)");
    Date now = new Date();
    for (String key : List.of("rep-voice", "rep-text")) {
      Document fields =
          new Document("leadId", "L-1")
              .append("campaignId", "c-1")
              .append("purpose", com.salesagent.workflows.lead.OwnerReply.TEXT)
              .append("composer", "person")
              .append("by", "Ana (ana)")
              .append("ownerId", "ana")
              .append("approval", new Document("status", "approve"))
              .append("status", "composed")
              .append("text", key.equals("rep-voice") ? "(voice note)" : "Here is the link")
              .append("createdAt", now);
      if (key.equals("rep-voice")) {
        fields.append("media", note);
      }
      store.messages().upsertComposed(key, fields);
      assertThat(messaging.send(new SendRequest("L-1", key, 0, false, false)).outcome())
          .isEqualTo(SendResult.SENT);
    }
    assertThat(emulator.lastMessageType("5511998765432")).isEqualTo("text");
    assertThat(store.messages().messageByKey("rep-voice").getString("kind")).isEqualTo("audio");
    assertThat(store.messages().messageByKey("rep-text").getString("kind")).isEqualTo("text");
    Document variant = compose("L-1", "k-v", 1, "follow_up_read", false);
    assertThat(variant.get("media", Document.class)).isNotNull();
    messaging.send(new SendRequest("L-1", "k-v", 1, false, false));
    assertThat(emulator.lastWasVoiceNote("5511998765432")).isTrue();
    assertThat(store.messages().messageByKey("k-v").getString("kind")).isEqualTo("audio");

    var said =
        new com.salesagent.api.owners.HandOffsResource(MONGO.database(), Clock.systemUTC())
            .conversation("L-1")
            .messages();
    assertThat(said)
        .filteredOn(m -> "person".equals(m.from()))
        .extracting(com.salesagent.api.owners.HandOffsResource.Said::kind)
        .containsExactlyInAnyOrder("audio", "text");
  }

  @Test
  void anOperatorsRecordingOfTheVariantGoesInsteadOfTheSpokenText() throws Exception {
    short[] tone = new short[16_000];
    for (int i = 0; i < tone.length; i++) {
      tone[i] = (short) (6000 * Math.sin(2 * Math.PI * 220 * i / 16_000));
    }
    Document recording = voiceNotes.upload(OggOpus.encode(tone, 16_000), "ops");
    recording.remove("kind");
    recording.remove("voice");
    MONGO
        .database()
        .getCollection(Collections.PROMPT_VARIANTS)
        .updateOne(Filters.eq("variantId", "v-cost"), Updates.set("voiceNote", recording));
    emulator.recipientWrote("5511998765432");

    Document message = compose("L-1", "k-r", 1, "follow_up_read", false);

    Document note = message.get("media", Document.class);
    assertThat(note.getString("sha256")).isEqualTo(recording.getString("sha256"));
    assertThat(note.getString("madeBy")).isEqualTo("upload by ops");
    messaging.send(new SendRequest("L-1", "k-r", 1, false, false));
    assertThat(emulator.lastWasVoiceNote("5511998765432")).isTrue();
  }

  /**
   * MEDIA_DELIVERY=link: no upload; the send names a presigned S3 URL, which the emulator downloads
   * as Meta would (the bytes are the stored object's); the URL is not kept on the message. An
   * object gone from S3 fails the message with 131053, as Meta's download would.
   */
  @Test
  void withLinksTheVoiceNoteGoesAsAPresignedUrlThatMetaDownloads() throws Exception {
    OutboundMedia linked =
        new OutboundMedia(S3.storage(), MONGO.database())
            .withLinks(java.time.Duration.ofMinutes(15));
    WhatsAppSettings settings =
        new WhatsAppSettings(
            emulator.baseUrl(), "v21.0", emulator.phoneNumberId(), emulator.accessToken());
    MessagingActivitiesImpl viaLinks =
        new MessagingActivitiesImpl(
                store, new WhatsAppClient(settings), settings, Clock.systemUTC())
            .withMedia(linked);
    emulator.recipientWrote("5511998765432");
    Document note = compose("L-1", "k-l", 1, "follow_up_read", false).get("media", Document.class);
    byte[] stored = S3.storage().get(note.getString("url").replaceFirst("^s3://voices/", ""));

    assertThat(viaLinks.send(new SendRequest("L-1", "k-l", 1, false, false)).outcome())
        .isEqualTo(SendResult.SENT);

    assertThat(emulator.lastWasVoiceNote("5511998765432")).isTrue();
    assertThat(emulator.lastMediaId("5511998765432")).isNull();
    assertThat(emulator.lastLinkedMedia("5511998765432")).isEqualTo(stored);
    Document sent = store.messages().messageByKey("k-l").get("media", Document.class);
    assertThat(sent.getString("delivery")).isEqualTo("presigned_link");
    assertThat(sent.get("mediaId")).isNull();
    assertThat(MONGO.database().getCollection(OutboundMedia.UPLOADS).countDocuments()).isZero();

    // The object deleted after composition: Meta cannot download it, the message fails (131053).
    compose("L-1", "k-gone", 2, "follow_up_read", false);
    Document gone = store.messages().messageByKey("k-gone").get("media", Document.class);
    S3.storage().delete(gone.getString("url").replaceFirst("^s3://voices/", ""));
    viaLinks.send(new SendRequest("L-1", "k-gone", 2, false, false));
    assertThat(emulator.lastLinkedMedia("5511998765432")).isNull();
  }

  @Test
  void aLeadInAnotherLanguageGetsTheTextNotTheEnglishRobotVoice() {
    emulator.recipientWrote("5511998765433");
    Document message = compose("L-2", "k-pt", 1, "follow_up_read", false);
    assertThat(message.get("media")).isNull();
    assertThat(message.get("voiceNote", Document.class).getString("why")).contains("English only");
    messaging.send(new SendRequest("L-2", "k-pt", 1, false, false));
    assertThat(emulator.lastMessageType("5511998765433")).isEqualTo("text");
  }
}
