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

  /**
   * Found in session 45: the contextual strategy read a rewritten variant's evidence from all its
   * leads, the old text's replies pooled with the new text's silence, while the bandit's arms read
   * its current wording's alone. Here "rewritten" had every VP reply to its first wording (revision
   * 0, and leads stored before revisions) and none of 20 to its current one (revision 1); "steady"
   * had 2 in 5 reply (less than "rewritten"'s leads taken together). A VP is now sent "steady".
   */
  @Test
  void aRewrittenVariantIsObservedThroughItsCurrentWordingsLeadsAlone() {
    var db = MONGO.database();
    db.getCollection("prompt_variants")
        .insertMany(
            java.util.List.of(
                new org.bson.Document("variantId", "rewritten")
                    .append("revision", 1)
                    .append("wordingRevision", 1)
                    .append(
                        "wordingHistory", java.util.List.of(new org.bson.Document("revision", 0))),
                new org.bson.Document("variantId", "steady").append("revision", 0)));
    var contacts = db.getCollection("contacts");
    java.util.Date at = new java.util.Date();
    for (int i = 0; i < 60; i++) {
      String variant = i < 40 ? "rewritten" : "steady";
      // rewritten: 0-9 stored before revisions, 10-19 of revision 0, all replied; 20-39 of
      // revision 1, none; steady: 2 in 5 replied.
      boolean reply = i < 20 || (i >= 40 && i % 5 < 2);
      org.bson.Document contact =
          new org.bson.Document("leadId", "W-" + i)
              .append("variantId", variant)
              .append("variantContext", new org.bson.Document("seniority", "vp"))
              .append("stage", reply ? "replied" : "no_response")
              .append(
                  "funnel", reply ? new org.bson.Document("replied", at) : new org.bson.Document());
      if (i >= 10) {
        contact.append("variantRevision", i < 20 ? 0 : i < 40 ? 1 : 0);
      }
      contacts.insertOne(contact);
    }
    AtomicLong clock = new AtomicLong();
    ContextEvidence evidence = new ContextEvidence(db, clock::get);
    java.util.List<Arm> arms =
        java.util.List.of(new Arm("rewritten", 1, 0, 0), new Arm("steady", 1, 0, 0));
    java.util.Map<String, String> vp = java.util.Map.of("seniority", "vp");

    java.util.Map<String, Integer> chosen = new java.util.TreeMap<>();
    var random = new org.apache.commons.math3.random.MersenneTwister(5);
    for (int i = 0; i < 40; i++) {
      chosen.merge(
          arms.get(evidence.model(1.0, 0.0, Reward.REPLY).choose(arms, vp, random)).variantId(),
          1,
          Integer::sum);
    }

    assertThat(chosen.getOrDefault("steady", 0)).as("%s", chosen).isGreaterThanOrEqualTo(30);
  }
}
