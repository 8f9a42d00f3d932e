package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.knowledge.KnowledgeActivitiesImpl;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.workflows.lead.LeadEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A draft held for a person stayed {@code held} after the lead's run ended (an operator marked it
 * converted): the lead page and the Hand-offs view still offered it, and sending it would answer a
 * conversation that is over. The end supersedes the drafts held by then, saying why.
 */
class HeldDraftEndTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  @Test
  void theLeadsEndSupersedesTheDraftsHeldForIt() {
    MongoSchema.ensure(MONGO.database());
    LeadStore store = new LeadStore(MONGO.database());
    String leadId = "D-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+5511912340000")
            .append("stage", "in_conversation"));
    var drafts = MONGO.database().getCollection(KnowledgeActivitiesImpl.DRAFTS);
    drafts.insertOne(
        new Document("_id", leadId + ":wamid.in-1")
            .append("leadId", leadId)
            .append("replyMessageId", "wamid.in-1")
            .append("grounded", true)
            .append("text", "Our plans start at 49 a month.")
            .append("status", "held")
            .append("createdAt", Date.from(Instant.now().minusSeconds(60))));

    new LeadActivitiesImpl(store, Clock.systemUTC())
        .record(
            new LeadEvent(
                leadId, "c-1", "outcome", "converted", "smb", "v-1", null, null, null, "signed"));

    Document draft = drafts.find(Filters.eq("_id", leadId + ":wamid.in-1")).first();
    assertThat(draft.getString("status")).isEqualTo("superseded");
    assertThat(draft.get("supersededBy", Document.class).getString("stage")).isEqualTo("converted");
    assertThat(draft.get("supersededBy", Document.class).getString("why")).contains("ended");
  }

  /**
   * The run-end record retried after its first attempt wrote the end and the stage but stopped
   * before superseding the drafts (the activity's retry): the retry finds the stage terminal
   * already, and still supersedes the drafts held at the end, as of the end the first attempt wrote
   * ({@code endedAt}), once; a draft made after that end (for a message the lead wrote after it)
   * stays held.
   */
  @Test
  void aRetriedEndRecordSupersedesTheDraftsHeldAtTheEnd() {
    MongoSchema.ensure(MONGO.database());
    LeadStore store = new LeadStore(MONGO.database());
    String leadId = "D-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+5511912340001")
            .append("stage", "in_conversation"));
    Instant end = Instant.now().minusSeconds(30);
    var drafts = MONGO.database().getCollection(KnowledgeActivitiesImpl.DRAFTS);
    drafts.insertOne(
        new Document("_id", leadId + ":wamid.in-1")
            .append("leadId", leadId)
            .append("replyMessageId", "wamid.in-1")
            .append("text", "Our plans start at 49 a month.")
            .append("status", "held")
            .append("createdAt", Date.from(end.minusSeconds(60))));
    drafts.insertOne(
        new Document("_id", leadId + ":wamid.in-2")
            .append("leadId", leadId)
            .append("replyMessageId", "wamid.in-2")
            .append("text", "Happy to help again.")
            .append("status", "held")
            .append("createdAt", Date.from(end.plusSeconds(10))));
    // The first attempt: the end and the stage written, then it stopped.
    new com.salesagent.activities.knowledge.HeldDrafts(MONGO.database())
        .ending(leadId, "converted", end);
    store
        .contacts()
        .updateOne(
            Filters.eq("leadId", leadId),
            com.mongodb.client.model.Updates.set("stage", "converted"));

    LeadEvent converted =
        new LeadEvent(
            leadId, "c-1", "outcome", "converted", "smb", "v-1", null, null, null, "signed");
    new LeadActivitiesImpl(store, Clock.systemUTC()).record(converted);
    Document first = drafts.find(Filters.eq("_id", leadId + ":wamid.in-1")).first();
    new LeadActivitiesImpl(store, Clock.systemUTC()).record(converted);

    Document draft = drafts.find(Filters.eq("_id", leadId + ":wamid.in-1")).first();
    assertThat(draft.getString("status")).isEqualTo("superseded");
    assertThat(draft.get("supersededBy", Document.class).getString("stage")).isEqualTo("converted");
    assertThat(draft.get("supersededBy", Document.class).getDate("at")).isEqualTo(Date.from(end));
    assertThat(draft).as("a second retry changes nothing").isEqualTo(first);
    assertThat(drafts.find(Filters.eq("_id", leadId + ":wamid.in-2")).first().getString("status"))
        .as("made after the end")
        .isEqualTo("held");
  }
}
