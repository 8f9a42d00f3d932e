package com.salesagent.activities.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link Interactions#recordInteractionOnce}: an event with an identity is stored once, as rows in
 * the history (not only as {@link Interactions#timeline} shows it), whatever two attempts of its
 * writer do at once or where one of them stopped.
 */
class InteractionsOnceTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant AT = Instant.parse("2026-12-07T05:00:00.123Z");
  private String leadId;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    leadId = "I-" + UUID.randomUUID();
  }

  /**
   * Two attempts of the same record (an activity's attempt timed out while still running, its retry
   * started) each find the event absent before either appends it: one row stays.
   */
  @Test
  void twoAttemptsAtOnceStoreTheEventOnce() throws Exception {
    CyclicBarrier bothLooked = new CyclicBarrier(2);
    Interactions first = new LooksThenWaits(MONGO.database(), bothLooked);
    Interactions second = new LooksThenWaits(MONGO.database(), bothLooked);

    CompletableFuture<Void> a =
        CompletableFuture.runAsync(
            () ->
                first.recordInteractionOnce(
                    "k|delivery_resend|1", leadId, "delivery_resend", "ops", AT));
    CompletableFuture<Void> b =
        CompletableFuture.runAsync(
            () ->
                second.recordInteractionOnce(
                    "k|delivery_resend|1", leadId, "delivery_resend", "ops", AT));
    a.get(30, TimeUnit.SECONDS);
    b.get(30, TimeUnit.SECONDS);

    assertThat(rows("k|delivery_resend|1")).as("rows stored").isEqualTo(1);
    assertThat(new Interactions(MONGO.database()).timeline(leadId)).hasSize(1);
  }

  /**
   * An attempt appended the event, and another one's row was appended too but that attempt stopped
   * before anything more (its worker died): the retry of the record leaves one row.
   */
  @Test
  void aRetryAfterAnAttemptStoppedLeavesOneRow() {
    Interactions interactions = new Interactions(MONGO.database());
    Instant at = AT;
    for (int i = 0; i < 2; i++) {
      interactions
          .collection()
          .insertOne(
              Interactions.interaction(leadId, null, null, "delivery_unknown", null, "k", at)
                  .append(Interactions.EVENT_ID, "k|delivery_unknown|1"));
    }

    interactions.recordInteractionOnce("k|delivery_unknown|1", leadId, "delivery_unknown", "k", at);

    assertThat(rows("k|delivery_unknown|1")).as("rows stored").isEqualTo(1);
  }

  /** Events of other identities, and of none, are each their own rows. */
  @Test
  void otherEventsKeepTheirRows() {
    Interactions interactions = new Interactions(MONGO.database());

    interactions.recordInteractionOnce("k|delivery_unknown|1", leadId, "delivery_unknown", "k", AT);
    interactions.recordInteractionOnce("k|delivery_unknown|1", leadId, "delivery_unknown", "k", AT);
    interactions.recordInteractionOnce("k|delivery_unknown|2", leadId, "delivery_unknown", "k", AT);
    interactions.recordInteractionOnce(null, leadId, "note", "a", AT);
    interactions.recordInteractionOnce(null, leadId, "note", "a", AT);

    assertThat(rows("k|delivery_unknown|1")).isEqualTo(1);
    assertThat(rows("k|delivery_unknown|2")).isEqualTo(1);
    assertThat(interactions.countInteractions(leadId, "note")).isEqualTo(2);
  }

  private long rows(String eventId) {
    return new Interactions(MONGO.database())
        .collection()
        .countDocuments(
            Filters.and(
                Filters.eq("meta.leadId", leadId), Filters.eq(Interactions.EVENT_ID, eventId)));
  }

  /** An attempt that, having looked for the event, waits until the other attempt looked too. */
  private static final class LooksThenWaits extends Interactions {
    private final CyclicBarrier bothLooked;

    LooksThenWaits(MongoDatabase db, CyclicBarrier bothLooked) {
      super(db);
      this.bothLooked = bothLooked;
    }

    @Override
    public boolean hasInteraction(String leadId, String type, String field, String value) {
      boolean found = super.hasInteraction(leadId, type, field, value);
      try {
        bothLooked.await(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("the other attempt never looked", e);
      }
      return found;
    }
  }
}
