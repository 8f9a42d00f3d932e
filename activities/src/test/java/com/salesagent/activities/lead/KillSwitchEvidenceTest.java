package com.salesagent.activities.lead;

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
import com.salesagent.activities.mongo.Seeds;
import com.salesagent.activities.variants.Arm;
import com.salesagent.activities.variants.Assisted;
import com.salesagent.activities.variants.AwaitingOutcome;
import com.salesagent.activities.variants.Interest;
import com.salesagent.activities.variants.Switched;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.workflows.lead.VariantAssignment;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kill switch ({@code reassignVariant}) and the variants' evidence: a lead moved off a disabled
 * variant before its first message is taken off its trials ({@code switched}) and is a clean trial
 * of the new variant; sent the old variant's message, or replied already, it stays the old
 * variant's trial and evidence, never the new one's. The recount agrees.
 */
class KillSwitchEvidenceTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static final LocalDate DAY = LocalDate.of(2026, 11, 25);

  private MongoDatabase db;
  private LeadStore store;
  private VariantStats stats;
  private LeadActivitiesImpl leads;

  @BeforeEach
  void setUp() {
    db = MONGO.database();
    MongoSchema.ensure(db);
    Seeds.ensure(db, LeadActivitiesTest.defaults());
    store = new LeadStore(db);
    stats = new VariantStats(db);
    leads = new LeadActivitiesImpl(store, Clock.fixed(NOW, ZoneOffset.UTC));
    for (String lead : List.of("sent", "unsent", "answered")) {
      store.insertContact(
          new Document("leadId", lead)
              .append("phone", "+1555000000" + lead.length())
              .append("campaignId", "c-1")
              .append("segment", "smb"));
    }
  }

  private void disable(String variantId) {
    db.getCollection(Collections.PROMPT_VARIANTS)
        .updateOne(Filters.eq("variantId", variantId), Updates.set("enabled", false));
  }

  /** What the inbox does with a reply: the counters, then the history event. */
  private void replied(String lead, String variantId, Instant at) {
    new Interest(db).countReply(lead, variantId, "smb", "interested", at);
    store
        .interactions()
        .recordInteractions(
            List.of(
                Interest.tagged(
                    Interactions.interaction(lead, "c-1", variantId, "replied", null, null, at),
                    "interested")));
  }

  private Map<String, Long> totals(String variantId) {
    return stats.totals("smb").getOrDefault(variantId, Map.of());
  }

  private long count(String variantId, String counter) {
    return totals(variantId).getOrDefault(counter, 0L);
  }

  /**
   * A lead sent the old variant's message received it: it stays that variant's trial, waiting for
   * its reply as the variant's, and its reply (whichever variant's follow-up it answers: the inbox
   * counts it for the evidence variant) is the old variant's. Before, it was taken off the old
   * variant's trials while the leads that had replied before the switch stayed: the variant kept
   * its replies and lost its non-replies, and its reply rate jumped when it was switched off.
   */
  @Test
  void aLeadSwitchedAfterItsFirstMessageStaysTheOldVariantsTrial() {
    String old = leads.assignVariant("sent", "smb").variantId();
    new FunnelStats(db).reach("sent", "sent", NOW);
    disable(old);

    VariantAssignment now = leads.reassignVariant("sent", "smb");

    assertThat(now.variantId()).isNotEqualTo(old);
    Document contact = store.contact("sent");
    assertThat(contact.getString(Switched.EVIDENCE)).isEqualTo(old);
    assertThat(contact.get("switchedAt")).isNull();
    assertThat(count(old, "switched")).as("not taken off its trials").isZero();
    assertThat(AwaitingOutcome.measured(totals(old))).isEqualTo(1L);
    assertThat(count(now.variantId(), "assigned")).as("no trial of the new variant").isZero();
    Map<String, Arm> arms =
        new AwaitingOutcome(db)
            .arms("smb", stats.totals("smb"), Map.of(old, 1.0, now.variantId(), 1.0));
    assertThat(arms.get(old).awaiting()).as("waits for its reply as the old variant's").isOne();
    assertThat(arms.get(now.variantId()).assigned()).isZero();

    // Its reply, as the inbox counts it: for the variant whose evidence the lead is.
    replied("sent", Switched.evidenceVariant(store.contact("sent")), NOW.plusSeconds(60));
    assertThat(totals(old)).containsEntry("replied", 1L).containsEntry("interested", 1L);
    assertThat(List.of("assigned", "replied", "interested"))
        .allSatisfy(c -> assertThat(count(now.variantId(), c)).as(c).isZero());

    // Its new variant switched off too: nothing more is counted, it stays the first one's.
    disable(now.variantId());
    String third = leads.reassignVariant("sent", "smb").variantId();
    assertThat(count(now.variantId(), "switched") + count(now.variantId(), "assigned")).isZero();
    assertThat(count(third, "switched") + count(third, "assigned")).isZero();
    assertThat(store.contact("sent").getString(Switched.EVIDENCE)).isEqualTo(old);

    assertThat(stats.recompute(DAY, DAY)).isEqualTo(stats.stored(DAY, DAY));
  }

  /**
   * A rep who writes to a lead moved after its first message, before its reply, takes it out of the
   * evidence of the variant whose trial it is (the old one), not of the one that never counted it.
   */
  @Test
  void aLeadSwitchedAfterItsFirstMessageAndThenAssistedLeavesTheOldVariantsTrials() {
    String old = leads.assignVariant("sent", "smb").variantId();
    new FunnelStats(db).reach("sent", "sent", NOW);
    disable(old);
    String moved = leads.reassignVariant("sent", "smb").variantId();

    assertThat(new Assisted(db).mark("sent", NOW.plusSeconds(30))).isTrue();

    assertThat(totals(old)).containsEntry("assigned", 1L).containsEntry("assisted", 1L);
    assertThat(AwaitingOutcome.measured(totals(old))).isZero();
    assertThat(count(moved, "assisted")).isZero();
    assertThat(stats.recompute(DAY, DAY)).isEqualTo(stats.stored(DAY, DAY));
  }

  @Test
  void aLeadSwitchedBeforeAnySendIsACleanTrialOfTheNewVariantOnly() {
    String old = leads.assignVariant("unsent", "smb").variantId();
    disable(old);

    VariantAssignment now = leads.reassignVariant("unsent", "smb");
    replied("unsent", now.variantId(), NOW.plusSeconds(60));

    assertThat(totals(old)).containsEntry("assigned", 1L).containsEntry("switched", 1L);
    assertThat(AwaitingOutcome.measured(totals(old))).isZero();
    assertThat(totals(now.variantId()))
        .containsEntry("assigned", 1L)
        .containsEntry("replied", 1L)
        .containsEntry("interested", 1L);
    assertThat(store.contact("unsent").get("switchedAt")).isNull();
    long assigned =
        stats.totals("smb").values().stream().mapToLong(t -> t.getOrDefault("assigned", 0L)).sum();
    long measured =
        stats.totals("smb").values().stream().mapToLong(AwaitingOutcome::measured).sum();
    assertThat(measured).as("one lead, one trial").isEqualTo(1L).isLessThan(assigned);

    assertThat(stats.recompute(DAY, DAY)).isEqualTo(stats.stored(DAY, DAY));
  }

  @Test
  void aLeadThatRepliedStaysTheOldVariantsEvidence() {
    String old = leads.assignVariant("answered", "smb").variantId();
    new FunnelStats(db).reach("answered", "sent", NOW);
    replied("answered", old, NOW.plusSeconds(30));
    disable(old);

    VariantAssignment now = leads.reassignVariant("answered", "smb");

    assertThat(totals(old)).containsEntry("assigned", 1L).containsEntry("replied", 1L);
    assertThat(count(old, "switched")).isZero();
    assertThat(count(now.variantId(), "assigned")).isZero();
    assertThat(stats.recompute(DAY, DAY)).isEqualTo(stats.stored(DAY, DAY));
  }

  /**
   * On the conversion reward a lead that replied and is still in its conversation is a trial to
   * come: switched after its reply, it is waiting as the old variant's (whose evidence it stays),
   * not counted as a lost trial there nor as waiting for the variant it was moved to.
   */
  @Test
  void aLeadThatRepliedAndWasSwitchedWaitsForItsConversionAsTheOldVariants() {
    String old = leads.assignVariant("answered", "smb").variantId();
    new FunnelStats(db).reach("answered", "sent", NOW);
    replied("answered", old, NOW.plusSeconds(30));
    disable(old);
    String moved = leads.reassignVariant("answered", "smb").variantId();

    Map<String, com.salesagent.activities.variants.Arm> arms =
        new AwaitingOutcome(db)
            .arms(
                "smb",
                stats.totals("smb"),
                Map.of(old, 1.0, moved, 1.0),
                com.salesagent.activities.variants.Reward.CONVERSION);

    assertThat(arms.get(old).trials()).as("no conversion yet: not a lost trial").isZero();
    assertThat(arms.get(old).awaiting()).isEqualTo(1L);
    assertThat(arms.get(moved).awaiting()).as("never its trial").isZero();
  }
}
