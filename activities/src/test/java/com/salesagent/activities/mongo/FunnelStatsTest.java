package com.salesagent.activities.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The funnel counted once per lead and stage, one lead at a time and in batches. */
class FunnelStatsTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private final Instant day1 = Instant.parse("2026-11-25T23:59:00Z");
  private final Instant day2 = Instant.parse("2026-11-26T00:01:00Z");
  private LeadStore store;
  private FunnelStats funnel;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    funnel = new FunnelStats(MONGO.database());
    for (int i = 0; i < 6; i++) {
      Document contact =
          new Document("leadId", "L-" + i).append("phone", "+55119000000" + (10 + i));
      if (i < 5) {
        contact.append("campaignId", i < 4 ? "spring" : "autumn");
      }
      store.insertContact(contact);
    }
  }

  private Map<String, Long> totals(String campaign, Instant day) {
    LocalDate d = LocalDate.parse(day.toString().substring(0, 10));
    return funnel.totals(campaign, d, d);
  }

  @Test
  void reachWithMarksAndCountsOnceAndAppliesTheOtherChangeEachTime() throws Exception {
    // Two writers at once (a retried send beside the first attempt): one counts.
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var a =
          pool.submit(
              () ->
                  funnel.reachWith(
                      "L-0",
                      "sent",
                      day1,
                      com.mongodb.client.model.Updates.addToSet("waIds", "w1")));
      var b =
          pool.submit(
              () ->
                  funnel.reachWith(
                      "L-0",
                      "sent",
                      day1.plusSeconds(1),
                      com.mongodb.client.model.Updates.addToSet("waIds", "w2")));
      assertThat(List.of(a.get(), b.get())).containsExactlyInAnyOrder(true, false);
    } finally {
      pool.shutdown();
    }
    Document contact = store.contact("L-0");
    assertThat(contact.getList("waIds", String.class)).containsExactlyInAnyOrder("w1", "w2");
    // The mark keeps the earlier time, whichever wrote first.
    assertThat(contact.get("funnel", Document.class).getDate("sent"))
        .isEqualTo(java.util.Date.from(day1));
    assertThat(totals("spring", day1)).containsEntry("sent", 1L);
    assertThat(funnel.reachWith("L-0", "sent", day2, null)).isFalse();
    assertThat(funnel.reachWith("nobody", "sent", day2, null)).isFalse();
    assertThat(funnel.rebuild()).isZero();
  }

  /**
   * Issue 12: the funnel read "read 0" beside replies when no read receipt came (a person who
   * turned them off; the emulator's ack_only mode). A reply proves the message was delivered and
   * read; a read proves it was delivered. Each counts once, whichever comes first.
   */
  @Test
  void aReplyCountsTheDeliveryAndTheReadNoReceiptToldAndALaterReceiptCountsNothing() {
    assertThat(funnel.reach("L-0", "replied", day1)).isTrue();
    assertThat(totals("spring", day1))
        .containsEntry("delivered", 1L)
        .containsEntry("read", 1L)
        .containsEntry("replied", 1L);
    // The receipts Meta sends late (or replays) find the marks.
    assertThat(funnel.reach("L-0", "read", day1)).isFalse();
    assertThat(funnel.reach("L-0", "delivered", day1)).isFalse();
    assertThat(totals("spring", day1)).containsEntry("delivered", 1L).containsEntry("read", 1L);

    // A lead whose delivery was told: its reply counts the read alone.
    assertThat(funnel.reach("L-1", "delivered", day1)).isTrue();
    assertThat(funnel.reach("L-1", "replied", day2)).isTrue();
    assertThat(totals("spring", day1)).containsEntry("delivered", 2L).containsEntry("read", 1L);
    assertThat(totals("spring", day2))
        .containsEntry("delivered", 0L)
        .containsEntry("read", 1L)
        .containsEntry("replied", 1L);
    // A read without its delivery receipt.
    assertThat(funnel.reach("L-2", "read", day1)).isTrue();
    assertThat(totals("spring", day1)).containsEntry("delivered", 3L).containsEntry("read", 2L);
    assertThat(store.contact("L-2").get("funnel", Document.class).keySet())
        .containsExactlyInAnyOrder("delivered", "read");
    assertThat(funnel.rebuild()).isZero();
  }

  @Test
  void aBatchCountsEachLeadOncePerStageOnTheDayItFirstReachedIt() {
    assertThat(funnel.reach("L-0", "delivered", day1)).isTrue(); // counted before the batch

    int counted =
        funnel.reachAll(
            List.of(
                new FunnelStats.Reach("L-0", "spring", "delivered", day1), // reached before
                new FunnelStats.Reach("L-1", "spring", "delivered", day1),
                new FunnelStats.Reach("L-1", "spring", "delivered", day2), // twice in the batch
                new FunnelStats.Reach("L-2", "spring", "delivered", day2),
                new FunnelStats.Reach("L-2", "spring", "read", day2),
                new FunnelStats.Reach("L-4", "autumn", "read", day1),
                new FunnelStats.Reach("L-5", null, "delivered", day1), // no campaign: "default"
                new FunnelStats.Reach("L-3", "spring", "not_a_stage", day1),
                new FunnelStats.Reach(null, "spring", "read", day1)));

    assertThat(counted).isEqualTo(5);
    assertThat(totals("spring", day1)).containsEntry("delivered", 2L).containsEntry("read", 0L);
    assertThat(totals("spring", day2)).containsEntry("delivered", 1L).containsEntry("read", 1L);
    assertThat(totals("autumn", day1)).containsEntry("read", 1L).containsEntry("delivered", 0L);
    assertThat(totals("default", day1)).containsEntry("delivered", 1L);
    // L-1's mark keeps its first time in the batch, on the day it was counted.
    assertThat(store.contact("L-1").get("funnel", Document.class).getDate("delivered"))
        .isEqualTo(java.util.Date.from(day1));
    // The same batch again (a relayed batch) counts nothing more.
    assertThat(
            funnel.reachAll(
                List.of(
                    new FunnelStats.Reach("L-1", "spring", "delivered", day1),
                    new FunnelStats.Reach("L-2", "spring", "read", day2))))
        .isZero();
    assertThat(funnel.reach("L-2", "read", day2)).isFalse();
    // The counters agree with the marks on the contacts: a rebuild finds nothing to repair.
    assertThat(funnel.rebuild()).isZero();
    assertThat(funnel.reachAll(List.of())).isZero();
  }

  /**
   * A mark the server refuses (a contact whose funnel is not a document) fails the batch, after the
   * others' marks were counted: a relayed batch finds them marked and would never count them.
   */
  @Test
  void aRefusedMarkFailsTheBatchOnlyAfterTheOthersWereCounted() {
    MONGO
        .database()
        .getCollection(Collections.CONTACTS)
        .updateOne(
            com.mongodb.client.model.Filters.eq("leadId", "L-2"),
            com.mongodb.client.model.Updates.set("funnel", "not a document"));

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                funnel.reachAll(
                    List.of(
                        new FunnelStats.Reach("L-1", "spring", "read", day1),
                        new FunnelStats.Reach("L-2", "spring", "read", day1),
                        new FunnelStats.Reach("L-3", "spring", "read", day1),
                        new FunnelStats.Reach("L-0", "spring", "delivered", day2))))
        .isInstanceOf(com.mongodb.MongoBulkWriteException.class);

    assertThat(totals("spring", day1)).containsEntry("read", 2L);
    assertThat(totals("spring", day2)).containsEntry("delivered", 1L);
    // The relay counts nothing again.
    assertThat(funnel.reachAll(List.of(new FunnelStats.Reach("L-1", "spring", "read", day1))))
        .isZero();
    assertThat(totals("spring", day1)).containsEntry("read", 2L);
  }

  /**
   * Leads an operator's suppression ended before it counted them: stage opted_out, no mark. The
   * rebuild marks them (at their suppression's time) and counts them, once: a lead counted by a
   * STOP keeps its own mark and count, and a later reach (or rebuild) counts nothing more.
   */
  @Test
  void aRebuildCountsLeadsThatEndedOptedOutWithoutTheirMarkOnce() {
    var contacts = MONGO.database().getCollection(Collections.CONTACTS);
    contacts.updateOne(
        com.mongodb.client.model.Filters.eq("leadId", "L-1"),
        com.mongodb.client.model.Updates.combine(
            com.mongodb.client.model.Updates.set("stage", "opted_out"),
            com.mongodb.client.model.Updates.set("doNotContactAt", java.util.Date.from(day1)),
            com.mongodb.client.model.Updates.set(LeadStore.STAGE_AT, java.util.Date.from(day2))));
    contacts.updateOne(
        com.mongodb.client.model.Filters.eq("leadId", "L-2"),
        com.mongodb.client.model.Updates.set("stage", "opted_out"));
    assertThat(funnel.reach("L-2", "opted_out", day1)).isTrue();

    funnel.rebuild();

    assertThat(totals("spring", day1)).containsEntry("opted_out", 2L);
    assertThat(totals("spring", day2)).containsEntry("opted_out", 0L);
    assertThat(funnel.reach("L-1", "opted_out", day2)).isFalse();
    funnel.rebuild();
    assertThat(totals("spring", day1)).containsEntry("opted_out", 2L);
  }

  /**
   * Found by the QA walk: the funnel had no conversion, so a team lead marking deals won saw
   * nothing move. A converted lead counts once, on the day of its conversion; leads converted
   * before the funnel counted conversions are marked by the rebuild from their outcome, once.
   */
  @Test
  void aConversionCountsOnceAndTheRebuildCountsEarlierOnes() {
    var contacts = MONGO.database().getCollection(Collections.CONTACTS);
    assertThat(funnel.reach("L-1", "converted", day1)).isTrue();
    assertThat(funnel.reach("L-1", "converted", day2)).isFalse();
    contacts.updateOne(
        com.mongodb.client.model.Filters.eq("leadId", "L-2"),
        com.mongodb.client.model.Updates.set(
            "outcome",
            new org.bson.Document("value", "converted").append("at", java.util.Date.from(day2))));

    funnel.rebuild();

    assertThat(totals("spring", day1)).containsEntry("converted", 1L);
    assertThat(totals("spring", day2)).containsEntry("converted", 1L);
    funnel.rebuild();
    assertThat(totals("spring", day2)).containsEntry("converted", 1L);
  }
}
