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
import com.salesagent.activities.variants.Assisted;
import com.salesagent.activities.variants.AwaitingOutcome;
import com.salesagent.activities.variants.Interest;
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
 * variant is taken off its trials ({@code switched}); sent nothing yet, it is a clean trial of the
 * new variant; sent the old variant's message, it is a trial of neither and its reply counts for no
 * variant; a lead that replied already stays the old variant's. The recount agrees.
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

  @Test
  void aLeadSwitchedAfterItsFirstMessageIsNoTrialOfEitherVariant() {
    String old = leads.assignVariant("sent", "smb").variantId();
    new FunnelStats(db).reach("sent", "sent", NOW);
    disable(old);

    VariantAssignment now = leads.reassignVariant("sent", "smb");
    // A rep writing to it before its reply takes nothing more out: its new variant never counted
    // it.
    assertThat(new Assisted(db).mark("sent", NOW.plusSeconds(30))).isFalse();
    replied("sent", now.variantId(), NOW.plusSeconds(60));
    assertThat(count(now.variantId(), "assisted")).isZero();

    assertThat(now.variantId()).isNotEqualTo(old);
    assertThat(totals(old)).containsEntry("assigned", 1L).containsEntry("switched", 1L);
    assertThat(count(old, "replied")).isZero();
    assertThat(AwaitingOutcome.measured(totals(old))).isZero();
    assertThat(List.of("assigned", "replied", "interested"))
        .as("no trial, no reply of the variant it was moved to")
        .allSatisfy(c -> assertThat(count(now.variantId(), c)).as(c).isZero());
    assertThat(store.contact("sent").get("switchedAt")).isNotNull();
    // The funnel still counts the reply: it happened.
    assertThat(new FunnelStats(db).totals(null, null, null)).containsEntry("replied", 1L);

    // Its new variant switched off too: counted once per lead, nothing more.
    disable(now.variantId());
    String third = leads.reassignVariant("sent", "smb").variantId();
    assertThat(count(now.variantId(), "switched") + count(now.variantId(), "assigned")).isZero();
    assertThat(count(third, "switched") + count(third, "assigned")).isZero();

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
