package com.salesagent.api.crm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.MutableClock;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.notify.Notifications;
import com.salesagent.api.notify.OutboxConsumer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HubSpot connector against a local stub in HubSpot's wire format: an interested lead becomes a
 * contact with a deal and a note, its hand-off and conversion move the deal and add notes; writes
 * are idempotent (a retried event, an answer lost after HubSpot created the object); the rate limit
 * waits and retries; a refused stage is dead-lettered; leads that never showed interest are not
 * written; a wrong token keeps the event for a retry.
 */
class HubSpotSyncTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
  private HubSpotStub hubspot;
  private Notifications notifications;
  private OutboxConsumer crm;

  @BeforeEach
  void setUp() throws Exception {
    MongoSchema.ensure(MONGO.database());
    MONGO.database().getCollection(Notifications.COLLECTION).deleteMany(new Document());
    MONGO.database().getCollection(HubSpotSync.LINKS).deleteMany(new Document());
    MONGO.database().getCollection(Collections.CONTACTS).deleteMany(new Document());
    hubspot = new HubSpotStub("pat-na1-test");
    notifications = new Notifications(MONGO.database(), clock);
    crm = consumer("pat-na1-test", HubSpotSync.DEFAULT_STAGES);
    MONGO
        .database()
        .getCollection(Collections.CONTACTS)
        .insertOne(
            new Document("leadId", "L-1")
                .append("name", "Maria da Silva")
                .append("company", "Acme")
                .append("phone", "+5511987654321"));
  }

  private OutboxConsumer consumer(String token, Map<String, String> stages) {
    return HubSpotSync.consumer(
        MONGO.database(),
        new HubSpotSync(
            MONGO.database(), new HubSpotClient(hubspot.baseUrl(), token), "default", stages),
        clock);
  }

  @AfterEach
  void tearDown() {
    hubspot.close();
  }

  private Document crmOf(String id) {
    return MONGO
        .database()
        .getCollection(Notifications.COLLECTION)
        .find(Filters.eq("_id", id))
        .first()
        .get("crm", Document.class);
  }

  private String prop(ObjectNode o, String name) {
    return o.path("properties").path(name).asText(null);
  }

  @Test
  void anInterestedLeadBecomesAContactWithADealThenMovesWithItsHandOffAndConversion()
      throws Exception {
    notifications.emit("lead.interested", "L-1", "c-1", "interested", null);
    assertThat(crm.deliverDue()).isEqualTo(1);

    assertThat(hubspot.all("contacts")).hasSize(1);
    ObjectNode contact = hubspot.all("contacts").get(0);
    assertThat(prop(contact, "firstname")).isEqualTo("Maria");
    assertThat(prop(contact, "lastname")).isEqualTo("da Silva");
    assertThat(prop(contact, "phone")).isEqualTo("+5511987654321");
    ObjectNode deal = hubspot.all("deals").get(0);
    assertThat(prop(deal, "dealname")).isEqualTo("WhatsApp lead L-1");
    assertThat(prop(deal, "dealstage")).isEqualTo("appointmentscheduled");
    assertThat(deal.path("associations").path(0).path("to").path("id").asText())
        .isEqualTo(contact.path("id").asText());
    assertThat(
            deal.path("associations")
                .path(0)
                .path("types")
                .path(0)
                .path("associationTypeId")
                .asInt())
        .isEqualTo(3);
    assertThat(hubspot.all("notes")).hasSize(1);
    assertThat(crmOf("L-1:lead.interested").getString("status")).isEqualTo(Notifications.DELIVERED);

    notifications.emit("lead.handed_off", "L-1", "c-1", "handed_off", null, "ana", 1);
    notifications.emit("lead.meeting_booked", "L-1", "c-1", "meeting_booked", "meeting at x");
    assertThat(crm.deliverDue()).isEqualTo(2);
    assertThat(prop(hubspot.all("deals").get(0), "dealstage")).isEqualTo("presentationscheduled");
    notifications.emit("lead.converted", "L-1", "c-1", "converted", "converted by ana: signed");
    assertThat(crm.deliverDue()).isEqualTo(1);
    assertThat(hubspot.all("contacts")).as("the same contact").hasSize(1);
    assertThat(hubspot.all("deals")).as("the same deal").hasSize(1);
    assertThat(prop(hubspot.all("deals").get(0), "dealstage")).isEqualTo("closedwon");
    assertThat(hubspot.all("notes"))
        .extracting(n -> prop(n, "hs_note_body"))
        .anyMatch(b -> b.startsWith("Handed to sales rep ana"))
        .anyMatch(b -> b.startsWith("Meeting booked on WhatsApp"))
        .anyMatch(b -> b.startsWith("Converted: converted by ana: signed"))
        .noneMatch(b -> b.contains("987654321"));
  }

  @Test
  void anAnswerLostAfterHubSpotCreatedTheObjectsCreatesNothingTwice() throws Exception {
    notifications.emit("lead.interested", "L-1", "c-1", "interested", null);
    hubspot.loseAnswerOfNextCreates.set(3); // the contact, then the deal, then the note
    for (int i = 0; i < 4; i++) {
      crm.deliverDue();
      clock.advance(Duration.ofMinutes(5));
    }
    Document state = crmOf("L-1:lead.interested");
    assertThat(state.getString("status")).isEqualTo(Notifications.DELIVERED);
    assertThat(state.getInteger("attempts")).as("three answers lost, then done").isEqualTo(4);
    assertThat(hubspot.all("contacts")).hasSize(1);
    assertThat(hubspot.all("deals")).hasSize(1);
    assertThat(hubspot.all("notes")).hasSize(1);
  }

  /** What the erasure does to the outbox and the links (LeadErasureActivitiesImpl.erase). */
  private void erase(String leadId) {
    Document link =
        MONGO.database().getCollection(HubSpotSync.LINKS).find(Filters.eq("_id", leadId)).first();
    MONGO
        .database()
        .getCollection(Notifications.COLLECTION)
        .deleteMany(Filters.eq("leadId", leadId));
    notifications.emitErased(leadId, "c-1", link, false);
    MONGO.database().getCollection(HubSpotSync.LINKS).deleteMany(Filters.eq("_id", leadId));
    MONGO.database().getCollection(Collections.CONTACTS).deleteMany(Filters.eq("leadId", leadId));
  }

  private ObjectNode only(String type) {
    assertThat(hubspot.all(type)).hasSize(1);
    return hubspot.all(type).get(0);
  }

  /**
   * A lead erased on request: the deal the agent made for it is archived and the contact the agent
   * created is GDPR-deleted (HubSpot's permanent delete); delivered once, a retry changes nothing.
   */
  @Test
  void anErasedLeadsDealIsArchivedAndTheContactTheAgentCreatedIsGdprDeleted() throws Exception {
    notifications.emit("lead.interested", "L-1", "c-1", "interested", null);
    crm.deliverDue();
    String contactId = only("contacts").path("id").asText();
    String dealId = only("deals").path("id").asText();

    erase("L-1");
    crm.deliverDue();

    assertThat(hubspot.all("contacts")).as("GDPR-deleted").isEmpty();
    assertThat(only("deals").path("archived").asBoolean()).isTrue();
    assertThat(hubspot.calls)
        .contains("POST contacts/gdpr-delete", "DELETE deals/" + dealId)
        .doesNotContain("DELETE contacts/" + contactId);
    assertThat(crmOf("L-1:lead.erased").getString("status")).isEqualTo("delivered");
  }

  /**
   * A contact HubSpot held before the agent linked the lead to it (found by its number) is the
   * customer's: it is kept, with a note that the person was erased in the agent; the deal is the
   * agent's and is archived.
   */
  @Test
  void anErasedLeadsContactThatHubSpotHeldBeforeIsKeptWithANote() throws Exception {
    String theirs = hubspot.contact(Map.of("firstname", "Maria", "phone", "+5511987654321"));
    notifications.emit("lead.interested", "L-1", "c-1", "interested", null);
    crm.deliverDue();

    erase("L-1");
    crm.deliverDue();

    assertThat(hubspot.all("contacts"))
        .extracting(o -> o.path("id").asText())
        .containsExactly(theirs);
    assertThat(only("deals").path("archived").asBoolean()).isTrue();
    assertThat(hubspot.all("notes"))
        .anyMatch(
            n ->
                prop(n, "hs_note_body").startsWith("Erased on request in the sales agent")
                    && n.path("associations").toString().contains(theirs));
    assertThat(hubspot.calls).doesNotContain("POST contacts/gdpr-delete");
  }

  /**
   * A lead erased because its retention period ended (not the person's request): HubSpot's records
   * are the customer's, kept by its own retention; nothing is deleted there.
   */
  @Test
  void aLeadErasedByItsRetentionPeriodDeletesNothingInHubSpot() throws Exception {
    notifications.emit("lead.interested", "L-1", "c-1", "interested", null);
    crm.deliverDue();
    Document link =
        MONGO.database().getCollection(HubSpotSync.LINKS).find(Filters.eq("_id", "L-1")).first();
    notifications.emitErased("L-1", "c-1", link, true);
    crm.deliverDue();

    assertThat(hubspot.all("contacts")).hasSize(1);
    assertThat(only("deals").path("archived").asBoolean()).isFalse();
    assertThat(hubspot.calls).noneMatch(c -> c.startsWith("DELETE") || c.contains("gdpr-delete"));
    assertThat(crmOf("L-1:lead.erased").getString("status")).isEqualTo("delivered");
  }

  /** HUBSPOT_ON_ERASURE=keep: nothing is deleted, notes on the contact and the deal say it. */
  @Test
  void withKeepAnErasedLeadOnlyLeavesNotes() throws Exception {
    OutboxConsumer keeping =
        HubSpotSync.consumer(
            MONGO.database(),
            new HubSpotSync(
                MONGO.database(),
                new HubSpotClient(hubspot.baseUrl(), "pat-na1-test"),
                "default",
                HubSpotSync.DEFAULT_STAGES,
                false),
            clock);
    notifications.emit("lead.interested", "L-1", "c-1", "interested", null);
    keeping.deliverDue();
    String dealId = only("deals").path("id").asText();

    erase("L-1");
    keeping.deliverDue();

    assertThat(hubspot.all("contacts")).hasSize(1);
    assertThat(only("deals").path("archived").asBoolean()).isFalse();
    assertThat(hubspot.all("notes"))
        .anyMatch(
            n ->
                prop(n, "hs_note_body").startsWith("Erased on request in the sales agent")
                    && n.path("associations").toString().contains(dealId));
    assertThat(hubspot.calls).noneMatch(c -> c.startsWith("DELETE") || c.contains("gdpr-delete"));
  }

  @Test
  void theRateLimitWaitsTenSecondsAndTriesAgain() throws Exception {
    hubspot.throttleNext.set(1);
    notifications.emit("lead.interested", "L-1", "c-1", "interested", null);
    assertThat(crm.deliverDue()).isEqualTo(1);
    Document state = crmOf("L-1:lead.interested");
    assertThat(state.getString("status")).isEqualTo(Notifications.PENDING);
    assertThat(state.getString("lastError")).contains("429");
    assertThat(state.getDate("nextAttemptAt").toInstant())
        .isEqualTo(clock.instant().plus(Duration.ofSeconds(10)));
    assertThat(crm.deliverDue()).as("not before the limit rolls").isZero();
    clock.advance(Duration.ofSeconds(10));
    assertThat(crm.deliverDue()).isEqualTo(1);
    assertThat(crmOf("L-1:lead.interested").getString("status")).isEqualTo(Notifications.DELIVERED);
  }

  @Test
  void aStageHubSpotRefusesIsDeadLetteredAtOnce() throws Exception {
    OutboxConsumer wrong = consumer("pat-na1-test", HubSpotSync.stages("interested=not-a-stage"));
    notifications.emit("lead.interested", "L-1", "c-1", "interested", null);
    wrong.deliverDue();
    Document state = crmOf("L-1:lead.interested");
    assertThat(state.getString("status")).isEqualTo(Notifications.DEAD);
    assertThat(state.getString("lastError")).contains("400").contains("VALIDATION_ERROR");
  }

  @Test
  void aWrongTokenKeepsTheEventForARetry() throws Exception {
    OutboxConsumer badToken = consumer("revoked", HubSpotSync.DEFAULT_STAGES);
    notifications.emit("lead.interested", "L-1", "c-1", "interested", null);
    badToken.deliverDue();
    Document state = crmOf("L-1:lead.interested");
    assertThat(state.getString("status")).isEqualTo(Notifications.PENDING);
    assertThat(state.getString("lastError")).contains("401").contains("INVALID_AUTHENTICATION");
    clock.advance(Duration.ofSeconds(10));
    assertThat(crm.deliverDue()).isEqualTo(1);
    assertThat(hubspot.all("deals")).hasSize(1);
  }

  @Test
  void aLeadThatNeverShowedInterestIsNotWritten() throws Exception {
    notifications.emit("lead.no_response", "L-1", "c-1", "no_response", null);
    notifications.emit("lead.replied", "L-1", "c-1", "replied", null);
    assertThat(crm.deliverDue()).isEqualTo(2);
    assertThat(hubspot.calls).isEmpty();
    assertThat(crmOf("L-1:lead.replied").getString("status")).isEqualTo(Notifications.DELIVERED);
  }

  @Test
  void theStageMapIsReadFromItsSetting() {
    assertThat(HubSpotSync.stages("converted=contractsent, lost = closedlost"))
        .containsEntry("converted", "contractsent")
        .containsEntry("interested", "appointmentscheduled");
    assertThatThrownBy(() -> HubSpotSync.stages("converted"))
        .hasMessageContaining("HUBSPOT_DEAL_STAGES");
  }
}
