package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.workflows.lead.LeadEvent;
import java.time.Clock;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An outcome on the lead's timeline says which one it was: an operator's stop read "outcome · wrong
 * segment" (the reason alone), the stage it ended at nowhere on the timeline.
 */
class OutcomeEventTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  @Test
  void anOutcomeEventNamesTheStageTheLeadEndedAt() {
    MongoSchema.ensure(MONGO.database());
    LeadStore store = new LeadStore(MONGO.database());
    String leadId = "O-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+5511912345678"));

    new LeadActivitiesImpl(store, Clock.systemUTC())
        .record(
            new LeadEvent(
                leadId,
                "c-1",
                "outcome",
                "stopped",
                "smb",
                "v-1",
                null,
                null,
                null,
                "wrong segment"));

    assertThat(store.interactions().timeline(leadId))
        .filteredOn(e -> "outcome".equals(e.getString("type")))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getString("stage")).isEqualTo("stopped");
              assertThat(e.getString("detail")).isEqualTo("wrong segment");
            });
  }
}
