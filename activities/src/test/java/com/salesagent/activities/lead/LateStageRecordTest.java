package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

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
 * A stage record that reaches MongoDB after one its run decided later leaves the later stage. The
 * clean-clone CI's chaos run, on a loaded machine, ended with two leads whose workflows had
 * completed (no_response) but whose contacts still read awaiting_response, close_no_response: a
 * workflow task that timed out while its local activity was slow finishes that activity after the
 * retried task went on and ended the lead, and its write came last.
 */
class LateStageRecordTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant T0 = Instant.parse("2026-12-06T03:00:00Z");

  @Test
  void aStageTheRunDecidedEarlierNeverOverwritesALaterOne() {
    MongoSchema.ensure(MONGO.database());
    LeadStore store = new LeadStore(MONGO.database());
    String leadId = "late-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+5511912340001"));
    LeadActivitiesImpl activities = new LeadActivitiesImpl(store, Clock.systemUTC());

    activities.record(event(leadId, null, "no_response", null, T0.plusSeconds(60)));
    // The timed-out task's record, decided a minute before, arrives now.
    activities.record(event(leadId, null, "awaiting_response", "close_no_response", T0));

    Document contact = store.contact(leadId);
    assertThat(contact.getString("stage")).isEqualTo("no_response");
    assertThat(contact.getString("nextAction")).isNull();

    // A later decision of the run (a lead that wrote again: a new run goes on) still lands.
    activities.record(event(leadId, "reopened", "replied", null, T0.plusSeconds(120)));
    assertThat(store.contact(leadId).getString("stage")).isEqualTo("replied");
    // A record without the run's time (the first version's) is written as before.
    activities.record(event(leadId, null, "awaiting_response", "close_no_response", null));
    assertThat(store.contact(leadId).getString("stage")).isEqualTo("awaiting_response");
  }

  private static LeadEvent event(
      String leadId, String type, String stage, String nextAction, Instant at) {
    return new LeadEvent(
        leadId, "c-1", type, stage, "smb", "v-1", null, nextAction, null, null, at);
  }
}
