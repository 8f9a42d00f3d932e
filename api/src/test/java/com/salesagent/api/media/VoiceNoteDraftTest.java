package com.salesagent.api.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.knowledge.KnowledgeActivitiesImpl;
import com.salesagent.activities.media.OggOpus;
import com.salesagent.activities.media.VoiceNotes;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.leads.ConversationFixtures;
import com.salesagent.api.leads.LeadVoiceNoteResource;
import io.dropwizard.jackson.Jackson;
import io.temporal.client.WorkflowClient;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lead page's "Send as a voice note" speaks the agent's drafted answer: it names the draft
 * ({@code draftId}) as Send does, so the draft is {@code used} (it stayed {@code held}, offered
 * again after the lead had its answer), and a draft no longer held is refused as for a text (409
 * naming draftId; 422 for one the lead does not have or a malformed id).
 */
class VoiceNoteDraftTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();
  @RegisterExtension static final EmbeddedS3Extension S3 = new EmbeddedS3Extension("voice-drafts");

  private LeadStore store;
  private LeadVoiceNoteResource resource;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    ConversationFixtures.owners(MONGO.database(), "ana=Ana Lima");
    WorkflowClient temporal = ConversationFixtures.temporal(ConversationFixtures.workflow(r -> {}));
    VoiceNotes.Speaker speaker =
        new VoiceNotes.Speaker() {
          @Override
          public byte[] speak(String text) {
            short[] pcm = new short[16_000];
            for (int i = 0; i < pcm.length; i++) {
              pcm[i] = (short) (6000 * Math.sin(2 * Math.PI * 220 * i / 16_000));
            }
            return OggOpus.encode(pcm, 16_000);
          }

          @Override
          public String label() {
            return "test voice";
          }
        };
    resource =
        new LeadVoiceNoteResource(
            store, temporal, Jackson.newObjectMapper(), new VoiceNotes(S3.storage(), speaker));
  }

  private MongoCollection<Document> drafts() {
    return MONGO.database().getCollection(KnowledgeActivitiesImpl.DRAFTS);
  }

  /** A lead in conversation that asked a question a minute ago, with the agent's draft held. */
  private String leadWithADraft(String status) {
    String leadId = "LV-" + UUID.randomUUID();
    Instant now = Instant.now();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+55119" + Math.abs(leadId.hashCode() % 100000000))
            .append("locale", "en")
            .append("ownerId", "ana")
            .append("stage", "in_conversation"));
    store
        .feedback()
        .insertOne(
            new Document("leadId", leadId)
                .append("messageId", "wamid.in-1")
                .append("text", "How much does it cost?")
                .append("receivedAt", Date.from(now.minusSeconds(60)))
                .append("storedAt", Date.from(now.minusSeconds(60))));
    drafts()
        .insertOne(
            new Document("_id", leadId + ":wamid.in-1")
                .append("leadId", leadId)
                .append("replyMessageId", "wamid.in-1")
                .append("grounded", true)
                .append("text", "Our plans start at 49 a month.")
                .append("status", status)
                .append("createdAt", Date.from(now.minusSeconds(50))));
    return leadId;
  }

  private Response speak(String leadId, String draftId) {
    String body =
        "{\"text\":\"Our plans start at 49 a month.\",\"ownerId\":\"ana\",\"draftId\":\""
            + draftId
            + "\"}";
    return resource.voiceNote(
        new Operator("ops"),
        leadId,
        "application/json",
        null,
        null,
        null,
        null,
        null,
        body.getBytes(StandardCharsets.UTF_8));
  }

  /** A recording (Ogg Opus, as Firefox records it) naming {@code draftId} in its query. */
  private Response record(String leadId, String draftId) {
    short[] pcm = new short[16_000];
    for (int i = 0; i < pcm.length; i++) {
      pcm[i] = (short) (6000 * Math.sin(2 * Math.PI * 330 * i / 16_000));
    }
    return resource.voiceNote(
        new Operator("ops"),
        leadId,
        "audio/ogg",
        "ana",
        null,
        null,
        null,
        draftId,
        OggOpus.encode(pcm, 16_000));
  }

  private long messages(String leadId) {
    return store.messages().collection().countDocuments(Filters.eq("leadId", leadId));
  }

  @Test
  void aDraftSpokenAsAVoiceNoteIsUsed() {
    String leadId = leadWithADraft("held");

    assertThat(speak(leadId, leadId + ":wamid.in-1").getStatus()).isEqualTo(202);

    Document draft = drafts().find(Filters.eq("_id", leadId + ":wamid.in-1")).first();
    assertThat(draft.getString("status")).as("the draft went, as a voice note").isEqualTo("used");
    assertThat(messages(leadId)).isEqualTo(1);
  }

  @Test
  void aDraftNoLongerHeldIs409AndAnUnknownOrMalformedOneIs422NamingDraftId() {
    String leadId = leadWithADraft("superseded");
    ApiException stale =
        catchThrowableOfType(ApiException.class, () -> speak(leadId, leadId + ":wamid.in-1"));
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.errors()).extracting(FieldError::field).contains("draftId");

    ApiException unknown =
        catchThrowableOfType(ApiException.class, () -> speak(leadId, leadId + ":wamid.other"));
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.errors()).extracting(FieldError::field).containsExactly("draftId");

    ApiException malformed =
        catchThrowableOfType(ApiException.class, () -> speak(leadId, "no spaces allowed"));
    assertThat(malformed.status()).isEqualTo(422);
    assertThat(malformed.errors()).extracting(FieldError::field).containsExactly("draftId");
    assertThat(messages(leadId)).as("nothing queued").isZero();
  }

  /**
   * A rep who records the draft (or uploads a recording of it) could not name it: the draft stayed
   * held beside the answer it was, or was superseded by it. A recording names it in its query, on
   * the spoken form's terms.
   */
  @Test
  void aRecordedVoiceNoteNamesItsDraftOnTheSameTerms() {
    String leadId = leadWithADraft("held");
    assertThat(record(leadId, leadId + ":wamid.in-1").getStatus()).isEqualTo(202);
    Document draft = drafts().find(Filters.eq("_id", leadId + ":wamid.in-1")).first();
    assertThat(draft.getString("status")).as("the draft went, recorded").isEqualTo("used");
    assertThat(draft.get("usedBy", Document.class).getString("by")).isEqualTo("Ana Lima (ana)");
    assertThat(messages(leadId)).isEqualTo(1);

    String stale = leadWithADraft("superseded");
    String other = leadWithADraft("held");
    for (String[] refused :
        new String[][] {
          {stale + ":wamid.in-1", "409"},
          {stale + ":wamid.other", "422"},
          {other + ":wamid.in-1", "422"}, // another lead's draft
          {"no spaces allowed", "422"}
        }) {
      ApiException e = catchThrowableOfType(ApiException.class, () -> record(stale, refused[0]));
      assertThat(e).as(refused[0]).isNotNull();
      assertThat(e.status()).as(refused[0]).isEqualTo(Integer.parseInt(refused[1]));
      assertThat(e.errors()).extracting(FieldError::field).containsExactly("draftId");
    }
    assertThat(messages(stale)).as("nothing queued").isZero();
    assertThat(drafts().find(Filters.eq("_id", other + ":wamid.in-1")).first().getString("status"))
        .isEqualTo("held");
  }
}
