package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.knowledge.KnowledgeActivitiesImpl;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent's draft held for a person ({@code drafts}, status {@code held}) stayed held after a rep
 * answered the lead personally: the lead page still offered it, and sending it later put a stale
 * answer on top of the rep's. A person's message supersedes the drafts held by then (who, which
 * message); sending a superseded draft is 409 naming {@code draftId}; a draft sent is {@code used}.
 */
class HeldDraftTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  private LeadStore store;
  private LeadConversation conversation;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    ConversationFixtures.owners(MONGO.database(), "ana=Ana Lima", "bruno=Bruno Reis");
    conversation =
        ConversationFixtures.conversation(
            store,
            ConversationFixtures.workflow(r -> {}),
            m -> {},
            Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** A lead in conversation that asked a question a minute ago, with the agent's draft held. */
  private String leadWithADraft() {
    String leadId = "L-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+55119" + Math.abs(leadId.hashCode() % 100000000))
            .append("ownerId", "ana")
            .append("stage", "in_conversation"));
    store
        .feedback()
        .insertOne(
            new Document("leadId", leadId)
                .append("messageId", "wamid.in-1")
                .append("text", "How much does it cost?")
                .append("receivedAt", Date.from(NOW.minusSeconds(60)))
                .append("storedAt", Date.from(NOW.minusSeconds(60))));
    drafts()
        .insertOne(
            new Document("_id", leadId + ":wamid.in-1")
                .append("leadId", leadId)
                .append("replyMessageId", "wamid.in-1")
                .append("grounded", true)
                .append("text", "Our plans start at 49 a month.")
                .append("status", "held")
                .append("createdAt", Date.from(NOW.minusSeconds(50))));
    return leadId;
  }

  private com.mongodb.client.MongoCollection<Document> drafts() {
    return MONGO.database().getCollection(KnowledgeActivitiesImpl.DRAFTS);
  }

  private Document draft(String leadId) {
    return drafts().find(Filters.eq("_id", leadId + ":wamid.in-1")).first();
  }

  private Response reply(String leadId, String json) {
    return conversation.reply("ops", leadId, json.getBytes(StandardCharsets.UTF_8));
  }

  private long personMessages(String leadId) {
    return store
        .messages()
        .collection()
        .countDocuments(
            Filters.and(Filters.eq("leadId", leadId), Filters.eq("composer", "person")));
  }

  @Test
  void aRepsOwnAnswerSupersedesTheDraftAndSendingItLaterIs409NamingTheDraft() {
    String leadId = leadWithADraft();

    assertThat(
            reply(leadId, "{\"text\":\"It is 49 a month, Ana here.\",\"ownerId\":\"ana\"}")
                .getStatus())
        .isEqualTo(202);

    Document draft = draft(leadId);
    assertThat(draft.getString("status")).as("no longer offered as held").isEqualTo("superseded");
    Document by = draft.get("supersededBy", Document.class);
    assertThat(by.getString("by")).isEqualTo("Ana Lima (ana)");
    assertThat(by.getString("key"))
        .isEqualTo(store.messages().messagesOf(leadId).get(0).getString("idempotencyKey"));

    ApiException stale =
        catchThrowableOfType(
            ApiException.class,
            () ->
                reply(
                    leadId,
                    "{\"text\":\"Our plans start at 49 a month.\",\"ownerId\":\"bruno\","
                        + "\"draftId\":\""
                        + leadId
                        + ":wamid.in-1\"}"));
    assertThat(stale).isNotNull();
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.errors()).extracting(FieldError::field).containsExactly("draftId");
    assertThat(stale.errors().get(0).message()).contains("superseded").contains("Ana Lima (ana)");
    assertThat(personMessages(leadId)).as("the stale answer is not queued").isEqualTo(1);
  }

  @Test
  void aDraftSentIsUsedOnceAndAnUnknownOneIs422() {
    String leadId = leadWithADraft();
    String body =
        "{\"text\":\"Our plans start at 49 a month.\",\"ownerId\":\"ana\",\"requestId\":\"r-1\","
            + "\"draftId\":\""
            + leadId
            + ":wamid.in-1\"}";

    assertThat(reply(leadId, body).getStatus()).isEqualTo(202);
    Document draft = draft(leadId);
    assertThat(draft.getString("status")).isEqualTo("used");
    assertThat(draft.get("usedBy", Document.class).getString("by")).isEqualTo("Ana Lima (ana)");
    // The same request again answers as its first time.
    assertThat(reply(leadId, body).getStatus()).isEqualTo(200);

    ApiException twice =
        catchThrowableOfType(
            ApiException.class, () -> reply(leadId, body.replace("\"r-1\"", "\"r-2\"")));
    assertThat(twice.status()).isEqualTo(409);
    assertThat(twice.errors()).extracting(FieldError::field).containsExactly("draftId");

    ApiException unknown =
        catchThrowableOfType(
            ApiException.class,
            () ->
                reply(
                    leadId, "{\"text\":\"Hi\",\"ownerId\":\"ana\",\"draftId\":\"nope:wamid.x\"}"));
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.errors()).extracting(FieldError::field).containsExactly("draftId");
    assertThat(personMessages(leadId)).isEqualTo(1);
  }

  private Response dismiss(String leadId, String draftId, String ownerId, String reason) {
    return new DraftResource(store, Clock.fixed(NOW, ZoneOffset.UTC))
        .dismiss(new com.salesagent.api.auth.Operator("ops"), leadId, draftId, ownerId, reason);
  }

  /**
   * A rep could not set a wrong draft aside: it stayed held (counted as waiting on the lists) until
   * someone wrote to the lead. Dismissed, it is superseded by the rep, with the reason, and sending
   * it is then 409 naming {@code draftId}; dismissing it again changes nothing (200
   * dismissed_before); a used draft is 409, an unknown one 404, a bad owner or reason 422, each
   * naming its field.
   */
  @Test
  void aRepDismissesAHeldDraftOnceAndItCanNoLongerBeSent() {
    String leadId = leadWithADraft();
    String draftId = leadId + ":wamid.in-1";

    Response done = dismiss(leadId, draftId, "bruno", "quotes last year's price");
    assertThat(done.getStatus()).isEqualTo(200);
    assertThat(((DraftResource.Dismissed) done.getEntity()).status()).isEqualTo("dismissed");
    Document draft = draft(leadId);
    assertThat(draft.getString("status")).isEqualTo("superseded");
    Document why = draft.get("supersededBy", Document.class);
    assertThat(why.getString("by")).isEqualTo("Bruno Reis (bruno)");
    assertThat(why.getString("reason")).isEqualTo("quotes last year's price");
    assertThat(why.getDate("at")).isEqualTo(Date.from(NOW));

    Response again = dismiss(leadId, draftId, "ana", null);
    assertThat(((DraftResource.Dismissed) again.getEntity()).status())
        .isEqualTo("dismissed_before");
    assertThat(draft(leadId).get("supersededBy", Document.class).getString("by"))
        .as("the first dismissal stays")
        .isEqualTo("Bruno Reis (bruno)");
    assertThat(
            MONGO
                .database()
                .getCollection(com.salesagent.activities.mongo.Collections.AUDIT_LOG)
                .countDocuments(
                    Filters.and(
                        Filters.eq("action", "draft_dismissed"), Filters.eq("leadId", leadId))))
        .isEqualTo(1);

    ApiException stale =
        catchThrowableOfType(
            ApiException.class,
            () ->
                reply(
                    leadId,
                    "{\"text\":\"Our plans start at 49 a month.\",\"ownerId\":\"ana\","
                        + "\"draftId\":\""
                        + draftId
                        + "\"}"));
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.errors().get(0).message()).contains("dismissed").contains("Bruno Reis");
    assertThat(personMessages(leadId)).isZero();

    ApiException unknown =
        catchThrowableOfType(
            ApiException.class, () -> dismiss(leadId, leadId + ":wamid.nope", null, null));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.errors()).extracting(FieldError::field).containsExactly("draftId");
    for (String[] bad :
        new String[][] {
          {"no-such-rep", null, "ownerId"}, {null, "a\u202Eb", "reason"}, {null, "👍", "reason"}
        }) {
      ApiException refused =
          catchThrowableOfType(ApiException.class, () -> dismiss(leadId, draftId, bad[0], bad[1]));
      assertThat(refused.status()).as(bad[2]).isEqualTo(422);
      assertThat(refused.errors()).extracting(FieldError::field).containsExactly(bad[2]);
    }
  }

  @Test
  void aDraftAlreadySentCannotBeDismissed() {
    String leadId = leadWithADraft();
    String draftId = leadId + ":wamid.in-1";
    assertThat(
            reply(
                    leadId,
                    "{\"text\":\"Our plans start at 49 a month.\",\"ownerId\":\"ana\","
                        + "\"draftId\":\""
                        + draftId
                        + "\"}")
                .getStatus())
        .isEqualTo(202);

    ApiException used =
        catchThrowableOfType(ApiException.class, () -> dismiss(leadId, draftId, null, null));
    assertThat(used.status()).isEqualTo(409);
    assertThat(used.errors()).extracting(FieldError::field).containsExactly("draftId");
    assertThat(draft(leadId).getString("status")).isEqualTo("used");
  }
}
