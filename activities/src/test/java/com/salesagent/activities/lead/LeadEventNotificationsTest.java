package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.notify.Notifications;
import com.salesagent.workflows.lead.LeadEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The workflow's timeline records queue the outbound webhooks' events: interested and every
 * outcome, once per lead and event however often the record activity is retried; nothing else.
 */
class LeadEventNotificationsTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static LeadEvent event(String leadId, String type, String stage, String detail) {
    return new LeadEvent(leadId, "c-1", type, stage, "smb", "v-cost", null, null, null, detail);
  }

  @Test
  void interestedAndOutcomesAreQueuedOnceEach() {
    MongoSchema.ensure(MONGO.database());
    LeadStore store = new LeadStore(MONGO.database());
    store.insertContact(new Document("leadId", "N-1").append("campaignId", "c-1"));
    LeadActivitiesImpl leads = new LeadActivitiesImpl(store, Clock.systemUTC());

    leads.record(event("N-1", "message_sent", "awaiting_response", null));
    leads.record(event("N-1", "interested", "interested", "interested: waiting for an outcome"));
    leads.record(event("N-1", "interested", "interested", "a retried record"));
    leads.record(event("N-1", "outcome", "converted", "converted by maria: signed"));
    leads.record(event("N-1", "outcome", "converted", "converted by maria: signed"));

    List<Document> queued =
        MONGO
            .database()
            .getCollection(Notifications.COLLECTION)
            .find()
            .sort(new Document("createdAt", 1))
            .into(new ArrayList<>());
    assertThat(queued)
        .extracting(d -> d.getString("_id"))
        .containsExactlyInAnyOrder("N-1:lead.interested", "N-1:lead.converted");
    Document converted =
        queued.stream().filter(d -> "lead.converted".equals(d.getString("type"))).findFirst().get();
    assertThat(converted.getString("reason")).isEqualTo("converted by maria: signed");
    assertThat(converted.getString("status")).isEqualTo(Notifications.PENDING);
  }

  /**
   * A lead that ended and wrote again gets a new run of its workflow (timeline {@code reopened}):
   * its interest and its outcome in that run are news for the CRM (a deal lost, then back), queued
   * once per run however often retried, not swallowed as the first run's events again.
   */
  @Test
  void aReopenedLeadsInterestAndOutcomeAreQueuedAgainOncePerRun() {
    MongoSchema.ensure(MONGO.database());
    LeadStore store = new LeadStore(MONGO.database());
    store.insertContact(new Document("leadId", "N-4").append("campaignId", "c-1"));
    LeadActivitiesImpl leads = new LeadActivitiesImpl(store, Clock.systemUTC());

    leads.record(event("N-4", "interested", "interested", "interested: waiting for an outcome"));
    leads.record(event("N-4", "outcome", "lost", "lost by ana: went quiet"));
    leads.record(event("N-4", "reopened", "awaiting_response", "wrote again after it ended lost"));
    leads.record(event("N-4", "interested", "interested", "interested: waiting for an outcome"));
    leads.record(event("N-4", "interested", "interested", "a retried record"));
    leads.record(event("N-4", "outcome", "lost", "lost by ana: no budget"));
    leads.record(event("N-4", "outcome", "lost", "lost by ana: no budget"));

    List<Document> queued =
        MONGO
            .database()
            .getCollection(Notifications.COLLECTION)
            .find(new Document("leadId", "N-4"))
            .into(new ArrayList<>());
    assertThat(queued)
        .extracting(d -> d.getString("type"))
        .containsExactlyInAnyOrder("lead.interested", "lead.lost", "lead.interested", "lead.lost");
    assertThat(queued)
        .filteredOn(d -> "lead.lost".equals(d.getString("type")))
        .extracting(d -> d.getString("reason"))
        .containsExactlyInAnyOrder("lost by ana: went quiet", "lost by ana: no budget");
  }

  @Test
  void aLeadWithAnOwnerWritingAgainTellsTheOwnerOncePerMessage() {
    MongoSchema.ensure(MONGO.database());
    LeadStore store = new LeadStore(MONGO.database());
    store.insertContact(
        new Document("leadId", "N-2").append("campaignId", "c-1").append("ownerId", "ana"));
    store.insertContact(new Document("leadId", "N-3").append("campaignId", "c-1"));
    LeadActivitiesImpl leads = new LeadActivitiesImpl(store, Clock.systemUTC());
    LeadEvent again =
        new LeadEvent(
            "N-2",
            "c-1",
            "replied_again",
            "in_conversation",
            "smb",
            "v-cost",
            "wamid.in-7",
            null,
            null,
            "the conversation goes on");
    leads.record(again);
    leads.record(again); // retried
    leads.record(
        new LeadEvent(
            "N-3",
            "c-1",
            "replied_again",
            "interested",
            "smb",
            "v-cost",
            "wamid.in-8",
            null,
            null,
            null));

    List<Document> queued =
        MONGO
            .database()
            .getCollection(Notifications.COLLECTION)
            .find(new Document("type", "lead.replied_again"))
            .into(new ArrayList<>());
    assertThat(queued).as("no owner, nobody to tell for N-3").hasSize(1);
    assertThat(queued.get(0).getString("_id")).isEqualTo("N-2:lead.replied_again:wamid.in-7");
    assertThat(queued.get(0).getString("ownerId")).isEqualTo("ana");
  }

  /**
   * A stopped lead's message that landed while its run was ending: the workflow records
   * replied_again at its end stage, and the CRM is told with or without an owner, as the webhook
   * tells it for a run that had ended already.
   */
  @Test
  void anEndedLeadWritingAgainIsNewsWithoutAnOwner() {
    MongoSchema.ensure(MONGO.database());
    LeadStore store = new LeadStore(MONGO.database());
    store.insertContact(new Document("leadId", "N-5").append("campaignId", "c-1"));
    LeadActivitiesImpl leads = new LeadActivitiesImpl(store, Clock.systemUTC());
    LeadEvent again =
        new LeadEvent(
            "N-5",
            "c-1",
            "replied_again",
            "stopped",
            "smb",
            "v-cost",
            "wamid.in-9",
            null,
            null,
            "wrote after the lead ended stopped");
    leads.record(again);
    leads.record(again); // retried

    List<Document> queued =
        MONGO
            .database()
            .getCollection(Notifications.COLLECTION)
            .find(new Document("type", "lead.replied_again").append("leadId", "N-5"))
            .into(new ArrayList<>());
    assertThat(queued).hasSize(1);
    assertThat(queued.get(0).getString("stage")).isEqualTo("stopped");
    assertThat(queued.get(0).getString("reason")).isEqualTo("wrote after the lead ended stopped");
    assertThat(queued.get(0).getString("ownerId")).isNull();
  }
}
