package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.erasure.LeadErasureActivitiesImpl;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.activities.triage.ReplyClassifier;
import com.salesagent.activities.variants.Arm;
import com.salesagent.activities.variants.AwaitingOutcome;
import com.salesagent.activities.variants.Reward;
import com.salesagent.activities.variants.VariantAnalytics;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.workflows.erasure.ErasureRequest;
import com.salesagent.workflows.lead.InboundMessageSignal;
import com.salesagent.workflows.lead.MessageStatusSignal;
import com.salesagent.workflows.lead.OptOutSignal;
import com.salesagent.workflows.media.InboundMedia;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code interested} counter through the inbox as Meta calls it (triage by the offline lexicon,
 * counters, funnel): a polite no is a reply and no interest; each lead's first interested reply is
 * counted once, also when it follows a no, also when the event is replayed; the counters agree with
 * their recount from the history, an erasure included; and the bandit's {@code interested} reward
 * prefers the variant that earns interest over the one that earns polite noes.
 */
class InterestCountsTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-24T09:00:00Z");
  private static final Instant T2 = Instant.parse("2026-11-25T10:00:00Z");
  private static final LocalDate DAY1 = LocalDate.of(2026, 11, 24);
  private static final LocalDate DAY2 = LocalDate.of(2026, 11, 25);

  private final AtomicBoolean temporalUp = new AtomicBoolean(true);
  private final List<Object> signals = new CopyOnWriteArrayList<>();
  private final AtomicReference<Instant> now = new AtomicReference<>(T2.plusSeconds(3600));
  private final Clock clock =
      new Clock() {
        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };

  private String record(Object signal) {
    if (!temporalUp.get()) {
      throw Status.UNAVAILABLE.withDescription("refused").asRuntimeException();
    }
    signals.add(signal);
    return LeadSignaller.SIGNALLED;
  }

  private final LeadSignaller signaller =
      new LeadSignaller() {
        @Override
        public String status(String leadId, MessageStatusSignal signal) {
          return record(signal);
        }

        @Override
        public String inbound(String leadId, InboundMessageSignal signal) {
          return record(signal);
        }

        @Override
        public String optOut(String leadId, OptOutSignal signal) {
          return record(signal);
        }

        @Override
        public void downloadMedia(InboundMedia media) {
          record(media);
        }
      };

  private LeadStore store;
  private VariantStats stats;
  private WebhookInbox inbox;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    stats = new VariantStats(MONGO.database());
    for (int i = 0; i < 4; i++) {
      lead("no-" + i, "v-no", "+55119988770" + i);
      lead("yes-" + i, "v-yes", "+55119988771" + i);
    }
    inbox =
        new WebhookInbox(
            store, signaller, "123", clock, 2, ReplyClassifier.LEXICON, Duration.ofDays(30));
  }

  @AfterEach
  void tearDown() throws Exception {
    inbox.stop();
  }

  /** A lead assigned to {@code variant} (history and counter) whose first message was accepted. */
  private void lead(String leadId, String variant, String phone) {
    store.insertContact(
        new Document("leadId", leadId)
            .append("phone", phone)
            .append("campaignId", "c1")
            .append("segment", "smb")
            .append("variantId", variant)
            .append("stage", "awaiting_response"));
    store.interactions().recordInteraction(leadId, "c1", variant, "assigned", null, null, T0);
    stats.increment(variant, "smb", "assigned", T0);
    store
        .messages()
        .upsertComposed(
            "k-" + leadId,
            new Document("leadId", leadId)
                .append("variantId", variant)
                .append("status", "composed"));
    store.messages().markAccepted("k-" + leadId, "wamid." + leadId, null, "template", T0);
  }

  /** Meta's notification of a text from the lead's number, answering its first message. */
  private WebhookInbox.Accepted reply(String leadId, String id, String text, Instant at)
      throws Exception {
    String from = store.contact(leadId).getString("phone").substring(1);
    String body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"w\",\"changes\":[{"
            + "\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
            + "\"metadata\":{\"phone_number_id\":\"123\"},\"messages\":[{\"from\":\""
            + from
            + "\",\"id\":\""
            + id
            + "\",\"timestamp\":\""
            + at.getEpochSecond()
            + "\",\"type\":\"text\",\"text\":{\"body\":\""
            + text
            + "\"},\"context\":{\"id\":\"wamid."
            + leadId
            + "\"}}]}}]}]}";
    return inbox.accept(MetaNotification.parse(new ObjectMapper().readTree(body), "123"));
  }

  /** Meta's notification of a reaction from the lead's number to its first message. */
  private WebhookInbox.Accepted reaction(String leadId, String id, Instant at) throws Exception {
    String from = store.contact(leadId).getString("phone").substring(1);
    String body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"w\",\"changes\":[{"
            + "\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
            + "\"metadata\":{\"phone_number_id\":\"123\"},\"messages\":[{\"from\":\""
            + from
            + "\",\"id\":\""
            + id
            + "\",\"timestamp\":\""
            + at.getEpochSecond()
            + "\",\"type\":\"reaction\",\"reaction\":{\"message_id\":\"wamid."
            + leadId
            + "\",\"emoji\":\"\\ud83d\\udc4d\"}}]}}]}]}";
    return inbox.accept(MetaNotification.parse(new ObjectMapper().readTree(body), "123"));
  }

  /**
   * A thumbs-up to our message proves the lead read it: with no read receipt (turned off) the
   * funnel counted the lead neither read nor delivered. A reaction is no reply: the variant's reply
   * and interest counters do not change.
   */
  @Test
  void aReactionCountsTheLeadReadInTheFunnelAndNoReply() throws Exception {
    reaction("yes-0", "wamid.in-react-1", T1);
    reaction("yes-0", "wamid.in-react-2", T1.plusSeconds(5)); // a second emoji
    awaitProcessed();

    Document funnel = store.contact("yes-0").get("funnel", Document.class);
    assertThat(funnel).containsKeys("delivered", "read").doesNotContainKey("replied");
    assertThat(new FunnelStats(MONGO.database()).totals("c1", null, null))
        .containsEntry("delivered", 1L)
        .containsEntry("read", 1L)
        .containsEntry("replied", 0L);
    assertThat(totals("v-yes")).containsEntry("replied", 0L).containsEntry("interested", 0L);
    assertTheCountersAgreeWithTheirRecount();
  }

  /**
   * Meta's reaction names the message it reacts to in {@code reaction.message_id} (it has no {@code
   * context}): the feedback names that message, and the message keeps when it was first reacted to,
   * which the lead's workflow reads as read when it looks (read receipts off). A workflow that has
   * looked already ({@code readSignal}), or one recorded before it looked reads up, is told the
   * read; one that will look is not woken.
   */
  @Test
  void aReactionNamesTheMessageItReactsToWhichCountsAsRead() throws Exception {
    var messages = store.messages().collection();
    messages.updateOne(
        Filters.eq("wamid", "wamid.yes-1"),
        Updates.set(com.salesagent.activities.mongo.Messages.READS_LOOKED_UP, true));
    messages.updateOne(
        Filters.eq("wamid", "wamid.yes-2"),
        Updates.combine(
            Updates.set(com.salesagent.activities.mongo.Messages.READS_LOOKED_UP, true),
            Updates.set(com.salesagent.activities.mongo.Messages.READ_SIGNAL, true)));

    reaction("yes-1", "wamid.in-react-yes-1", T1);
    reaction("yes-1", "wamid.in-react-yes-1b", T1.plusSeconds(60)); // another emoji, later
    reaction("yes-2", "wamid.in-react-yes-2", T1);
    reaction("yes-3", "wamid.in-react-yes-3", T1);
    awaitProcessed();

    assertThat(
            store
                .feedback()
                .find(Filters.eq("messageId", "wamid.in-react-yes-1"))
                .first()
                .getString("wamid"))
        .isEqualTo("wamid.yes-1");
    assertThat(messages.find(Filters.eq("wamid", "wamid.yes-1")).first().getDate("reactedAt"))
        .as("the first reaction's time")
        .isEqualTo(java.util.Date.from(T1));
    assertThat(messages.find(Filters.eq("wamid", "wamid.yes-1")).first().getString("status"))
        .as("Meta's status stays Meta's")
        .isNotEqualTo("read");
    List<String> reads =
        signals.stream()
            .filter(MessageStatusSignal.class::isInstance)
            .map(MessageStatusSignal.class::cast)
            .filter(r -> "read".equals(r.status()))
            .map(r -> r.wamid() + "@" + r.at())
            .distinct()
            .toList();
    assertThat(reads).containsExactlyInAnyOrder("wamid.yes-2@" + T1, "wamid.yes-3@" + T1);
    // The workflow that looks finds the reaction as the read: its follow-up is the read one.
    MessageStatusSignal looked =
        new com.salesagent.activities.lead.LeadActivitiesImpl(store, clock)
            .readReceipt("yes-1", "wamid.yes-1");
    assertThat(looked).isNotNull();
    assertThat(looked.status()).isEqualTo("read");
    assertThat(looked.at()).isEqualTo(T1);
  }

  /**
   * The lead reacted before its message's wamid was stored: the send's answer was lost and the
   * status webhooks that bind it by the send's key came after the reaction (statuses wait in their
   * own batches). The reaction still counts as the read when the workflow looks, once the wamid is
   * bound: the lead that answered with an emoji gets the read follow-up, not the unread one.
   */
  @Test
  void aReactionBeforeItsMessagesWamidWasStoredCountsAsReadOnceItIs() throws Exception {
    lead("late-0", "v-yes", "+551199887790");
    store
        .messages()
        .collection()
        .updateOne(
            Filters.eq("idempotencyKey", "k-late-0"),
            Updates.combine(Updates.unset("wamid"), Updates.set("status", "unknown")));

    reaction("late-0", "wamid.in-react-late-0", T1);
    awaitProcessed();
    assertThat(store.messages().bindWamid("k-late-0", "wamid.late-0", null, T1.plusSeconds(30)))
        .as("bound by a status webhook after the reaction")
        .isTrue();

    MessageStatusSignal looked =
        new com.salesagent.activities.lead.LeadActivitiesImpl(store, clock)
            .readReceipt("late-0", "wamid.late-0");
    assertThat(looked).as("the reaction is the read").isNotNull();
    assertThat(looked.status()).isEqualTo("read");
    assertThat(looked.at()).isEqualTo(T1);
  }

  private long unprocessed() {
    return store.webhookEvents().countDocuments(Filters.eq("processed", false));
  }

  private void awaitProcessed() {
    await().atMost(Duration.ofSeconds(10)).until(() -> unprocessed() == 0);
    await().atMost(Duration.ofSeconds(5)).until(() -> inbox.inFlight() == 0);
  }

  private Map<String, Long> totals(String variant) {
    return stats.totals("smb").getOrDefault(variant, Map.of());
  }

  private void assertTheCountersAgreeWithTheirRecount() {
    assertThat(stats.recompute(DAY1, DAY2)).isEqualTo(stats.stored(DAY1, DAY2));
  }

  /** Meta's notification of a status of the lead's first message, stamped {@code at}. */
  private WebhookInbox.Accepted status(String leadId, String status, Instant at) throws Exception {
    String body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"w\",\"changes\":[{"
            + "\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
            + "\"metadata\":{\"phone_number_id\":\"123\"},\"statuses\":[{\"id\":\"wamid."
            + leadId
            + "\",\"status\":\""
            + status
            + "\",\"timestamp\":\""
            + at.getEpochSecond()
            + "\",\"recipient_id\":\""
            + store.contact(leadId).getString("phone").substring(1)
            + "\"}]}}]}]}";
    return inbox.accept(MetaNotification.parse(new ObjectMapper().readTree(body), "123"));
  }

  /**
   * Session 46: an operator's new segment took the lead (SegmentMoves) after its message was
   * delivered and read and after it replied, but those webhooks were processed after the move (Meta
   * delivers late, the inbox was behind). The live counters counted them in the lead's segment at
   * processing time, the recount in the segment it was in when they happened: the counter check
   * disagreed. Now both count where the lead was when the event happened.
   */
  @Test
  void aLateStatusAndReplyAfterASegmentMoveCountWhereTheLeadWasWhenTheyHappened() throws Exception {
    com.salesagent.activities.variants.SegmentMoves.move(
        store.contacts(), "yes-0", "smb", "retail", java.util.Date.from(T1.plusSeconds(600)));

    status("yes-0", "delivered", T1.minusSeconds(60));
    status("yes-0", "read", T1.minusSeconds(30));
    reply("yes-0", "wamid.in-late", "Sounds great, tell me more", T1);
    awaitProcessed();

    assertThat(totals("v-yes"))
        .containsEntry("delivered", 1L)
        .containsEntry("read", 1L)
        .containsEntry("replied", 1L)
        .containsEntry("interested", 1L);
    assertThat(stats.totals("retail")).doesNotContainKey("v-yes");
    assertTheCountersAgreeWithTheirRecount();
  }

  @Test
  void onTheInterestedRewardTheVariantThatEarnsInterestBeatsTheOneThatEarnsPoliteNoes()
      throws Exception {
    List<String> noes = List.of("No thanks", "No me interesa", "Não tenho interesse", "No thanks");
    for (int i = 0; i < 4; i++) {
      reply("no-" + i, "wamid.in-no-" + i, noes.get(i), T1.plusSeconds(i));
      reply("yes-" + i, "wamid.in-yes-" + i, "Sounds great, tell me more", T1.plusSeconds(i));
    }
    awaitProcessed();

    assertThat(totals("v-no")).containsEntry("replied", 4L).containsEntry("interested", 0L);
    assertThat(totals("v-yes")).containsEntry("replied", 4L).containsEntry("interested", 4L);
    assertThat(new FunnelStats(MONGO.database()).totals("c1", null, null))
        .containsEntry("replied", 8L)
        .containsEntry("interested", 4L)
        // No read receipt came: each reply proves its lead read the message (issue 12).
        .containsEntry("read", 8L);
    assertTheCountersAgreeWithTheirRecount();
    // The workflows' stages after these replies: a polite no ends the lead replied.
    store.contacts().updateMany(Filters.eq("variantId", "v-no"), Updates.set("stage", "replied"));
    store
        .contacts()
        .updateMany(Filters.eq("variantId", "v-yes"), Updates.set("stage", "interested"));
    Map<String, Map<String, Long>> smb = stats.totals("smb");
    Map<String, Double> weights = Map.of("v-no", 1.0, "v-yes", 1.0);
    AwaitingOutcome awaiting = new AwaitingOutcome(MONGO.database());
    Map<String, Arm> onReplies = awaiting.arms("smb", smb, weights, Reward.REPLY);
    Map<String, Arm> onInterest = awaiting.arms("smb", smb, weights, Reward.INTERESTED);
    assertThat(onReplies.get("v-no").successes()).isEqualTo(onReplies.get("v-yes").successes());
    double[] best =
        VariantAnalytics.probabilityToBeBest(
            List.of(onInterest.get("v-no"), onInterest.get("v-yes")), 20_000, 7);
    assertThat(best[1]).as("v-yes on interest").isGreaterThan(0.95);
  }

  @Test
  void aNoThenAYesCountsTheInterestOnTheDayOfTheYesOnce() throws Exception {
    reply("no-0", "wamid.in-1", "No thanks", T1);
    awaitProcessed();
    assertThat(totals("v-no")).containsEntry("replied", 1L).containsEntry("interested", 0L);

    reply("no-0", "wamid.in-2", "Actually, yes, tell me more", T2);
    reply("no-0", "wamid.in-3", "Sounds great, tell me more", T2.plusSeconds(60));
    awaitProcessed();

    assertThat(totals("v-no")).containsEntry("replied", 1L).containsEntry("interested", 1L);
    assertThat(stats.stored(DAY2, DAY2).get(new VariantStats.Key("v-no", "smb", "2026-11-25")))
        .containsExactlyEntriesOf(Map.of("interested", 1L));
    assertThat(store.contact("no-0").get("funnel", Document.class).getDate("interested"))
        .isEqualTo(java.util.Date.from(T2));
    assertTheCountersAgreeWithTheirRecount();
  }

  @Test
  void aReplayedReplyCountsItsInterestOnce() throws Exception {
    // Temporal is down: the effects are applied, the signal waits for the relay.
    temporalUp.set(false);
    reply("yes-0", "wamid.in-yes", "Sounds great, tell me more", T1);
    await().atMost(Duration.ofSeconds(5)).until(() -> store.feedback().countDocuments() == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> inbox.inFlight() == 0);
    temporalUp.set(true);
    now.set(now.get().plusSeconds(60));
    inbox.leases().tick();
    inbox.relay();
    awaitProcessed();
    // Meta delivers the same notification again: a duplicate.
    assertThat(reply("yes-0", "wamid.in-yes", "Sounds great, tell me more", T1).stored()).isZero();
    // A failure that could not even record that the effects were applied (MongoDB down too):
    // the relay applies them again.
    store
        .webhookEvents()
        .updateMany(
            new Document(),
            Updates.combine(Updates.set("processed", false), Updates.unset("effectsApplied")));
    now.set(now.get().plusSeconds(60));
    inbox.leases().tick();
    inbox.relay();
    awaitProcessed();

    assertThat(store.feedback().countDocuments()).as("the effects did run again").isEqualTo(2);
    assertThat(totals("v-yes")).containsEntry("replied", 1L).containsEntry("interested", 1L);
    assertThat(new FunnelStats(MONGO.database()).totals("c1", null, null))
        .containsEntry("interested", 1L);
    assertTheCountersAgreeWithTheirRecount();
    assertThat(
            signals.stream()
                .filter(InboundMessageSignal.class::isInstance)
                .map(s -> ((InboundMessageSignal) s).intent()))
        .containsOnly("interested");
  }

  /**
   * An erasure deletes the lead's history, not what it added to the counters: the interest stays
   * counted (the bandit learnt from it), the recount adds it from what the erasure kept without the
   * lead, and the funnel's rebuild keeps the stage too.
   */
  @Test
  void anErasedLeadsInterestStaysCountedAndTheRecountStillAgrees() throws Exception {
    reply("yes-0", "wamid.in-yes-0", "Sounds great, tell me more", T1);
    reply("yes-1", "wamid.in-yes-1", "Sounds great, tell me more", T1);
    awaitProcessed();
    Map<VariantStats.Key, Map<String, Long>> before = stats.stored(DAY1, DAY2);
    store.erasures().markErasing("yes-0", T2);
    LeadErasureActivitiesImpl erasure =
        new LeadErasureActivitiesImpl(
            store, new ObjectStorage(null, null, "media", "us-east-1"), null, clock);
    ErasureRequest request = new ErasureRequest("yes-0", "ops", "asked", false, 0);

    erasure.erase(request, false);
    erasure.erase(request, true);

    assertThat(store.contact("yes-0")).isNull();
    assertThat(stats.stored(DAY1, DAY2)).isEqualTo(before);
    assertThat(totals("v-yes")).containsEntry("interested", 2L);
    assertTheCountersAgreeWithTheirRecount();
    FunnelStats funnel = new FunnelStats(MONGO.database());
    assertThat(funnel.rebuild()).isZero();
    assertThat(funnel.totals("c1", null, null)).containsEntry("interested", 2L);
  }
}
