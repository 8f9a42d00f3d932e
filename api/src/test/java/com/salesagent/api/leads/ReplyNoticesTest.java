package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import io.dropwizard.jackson.Jackson;
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
 * What a rep is told besides "queued": a message to a lead an operator paused waits for its resume
 * (the 202 says so, with the pause's time), and the page of a lead that opted out says why no draft
 * answers it and how it may opt back in.
 */
class ReplyNoticesTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  private final ObjectMapper mapper = Jackson.newObjectMapper();
  private LeadStore store;
  private LeadConversation conversation;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    ConversationFixtures.owners(MONGO.database(), "ana=Ana Lima");
    conversation =
        ConversationFixtures.conversation(
            store,
            ConversationFixtures.workflow(r -> {}),
            m -> {},
            Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** A lead at {@code stage} that wrote a minute ago (WhatsApp's window open). */
  private String leadThatWrote(String stage) {
    String leadId = "N-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+55119" + Math.abs(leadId.hashCode() % 100000000))
            .append("ownerId", "ana")
            .append("stage", stage));
    store
        .feedback()
        .insertOne(
            new Document("leadId", leadId)
                .append("messageId", "wamid.in-1")
                .append("text", "Are you there?")
                .append("receivedAt", Date.from(NOW.minusSeconds(60)))
                .append("storedAt", Date.from(NOW.minusSeconds(60))));
    return leadId;
  }

  private JsonNode body(Response r) throws Exception {
    return mapper.readTree(mapper.writeValueAsString(r.getEntity()));
  }

  /**
   * A rep wrote to a lead an operator had paused: 202 {@code queued}, nothing else, and the rep
   * took it for sent while it waited for a resume nobody planned. The 202 says it waits for the
   * resume, and since when the lead is paused.
   */
  @Test
  void aMessageToAPausedLeadSaysItWaitsForTheResume() throws Exception {
    String leadId = leadThatWrote("paused");
    Instant pausedAt = NOW.minusSeconds(3600);
    store.interactions().recordInteraction(leadId, "c-1", null, "paused", null, null, pausedAt);

    Response r =
        conversation.reply(
            "ops", leadId, "{\"text\":\"Back soon\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(r.getStatus()).isEqualTo(202);
    JsonNode queued = body(r);
    assertThat(queued.get("status").asText()).isEqualTo("queued");
    assertThat(queued.path("waitsForResume").asBoolean(false)).as(queued.toString()).isTrue();
    assertThat(queued.path("pausedAt").asText()).isEqualTo(pausedAt.toString());
  }

  /** A lead that is not paused: the 202 is as before, no resume to wait for. */
  @Test
  void aMessageToALiveLeadHasNoResumeToWaitFor() throws Exception {
    String leadId = leadThatWrote("in_conversation");

    Response r =
        conversation.reply(
            "ops", leadId, "{\"text\":\"Hello again\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(r.getStatus()).isEqualTo(202);
    JsonNode queued = body(r);
    assertThat(queued.has("waitsForResume")).as(queued.toString()).isFalse();
    assertThat(queued.has("pausedAt")).isFalse();
  }

  /**
   * The page of a lead that opted out and wrote again showed nothing about drafts (or a sales
   * draft): it now says there is none on purpose, and how the number may opt back in.
   */
  @Test
  void theLeadPageOfAnOptedOutLeadSaysWhyNoDraftAnswersIt() {
    String leadId = leadThatWrote("opted_out");
    store
        .contacts()
        .updateOne(
            new Document("leadId", leadId),
            new Document("$set", new Document("doNotContact", true)));
    String live = leadThatWrote("in_conversation");

    LeadViews views =
        new LeadViews(
            store,
            id -> null,
            Jackson.newObjectMapper(),
            "",
            "default",
            Clock.fixed(NOW, ZoneOffset.UTC));

    assertThat(views.view(leadId).lead().getString("noDraftBecause"))
        .startsWith("opted out: do not sell; they may opt back in by")
        .contains("/api/suppressions/{number}/lift");
    assertThat(views.view(live).lead().getString("noDraftBecause")).isNull();
  }
}
