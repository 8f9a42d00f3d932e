package com.salesagent.api.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.salesagent.activities.media.VoiceNotes;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.leads.ConversationFixtures;
import com.salesagent.api.leads.LeadVoiceNoteResource;
import com.salesagent.workflows.lead.OwnerReply;
import io.dropwizard.jackson.Jackson;
import io.temporal.client.WorkflowClient;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rep's recording on {@code POST /api/leads/{id}/replies/voice-note} (found by the QA walk): a
 * muted microphone's recording went out as a voice note, and a recording posted twice at once
 * without a {@code requestId} reached the lead twice.
 */
class RepVoiceNoteRecordingTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();
  @RegisterExtension static final EmbeddedS3Extension S3 = new EmbeddedS3Extension("recordings");

  private LeadStore store;
  private final List<OwnerReply> signalled = new CopyOnWriteArrayList<>();
  private LeadVoiceNoteResource resource;
  private WorkflowClient temporal;

  /** The objects in the bucket before the test (the embedded S3 server is the class's). */
  private int stored;

  @BeforeEach
  void setUp() throws Exception {
    stored = S3.files().size();
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    Instant now = Instant.now();
    store.insertContact(
        new Document("leadId", "L-r")
            .append("campaignId", "c-1")
            .append("phone", "+5511998760002")
            .append("locale", "en")
            .append("stage", "in_conversation"));
    store
        .feedback()
        .insertOne(
            new Document("leadId", "L-r")
                .append("messageId", "wamid.in-r")
                .append("text", "Can you tell me more?")
                .append("receivedAt", Date.from(now.minusSeconds(60)))
                .append("storedAt", Date.from(now.minusSeconds(60))));
    temporal = ConversationFixtures.temporal(ConversationFixtures.workflow(signalled::add));
    resource =
        new LeadVoiceNoteResource(
            store, temporal, Jackson.newObjectMapper(), new VoiceNotes(S3.storage(), null));
  }

  /** 16 kHz mono 16-bit WAV of these samples, as a browser or a phone saves it. */
  private static byte[] wav(short[] samples) throws Exception {
    ByteBuffer pcm = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short s : samples) {
      pcm.putShort(s);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AudioSystem.write(
        new AudioInputStream(
            new ByteArrayInputStream(pcm.array()),
            new AudioFormat(16_000, 16, 1, true, false),
            samples.length),
        AudioFileFormat.Type.WAVE,
        out);
    return out.toByteArray();
  }

  private Response post(byte[] recording, String requestId) {
    return resource.voiceNote(
        new Operator("ops"), "L-r", "audio/wav", null, requestId, null, null, null, recording);
  }

  @Test
  void aSilentRecordingIsRefusedNamingTheBodyAndNothingIsStoredOrSent() throws Exception {
    ApiException refused =
        catchThrowableOfType(() -> post(wav(new short[32_000]), "vn-sil"), ApiException.class);

    assertThat(refused).as("2 s of zero samples must not go out").isNotNull();
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("body");
              assertThat(e.message()).contains("silent");
            });
    assertThat(store.messages().messagesOf("L-r")).isEmpty();
    assertThat(signalled).isEmpty();
    assertThat(S3.files()).as("nothing stored").hasSize(stored);
  }

  @Test
  void theSameRecordingPostedTwiceAtOnceWithoutARequestIdIsOneVoiceNote() throws Exception {
    short[] tone = new short[16_000];
    for (int i = 0; i < tone.length; i++) {
      tone[i] = (short) (6000 * Math.sin(2 * Math.PI * 220 * i / 16_000));
    }
    byte[] recording = wav(tone);
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<Response>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        answers.add(
            pool.submit(
                () -> {
                  together.await(10, TimeUnit.SECONDS);
                  return post(recording, null);
                }));
      }
      List<Response> responses = new ArrayList<>();
      for (Future<Response> answer : answers) {
        responses.add(answer.get(60, TimeUnit.SECONDS));
      }
      assertThat(responses).extracting(Response::getStatus).containsExactlyInAnyOrder(202, 200);
      var json = Jackson.newObjectMapper();
      assertThat(responses)
          .extracting(r -> json.convertValue(r.getEntity(), java.util.Map.class))
          .extracting(m -> m.get("idempotencyKey"))
          .as("one message, one key")
          .doesNotContainNull()
          .containsOnly(
              json.convertValue(responses.get(0).getEntity(), java.util.Map.class)
                  .get("idempotencyKey"));
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.messages().messagesOf("L-r")).hasSize(1);
    assertThat(signalled.stream().map(OwnerReply::idempotencyKey).distinct()).hasSize(1);
    assertThat(S3.files()).hasSize(stored + 1);
  }

  /**
   * A voice note to a lead whose 24 h window closed was refused naming {@code text} and saying
   * "free text cannot go" (QA), though a recording has no text: the refusal now names the
   * recording's {@code body} (a spoken note's {@code text}) and says a voice note cannot go.
   */
  @Test
  void aVoiceNoteOutsideTheWindowIsRefusedNamingWhatWasSent() throws Exception {
    store.insertContact(
        new Document("leadId", "L-old")
            .append("campaignId", "c-1")
            .append("phone", "+5511998760003")
            .append("locale", "en")
            .append("stage", "in_conversation"));
    Instant twoDaysAgo = Instant.now().minus(java.time.Duration.ofDays(2));
    store
        .feedback()
        .insertOne(
            new Document("leadId", "L-old")
                .append("messageId", "wamid.in-old")
                .append("text", "Can you tell me more?")
                .append("receivedAt", Date.from(twoDaysAgo))
                .append("storedAt", Date.from(twoDaysAgo)));
    short[] tone = new short[16_000];
    for (int i = 0; i < tone.length; i++) {
      tone[i] = (short) (6000 * Math.sin(2 * Math.PI * 220 * i / 16_000));
    }
    byte[] recording = wav(tone);

    ApiException recorded =
        catchThrowableOfType(
            () ->
                resource.voiceNote(
                    new Operator("ops"),
                    "L-old",
                    "audio/wav",
                    null,
                    "vn-old",
                    null,
                    null,
                    null,
                    recording),
            ApiException.class);
    assertThat(recorded.status()).isEqualTo(409);
    assertThat(recorded.getMessage()).contains("voice note").doesNotContain("free text");
    assertThat(recorded.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("body");
              assertThat(e.message()).contains("more than PT24H ago");
            });

    ApiException spoken =
        catchThrowableOfType(
            () -> speak(resource, "L-old", "{\"text\":\"Hello again\"}"), ApiException.class);
    assertThat(spoken.status()).isEqualTo(409);
    assertThat(spoken.getMessage()).contains("voice note");
    assertThat(spoken.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.field()).isEqualTo("text"));
    assertThat(store.messages().messagesOf("L-old")).isEmpty();
    assertThat(signalled).isEmpty();
  }

  /** A speech provider that answers Ogg Opus of these samples, whatever the text. */
  private static VoiceNotes.Speaker speaking(short[] samples, String label) {
    return new VoiceNotes.Speaker() {
      @Override
      public byte[] speak(String text) {
        return com.salesagent.activities.media.OggOpus.encode(samples, 16_000);
      }

      @Override
      public String label() {
        return label;
      }
    };
  }

  /** A lead inside its 24 h window whose language is {@code locale}. */
  private void lead(String leadId, String locale) {
    Instant now = Instant.now();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+55119987" + Math.abs(leadId.hashCode() % 100000))
            .append("locale", locale)
            .append("stage", "in_conversation"));
    store
        .feedback()
        .insertOne(
            new Document("leadId", leadId)
                .append("messageId", "wamid.in-" + leadId)
                .append("text", "Pode me contar mais?")
                .append("receivedAt", Date.from(now.minusSeconds(60)))
                .append("storedAt", Date.from(now.minusSeconds(60))));
  }

  private static Response speak(LeadVoiceNoteResource to, String leadId, String json) {
    return to.voiceNote(
        new Operator("ops"),
        leadId,
        "application/json",
        null,
        null,
        null,
        null,
        null,
        json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * A voice note spoken by the speech provider was not checked for silence, as a recording is (QA):
   * a provider that answers silence (broken, or a text with nothing to say) is refused 422 naming
   * the text and the provider, and nothing is stored, queued or sent. (A Portuguese lead: the
   * offline voice, English only, cannot speak it instead.)
   */
  @Test
  void aSilentSpokenVoiceNoteIsRefusedNamingTheTextAndTheProviderAndNothingIsStoredOrSent()
      throws Exception {
    lead("L-pt", "pt-BR");
    LeadVoiceNoteResource broken =
        new LeadVoiceNoteResource(
            store,
            temporal,
            Jackson.newObjectMapper(),
            new VoiceNotes(S3.storage(), speaking(new short[32_000], "openai/tts-broken")));

    ApiException refused =
        catchThrowableOfType(
            () -> speak(broken, "L-pt", "{\"text\":\"Olá Ana, segue o link dos planos\"}"),
            ApiException.class);

    assertThat(refused).as("a silent spoken voice note must not go out").isNotNull();
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("text");
              assertThat(e.message()).contains("openai/tts-broken").contains("nothing audible");
            });
    assertThat(store.messages().messagesOf("L-pt")).isEmpty();
    assertThat(signalled).isEmpty();
    assertThat(S3.files()).as("nothing stored").hasSize(stored);
  }

  /** A speech provider that fails as OpenAI's does on a 4xx (the route's 502). */
  private static VoiceNotes.Speaker refusing(String label) {
    return new VoiceNotes.Speaker() {
      @Override
      public byte[] speak(String text) {
        throw new com.salesagent.activities.whatsapp.CloudMedia.Refused("speech: HTTP 400");
      }

      @Override
      public String label() {
        return label;
      }
    };
  }

  private LeadVoiceNoteResource speakingBy(VoiceNotes.Speaker provider) {
    return new LeadVoiceNoteResource(
        store, temporal, Jackson.newObjectMapper(), new VoiceNotes(S3.storage(), provider));
  }

  /**
   * A rep's voice note had no offline fallback (QA: the provider's failure was a 502 and nothing
   * went, though the offline voice that speaks when no provider is configured is right there): to
   * an English lead the offline voice speaks it, and says so, in the answer ({@code voice:
   * offline}, {@code voiceFallback} naming the provider and its failure) and on the message ({@code
   * madeBy}, {@code fallback}); a provider answering silence is such a failure too.
   */
  @Test
  void whenTheSpeechProviderFailsTheOfflineVoiceSpeaksToAnEnglishLeadAndSaysSo() throws Exception {
    var json = Jackson.newObjectMapper();
    Response spoken =
        speak(
            speakingBy(refusing("openai/tts-down")),
            "L-r",
            "{\"text\":\"Thanks Ana, here is the link to the plans\"}");

    assertThat(spoken.getStatus()).isEqualTo(202);
    java.util.Map<?, ?> answer = json.convertValue(spoken.getEntity(), java.util.Map.class);
    assertThat(answer.get("kind")).isEqualTo("voice_note");
    assertThat(answer.get("voice")).isEqualTo("offline");
    assertThat((String) answer.get("voiceFallback"))
        .contains("openai/tts-down")
        .contains("HTTP 400")
        .contains("offline voice");
    Document media =
        store
            .messages()
            .messageByKey((String) answer.get("idempotencyKey"))
            .get("media", Document.class);
    assertThat(media.getString("madeBy")).startsWith("freetts/kevin16");
    assertThat(media.get("fallback", Document.class).getString("from"))
        .isEqualTo("openai/tts-down");
    assertThat(signalled).hasSize(1);
    assertThat(S3.files()).hasSize(stored + 1);

    Response silent =
        speak(
            speakingBy(speaking(new short[32_000], "openai/tts-mute")),
            "L-r",
            "{\"text\":\"And the price list\"}");
    assertThat(silent.getStatus()).isEqualTo(202);
    answer = json.convertValue(silent.getEntity(), java.util.Map.class);
    assertThat(answer.get("voice")).isEqualTo("offline");
    assertThat((String) answer.get("voiceFallback")).contains("openai/tts-mute");
    assertThat(signalled).hasSize(2);

    short[] tone = new short[16_000];
    for (int i = 0; i < tone.length; i++) {
      tone[i] = (short) (5000 * Math.sin(2 * Math.PI * 330 * i / 16_000));
    }
    Response byProvider =
        speak(speakingBy(speaking(tone, "openai/tts")), "L-r", "{\"text\":\"See you then\"}");
    assertThat(byProvider.getStatus()).isEqualTo(202);
    answer = json.convertValue(byProvider.getEntity(), java.util.Map.class);
    assertThat(answer.get("voice")).isEqualTo("provider");
    assertThat(answer.get("voiceFallback")).isNull();
  }

  /**
   * To a lead the offline voice cannot speak to (another language), the provider's failure is the
   * answer, 502 naming text, the provider and what to do; nothing is stored or sent.
   */
  @Test
  void whenTheSpeechProviderFailsForALeadInAnotherLanguageTheErrorNamesItAndWhatToDo()
      throws Exception {
    lead("L-pt", "pt-BR");

    ApiException failed =
        catchThrowableOfType(
            () ->
                speak(
                    speakingBy(refusing("openai/tts-down")),
                    "L-pt",
                    "{\"text\":\"Olá Ana, segue o link\"}"),
            ApiException.class);

    assertThat(failed).isNotNull();
    assertThat(failed.status()).isEqualTo(502);
    assertThat(failed.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("text");
              assertThat(e.message())
                  .contains("openai/tts-down")
                  .contains("HTTP 400")
                  .contains("upload a recording");
            });
    assertThat(store.messages().messagesOf("L-pt")).isEmpty();
    assertThat(signalled).isEmpty();
    assertThat(S3.files()).as("nothing stored").hasSize(stored);
  }
}
