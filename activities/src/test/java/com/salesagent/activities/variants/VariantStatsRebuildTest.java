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
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The aggregation over interaction_history against the counters kept with $inc. */
class VariantStatsRebuildTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final LocalDate DAY1 = LocalDate.of(2026, 11, 24);
  private static final LocalDate DAY2 = LocalDate.of(2026, 11, 25);
  private static final Instant T1 = Instant.parse("2026-11-24T09:00:00Z");
  private static final Instant T2 = Instant.parse("2026-11-25T23:59:00Z");

  private MongoDatabase db;
  private LeadStore store;
  private VariantStats stats;

  @BeforeEach
  void setUp() {
    db = MONGO.database();
    MongoSchema.ensure(db);
    store = new LeadStore(db);
    stats = new VariantStats(db);
    db.getCollection("contacts")
        .insertMany(
            java.util.List.of(
                new Document("leadId", "l1").append("segment", "retail"),
                new Document("leadId", "l2").append("segment", "retail"),
                new Document("leadId", "l3")));
  }

  /** What the activities and the webhook inbox do: one history event, one increment. */
  private void counted(String lead, String variant, String type, String counter, Instant at) {
    store.interactions().recordInteraction(lead, "c1", variant, type, null, null, at);
    Document contact = store.contact(lead);
    stats.increment(variant, contact.getString("segment"), counter, at);
  }

  private void seed() {
    for (String lead : java.util.List.of("l1", "l2", "l3")) {
      String v = lead.equals("l2") ? "v2" : "v1";
      counted(lead, v, "assigned", "assigned", T1);
      counted(lead, v, "message_sent", "sent", T1.plusSeconds(1));
      // The webhook's "sent" status is history only: the send counted it already.
      store.interactions().recordInteraction(lead, "c1", v, "sent", null, null, T1.plusSeconds(2));
      counted(lead, v, "delivered", "delivered", T1.plusSeconds(3));
    }
    counted("l1", "v1", "read", "read", T1.plusSeconds(4));
    counted("l1", "v1", "replied", "replied", T1.plusSeconds(5));
    // A second reply and a reaction are history, not a new "replied".
    store.interactions().recordInteraction("l1", "c1", "v1", "replied", null, null, T2);
    store
        .interactions()
        .recordInteraction("l2", "c1", "v2", "reaction", null, null, T2.minusSeconds(60));
    counted("l2", "v2", "replied", "replied", T2);
    counted("l3", "v1", "opted_out", "opted_out", T2);
    counted("l3", "v1", "failed", "failed", T2.minusSeconds(5));
    store.interactions().recordInteraction("l3", "c1", "v1", "outcome", null, null, T2);
  }

  @Test
  void theAggregationAgreesWithTheIncrementalCounters() {
    seed();

    Map<VariantStats.Key, Map<String, Long>> recomputed = stats.recompute(DAY1, DAY2);

    assertThat(recomputed).isEqualTo(stats.stored(DAY1, DAY2));
    assertThat(recomputed.get(new VariantStats.Key("v1", "retail", "2026-11-24")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("assigned", 1L, "sent", 1L, "delivered", 1L, "read", 1L, "replied", 1L));
    assertThat(recomputed.get(new VariantStats.Key("v1", "default", "2026-11-25")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("opted_out", 1L, "failed", 1L));
    assertThat(recomputed.get(new VariantStats.Key("v2", "retail", "2026-11-25")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("replied", 1L));
  }

  @Test
  void aRangeCountsOnlyItsDaysAndOnlyFirstReplies() {
    seed();

    Map<VariantStats.Key, Map<String, Long>> day2 = stats.recompute(DAY2, DAY2);

    assertThat(day2).isEqualTo(stats.stored(DAY2, DAY2));
    // l1 replied again on day 2, but its first reply was on day 1.
    assertThat(day2).doesNotContainKey(new VariantStats.Key("v1", "retail", "2026-11-25"));
    assertThat(day2.keySet()).allMatch(k -> k.day().equals("2026-11-25"));
  }

  @Test
  void aRebuildRepairsDriftedCountersAndSaysHowManyRowsDiffered() {
    seed();
    db.getCollection(VariantStats.COLLECTION)
        .updateOne(
            Filters.and(Filters.eq("variantId", "v2"), Filters.eq("day", "2026-11-24")),
            Updates.inc("sent", 5L));
    db.getCollection(VariantStats.COLLECTION)
        .deleteOne(Filters.and(Filters.eq("variantId", "v2"), Filters.eq("day", "2026-11-25")));

    int differing = stats.rebuild(DAY1, DAY2);

    assertThat(differing).isEqualTo(2);
    assertThat(stats.stored(DAY1, DAY2)).isEqualTo(stats.recompute(DAY1, DAY2));
    assertThat(stats.totals("retail").get("v2"))
        .containsEntry("sent", 1L)
        .containsEntry("replied", 1L);
    assertThat(stats.rebuild(DAY1, DAY2)).isZero();
  }

  /** Counts the inbox's partitions keep in their own documents read and rebuild as one. */
  @Test
  void theShardsOfAKeyAreReadAsOneAndARebuildLeavesOneDocumentPerKey() {
    seed();
    store
        .interactions()
        .recordInteraction("l1", "c1", "v1", "delivered", null, null, T1.plusSeconds(10));
    store
        .interactions()
        .recordInteraction("l2", "c1", "v2", "delivered", null, null, T1.plusSeconds(10));
    new CountedOnce(db)
        .incrementAll(
            java.util.List.of(
                new CountedOnce.Count("e-1", "v1", "retail", "delivered", T1.plusSeconds(10)),
                new CountedOnce.Count("e-2", "v2", "retail", "delivered", T1.plusSeconds(10))),
            2);
    var collection = db.getCollection(VariantStats.COLLECTION);
    assertThat(collection.countDocuments(Filters.eq("shard", 2))).isEqualTo(2);

    assertThat(stats.stored(DAY1, DAY2)).isEqualTo(stats.recompute(DAY1, DAY2));
    assertThat(stats.totals("retail").get("v1")).containsEntry("delivered", 2L);

    collection.updateOne(
        Filters.and(Filters.eq("variantId", "v2"), Filters.eq("shard", 2)),
        Updates.inc("delivered", 5L));
    assertThat(stats.rebuild(DAY1, DAY2)).isEqualTo(1);
    assertThat(stats.stored(DAY1, DAY2)).isEqualTo(stats.recompute(DAY1, DAY2));
    assertThat(collection.countDocuments(Filters.exists("shard", true))).isZero();
    assertThat(stats.totals("retail").get("v2")).containsEntry("delivered", 2L);
    assertThat(stats.rebuild(DAY1, DAY2)).isZero();
  }

  /**
   * What the inbox does with a reply (MessageProcessor.record): the lead's first reply and its
   * first interested reply counted once each, the history event carrying the reply's intent.
   */
  private void replied(String lead, String variant, String intent, Instant at) {
    new Interest(db)
        .countReply(lead, variant, store.contact(lead).getString("segment"), intent, at);
    store
        .interactions()
        .recordInteractions(
            java.util.List.of(
                Interest.tagged(
                    Interactions.interaction(lead, "c1", variant, "replied", null, null, at),
                    intent)));
  }

  /**
   * A polite no is a reply, not interest; a lead that says no first and yes later counts its
   * interest on the day of the yes; a second yes, a replay of the count and a transcript that shows
   * interest after it add nothing; a transcript is interest when it is the first.
   */
  @Test
  void interestIsEachLeadsFirstInterestedReplyAndTheRecountAgrees() {
    replied("l1", "v1", "not_interested", T1.plusSeconds(5));
    replied("l2", "v2", "interested", T1.plusSeconds(6));
    replied("l1", "v1", "interested", T2);
    replied("l2", "v2", "interested", T2); // a second yes
    assertThat(new Interest(db).count("l2", "v2", "retail", "interested", T2))
        .as("a replayed count")
        .isFalse();
    // l3's voice note, transcribed the next day: its words are its first interest.
    replied("l3", "v1", "needs_review", T1.plusSeconds(7));
    new Interest(db).count("l3", "v1", null, "interested", T2.plusSeconds(1));
    store
        .interactions()
        .recordInteractions(
            java.util.List.of(
                Interest.tagged(
                    Interactions.interaction(
                        "l3", null, "v1", "transcribed", null, null, T2.plusSeconds(1)),
                    "interested")));

    Map<VariantStats.Key, Map<String, Long>> recomputed = stats.recompute(DAY1, DAY2);

    assertThat(recomputed).isEqualTo(stats.stored(DAY1, DAY2));
    assertThat(recomputed.get(new VariantStats.Key("v1", "retail", "2026-11-24")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("replied", 1L));
    assertThat(recomputed.get(new VariantStats.Key("v2", "retail", "2026-11-24")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("replied", 1L, "interested", 1L));
    assertThat(recomputed.get(new VariantStats.Key("v1", "retail", "2026-11-25")))
        .as("l1's yes, on its day")
        .containsExactlyInAnyOrderEntriesOf(Map.of("interested", 1L));
    assertThat(recomputed.get(new VariantStats.Key("v1", "default", "2026-11-24")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("replied", 1L));
    assertThat(recomputed.get(new VariantStats.Key("v1", "default", "2026-11-25")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("interested", 1L));
    assertThat(stats.recompute(DAY2, DAY2)).isEqualTo(stats.stored(DAY2, DAY2));
    assertThat(new FunnelStats(db).totals(null, null, null))
        .containsEntry("replied", 3L)
        .containsEntry("interested", 3L);
    // A drift in the interested counter is seen and repaired like any other.
    db.getCollection(VariantStats.COLLECTION)
        .updateOne(
            Filters.and(Filters.eq("variantId", "v2"), Filters.eq("day", "2026-11-24")),
            Updates.inc("interested", 1L));
    assertThat(stats.rebuild(DAY1, DAY2)).isEqualTo(1);
    assertThat(stats.totals("retail").get("v2")).containsEntry("interested", 1L);
  }

  @Test
  void eventsOfBothShapesCountTheVariantInMetaAndTheVariantAsAMeasurement() {
    // Deployments hold events written before the time-series shape changed (campaign and
    // variant in meta) beside new ones (meta is the lead alone).
    var history = db.getCollection(Collections.INTERACTION_HISTORY);
    history.insertMany(
        java.util.List.of(
            oldShape("l1", "v1", "assigned", T1),
            oldShape("l1", "v1", "message_sent", T1.plusSeconds(1)),
            oldShape("l1", "v1", "replied", T1.plusSeconds(2)),
            newShape("l2", "v2", "assigned", T1),
            newShape("l2", "v2", "message_sent", T1.plusSeconds(1)),
            newShape("l2", "v2", "replied", T2),
            new Document("ts", Date.from(T1))
                .append("meta", new Document("leadId", "l3"))
                .append("type", "assigned")));

    Map<VariantStats.Key, Map<String, Long>> recomputed = stats.recompute(DAY1, DAY2);

    assertThat(recomputed.get(new VariantStats.Key("v1", "retail", "2026-11-24")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("assigned", 1L, "sent", 1L, "replied", 1L));
    assertThat(recomputed.get(new VariantStats.Key("v2", "retail", "2026-11-24")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("assigned", 1L, "sent", 1L));
    assertThat(recomputed.get(new VariantStats.Key("v2", "retail", "2026-11-25")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("replied", 1L));
    assertThat(recomputed).hasSize(3); // l3's event names no variant
  }

  private static Document oldShape(String lead, String variant, String type, Instant at) {
    return new Document("ts", Date.from(at))
        .append(
            "meta",
            new Document("leadId", lead)
                .append("channel", "whatsapp")
                .append("campaignId", "c1")
                .append("variantId", variant))
        .append("type", type);
  }

  private static Document newShape(String lead, String variant, String type, Instant at) {
    return new Document("ts", Date.from(at))
        .append("meta", new Document("leadId", lead))
        .append("type", type)
        .append("channel", "whatsapp")
        .append("campaignId", "c1")
        .append("variantId", variant);
  }
}
