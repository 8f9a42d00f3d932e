package com.salesagent.activities.variants;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.MongoDatabaseExtension;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contextual strategy's evidence is rebuilt less often as rebuilding grows dearer. */
class ContextEvidenceTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  @Test
  void aDearRebuildIsTakenLessOften() {
    // Every reading of the clock is 200 ms after the one before: a rebuild takes 200 ms, so the
    // model is kept for 4 s (twenty times that), not one.
    AtomicLong clock = new AtomicLong();
    ContextEvidence evidence =
        new ContextEvidence(MONGO.database(), () -> clock.addAndGet(200_000_000L));
    LinearThompson first = evidence.model(1.0, 0.01);
    clock.addAndGet(1_500_000_000L);
    assertThat(evidence.model(1.0, 0.01)).isSameAs(first);
    clock.addAndGet(3_000_000_000L);
    assertThat(evidence.model(1.0, 0.01)).isNotSameAs(first);
  }

  @Test
  void aCheapRebuildIsTakenEverySecond() {
    AtomicLong clock = new AtomicLong();
    ContextEvidence evidence = new ContextEvidence(MONGO.database(), clock::get);
    LinearThompson first = evidence.model(1.0, 0.01);
    clock.addAndGet(900_000_000L);
    assertThat(evidence.model(1.0, 0.01)).isSameAs(first);
    clock.addAndGet(200_000_000L);
    assertThat(evidence.model(1.0, 0.01)).isNotSameAs(first);
  }

  /**
   * On the interested reward the contextual model learns from interest marks, not replies: "no" got
   * a reply from every lead (polite noes), "yes" interest from half; a VP is then sent "yes".
   */
  @Test
  void onTheInterestedRewardTheModelLearnsFromInterestNotReplies() {
    var contacts = MONGO.database().getCollection("contacts");
    java.util.Date at = new java.util.Date();
    for (int i = 0; i < 40; i++) {
      String variant = i % 2 == 0 ? "no" : "yes";
      org.bson.Document funnel = new org.bson.Document();
      if (variant.equals("no") || i % 4 == 1) {
        funnel.append("replied", at);
      }
      if (variant.equals("yes") && i % 4 == 1) {
        funnel.append("interested", at);
      }
      contacts.insertOne(
          new org.bson.Document("leadId", "L-" + i)
              .append("variantId", variant)
              .append("variantContext", new org.bson.Document("seniority", "vp"))
              .append(
                  "stage",
                  funnel.containsKey("interested")
                      ? "interested"
                      : funnel.containsKey("replied") ? "replied" : "no_response")
              .append("funnel", funnel));
    }
    AtomicLong clock = new AtomicLong();
    ContextEvidence evidence = new ContextEvidence(MONGO.database(), clock::get);
    java.util.List<Arm> arms = java.util.List.of(new Arm("no", 1, 0, 0), new Arm("yes", 1, 0, 0));
    java.util.Map<String, String> vp = java.util.Map.of("seniority", "vp");

    java.util.Map<String, Integer> onReplies = new java.util.TreeMap<>();
    java.util.Map<String, Integer> onInterest = new java.util.TreeMap<>();
    var random = new org.apache.commons.math3.random.MersenneTwister(3);
    for (int i = 0; i < 40; i++) {
      onReplies.merge(
          arms.get(evidence.model(1.0, 0.0, Reward.REPLY).choose(arms, vp, random)).variantId(),
          1,
          Integer::sum);
      onInterest.merge(
          arms.get(evidence.model(1.0, 0.0, Reward.INTERESTED).choose(arms, vp, random))
              .variantId(),
          1,
          Integer::sum);
    }

    assertThat(onReplies.getOrDefault("no", 0)).as("%s", onReplies).isGreaterThanOrEqualTo(30);
    assertThat(onInterest.getOrDefault("yes", 0)).as("%s", onInterest).isGreaterThanOrEqualTo(30);
  }
}
