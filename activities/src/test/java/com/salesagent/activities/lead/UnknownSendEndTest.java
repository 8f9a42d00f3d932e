package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.workflows.lead.LeadEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A send whose outcome is unknown when its lead's run ends is decided by nobody any more: the run
 * that would reconcile it or hold it for an operator is over. Before, it stayed held for good (on
 * the approvals card, where no decision could reach the ended run, and in
 * sales_agent_sends_unknown, whose oldest age then grew for ever).
 */
class UnknownSendEndTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  @Test
  void theLeadsEndLeavesItsUndecidedUnknownSendsAbandonedAndOnlyThose() {
    MongoSchema.ensure(MONGO.database());
    LeadStore store = new LeadStore(MONGO.database());
    String leadId = "U-" + UUID.randomUUID();
    String other = "U-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+5511912340000")
            .append("stage", "delivery_unknown"));
    var messages = MONGO.database().getCollection("messages");
    messages.insertOne(
        new Document("idempotencyKey", leadId + ":1").append("leadId", leadId).append("text", "a"));
    messages.insertOne(
        new Document("idempotencyKey", leadId + ":2").append("leadId", leadId).append("text", "b"));
    messages.insertOne(
        new Document("idempotencyKey", other + ":1").append("leadId", other).append("text", "c"));
    for (String key : new String[] {leadId + ":1", leadId + ":2", other + ":1"}) {
      assertThat(store.messages().markUnknown(key, "no answer", Instant.now())).isTrue();
    }
    messages.updateOne(
        Filters.eq("idempotencyKey", leadId + ":2"),
        new Document("$set", new Document("delivery", new Document("status", "assume_sent"))));

    new LeadActivitiesImpl(store, Clock.systemUTC())
        .record(
            new LeadEvent(
                leadId, "c-1", "outcome", "lost", "smb", "v-1", null, null, null, "not a fit"));

    Document ended = messages.find(Filters.eq("idempotencyKey", leadId + ":1")).first();
    assertThat(ended.getString("status")).isEqualTo("unknown");
    assertThat(ended.get("delivery", Document.class).getString("status")).isEqualTo("abandoned");
    assertThat(ended.get("delivery", Document.class).getString("why")).contains("lost");
    assertThat(
            messages
                .find(Filters.eq("idempotencyKey", leadId + ":2"))
                .first()
                .get("delivery", Document.class)
                .getString("status"))
        .as("decided before the end")
        .isEqualTo("assume_sent");
    assertThat(messages.find(Filters.eq("idempotencyKey", other + ":1")).first().get("delivery"))
        .as("another lead's")
        .isNull();

    // Unknown again later (a resend an operator chose, its own attempt's call unanswered):
    // undecided again.
    messages.updateOne(
        Filters.eq("idempotencyKey", leadId + ":2"),
        new Document("$set", new Document("delivery", new Document("status", "resend"))));
    assertThat(store.messages().claimSend(leadId + ":2", "resend-1", Instant.now(), true)).isTrue();
    assertThat(
            store
                .messages()
                .markUnknownAfterCall(leadId + ":2", "resend-1", "no answer", Instant.now()))
        .isTrue();
    assertThat(messages.find(Filters.eq("idempotencyKey", leadId + ":2")).first().get("delivery"))
        .isNull();
  }
}
