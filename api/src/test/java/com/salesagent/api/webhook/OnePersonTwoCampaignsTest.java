package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.workflows.lead.OptOutSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One person enrolled in two campaigns, on one business number: WhatsApp shows them one
 * conversation, so a reply answers one lead's message, not both. A reply that quotes a message
 * (context.id) belongs to that message's lead; one that quotes nothing to the lead whose message
 * reached the person last before they wrote. A lead we had sent nothing yet is never credited with
 * a reply (its variant would count a reply it never earned). A STOP still reaches every lead.
 */
class OnePersonTwoCampaignsTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final String PHONE = "+5511998765432";
  private static final Instant FIRST = Instant.parse("2026-11-25T10:00:00Z");
  private static final Instant SECOND = Instant.parse("2026-11-25T11:00:00Z");

  private InboxFixture fixture;
  private LeadStore store;
  private List<Map.Entry<String, Object>> signals;

  @BeforeEach
  void setUp() {
    fixture =
        new InboxFixture(
            MONGO.database(),
            s -> {
              for (String campaign : List.of("a", "b")) {
                s.insertContact(
                    new Document("leadId", "L-" + campaign)
                        .append("campaignId", "cmp-" + campaign)
                        .append("phone", PHONE)
                        .append("variantId", "v-" + campaign)
                        .append("segment", "smb"));
              }
            });
    store = fixture.store;
    signals = fixture.signals;
  }

  @AfterEach
  void tearDown() throws Exception {
    fixture.close();
  }

  private void sent(String leadId, String wamid, Instant at) {
    sent(leadId, wamid, at, "v-" + leadId.substring(2));
  }

  private void sent(String leadId, String wamid, Instant at, String variantId) {
    String key = leadId + "-" + wamid;
    store
        .messages()
        .upsertComposed(
            key,
            new Document("leadId", leadId)
                .append("status", "composed")
                .append("variantId", variantId));
    store.messages().markAccepted(key, wamid, "5511998765432", "text", at);
  }

  private void reply(String id, String contextWamid, String text, Instant at) {
    String context = contextWamid == null ? "" : ",\"context\":{\"id\":\"" + contextWamid + "\"}";
    fixture.post(
        InboxFixture.envelope(
            "messages",
            "\"messages\":[{\"from\":\"5511998765432\",\"id\":\""
                + id
                + "\",\"timestamp\":\""
                + at.getEpochSecond()
                + "\",\"type\":\"text\",\"text\":{\"body\":\""
                + text
                + "\"}"
                + context
                + "}]"));
  }

  private List<String> signalled() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !signals.isEmpty());
    // Both leads' signals would be sent in the same pass: give a second one its chance.
    await().pollDelay(Duration.ofMillis(300)).until(() -> true);
    return signals.stream().map(Map.Entry::getKey).toList();
  }

  private long feedbackOf(String leadId) {
    return store.feedback().countDocuments(Filters.eq("leadId", leadId));
  }

  @Test
  void aReplyQuotingOneLeadsMessageReachesThatLeadOnly() {
    sent("L-a", "wamid.A", FIRST);
    sent("L-b", "wamid.B", SECOND);

    reply("wamid.IN1", "wamid.A", "Sounds interesting, tell me more", SECOND.plusSeconds(60));

    assertThat(signalled()).containsExactly("L-a");
    assertThat(feedbackOf("L-a")).isEqualTo(1);
    assertThat(feedbackOf("L-b")).isZero();
    assertThat(store.contact("L-b").get("funnel", new Document()).get("replied")).isNull();
  }

  @Test
  void aReplyQuotingNothingReachesTheLeadWhoseMessageCameLastBeforeIt() {
    sent("L-a", "wamid.A", FIRST);
    sent("L-b", "wamid.B", SECOND);

    reply("wamid.IN2", null, "Sounds interesting, tell me more", SECOND.plusSeconds(60));

    assertThat(signalled()).containsExactly("L-b");
    assertThat(feedbackOf("L-a")).isZero();
  }

  @Test
  void aLeadWeHaveSentNothingYetIsNotCreditedWithTheOthersReply() {
    sent("L-a", "wamid.A", FIRST);
    // L-b's first message goes out after the person wrote.
    sent("L-b", "wamid.B", SECOND.plusSeconds(120));

    reply("wamid.IN3", null, "Sounds interesting, tell me more", SECOND);

    assertThat(signalled()).containsExactly("L-a");
    assertThat(feedbackOf("L-b")).isZero();
  }

  @Test
  void aReplyCountsForTheVariantWhoseMessageItAnswersNotTheOneSwitchedToSince() {
    // L-a's message went out on v-old; an operator switched v-old off and the lead was moved to
    // v-a (its contact says so) before its next message, which never went.
    sent("L-a", "wamid.OLD", FIRST, "v-old");
    sent("L-b", "wamid.B", FIRST.minusSeconds(60));

    reply("wamid.IN5", "wamid.OLD", "Sounds interesting, tell me more", SECOND);

    assertThat(signalled()).containsExactly("L-a");
    Map<String, Map<String, Long>> totals =
        new com.salesagent.activities.variants.VariantStats(MONGO.database()).totals("smb");
    assertThat(totals.getOrDefault("v-old", Map.of())).containsEntry("replied", 1L);
    assertThat(totals.getOrDefault("v-a", Map.of()).getOrDefault("replied", 0L)).isZero();
    assertThat(store.interactions().timeline("L-a"))
        .filteredOn(e -> "replied".equals(e.getString("type")))
        .extracting(e -> e.getString("variantId"))
        .containsExactly("v-old");
  }

  /**
   * A lead that replied before the kill switch moved it stays the old variant's evidence: its later
   * interest counts there, though it answers the new variant's message, and the recount agrees.
   */
  @Test
  void anInterestAfterASwitchCountsForTheVariantTheLeadRepliedTo() {
    sent("L-a", "wamid.OLD", FIRST, "v-old");
    store
        .contacts()
        .updateOne(
            Filters.eq("leadId", "L-a"),
            com.mongodb.client.model.Updates.set("variantId", "v-old"));
    reply("wamid.IN6", "wamid.OLD", "Who is this?", FIRST.plusSeconds(60));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                store.contact("L-a").getEmbedded(List.of("funnel", "replied"), Object.class)
                    != null);
    // v-old switched off: the lead, which replied already, is moved to v-a.
    new com.salesagent.activities.variants.Switched(MONGO.database())
        .switchOff(store.contact("L-a"), "v-old", "smb", FIRST.plusSeconds(120));
    store
        .contacts()
        .updateOne(
            Filters.eq("leadId", "L-a"), com.mongodb.client.model.Updates.set("variantId", "v-a"));
    sent("L-a", "wamid.NEW", SECOND, "v-a");

    reply("wamid.IN7", "wamid.NEW", "Sounds interesting, tell me more", SECOND.plusSeconds(60));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                store.contact("L-a").getEmbedded(List.of("funnel", "interested"), Object.class)
                    != null);

    var stats = new com.salesagent.activities.variants.VariantStats(MONGO.database());
    Map<String, Map<String, Long>> totals = stats.totals("smb");
    assertThat(totals.getOrDefault("v-a", Map.of()).getOrDefault("interested", 0L))
        .as("the variant it was moved to")
        .isZero();
    assertThat(totals.getOrDefault("v-old", Map.of()))
        .containsEntry("replied", 1L)
        .containsEntry("interested", 1L);
    java.time.LocalDate day = java.time.LocalDate.of(2026, 11, 25);
    assertThat(stats.recompute(day, day)).isEqualTo(stats.stored(day, day));
  }

  @Test
  void aStopStillReachesEveryLeadOfThePerson() {
    sent("L-a", "wamid.A", FIRST);
    sent("L-b", "wamid.B", SECOND);

    reply("wamid.IN4", "wamid.A", "STOP", SECOND.plusSeconds(60));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> signals.stream().map(Map.Entry::getKey).distinct().count() == 2);
    assertThat(signals).allMatch(e -> e.getValue() instanceof OptOutSignal);
  }

  /**
   * A STOP quoting one lead's message ends the number's other lead too, whose timeline says it came
   * through another conversation (not a STOP to its own message).
   */
  @Test
  void aStopInOneConversationSaysSoOnTheOtherLeadsTimeline() {
    sent("L-a", "wamid.A", FIRST);
    sent("L-b", "wamid.B", SECOND);

    reply("wamid.IN5", "wamid.A", "STOP", SECOND.plusSeconds(60));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> store.interactions().hasInteraction("L-b", "opted_out"));
    assertThat(store.interactions().timeline("L-a"))
        .filteredOn(e -> "opted_out".equals(e.getString("type")))
        .extracting(e -> e.getString("detail"), e -> e.getString("wamid"))
        .containsExactly(org.assertj.core.groups.Tuple.tuple("keyword", "wamid.A"));
    assertThat(store.interactions().timeline("L-b"))
        .filteredOn(e -> "opted_out".equals(e.getString("type")))
        .extracting(e -> e.getString("detail"), e -> e.getString("wamid"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "keyword: opted out in another conversation of the number", null));
  }
}
