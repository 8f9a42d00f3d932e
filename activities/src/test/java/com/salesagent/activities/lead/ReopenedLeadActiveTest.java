package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.workflows.lead.LeadEvent;
import java.time.Clock;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lead is the active one of its number in its campaign while its workflow runs (one active lead
 * per phone and campaign: enrolling the number again is refused as already enrolled). It gives that
 * up when it ends; a lead that wrote again after it ended has a new run (timeline "reopened") and
 * is active again, unless another lead of the number was enrolled meanwhile.
 */
class ReopenedLeadActiveTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final String PHONE = "+5511987650001";
  private LeadStore store;
  private LeadActivitiesImpl leads;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    leads = new LeadActivitiesImpl(store, Clock.systemUTC());
  }

  private void enrolled(String leadId) {
    assertThat(
            store.insertContact(
                new Document("leadId", leadId)
                    .append("campaignId", "c-1")
                    .append("phone", PHONE)
                    .append("activeKey", LeadStore.activeKey("c-1", PHONE))))
        .isEqualTo(LeadStore.Inserted.INSERTED);
  }

  private static LeadEvent event(String leadId, String type, String stage) {
    return new LeadEvent(leadId, "c-1", type, stage, "smb", "v-cost", null, null, null, null);
  }

  private String active() {
    Document d = store.activeContact("c-1", PHONE);
    return d == null ? null : d.getString("leadId");
  }

  @Test
  void aReopenedLeadIsTheNumbersActiveLeadAgain() {
    enrolled("A-1");
    leads.record(event("A-1", "outcome", "replied"));
    assertThat(active()).as("ended: the number may be enrolled again").isNull();

    leads.record(event("A-1", "reopened", "awaiting_response"));
    leads.record(event("A-1", "reopened", "awaiting_response")); // a retried record

    assertThat(active()).isEqualTo("A-1");
    assertThat(
            store.insertContact(
                new Document("leadId", "A-2")
                    .append("campaignId", "c-1")
                    .append("phone", PHONE)
                    .append("activeKey", LeadStore.activeKey("c-1", PHONE))))
        .as("enrolling the number again while the reopened lead runs")
        .isEqualTo(LeadStore.Inserted.PHONE_ACTIVE);

    leads.record(event("A-1", "outcome", "converted"));
    assertThat(active()).isNull();
  }

  /**
   * A run whose ending record ran (a local activity) but whose completion the server refused (the
   * lead's message landed meanwhile): the retried workflow task goes on, and its next record makes
   * the lead active again.
   */
  @Test
  void aRunThatGoesOnAfterItsEndingRecordIsActiveAgain() {
    enrolled("C-1");
    leads.record(event("C-1", "outcome", "replied"));
    leads.record(event("C-1", "interested", "interested"));

    assertThat(active()).isEqualTo("C-1");
    leads.record(event("C-1", "handed_off", "handed_off"));
    assertThat(active()).isEqualTo("C-1");
  }

  @Test
  void aLeadOfTheNumberEnrolledMeanwhileStaysTheActiveOne() {
    enrolled("B-1");
    leads.record(event("B-1", "outcome", "no_response"));
    enrolled("B-2");

    leads.record(event("B-1", "reopened", "awaiting_response"));

    assertThat(active()).isEqualTo("B-2");
    assertThat(store.contact("B-1").getString("stage")).isEqualTo("awaiting_response");
  }
}
