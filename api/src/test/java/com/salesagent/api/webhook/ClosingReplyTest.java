package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.workflows.lead.InboundMessageSignal;
import java.time.Duration;
import java.time.Instant;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A reply that is only thanks, a goodbye or an "ok" is stored as a closing, and a live run is told
 * it as other, as before closings were read: no workflow code branches on the new intent (a run in
 * a conversation with a person hears of it as it did; one an older worker recorded replays alike).
 */
class ClosingReplyTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private InboxFixture fixture;

  @BeforeEach
  void setUp() {
    fixture =
        new InboxFixture(
            MONGO.database(),
            store ->
                store.insertContact(
                    new Document("leadId", "L-1")
                        .append("campaignId", "cmp")
                        .append("phone", "+5511998765432")
                        .append("variantId", "v-1")
                        .append("segment", "smb")));
  }

  @AfterEach
  void tearDown() throws Exception {
    fixture.close();
  }

  @Test
  void aClosingIsStoredAsOneAndToldToTheLiveRunAsOther() {
    fixture.post(
        InboxFixture.envelope(
            "messages",
            "\"messages\":[{\"from\":\"5511998765432\",\"id\":\"wamid.BYE1\",\"timestamp\":\""
                + Instant.now().getEpochSecond()
                + "\",\"type\":\"text\",\"text\":{\"body\":\"Valeu, tchau! 👍\"}}]"));

    await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.signals.isEmpty());
    Document feedback =
        fixture.store.feedback().find(Filters.eq("messageId", "wamid.BYE1")).first();
    assertThat(feedback.getString("intent")).isEqualTo("closing");
    assertThat(fixture.signals)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getKey()).isEqualTo("L-1");
              assertThat(((InboundMessageSignal) e.getValue()).intent()).isEqualTo("other");
              // So a run that is ending as it lands does not reopen for it.
              assertThat(((InboundMessageSignal) e.getValue()).closing()).isTrue();
            });
  }

  /**
   * A lead that never answered the sequence (it ended no_response) saying "ok" or 👍 is its first
   * word to us: it may reopen the lead for a person, as any reply. One that said no already (or a
   * customer, or a lost lead) saying thanks or bye is not reopened for it.
   */
  @Test
  void aClosingReopensOnlyALeadThatNeverAnswered() {
    fixture
        .store
        .contacts()
        .updateOne(
            Filters.eq("leadId", "L-1"),
            new Document("$set", new Document("stage", "no_response")));
    fixture.post(closing("wamid.OK1", "Ok 👍"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.signals.isEmpty());
    assertThat(fixture.mayReopen).containsExactly("L-1");

    fixture
        .store
        .contacts()
        .updateOne(
            Filters.eq("leadId", "L-1"), new Document("$set", new Document("stage", "replied")));
    fixture.post(closing("wamid.BYE2", "Ok, thanks. Bye"));
    await().atMost(Duration.ofSeconds(10)).until(() -> fixture.signals.size() == 2);
    assertThat(fixture.mayReopen).as("not for a lead that said no").containsExactly("L-1");
  }

  /**
   * A snoozed lead ("not now, talk in 30 days") that then says "ok, thanks" keeps its snooze: told
   * to the run as other, the closing ended the snooze (a reply for a person, or the lead's end with
   * nobody to take it). It is stored as a closing and shown as any reply; a reply that says
   * something is told to the run as before.
   */
  @Test
  void aClosingFromASnoozedLeadIsStoredAndLeavesTheSnoozeAsItIs() {
    fixture
        .store
        .contacts()
        .updateOne(
            Filters.eq("leadId", "L-1"), new Document("$set", new Document("stage", "snoozed")));
    fixture.post(closing("wamid.THX1", "Ok, thanks"));
    await().atMost(Duration.ofSeconds(10)).until(() -> outcome("wamid.THX1") != null);

    assertThat(outcome("wamid.THX1")).isEqualTo(MessageProcessor.SNOOZE_KEPT);
    assertThat(fixture.signals).as("not told to the snoozed run").isEmpty();
    Document feedback =
        fixture.store.feedback().find(Filters.eq("messageId", "wamid.THX1")).first();
    assertThat(feedback.getString("intent")).isEqualTo("closing");
    assertThat(feedback.getString("text")).isEqualTo("Ok, thanks");

    fixture.post(closing("wamid.Q1", "How much does it cost?"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.signals.isEmpty());
    assertThat(fixture.signals)
        .singleElement()
        .satisfies(
            e ->
                assertThat(((InboundMessageSignal) e.getValue()).messageId())
                    .isEqualTo("wamid.Q1"));
  }

  /**
   * "Not now, talk in 30 days" and "ok, thanks" a moment apart (two bubbles, often one webhook):
   * the contact's stage is still the one before the snooze (the run sets "snoozed" when it has
   * taken the first), so the closing was told to the run as other, which handed the lead to a
   * person ("other reply, a person answers") or ended it: the snooze was lost. A closing after a
   * reply that snoozes the lead keeps the snooze whatever the stage reads yet.
   */
  @Test
  void aClosingRightAfterNotNowKeepsTheSnoozeBeforeTheStageSaysSnoozed() {
    fixture.post(closing("wamid.NN1", "not now, talk in 30 days"));
    await().atMost(Duration.ofSeconds(10)).until(() -> outcome("wamid.NN1") != null);
    fixture.post(closing("wamid.THX2", "ok, thanks"));
    await().atMost(Duration.ofSeconds(10)).until(() -> outcome("wamid.THX2") != null);

    assertThat(fixture.signals)
        .as("the run hears the not now, and not the closing that followed it")
        .singleElement()
        .satisfies(
            e ->
                assertThat(((InboundMessageSignal) e.getValue()).messageId())
                    .isEqualTo("wamid.NN1"));
    assertThat(outcome("wamid.THX2")).isEqualTo(MessageProcessor.SNOOZE_KEPT);

    fixture.post(closing("wamid.Q2", "Actually, how much does it cost?"));
    await().atMost(Duration.ofSeconds(10)).until(() -> outcome("wamid.Q2") != null);
    fixture.post(closing("wamid.THX3", "thanks"));
    await().atMost(Duration.ofSeconds(10)).until(() -> outcome("wamid.THX3") != null);
    assertThat(outcome("wamid.THX3"))
        .as("a reply that says something ended the snooze: a closing after it is told as before")
        .isNotEqualTo(MessageProcessor.SNOOZE_KEPT);
  }

  private String outcome(String messageId) {
    Document event =
        fixture.store.webhookEvents().find(Filters.eq("eventKey", "message:" + messageId)).first();
    return event == null ? null : event.getString("outcome");
  }

  private static String closing(String id, String text) {
    return InboxFixture.envelope(
        "messages",
        "\"messages\":[{\"from\":\"5511998765432\",\"id\":\""
            + id
            + "\",\"timestamp\":\""
            + Instant.now().getEpochSecond()
            + "\",\"type\":\"text\",\"text\":{\"body\":\""
            + text
            + "\"}}]");
  }
}
