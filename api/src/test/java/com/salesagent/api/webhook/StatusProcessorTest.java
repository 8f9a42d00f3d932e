package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.knowledge.HeldDrafts;
import com.salesagent.activities.knowledge.KnowledgeActivitiesImpl;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Messages;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.workflows.lead.InboundMessageSignal;
import com.salesagent.workflows.lead.MessageStatusSignal;
import com.salesagent.workflows.lead.OptOutSignal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A drained batch of statuses on the embedded MongoDB-wire server: one signal per lead. */
class StatusProcessorTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private final Instant t0 = Instant.parse("2026-11-25T12:00:00Z");
  private final Clock clock = Clock.fixed(t0, ZoneOffset.UTC);

  /** One signal call: the lead and the statuses it carried. */
  record Call(String leadId, List<MessageStatusSignal> statuses) {}

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final LeadSignaller signaller =
      new LeadSignaller() {
        @Override
        public String status(String leadId, MessageStatusSignal signal) {
          calls.add(new Call(leadId, List.of(signal)));
          return SIGNALLED;
        }

        @Override
        public String statuses(String leadId, List<MessageStatusSignal> signals) {
          calls.add(new Call(leadId, List.copyOf(signals)));
          return SIGNALLED;
        }

        @Override
        public String inbound(String leadId, InboundMessageSignal signal) {
          return SIGNALLED;
        }

        @Override
        public String optOut(String leadId, OptOutSignal signal) {
          return SIGNALLED;
        }
      };

  private LeadStore store;
  private StatusProcessor processor;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    store.insertContact(new Document("leadId", "L-1").append("phone", "+5511900000001"));
    store.insertContact(new Document("leadId", "L-2").append("phone", "+5511900000002"));
    processor = processorOn(store);
  }

  private StatusProcessor processorOn(LeadStore on) {
    return new StatusProcessor(
        on, signaller, new OptOuts(on, signaller, clock), clock, WebhookInbox.STATUS_GRACE);
  }

  private void message(String lead, String key, String wamid) {
    store.messages().upsertComposed(key, new Document("leadId", lead).append("status", "composed"));
    store.messages().markAccepted(key, wamid, null, "text", t0);
  }

  private InboxEvent event(String wamid, String status, long ts) {
    Document item =
        new Document("id", wamid)
            .append("status", status)
            .append("timestamp", String.valueOf(ts))
            .append("recipient_id", "5511900000000");
    return new InboxEvent(wamid + ":" + status, item, t0, false, () -> {});
  }

  @Test
  void aBatchSignalsEachLeadOnceWithItsStatusesInArrivalOrder() {
    for (int i = 0; i < 3; i++) {
      message("L-1", "k1-" + i, "wamid.L1-" + i);
    }
    message("L-2", "k2-0", "wamid.L2-0");
    List<InboxEvent> batch = new ArrayList<>();
    batch.add(event("wamid.L1-0", "read", 1764072000));
    batch.add(event("wamid.L2-0", "delivered", 1764072001)); // MongoDB only
    batch.add(event("wamid.L1-1", "read", 1764072002));
    batch.add(event("wamid.L2-0", "read", 1764072003));
    batch.add(event("wamid.L1-2", "read", 1764072004));

    List<StatusProcessor.Done> done = processor.processBatch(batch);

    // One signal per lead; the leads are signalled together, so only each lead's order counts.
    assertThat(calls).extracting(Call::leadId).containsExactlyInAnyOrder("L-1", "L-2");
    assertThat(callOf("L-1").statuses())
        .extracting(MessageStatusSignal::wamid)
        .containsExactly("wamid.L1-0", "wamid.L1-1", "wamid.L1-2");
    assertThat(callOf("L-2").statuses())
        .extracting(MessageStatusSignal::wamid, MessageStatusSignal::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("wamid.L2-0", "read"));
    assertThat(done)
        .extracting(StatusProcessor.Done::outcome)
        .containsExactly(
            LeadSignaller.SIGNALLED,
            StatusProcessor.STORED,
            LeadSignaller.SIGNALLED,
            LeadSignaller.SIGNALLED,
            LeadSignaller.SIGNALLED);
  }

  /**
   * Issue 12: the read of a message whose workflow looks its reads up (version 1 of
   * reads-looked-up, marked by the composer) is stored, not signalled, and the workflow's look
   * finds it with its time; once the workflow has looked, a later read is signalled; the read of a
   * message composed before the version is still signalled, and a failure always is.
   */
  @Test
  void aReadIsStoredForTheWorkflowsLookInsteadOfSignalledUntilItLooked() {
    lookingUp("L-1", "k-look", "wamid.look");
    lookingUp("L-1", "k-look-2", "wamid.look-2");
    message("L-2", "k-old", "wamid.old");

    List<StatusProcessor.Done> done =
        processor.processBatch(
            List.of(
                event("wamid.look", "delivered", 1764071990),
                event("wamid.look", "read", 1764072000),
                event("wamid.old", "read", 1764072001)));

    assertThat(done)
        .extracting(StatusProcessor.Done::outcome)
        .containsExactly(StatusProcessor.STORED, StatusProcessor.STORED, LeadSignaller.SIGNALLED);
    assertThat(calls).extracting(Call::leadId).containsExactly("L-2");
    var leads = new com.salesagent.activities.lead.LeadActivitiesImpl(store, clock);
    assertThat(leads.readReceipt("L-2", "wamid.look")).as("another lead's message").isNull();
    MessageStatusSignal receipt = leads.readReceipt("L-1", "wamid.look");
    assertThat(receipt.status()).isEqualTo("read");
    assertThat(receipt.at()).isEqualTo(Instant.ofEpochSecond(1764072000));

    // The workflow looked at wamid.look-2 while it was unread: its read is signalled from then on,
    // in a batch and one event at a time (the inbox's path for an event whose batch failed).
    assertThat(leads.readReceipt("L-1", "wamid.look-2")).as("unread").isNull();
    calls.clear();
    assertThat(processor.processBatch(List.of(event("wamid.look-2", "read", 1764072010))))
        .extracting(StatusProcessor.Done::outcome)
        .containsExactly(LeadSignaller.SIGNALLED);
    assertThat(processor.process(event("wamid.look-2", "read", 1764072010)))
        .isEqualTo(LeadSignaller.SIGNALLED);
    assertThat(calls)
        .extracting(c -> c.leadId() + " " + c.statuses().get(0).status())
        .containsExactly("L-1 read", "L-1 read");
  }

  /**
   * The race between the inbox and the workflow's look: the inbox read the message before the look
   * marked it, the look ran before the inbox's write (and saw no read). The batch's check after its
   * write brings the mark, so the read is signalled, not lost between the two.
   */
  @Test
  void aLookBetweenTheBatchsReadAndItsWriteStillGetsTheReadSignalled() {
    lookingUp("L-1", "k-race", "wamid.race");
    java.util.Map<String, Document> before =
        store.messages().messagesByWamid(List.of("wamid.race"), StatusBatch.MESSAGE_FIELDS);
    assertThat(
            new com.salesagent.activities.lead.LeadActivitiesImpl(store, clock)
                .readReceipt("L-1", "wamid.race"))
        .isNull();

    new com.salesagent.activities.mongo.StatusBatches(store.messages().collection())
        .apply(
            List.of(
                new com.salesagent.activities.mongo.StatusBatches.Update(
                    "wamid.race", "read", Instant.ofEpochSecond(1764072000), null, null)),
            before);

    assertThat(StatusProcessor.changesNextAction("read", before.get("wamid.race"))).isTrue();
  }

  private void lookingUp(String lead, String key, String wamid) {
    store
        .messages()
        .upsertComposed(
            key,
            new Document("leadId", lead)
                .append("status", "composed")
                .append(Messages.READS_LOOKED_UP, true));
    store.messages().markAccepted(key, wamid, null, "text", t0);
  }

  private Call callOf(String leadId) {
    return calls.stream().filter(c -> c.leadId().equals(leadId)).findFirst().orElseThrow();
  }

  @Test
  void aLeadWithMoreStatusesThanOneSignalHoldsGetsSeveralSignalsInOrder() {
    List<InboxEvent> batch = new ArrayList<>();
    int n = StatusProcessor.MAX_PER_SIGNAL + 5;
    for (int i = 0; i < n; i++) {
      message("L-1", "k-" + i, "wamid.M" + i);
      batch.add(event("wamid.M" + i, "read", 1764072000 + i));
    }

    processor.processBatch(batch);

    assertThat(calls)
        .extracting(c -> c.statuses().size())
        .containsExactly(StatusProcessor.MAX_PER_SIGNAL, 5);
    List<String> all = new ArrayList<>();
    calls.forEach(c -> c.statuses().forEach(s -> all.add(s.wamid())));
    assertThat(all).hasSize(n).startsWith("wamid.M0", "wamid.M1").endsWith("wamid.M" + (n - 1));
  }

  private void message(String lead, String key, String wamid, String variant) {
    store
        .messages()
        .upsertComposed(
            key,
            new Document("leadId", lead).append("variantId", variant).append("status", "composed"));
    store.messages().markAccepted(key, wamid, null, "text", t0);
  }

  /** A variant's counter summed over its documents (days, shards, segments). */
  private long total(String variant, String counter) {
    long sum = 0;
    for (Document d :
        store
            .database()
            .getCollection("variant_stats")
            .find(com.mongodb.client.model.Filters.eq("variantId", variant))) {
      sum += d.get(counter) instanceof Number n ? n.longValue() : 0;
    }
    return sum;
  }

  private long counter(String variant, String counter) {
    Document d =
        store
            .database()
            .getCollection("variant_stats")
            .find(com.mongodb.client.model.Filters.eq("variantId", variant))
            .first();
    return d == null ? 0 : d.get(counter, Number.class).longValue();
  }

  /**
   * Session 46: a status processed after its lead moved segment (SegmentMoves) for an event before
   * the move is counted in the segment the lead was in then, as the recount counts it, in both
   * paths (one status, a batch): the counter check agrees.
   */
  @Test
  void aLateStatusOfAnEventBeforeASegmentMoveCountsInTheOldSegmentInBothPaths() {
    store.insertContact(
        new Document("leadId", "M-1")
            .append("phone", "+5511900000041")
            .append("campaignId", "cm")
            .append("segment", "smb")
            .append("variantId", "v-m"));
    message("M-1", "km-1", "wamid.M-1", "v-m");
    message("M-1", "km-2", "wamid.M-2", "v-m");
    Instant move = Instant.ofEpochSecond(1764072600);
    com.salesagent.activities.variants.SegmentMoves.move(
        store.contacts(), "M-1", "smb", "retail", java.util.Date.from(move));

    processor.process(event("wamid.M-1", "delivered", 1764072000));
    processor.processBatch(
        List.of(
            event("wamid.M-1", "read", 1764072010),
            event("wamid.M-2", "delivered", 1764072700))); // after the move: the new segment

    var stats = new com.salesagent.activities.variants.VariantStats(MONGO.database());
    assertThat(stats.totals("smb").get("v-m"))
        .containsEntry("delivered", 1L)
        .containsEntry("read", 1L);
    assertThat(stats.totals("retail").get("v-m")).containsEntry("delivered", 1L);
    var day = java.time.LocalDate.parse("2025-11-25");
    assertThat(stats.recompute(day, day)).isEqualTo(stats.stored(day, day));
  }

  /**
   * The re-engagement template a rep asked for (composed on the lead's variant, {@code requestedBy}
   * her) counted in the variant's delivered and read, and its failure counted the lead failed in
   * the funnel and the variant (the variants walk: funnel failed 0 to 1 for wk1-001). It is a
   * person's message: neither, in both paths; the sequence's own message still counts.
   */
  @Test
  void aTemplateARepAskedForMovesNoVariantCounterNorTheFunnelsFailed() {
    store.insertContact(
        new Document("leadId", "R-1").append("phone", "+5511900000031").append("campaignId", "rq"));
    store.insertContact(
        new Document("leadId", "R-2").append("phone", "+5511900000032").append("campaignId", "rq"));
    message("R-1", "kr-seq", "wamid.R-seq", "v-rq");
    for (String lead : List.of("R-1", "R-2")) {
      store
          .messages()
          .upsertComposed(
              "kr-rep-" + lead,
              new Document("leadId", lead)
                  .append("variantId", "v-rq")
                  .append("purpose", "re_engagement")
                  .append("requestedBy", "ana")
                  .append("status", "composed"));
      store.messages().markAccepted("kr-rep-" + lead, "wamid.R-rep-" + lead, null, "template", t0);
    }

    processor.process(event("wamid.R-seq", "delivered", 1764072000));
    processor.process(event("wamid.R-rep-R-1", "read", 1764072060));
    processor.processBatch(List.of(event("wamid.R-rep-R-2", "failed", 1764072060)));

    assertThat(total("v-rq", "delivered")).as("the sequence's own message").isEqualTo(1);
    assertThat(total("v-rq", "read")).as("the rep's template").isZero();
    assertThat(total("v-rq", "failed")).isZero();
    var funnel = new com.salesagent.activities.mongo.FunnelStats(MONGO.database());
    var day = java.time.LocalDate.parse("2025-11-25");
    assertThat(funnel.totals("rq", day, day).getOrDefault("failed", 0L)).isEqualTo(0L);
  }

  /**
   * A partial bulk failure: the counters of one variant were written, another's failed, the batch
   * is retried as a whole (nothing was marked applied). Each event still counts once.
   */
  @Test
  void aBatchRetriedAfterAPartialCounterFailureCountsEachEventOnce() {
    List<InboxEvent> batch = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      message("L-1", "ka-" + i, "wamid.A" + i, "v-1");
      message("L-2", "kb-" + i, "wamid.B" + i, "v-2");
      batch.add(event("wamid.A" + i, "delivered", 1764072000));
      batch.add(event("wamid.B" + i, "delivered", 1764072000));
    }
    // v-2's counter document (in the shard the batch counts into) is broken: $inc on it fails,
    // v-1's succeeds in the same bulk.
    store
        .database()
        .getCollection("variant_stats")
        .insertOne(
            new Document("variantId", "v-2")
                .append("segment", "default")
                .append("day", "2025-11-25")
                .append("shard", com.salesagent.activities.variants.CountedOnce.OUTSIDE)
                .append("delivered", "not a number"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> processor.processBatch(batch))
        .isInstanceOf(RuntimeException.class);

    store
        .database()
        .getCollection("variant_stats")
        .updateOne(
            com.mongodb.client.model.Filters.eq("variantId", "v-2"),
            com.mongodb.client.model.Updates.set("delivered", 0L));
    // The relay: the same events, in another grouping (a retry need not drain the same batch).
    processor.processBatch(batch.subList(0, 2));
    processor.processBatch(batch.subList(2, 6));
    processor.processBatch(batch);

    assertThat(counter("v-1", "delivered")).isEqualTo(3);
    assertThat(counter("v-2", "delivered")).isEqualTo(3);
  }

  /**
   * Issue 12: a batch's funnel stages cost a few bulk writes, not two round trips per lead, and
   * every inbox partition no longer writes the campaign's counter document once per lead; each lead
   * still counts once, a relayed batch counts nothing again.
   */
  @Test
  void aBatchCountsItsFunnelStagesInAFewBulkWrites() {
    List<String> commands = new CopyOnWriteArrayList<>();
    try (var client = MONGO.recordingClient(commands)) {
      LeadStore listened = new LeadStore(MONGO.database(client));
      StatusProcessor batchOf40 = processorOn(listened);
      List<InboxEvent> batch = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String lead = "F-" + i;
        store.insertContact(
            new Document("leadId", lead)
                .append("phone", "+55119100000" + (10 + i))
                .append("campaignId", "spring"));
        message(lead, "kf-" + i, "wamid.F-" + i);
        batch.add(event("wamid.F-" + i, "delivered", 1764072000 + i));
      }

      commands.clear();
      batchOf40.processBatch(batch);

      assertThat(commands.stream().filter(c -> c.endsWith(" campaign_stats")))
          .as("writes of the campaign's counters")
          .hasSize(1);
      assertThat(commands.stream().filter(c -> c.startsWith("findAndModify")))
          .as("one conditional mark per lead, one at a time")
          .isEmpty();
      assertThat(commands).as("every command of the batch").hasSizeLessThanOrEqualTo(8);
      var funnel = new com.salesagent.activities.mongo.FunnelStats(MONGO.database());
      var day = java.time.LocalDate.parse("2025-11-25");
      assertThat(funnel.totals("spring", day, day)).containsEntry("delivered", 40L);

      batchOf40.processBatch(batch); // relayed: marks found, nothing counted again
      assertThat(funnel.totals("spring", day, day)).containsEntry("delivered", 40L);
      assertThat(funnel.rebuild()).isZero();
    }
  }

  /** Issue 12: a read whose delivery receipt never came still counts the lead delivered, once. */
  @Test
  void aReadWithoutItsDeliveryReceiptCountsTheLeadDeliveredOnce() {
    store.insertContact(
        new Document("leadId", "R-1")
            .append("phone", "+5511910000099")
            .append("campaignId", "autumn"));
    message("R-1", "kr-1", "wamid.R-1");
    processor.processBatch(List.of(event("wamid.R-1", "read", 1764072000)));
    var funnel = new com.salesagent.activities.mongo.FunnelStats(MONGO.database());
    var day = java.time.LocalDate.parse("2025-11-25");
    assertThat(funnel.totals("autumn", day, day))
        .containsEntry("delivered", 1L)
        .containsEntry("read", 1L);

    // The receipt, late, and the read relayed: nothing counted again.
    processor.processBatch(List.of(event("wamid.R-1", "delivered", 1764071990)));
    processor.processBatch(List.of(event("wamid.R-1", "read", 1764072000)));
    assertThat(funnel.totals("autumn", day, day))
        .containsEntry("delivered", 1L)
        .containsEntry("read", 1L);
    assertThat(funnel.rebuild()).isZero();
  }

  /**
   * Issue 12: "sent" (one per message, the commonest status) changes neither the funnel nor the
   * counters, so a batch of them does not read the contacts; its timeline and the message's status
   * are written as before. A "delivered" in the same kind of batch still reads its contact.
   */
  @Test
  void aBatchOfSentStatusesDoesNotReadContacts() {
    message("L-1", "k-s1", "wamid.S1");
    List<String> commands = new CopyOnWriteArrayList<>();
    try (var client = MONGO.recordingClient(commands)) {
      LeadStore recorded = new LeadStore(MONGO.database(client));
      StatusProcessor listened = processorOn(recorded);

      listened.processBatch(List.of(event("wamid.S1", "sent", 1764072000)));
      assertThat(commands).doesNotContain("find contacts");
      assertThat(store.messages().messageByWamid("wamid.S1").getString("status")).isEqualTo("sent");
      assertThat(store.interactions().hasInteraction("L-1", "sent")).isTrue();

      commands.clear();
      listened.processBatch(List.of(event("wamid.S1", "delivered", 1764072001)));
      assertThat(commands).contains("find contacts");
      assertThat(store.messages().messageByWamid("wamid.S1").getString("status"))
          .isEqualTo("delivered");
      assertThat(store.contact("L-1").get("funnel", Document.class).getDate("delivered"))
          .isNotNull();
    }
  }

  /**
   * A person's answer to a lead whose run ended took it off the "wrote after the end" list; Meta's
   * failed status for it, applied one at a time or in a batch, puts the lead back on it.
   */
  @Test
  void aFailedAfterEndAnswerPutsTheLeadBackOnTheListInBothPaths() {
    var list = new com.salesagent.activities.mongo.AfterEndReplies(store);
    for (String lead : List.of("L-single", "L-batch")) {
      store.insertContact(
          new Document("leadId", lead)
              .append("phone", lead.equals("L-single") ? "+5511900000101" : "+5511900000102")
              .append("stage", "stopped"));
      list.wrote(lead, t0, "wamid.in-" + lead, t0);
      store
          .messages()
          .upsertComposed(
              "k-" + lead,
              new Document("leadId", lead)
                  .append("composer", "person")
                  .append("by", "Ana (ana)")
                  .append("status", "composed")
                  .append("createdAt", java.util.Date.from(t0.plusSeconds(5))));
      store.messages().markAccepted("k-" + lead, "wamid.out-" + lead, null, "text", t0);
      list.answered(lead, t0.plusSeconds(5), "wamid.out-" + lead);
      assertThat(store.contact(lead).get("afterEnd")).as("answered").isNull();
    }

    processor.process(failed("wamid.out-L-single"));
    processor.processBatch(List.of(failed("wamid.out-L-batch")));

    for (String lead : List.of("L-single", "L-batch")) {
      Document mark = store.contact(lead).get("afterEnd", Document.class);
      assertThat(mark).as(lead + " back on the list").isNotNull();
      assertThat(mark.getString("messageId")).isEqualTo("wamid.in-" + lead);
      assertThat(mark.get("answerFailed", Document.class).getString("reason")).contains("131026");
    }
  }

  /**
   * The restored row came back again after an operator dismissed it when the same failed status was
   * processed again (the inbox relays an event whose done-mark was lost; the after-end message's
   * activity, retried, applies the failure too): once per message and status, so a dismissal holds
   * against a duplicate.
   */
  @Test
  void aDismissedRowStaysDismissedWhenTheSameFailedStatusIsProcessedAgain() {
    var list = new com.salesagent.activities.mongo.AfterEndReplies(store);
    for (String lead : List.of("L-once", "L-once-batch")) {
      store.insertContact(
          new Document("leadId", lead)
              .append("phone", lead.equals("L-once") ? "+5511900000201" : "+5511900000202")
              .append("stage", "stopped"));
      list.wrote(lead, t0, "wamid.in-" + lead, t0);
      store
          .messages()
          .upsertComposed(
              "k-" + lead,
              new Document("leadId", lead)
                  .append("composer", "person")
                  .append("by", "Ana (ana)")
                  .append("status", "composed")
                  .append("createdAt", java.util.Date.from(t0.plusSeconds(5))));
      store.messages().markAccepted("k-" + lead, "wamid.out-" + lead, null, "text", t0);
      list.answered(lead, t0.plusSeconds(5), "wamid.out-" + lead);
    }
    processor.process(failed("wamid.out-L-once"));
    processor.processBatch(List.of(failed("wamid.out-L-once-batch")));
    for (String lead : List.of("L-once", "L-once-batch")) {
      assertThat(store.contact(lead).get("afterEnd")).as(lead + " restored").isNotNull();
      assertThat(list.clear(lead, "wamid.in-" + lead)).as(lead + " dismissed").isTrue();
    }

    // The same failed status again, both ways, and the activity's own look at the failure.
    processor.process(failed("wamid.out-L-once"));
    processor.processBatch(List.of(failed("wamid.out-L-once-batch")));
    list.answered("L-once", t0.plusSeconds(5), "wamid.out-L-once");

    for (String lead : List.of("L-once", "L-once-batch")) {
      assertThat(store.contact(lead).get("afterEnd")).as(lead + " stays dismissed").isNull();
    }
  }

  /**
   * A rep's answer supersedes the agent's draft held for the lead; when Meta then reports that
   * answer failed, the lead had neither an answer nor a draft. The failed status (one at a time or
   * in a batch) puts the drafts it superseded back to held; redelivered after another rep's answer
   * superseded the draft again, it changes nothing.
   */
  @Test
  void aFailedAnswerPutsTheDraftsItSupersededBackToHeldOnceInBothPaths() {
    var drafts = MONGO.database().getCollection(KnowledgeActivitiesImpl.DRAFTS);
    var held = new HeldDrafts(MONGO.database());
    for (String lead : List.of("L-draft", "L-draft-batch")) {
      store.insertContact(
          new Document("leadId", lead)
              .append("phone", lead.equals("L-draft") ? "+5511900000301" : "+5511900000302")
              .append("stage", "in_conversation"));
      drafts.insertOne(
          new Document("_id", lead + ":wamid.in-1")
              .append("leadId", lead)
              .append("replyMessageId", "wamid.in-1")
              .append("text", "Our plans start at 49 a month.")
              .append("status", HeldDrafts.HELD)
              .append("createdAt", java.util.Date.from(t0)));
      store
          .messages()
          .upsertComposed(
              "k-" + lead,
              new Document("leadId", lead)
                  .append("composer", "person")
                  .append("by", "Ana (ana)")
                  .append("status", "composed")
                  .append("createdAt", java.util.Date.from(t0.plusSeconds(5))));
      store.messages().markAccepted("k-" + lead, "wamid.out-" + lead, null, "text", t0);
      held.answered(lead, t0.plusSeconds(5), "Ana (ana)", "ana", "k-" + lead, null);
      assertThat(drafts.find(new Document("leadId", lead)).first().getString("status"))
          .isEqualTo(HeldDrafts.SUPERSEDED);
    }

    processor.process(failed("wamid.out-L-draft"));
    processor.processBatch(List.of(failed("wamid.out-L-draft-batch")));

    for (String lead : List.of("L-draft", "L-draft-batch")) {
      Document draft = drafts.find(new Document("leadId", lead)).first();
      assertThat(draft.getString("status")).as(lead + " held again").isEqualTo(HeldDrafts.HELD);
      assertThat(draft.get(HeldDrafts.SUPERSEDED_BY)).isNull();
      assertThat(draft.get("restoredFrom", Document.class).getString("key")).isEqualTo("k-" + lead);
      // Bruno answers again: the draft is superseded by his message.
      store
          .messages()
          .upsertComposed(
              "k2-" + lead,
              new Document("leadId", lead)
                  .append("composer", "person")
                  .append("by", "Bruno (bruno)")
                  .append("status", "composed")
                  .append("createdAt", java.util.Date.from(t0.plusSeconds(90))));
      held.answered(lead, t0.plusSeconds(90), "Bruno (bruno)", "bruno", "k2-" + lead, null);
    }

    // The first answer's failed status redelivered, both ways.
    processor.process(failed("wamid.out-L-draft"));
    processor.processBatch(List.of(failed("wamid.out-L-draft-batch")));

    for (String lead : List.of("L-draft", "L-draft-batch")) {
      Document draft = drafts.find(new Document("leadId", lead)).first();
      assertThat(draft.getString("status")).as(lead).isEqualTo(HeldDrafts.SUPERSEDED);
      assertThat(draft.get(HeldDrafts.SUPERSEDED_BY, Document.class).getString("key"))
          .isEqualTo("k2-" + lead);
    }
  }

  /**
   * A rep sends the agent's draft (it is {@code used}); when Meta then reports that message failed,
   * the lead had neither the answer nor the draft: it stayed used. The failed status (one at a time
   * or in a batch) puts the draft it sent back to held once, why kept as {@code restoredFrom}; a
   * redelivered status changes nothing. Not when another person's message was queued since (it
   * stays used), nor when the run ended since (superseded by the end).
   */
  @Test
  void aFailedAnswerThatSentADraftPutsItBackToHeldOnceUnlessAnsweredOrEndedSince() {
    var drafts = MONGO.database().getCollection(KnowledgeActivitiesImpl.DRAFTS);
    var held = new HeldDrafts(MONGO.database());
    List<String> leads = List.of("L-used", "L-used-batch", "L-used-answered", "L-used-ended");
    for (int i = 0; i < leads.size(); i++) {
      String lead = leads.get(i);
      store.insertContact(
          new Document("leadId", lead)
              .append("phone", "+551190000040" + i)
              .append("stage", "in_conversation"));
      drafts.insertOne(
          new Document("_id", lead + ":wamid.in-1")
              .append("leadId", lead)
              .append("replyMessageId", "wamid.in-1")
              .append("text", "Our plans start at 49 a month.")
              .append("status", HeldDrafts.HELD)
              .append("createdAt", java.util.Date.from(t0)));
      store
          .messages()
          .upsertComposed(
              "k-" + lead,
              new Document("leadId", lead)
                  .append("composer", "person")
                  .append("by", "Ana (ana)")
                  .append("status", "composed")
                  .append("createdAt", java.util.Date.from(t0.plusSeconds(5))));
      store.messages().markAccepted("k-" + lead, "wamid.out-" + lead, null, "text", t0);
      assertThat(held.use(lead + ":wamid.in-1", lead, "k-" + lead, "Ana (ana)", t0.plusSeconds(5)))
          .isTrue();
      held.answered(lead, t0.plusSeconds(5), "Ana (ana)", "ana", "k-" + lead, lead + ":wamid.in-1");
    }
    // Bruno answers L-used-answered since; L-used-ended's run ends.
    store
        .messages()
        .upsertComposed(
            "k2-L-used-answered",
            new Document("leadId", "L-used-answered")
                .append("composer", "person")
                .append("by", "Bruno (bruno)")
                .append("status", "composed")
                .append("createdAt", java.util.Date.from(t0.plusSeconds(30))));
    store
        .contacts()
        .updateOne(
            new Document("leadId", "L-used-ended"),
            new Document("$set", new Document("stage", "lost")));

    for (int round = 0; round < 2; round++) { // the second: every status redelivered
      processor.process(failed("wamid.out-L-used"));
      processor.processBatch(List.of(failed("wamid.out-L-used-batch")));
      processor.process(failed("wamid.out-L-used-answered"));
      processor.process(failed("wamid.out-L-used-ended"));

      for (String lead : List.of("L-used", "L-used-batch")) {
        Document draft = drafts.find(new Document("leadId", lead)).first();
        assertThat(draft.getString("status")).as(lead + " held again").isEqualTo(HeldDrafts.HELD);
        assertThat(draft.get(HeldDrafts.USED_BY)).isNull();
        Document why = draft.get("restoredFrom", Document.class);
        assertThat(why.getString("status")).isEqualTo(HeldDrafts.USED);
        assertThat(why.getString("key")).isEqualTo("k-" + lead);
        assertThat(why.getString("by")).isEqualTo("Ana (ana)");
      }
      Document answered = drafts.find(new Document("leadId", "L-used-answered")).first();
      assertThat(answered.getString("status")).isEqualTo(HeldDrafts.USED);
      Document ended = drafts.find(new Document("leadId", "L-used-ended")).first();
      assertThat(ended.getString("status")).isEqualTo(HeldDrafts.SUPERSEDED);
      assertThat(ended.get(HeldDrafts.SUPERSEDED_BY, Document.class).getString("stage"))
          .isEqualTo("lost");
    }
    // Used again by Bruno's message, then the first one's failed status once more: still used.
    assertThat(
            held.use(
                "L-used:wamid.in-1", "L-used", "k3-L-used", "Bruno (bruno)", t0.plusSeconds(90)))
        .isTrue();
    processor.process(failed("wamid.out-L-used"));
    assertThat(drafts.find(new Document("leadId", "L-used")).first().getString("status"))
        .isEqualTo(HeldDrafts.USED);
  }

  /**
   * An answer queued while the run was live fails after the run ended: its drafts are not offered
   * again (the end would have superseded them): they stay superseded, by the end.
   */
  @Test
  void aFailedAnswerOfARunThatEndedSinceLeavesItsDraftsSupersededByTheEnd() {
    var drafts = MONGO.database().getCollection(KnowledgeActivitiesImpl.DRAFTS);
    store.insertContact(
        new Document("leadId", "L-ended")
            .append("phone", "+5511900000311")
            .append("stage", "lost"));
    drafts.insertOne(
        new Document("_id", "L-ended:wamid.in-1")
            .append("leadId", "L-ended")
            .append("status", HeldDrafts.HELD)
            .append("createdAt", java.util.Date.from(t0)));
    store
        .messages()
        .upsertComposed(
            "k-ended",
            new Document("leadId", "L-ended")
                .append("composer", "person")
                .append("status", "composed")
                .append("createdAt", java.util.Date.from(t0.plusSeconds(5))));
    store.messages().markAccepted("k-ended", "wamid.out-L-ended", null, "text", t0);
    new HeldDrafts(MONGO.database())
        .answered("L-ended", t0.plusSeconds(5), "Ana (ana)", "ana", "k-ended", null);

    processor.process(failed("wamid.out-L-ended"));

    Document draft = drafts.find(new Document("leadId", "L-ended")).first();
    assertThat(draft.getString("status")).isEqualTo(HeldDrafts.SUPERSEDED);
    assertThat(draft.get(HeldDrafts.SUPERSEDED_BY, Document.class).getString("stage"))
        .isEqualTo("lost");
  }

  /**
   * Found by the QA walk: a rep's answer that Meta failed (131026) counted its lead {@code failed}
   * in the campaign's funnel ("failed 2" beside "delivered 30", no lead failed) and against the
   * variant. A person's message is not the sequence's: its failure is recorded on the message and
   * the timeline, in both paths, and counted nowhere; the sequence's own failure still counts.
   */
  @Test
  void aPersonsFailedAnswerCountsTheLeadFailedNowhereInBothPaths() {
    Map<String, String> phones =
        Map.of(
            "P-single", "+5511900000221", "P-batch", "+5511900000222", "P-agent", "+5511900000223");
    for (String lead : List.of("P-single", "P-batch", "P-agent")) {
      store.insertContact(
          new Document("leadId", lead)
              .append("phone", phones.get(lead))
              .append("campaignId", "qa-walk")
              .append("segment", "smb")
              .append("stage", "in_conversation"));
      Document composed =
          new Document("leadId", lead)
              .append("campaignId", "qa-walk")
              .append("variantId", "v-qa")
              .append("status", "composed");
      if (!lead.equals("P-agent")) {
        composed.append("composer", "person").append("purpose", "owner_reply");
      }
      store.messages().upsertComposed("k-" + lead, composed);
      store.messages().markAccepted("k-" + lead, "wamid.out-" + lead, null, "text", t0);
    }

    processor.process(failed("wamid.out-P-single"));
    processor.processBatch(List.of(failed("wamid.out-P-batch")));

    var funnel = new com.salesagent.activities.mongo.FunnelStats(MONGO.database());
    assertThat(funnel.totals("qa-walk", null, null).getOrDefault("failed", 0L))
        .as("a rep's failed answers count no lead failed")
        .isEqualTo(0L);
    assertThat(counter("v-qa", "failed")).as("nor against the variant").isZero();
    for (String lead : List.of("P-single", "P-batch")) {
      assertThat(store.messages().collection().find(new Document("wamid", "wamid.out-" + lead)))
          .extracting(m -> m.getString("status"))
          .as(lead + "'s message")
          .containsExactly("failed");
    }

    // The sequence's own message failing still counts the lead failed, once.
    processor.processBatch(List.of(failed("wamid.out-P-agent")));
    assertThat(funnel.totals("qa-walk", null, null)).containsEntry("failed", 1L);
    assertThat(counter("v-qa", "failed")).isEqualTo(1);
  }

  /**
   * An SRE could not alert on WhatsApp's failures (the ops walk: no metric split statuses):
   * sales_agent_messages_failed_total{code} counts each failed status once by Meta's code, in both
   * paths; the same event processed again is not counted again.
   */
  @Test
  void aFailedStatusIsCountedByItsCodeOnceInBothPaths() {
    var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    io.micrometer.core.instrument.Metrics.addRegistry(registry);
    try {
      for (String lead : List.of("M-single", "M-batch")) {
        store.insertContact(
            new Document("leadId", lead)
                .append("phone", lead.equals("M-single") ? "+5511900000231" : "+5511900000232")
                .append("campaignId", "sre")
                .append("stage", "awaiting_response"));
        store
            .messages()
            .upsertComposed(
                "k-" + lead,
                new Document("leadId", lead)
                    .append("campaignId", "sre")
                    .append("variantId", "v-sre")
                    .append("status", "composed"));
        store.messages().markAccepted("k-" + lead, "wamid.out-" + lead, null, "text", t0);
      }
      processor.process(failed("wamid.out-M-single"));
      processor.processBatch(List.of(failed("wamid.out-M-batch")));
      // Retried after its effects were applied (a later step failed): not counted again.
      InboxEvent f = failed("wamid.out-M-batch");
      processor.processBatch(
          List.of(new InboxEvent(f.eventKey(), f.item(), f.receivedAt(), true, () -> {})));

      var counter = registry.find("sales_agent.messages.failed").tag("code", "131026").counter();
      assertThat(counter).as("counted by Meta's code").isNotNull();
      assertThat(counter.count()).isEqualTo(2.0);
    } finally {
      io.micrometer.core.instrument.Metrics.removeRegistry(registry);
    }
  }

  private InboxEvent failed(String wamid) {
    Document item =
        new Document("id", wamid)
            .append("status", "failed")
            .append("timestamp", String.valueOf(t0.plusSeconds(60).getEpochSecond()))
            .append("recipient_id", "5511900000000")
            .append(
                "errors",
                List.of(new Document("code", 131026).append("title", "Message undeliverable")));
    return new InboxEvent(wamid + ":failed", item, t0, false, () -> {});
  }
}
