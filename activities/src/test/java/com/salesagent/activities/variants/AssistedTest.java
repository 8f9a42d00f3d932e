package com.salesagent.activities.variants;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.Interactions;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lead a person wrote to before its first reply ({@link Assisted}) is out of its variant's
 * evidence: counted once as assisted, its reply and interest not counted, no trial for the bandit,
 * and the recount from the history agrees. A person's message after the lead's first reply changes
 * nothing.
 */
class AssistedTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final LocalDate DAY1 = LocalDate.of(2026, 11, 24);
  private static final LocalDate DAY2 = LocalDate.of(2026, 11, 25);
  private static final Instant T1 = Instant.parse("2026-11-24T09:00:00Z");
  private static final Instant T2 = Instant.parse("2026-11-25T10:00:00Z");

  private MongoDatabase db;
  private LeadStore store;
  private VariantStats stats;
  private Assisted assisted;

  @BeforeEach
  void setUp() {
    db = MONGO.database();
    MongoSchema.ensure(db);
    store = new LeadStore(db);
    stats = new VariantStats(db);
    assisted = new Assisted(db);
    // helped: a rep writes before its reply; first: it replies, then a rep writes; waiting: no
    // reply yet.
    for (String lead : List.of("helped", "first", "waiting")) {
      db.getCollection(Collections.CONTACTS)
          .insertOne(
              new Document("leadId", lead)
                  .append("campaignId", "c1")
                  .append("segment", "retail")
                  .append("variantId", "v1")
                  .append("stage", "awaiting_response"));
      counted(lead, "assigned", "assigned", T1);
      counted(lead, "message_sent", "sent", T1.plusSeconds(1));
    }
  }

  /** What the activities do: one history event, one increment. */
  private void counted(String lead, String type, String counter, Instant at) {
    store.interactions().recordInteraction(lead, "c1", "v1", type, null, null, at);
    stats.increment("v1", "retail", counter, at);
  }

  /** What the inbox does with a reply (MessageProcessor.record), then the lead's stage. */
  private void replied(String lead, String intent, Instant at) {
    new Interest(db).countReply(lead, "v1", "retail", intent, at);
    store
        .interactions()
        .recordInteractions(
            List.of(
                Interest.tagged(
                    Interactions.interaction(lead, "c1", "v1", "replied", null, null, at),
                    intent)));
    db.getCollection(Collections.CONTACTS)
        .updateOne(Filters.eq("leadId", lead), Updates.set("stage", "interested"));
  }

  @Test
  void aLeadARepWroteToBeforeItsReplyIsTakenOutOfTheVariantsTrialsAndSuccesses() {
    assertThat(assisted.mark("helped", T1.plusSeconds(60))).isTrue();
    replied("helped", "interested", T2);
    replied("first", "interested", T1.plusSeconds(90));
    // The rep answers the lead that replied: the conversation, not a mark.
    assertThat(assisted.mark("first", T1.plusSeconds(120))).isFalse();
    // A second message of the rep to the helped lead marks nothing more.
    assertThat(assisted.mark("helped", T2.plusSeconds(60))).isFalse();

    Map<String, Long> v1 = stats.totals("retail").get("v1");
    assertThat(v1)
        .containsEntry("assigned", 3L)
        .containsEntry(Assisted.COUNTER, 1L)
        .as("only the lead that answered the variant")
        .containsEntry("replied", 1L)
        .containsEntry("interested", 1L);
    // The campaign's funnel still counts both replies: they happened.
    assertThat(new FunnelStats(db).totals(null, null, null)).containsEntry("replied", 2L);
    assertThat(store.contact("helped").getDate(Assisted.FIELD))
        .isEqualTo(Date.from(T1.plusSeconds(60)));
    assertThat(store.contact("first").get(Assisted.FIELD)).isNull();

    // The bandit: one trial ("first", a success); "helped" is none; "waiting" still waits.
    Arm arm =
        new AwaitingOutcome(db)
            .arms("retail", stats.totals("retail"), Map.of("v1", 1.0), Reward.REPLY)
            .get("v1");
    assertThat(arm.trials()).isEqualTo(1);
    assertThat(arm.successes()).isEqualTo(1);
    assertThat(arm.awaiting()).isEqualTo(1);
    Arm onInterest =
        new AwaitingOutcome(db)
            .arms("retail", stats.totals("retail"), Map.of("v1", 1.0), Reward.INTERESTED)
            .get("v1");
    assertThat(onInterest.trials()).isEqualTo(1);
    assertThat(onInterest.successes()).isEqualTo(1);

    // The recount from the history says the same, assisted included.
    Map<VariantStats.Key, Map<String, Long>> recomputed = stats.recompute(DAY1, DAY2);
    assertThat(recomputed).isEqualTo(stats.stored(DAY1, DAY2));
    assertThat(recomputed.get(new VariantStats.Key("v1", "retail", "2026-11-24")))
        .containsEntry(Assisted.COUNTER, 1L)
        .containsEntry("replied", 1L);
    assertThat(recomputed.get(new VariantStats.Key("v1", "retail", "2026-11-25"))).isNull();
    assertThat(stats.rebuild(DAY1, DAY2)).isZero();
  }

  /**
   * A lead moved to another segment after a rep wrote to it, whose mark is counted after the move
   * (the acceptance time of the rep's message known late): the mark counted in the segment the lead
   * was in at processing time while the recount puts it in the one it was in at the mark's time, so
   * the counters check disagreed. It is counted where the recount counts it.
   */
  @Test
  void aMarkCountedAfterASegmentMoveCountsInTheSegmentOfItsTime() {
    SegmentMoves.move(
        db.getCollection(Collections.CONTACTS),
        "helped",
        "retail",
        "smb",
        Date.from(T1.plusSeconds(30)));
    assertThat(assisted.mark("helped", T1.plusSeconds(10))).isTrue();

    assertThat(stats.totals("retail").get("v1")).containsEntry(Assisted.COUNTER, 1L);
    assertThat(stats.totals("smb")).doesNotContainKey("v1");
    assertThat(stats.recompute(DAY1, DAY2)).isEqualTo(stats.stored(DAY1, DAY2));
  }

  /**
   * The order the counters see decides: a reply counted a moment before the rep's message leaves
   * the lead the variant's (it answered the variant); the mark is refused. The other order is the
   * test above: a reply after the mark is not counted.
   */
  @Test
  void aReplyCountedJustBeforeTheRepsMessageKeepsTheLeadTheVariants() {
    replied("helped", "other", T1.plusSeconds(59));
    assertThat(assisted.mark("helped", T1.plusSeconds(60))).isFalse();

    assertThat(stats.totals("retail").get("v1"))
        .containsEntry("replied", 1L)
        .containsEntry(Assisted.COUNTER, 0L);
    assertThat(stats.recompute(DAY1, DAY2)).isEqualTo(stats.stored(DAY1, DAY2));
  }

  /**
   * Webhooks come late: a reply the lead wrote (WhatsApp's timestamp) before the rep's message was
   * accepted, processed after the mark, answered the variant: the mark is undone, the reply and its
   * interest count for the variant, the assisted count is taken back; once, whatever retries (a
   * retry that finds the reply marked but the mark not undone finishes it). In the same second it
   * is no proof of which came first: the lead stays assisted. The recount agrees.
   */
  @Test
  void aReplyWrittenBeforeTheRepsMessageButProcessedAfterItKeepsTheLeadTheVariants() {
    // waiting: the rep's message accepted at +120 s, the reply written at +60 s, processed after.
    assertThat(assisted.mark("waiting", T1.plusSeconds(120))).isTrue();
    replied("waiting", "interested", T1.plusSeconds(60));
    // The same event again (a retry): nothing more.
    replied("waiting", "interested", T1.plusSeconds(60));
    // helped: the reply written in the second the rep's message was accepted: no proof.
    assertThat(assisted.mark("helped", T1.plusSeconds(60).plusMillis(400))).isTrue();
    replied("helped", "interested", T1.plusSeconds(60));

    assertThat(store.contact("waiting").get(Assisted.FIELD)).isNull();
    assertThat(store.contact("helped").get(Assisted.FIELD)).isNotNull();
    assertThat(stats.totals("retail").get("v1"))
        .as("a reply written before the rep's message counts, one in the same second does not")
        .containsEntry("replied", 1L)
        .containsEntry("interested", 1L)
        .containsEntry(Assisted.COUNTER, 1L);
    Arm arm =
        new AwaitingOutcome(db)
            .arms("retail", stats.totals("retail"), Map.of("v1", 1.0), Reward.REPLY)
            .get("v1");
    assertThat(arm.trials()).isEqualTo(1);
    assertThat(arm.successes()).isEqualTo(1);
    assertThat(stats.recompute(DAY1, DAY2)).isEqualTo(stats.stored(DAY1, DAY2));
  }

  /**
   * A retry whose first attempt marked the reply (written before the rep's message) but stopped
   * before undoing the assisted mark: the contact as the inbox read it tells, and the retry
   * finishes it, once.
   */
  @Test
  void aRetryFinishesTheUndoOfAMarkTheReplyCameBefore() {
    assertThat(assisted.mark("first", T1.plusSeconds(120))).isTrue();
    new FunnelStats(db).reach("first", "replied", T1.plusSeconds(61));
    for (int attempt = 0; attempt < 2; attempt++) {
      new Interest(db)
          .countReply("first", "v1", "retail", "other", T1.plusSeconds(61), store.contact("first"));
    }
    store
        .interactions()
        .recordInteraction("first", "c1", "v1", "replied", null, null, T1.plusSeconds(61));

    assertThat(store.contact("first").get(Assisted.FIELD)).isNull();
    assertThat(stats.totals("retail").get("v1"))
        .containsEntry("replied", 1L)
        .containsEntry(Assisted.COUNTER, 0L);
    assertThat(stats.recompute(DAY1, DAY2)).isEqualTo(stats.stored(DAY1, DAY2));
  }

  /** The recount takes an assisted lead's conversion out, as the outcome's counting does. */
  @Test
  void anAssistedLeadsConversionIsNotTheVariantsInTheRecount() {
    assisted.mark("helped", T1.plusSeconds(60));
    replied("helped", "interested", T2);
    // Converted "first" (counted) and "helped" (an assisted lead: not counted, LeadOutcomes).
    counted("first", "converted", "converted", T2.plusSeconds(10));
    store
        .interactions()
        .recordInteraction("helped", "c1", "v1", "converted", null, null, T2.plusSeconds(20));

    Map<VariantStats.Key, Map<String, Long>> recomputed = stats.recompute(DAY1, DAY2);

    assertThat(recomputed).isEqualTo(stats.stored(DAY1, DAY2));
    assertThat(recomputed.get(new VariantStats.Key("v1", "retail", "2026-11-25")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("converted", 1L));
  }

  /**
   * The contextual strategy's evidence leaves the assisted leads out: twenty leads that replied
   * only after a rep wrote to them are no success of the variant, so with twenty that did not reply
   * the variant's predicted rate is near zero, not a half.
   */
  @Test
  void theContextualEvidenceLeavesAssistedLeadsOut() {
    var contacts = db.getCollection(Collections.CONTACTS);
    Date at = Date.from(T1);
    for (int i = 0; i < 40; i++) {
      Document lead =
          new Document("leadId", "ctx-" + i)
              .append("variantId", "ctx")
              .append("variantContext", new Document("seniority", "vp"));
      if (i % 2 == 0) {
        lead.append("stage", "replied")
            .append("funnel", new Document("replied", at))
            .append(Assisted.FIELD, at);
      } else {
        lead.append("stage", "no_response");
      }
      contacts.insertOne(lead);
    }

    LinearThompson model = new ContextEvidence(db, () -> 0L).model(1.0, 0.0, Reward.REPLY);

    assertThat(model.posterior("ctx", Map.of("seniority", "vp"))[0]).isLessThan(0.1);
  }

  /**
   * The kill switch between the mark and a late reply: a lead marked assisted on v1 (v1 holds its
   * {@code assisted} count) is moved to v2; the reply it wrote before the rep's message comes
   * after. The undo takes the count back from v1, not v2; the reply counts for v1 and the lead
   * stays v1's evidence (its later interest and conversion too). The recount agrees.
   */
  @Test
  void aLateReplyAfterTheKillSwitchTakesTheAssistedCountBackFromTheVariantThatHoldsIt() {
    assertThat(assisted.mark("waiting", T1.plusSeconds(120))).isTrue();
    // The kill switch disables v1: the lead moves to v2 (LeadActivitiesImpl.reassignVariant).
    new Switched(db).switchOff(store.contact("waiting"), "v1", "retail", T1.plusSeconds(200));
    db.getCollection(Collections.CONTACTS)
        .updateOne(Filters.eq("leadId", "waiting"), Updates.set("variantId", "v2"));
    store
        .interactions()
        .recordInteraction("waiting", "c1", "v2", "reassigned", null, null, T1.plusSeconds(200));
    // The reply written at +60 s answers v1's message (MessageProcessor.answeredVariant).
    new Interest(db)
        .countReply(
            "waiting", "v1", "retail", "other", T1.plusSeconds(60), store.contact("waiting"));
    store
        .interactions()
        .recordInteraction("waiting", "c1", "v1", "replied", null, null, T1.plusSeconds(60));

    assertThat(store.contact("waiting").get(Assisted.FIELD)).isNull();
    Map<String, Map<String, Long>> totals = stats.totals("retail");
    assertThat(totals.get("v1")).containsEntry(Assisted.COUNTER, 0L).containsEntry("replied", 1L);
    assertThat(totals.getOrDefault("v2", Map.of()).getOrDefault(Assisted.COUNTER, 0L))
        .as("v2 never counted the lead assisted: nothing to take back there")
        .isZero();
    assertThat(Switched.evidenceVariant(store.contact("waiting")))
        .as("the lead is v1's evidence after all")
        .isEqualTo("v1");
    assertThat(stats.recompute(DAY1, DAY2)).isEqualTo(stats.stored(DAY1, DAY2));
  }
}
