package com.salesagent.activities.variants;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.MongoDatabaseExtension;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Trials are leads with an outcome; the leads still waiting are counted from the contacts. */
class AwaitingOutcomeTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private final AtomicLong nanos = new AtomicLong();
  private AwaitingOutcome awaiting;

  @BeforeEach
  void setUp() {
    MONGO.database().getCollection("contacts").deleteMany(new Document());
    awaiting = new AwaitingOutcome(MONGO.database(), nanos::get);
  }

  private void contact(String variant, String segment, String stage) {
    MONGO
        .database()
        .getCollection("contacts")
        .insertOne(
            new Document("leadId", java.util.UUID.randomUUID().toString())
                .append("segment", segment)
                .append("variantId", variant)
                .append("stage", stage));
  }

  private static Map<String, Map<String, Long>> totals(long assignedA, long repliedA) {
    return Map.of(
        "a", Map.of("assigned", assignedA, "replied", repliedA),
        "b", Map.of("assigned", 5L, "replied", 1L));
  }

  @Test
  void waitingLeadsAreNotTrialsAndLeadsAssignedSinceTheLastCountAreWaitingToo() {
    for (int i = 0; i < 4; i++) {
      contact("a", "smb", "awaiting_response");
    }
    contact("a", "smb", "snoozed");
    contact("a", "smb", "replied");
    contact("a", "smb", "no_response");
    contact("a", "enterprise", "awaiting_response"); // another segment
    contact("b", "smb", "opted_out");
    Map<String, Double> weights = Map.of("a", 1.0, "b", 2.0);

    Map<String, Arm> arms = awaiting.arms("smb", totals(10, 2), weights);
    assertThat(arms.get("a")).isEqualTo(new Arm("a", 1.0, 5, 2, 5));
    assertThat(arms.get("b")).isEqualTo(new Arm("b", 2.0, 5, 1, 0));

    // Within the second: three more assigned to "a", not yet in the contacts' count.
    nanos.addAndGet(500_000_000L);
    assertThat(awaiting.arms("smb", totals(13, 2), weights).get("a"))
        .isEqualTo(new Arm("a", 1.0, 5, 2, 8));

    // After it, counted again from the contacts (two of the waiting leads ended meanwhile).
    MONGO
        .database()
        .getCollection("contacts")
        .updateMany(
            new Document("stage", "snoozed"),
            new Document("$set", new Document("stage", "stopped")));
    nanos.addAndGet(1_000_000_000L);
    assertThat(awaiting.arms("smb", totals(13, 3), weights).get("a"))
        .isEqualTo(new Arm("a", 1.0, 9, 3, 4));
  }

  @Test
  void learningOnConversionsAnInterestedLeadIsStillWaitingAndAConversionIsTheSuccess() {
    contact("a", "smb", "awaiting_response");
    contact("a", "smb", "interested");
    contact("a", "smb", "handed_off");
    contact("a", "smb", "in_conversation");
    contact("a", "smb", "converted");
    contact("a", "smb", "lost");
    contact("a", "smb", "no_response");
    Map<String, Map<String, Long>> totals =
        Map.of("a", Map.of("assigned", 7L, "replied", 5L, "converted", 1L));

    // On replies: the interested ones replied, they are trials and successes.
    assertThat(awaiting.arms("smb", totals, Map.of("a", 1.0)).get("a"))
        .isEqualTo(new Arm("a", 1.0, 6, 5, 1));
    // On conversions: only the ended leads are trials, the one conversion the success.
    assertThat(awaiting.arms("smb", totals, Map.of("a", 1.0), Reward.CONVERSION).get("a"))
        .isEqualTo(new Arm("a", 1.0, 3, 1, 4));
  }

  /**
   * "no": every lead answered "No thanks" (each a reply, none interest); "yes": fewer replies, all
   * "Sounds great, tell me more". On replies "no" is the better arm; on interest "yes" is, and a
   * lead that replied is a trial under both (a polite no is an outcome: no interest).
   */
  @Test
  void learningOnInterestAPoliteNoIsATrialWithoutSuccess() {
    for (int i = 0; i < 12; i++) {
      contact("no", "smb", "replied");
    }
    for (int i = 0; i < 12; i++) {
      contact("yes", "smb", i < 6 ? "interested" : "no_response");
    }
    contact("yes", "smb", "awaiting_response");
    Map<String, Map<String, Long>> totals =
        Map.of(
            "no", Map.of("assigned", 12L, "replied", 12L),
            "yes", Map.of("assigned", 13L, "replied", 6L, "interested", 6L));
    Map<String, Double> weights = Map.of("no", 1.0, "yes", 1.0);

    Map<String, Arm> onReplies = awaiting.arms("smb", totals, weights, Reward.REPLY);
    Map<String, Arm> onInterest = awaiting.arms("smb", totals, weights, Reward.INTERESTED);

    assertThat(onReplies.get("no")).isEqualTo(new Arm("no", 1.0, 12, 12, 0));
    assertThat(onReplies.get("yes")).isEqualTo(new Arm("yes", 1.0, 12, 6, 1));
    assertThat(onInterest.get("no")).isEqualTo(new Arm("no", 1.0, 12, 0, 0));
    assertThat(onInterest.get("yes")).isEqualTo(new Arm("yes", 1.0, 12, 6, 1));
    double[] replies =
        VariantAnalytics.probabilityToBeBest(
            java.util.List.of(onReplies.get("no"), onReplies.get("yes")), 20_000, 7);
    double[] interest =
        VariantAnalytics.probabilityToBeBest(
            java.util.List.of(onInterest.get("no"), onInterest.get("yes")), 20_000, 7);
    assertThat(replies[0]).as("on replies the polite noes win").isGreaterThan(0.95);
    assertThat(interest[1]).as("on interest the arm that earns it wins").isGreaterThan(0.95);
  }

  @Test
  void aReplyCountedBeforeTheLeadsStageChangesIsNeverMoreThanItsTrials() {
    contact("a", "smb", "awaiting_response");
    contact("a", "smb", "awaiting_response");
    Arm a = awaiting.arms("smb", totals(2, 1), Map.of("a", 1.0)).get("a");
    assertThat(a.trials()).isEqualTo(1);
    assertThat(a.successes()).isEqualTo(1);
    assertThat(a.assigned()).isEqualTo(2);
  }

  /**
   * A count that takes long is taken less often (at most 5 % of a thread): 200 ms -> every 4 s.
   * 50,000 parked leads made each count take ~600 ms on the embedded MongoDB, and every assignment
   * thread took one every second.
   */
  @Test
  void aDearCountIsTakenLessOften() {
    // Every reading of the clock is 200 ms after the one before: a count (between two
    // readings) takes 200 ms.
    AtomicLong clock = new AtomicLong();
    AwaitingOutcome slow =
        new AwaitingOutcome(MONGO.database(), () -> clock.addAndGet(200_000_000L));
    contact("a", "smb", "awaiting_response");
    contact("a", "smb", "awaiting_response");
    Map<String, Double> weights = Map.of("a", 1.0);
    assertThat(slow.arms("smb", totals(2, 0), weights).get("a").assigned()).isEqualTo(2);
    assertThat(slow.counts()).isEqualTo(1);

    MONGO
        .database()
        .getCollection("contacts")
        .updateOne(
            new Document("stage", "awaiting_response"),
            new Document("$set", new Document("stage", "no_response")));
    clock.addAndGet(1_500_000_000L); // a second and a half later: not again yet
    assertThat(slow.arms("smb", totals(2, 0), weights).get("a").assigned()).isEqualTo(2);
    assertThat(slow.counts()).isEqualTo(1);

    clock.addAndGet(3_000_000_000L); // past 4 s: counted again, the ended lead is a trial
    assertThat(slow.arms("smb", totals(2, 0), weights).get("a"))
        .isEqualTo(new Arm("a", 1.0, 1, 0, 1));
    assertThat(slow.counts()).isEqualTo(2);
  }

  /** Threads that find the count stale together: one counts, the others use the one they have. */
  @Test
  void oneThreadCountsAtATime() throws Exception {
    contact("a", "smb", "awaiting_response");
    Map<String, Double> weights = Map.of("a", 1.0);
    awaiting.arms("smb", totals(1, 0), weights);
    nanos.addAndGet(2_000_000_000L);
    long before = awaiting.counts();
    int threads = 8;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    java.util.List<java.util.concurrent.Future<Arm>> arms = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      arms.add(
          pool.submit(
              () -> {
                start.await();
                return awaiting.arms("smb", totals(1, 0), weights).get("a");
              }));
    }
    for (var f : arms) {
      assertThat(f.get().assigned()).isEqualTo(1);
    }
    pool.shutdown();
    assertThat(awaiting.counts() - before).isEqualTo(1);
  }
}
