package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Seeds;
import com.salesagent.activities.persona.Segments;
import com.salesagent.workflows.lead.LeadPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Operators' segments steer a lead: the profile step gives the lead the first enabled segment its
 * persona matches (else its company-size band), and the segment's variant pool and workflow
 * definition decide its variant and cadence.
 */
class SegmentSteeringTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private LeadStore store;
  private LeadActivitiesImpl leads;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    Seeds.ensure(MONGO.database(), LeadActivitiesTest.defaults());
    store = new LeadStore(MONGO.database());
    leads = new LeadActivitiesImpl(store, Clock.systemUTC());
    MONGO
        .database()
        .getCollection("workflow_definitions")
        .insertOne(
            new Document("segment", "fast")
                .append("readNoReplyDelay", "PT1H")
                .append("unreadDelay", "PT2H")
                .append("maxFollowUps", 1)
                .append("reEngageAfter", "P1D")
                .append("maxReEngagements", 2));
    MONGO
        .database()
        .getCollection("segments")
        .insertMany(
            List.of(
                segment(
                    "vp-eng-saas",
                    10,
                    new Document("seniority", List.of("vp"))
                        .append("function", List.of("engineering"))
                        .append("industry", List.of("saas")),
                    List.of("v-scaling"),
                    "fast",
                    true),
                segment(
                    "saas",
                    20,
                    new Document("industry", List.of("saas")),
                    List.of("v-cost"),
                    null,
                    true),
                segment(
                    "retail-off",
                    5,
                    new Document("industry", List.of("retail")),
                    List.of("v-speed"),
                    null,
                    false)));
  }

  private static Document segment(
      String id,
      int order,
      Document query,
      List<String> variants,
      String definition,
      boolean enabled) {
    return new Document("segmentId", id)
        .append("order", order)
        .append("query", query)
        .append("variants", variants)
        .append("workflowDefinition", definition)
        .append("enabled", enabled);
  }

  private void contact(String leadId, String jobTitle, String industry) {
    store.insertContact(
        new Document("leadId", leadId)
            .append("name", "Ana Souza")
            .append(
                "phone", "+1555600" + String.format("%04d", Math.abs(leadId.hashCode()) % 10_000))
            .append("company", "Acme")
            .append("industry", industry)
            .append("companySize", "11-50")
            .append("jobTitle", jobTitle)
            .append("campaignId", "c-1")
            .append("enrolledAt", new Date()));
  }

  @Test
  void theFirstMatchingSegmentInOrderDecidesTheVariantPoolAndTheCadence() {
    contact("L-vp", "VP of Engineering", "SaaS");
    contact("L-dir", "Director of Sales", "B2B software");
    contact("L-retail", "VP of Engineering", "retail");

    assertThat(leads.profile("L-vp").segment()).isEqualTo("vp-eng-saas");
    assertThat(leads.profile("L-dir").segment()).isEqualTo("saas");
    // The retail segment is disabled: the catch-all, the company-size band.
    assertThat(leads.profile("L-retail").segment()).isEqualTo("smb");

    assertThat(store.contact("L-vp").getString("segment")).isEqualTo("vp-eng-saas");
    assertThat(store.persona("L-vp").getString("segment")).isEqualTo("vp-eng-saas");

    LeadPolicy fast = leads.policy("L-vp", "vp-eng-saas");
    assertThat(fast.readNoReplyDelay()).isEqualTo(Duration.ofHours(1));
    assertThat(fast.unreadDelay()).isEqualTo(Duration.ofHours(2));
    assertThat(fast.maxFollowUps()).isEqualTo(1);
    assertThat(fast.reEngagementDelay()).isEqualTo(Duration.ofDays(1));
    assertThat(fast.reEngagements()).isEqualTo(2);
    // No definition named: the default's cadence; re-engagement once, three days after.
    LeadPolicy plain = leads.policy("L-dir", "saas");
    assertThat(plain.readNoReplyDelay()).isEqualTo(Duration.ofHours(24));
    assertThat(plain.reEngagementDelay()).isEqualTo(Duration.ofDays(3));
    assertThat(plain.reEngagements()).isEqualTo(1);

    assertThat(leads.assignVariant("L-vp", "vp-eng-saas").variantId()).isEqualTo("v-scaling");
    assertThat(leads.assignVariant("L-dir", "saas").variantId()).isEqualTo("v-cost");
    Set<String> catchAll = new TreeSet<>();
    for (int i = 0; i < 6; i++) {
      contact("L-smb-" + i, "Head of Sales", "retail");
      catchAll.add(leads.assignVariant("L-smb-" + i, "smb").variantId());
    }
    assertThat(catchAll).as("every variant listing * serves the catch-all").hasSize(3);
  }

  @Test
  void aQueryMatchesWhenEveryClauseDoesAnyValueOfAClauseAndASharedArrayValue() {
    Document persona =
        new Document("industry", "saas")
            .append("seniority", "vp")
            .append("topics", List.of("hiring", "scaling_challenges"))
            .append("searchText", "vp of engineering | saas | scaling challenges");
    assertThat(Segments.matches(new Document("industry", List.of("retail", "saas")), persona))
        .isTrue();
    assertThat(
            Segments.matches(
                new Document("topic", List.of("scaling_challenges"))
                    .append("seniority", List.of("vp")),
                persona))
        .isTrue();
    assertThat(
            Segments.matches(
                new Document("topic", List.of("scaling_challenges"))
                    .append("seniority", List.of("c_level")),
                persona))
        .isFalse();
    assertThat(Segments.matches(new Document("q", "Scaling Challenges"), persona)).isTrue();
    assertThat(Segments.matches(new Document("q", "cost savings"), persona)).isFalse();
    assertThat(Segments.matches(new Document("shoeSize", List.of("9")), persona))
        .as("an unknown facet matches nobody")
        .isFalse();
    assertThat(Segments.matches(new Document("industry", List.of("saas")), new Document()))
        .isFalse();
  }

  @Test
  void matchingAgainMovesALeadWhosePersonaOrSegmentsChangedAndStoresIt() {
    contact("L-move", "VP of Engineering", "retail");
    assertThat(leads.profile("L-move").segment()).isEqualTo("smb");
    assertThat(leads.matchSegment("L-move", "smb")).as("nothing changed").isEqualTo("smb");

    // The operator enables the retail segment (order 5): the lead's next match moves it there.
    MONGO
        .database()
        .getCollection("segments")
        .updateOne(
            Filters.eq("segmentId", "retail-off"),
            com.mongodb.client.model.Updates.set("enabled", true));
    assertThat(leads.matchSegment("L-move", "smb")).isEqualTo("retail-off");
    assertThat(store.contact("L-move").getString("segment")).isEqualTo("retail-off");
    assertThat(store.persona("L-move").getString("segment")).isEqualTo("retail-off");
    assertThat(leads.assignVariant("L-move", "retail-off").variantId()).isEqualTo("v-speed");

    // Disabled again: back to its company-size band, the catch-all.
    MONGO
        .database()
        .getCollection("segments")
        .updateOne(
            Filters.eq("segmentId", "retail-off"),
            com.mongodb.client.model.Updates.set("enabled", false));
    assertThat(leads.matchSegment("L-move", "retail-off")).isEqualTo("smb");
    assertThat(store.contact("L-move").getString("segment")).isEqualTo("smb");
  }

  @Test
  void aDefinitionsModalityPicksThePoolsVariantsOfThatModality() {
    MONGO
        .database()
        .getCollection("workflow_definitions")
        .updateOne(
            Filters.eq("segment", "fast"),
            com.mongodb.client.model.Updates.set("modality", "image_card"));
    MONGO
        .database()
        .getCollection("segments")
        .updateOne(
            Filters.eq("segmentId", "vp-eng-saas"),
            com.mongodb.client.model.Updates.set("variants", List.of("v-scaling", "v-cost")));
    MONGO
        .database()
        .getCollection("prompt_variants")
        .updateOne(
            Filters.eq("variantId", "v-cost"),
            com.mongodb.client.model.Updates.set("modality", "image_card"));
    for (int i = 0; i < 4; i++) {
      contact("L-card-" + i, "VP of Engineering", "SaaS");
      assertThat(leads.profile("L-card-" + i).segment()).isEqualTo("vp-eng-saas");
      assertThat(leads.assignVariant("L-card-" + i, "vp-eng-saas").variantId()).isEqualTo("v-cost");
    }
    // No variant of that modality left in the pool: any of the pool, never no variant at all.
    MONGO
        .database()
        .getCollection("prompt_variants")
        .updateOne(
            Filters.eq("variantId", "v-cost"),
            com.mongodb.client.model.Updates.set("modality", "text"));
    contact("L-card-x", "VP of Engineering", "SaaS");
    leads.profile("L-card-x");
    assertThat(leads.assignVariant("L-card-x", "vp-eng-saas").variantId())
        .isIn("v-scaling", "v-cost");
  }

  @Test
  void aPoolWithNothingEnabledLeftFallsBackToTheVariantsForEverySegment() {
    MONGO
        .database()
        .getCollection("prompt_variants")
        .updateOne(
            Filters.eq("variantId", "v-scaling"),
            com.mongodb.client.model.Updates.set("enabled", false));
    contact("L-pool", "VP of Engineering", "SaaS");
    assertThat(leads.profile("L-pool").segment()).isEqualTo("vp-eng-saas");
    assertThat(leads.assignVariant("L-pool", "vp-eng-saas").variantId()).isIn("v-cost", "v-speed");
  }

  @Test
  void aVariantFromOutsideTheSegmentsPoolSaysSoInItsAssignment() {
    MONGO
        .database()
        .getCollection("prompt_variants")
        .updateOne(
            Filters.eq("variantId", "v-scaling"),
            com.mongodb.client.model.Updates.set("enabled", false));
    contact("L-out", "VP of Engineering", "SaaS");
    assertThat(leads.profile("L-out").segment()).isEqualTo("vp-eng-saas");
    // The workflow's variant_assigned event reads "<strategy>: <variant>".
    assertThat(leads.assignVariant("L-out", "vp-eng-saas").strategy())
        .isEqualTo("round_robin, outside segment vp-eng-saas's pool (all disabled)");
    // A variant of the pool says nothing of the kind.
    contact("L-in", "Director of Sales", "B2B software");
    assertThat(leads.profile("L-in").segment()).isEqualTo("saas");
    assertThat(leads.assignVariant("L-in", "saas").strategy()).isEqualTo("round_robin");
  }

  @Test
  void aLeadWithNoEnabledVariantIsRecordedWaitingOnceAndNoLongerWhenAssigned() {
    MONGO
        .database()
        .getCollection("prompt_variants")
        .updateMany(Filters.empty(), com.mongodb.client.model.Updates.set("enabled", false));
    contact("L-wait", "Director of Sales", "B2B software");
    assertThat(leads.profile("L-wait").segment()).isEqualTo("saas");
    // The activity fails and Temporal retries it: each retry fails the same way.
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> leads.matchAndAssign("L-wait", "saas"))
          .isInstanceOf(io.temporal.failure.ApplicationFailure.class)
          .hasMessageContaining("no enabled prompt variant for segment saas");
    }
    assertThat(store.contact("L-wait").getString("waitingForVariant")).isEqualTo("saas");
    List<Document> waiting =
        store.interactions().timeline("L-wait").stream()
            .filter(e -> "waiting_for_variant".equals(e.getString("type")))
            .toList();
    assertThat(waiting)
        .extracting(e -> e.getString("detail"))
        .containsExactly("waiting: no enabled prompt variant for segment saas");

    MONGO
        .database()
        .getCollection("prompt_variants")
        .updateOne(
            Filters.eq("variantId", "v-cost"),
            com.mongodb.client.model.Updates.set("enabled", true));
    assertThat(leads.matchAndAssign("L-wait", "saas").variantId()).isEqualTo("v-cost");
    assertThat(store.contact("L-wait").containsKey("waitingForVariant")).isFalse();
  }

  /**
   * Found by the QA walk: enabling a variant did not wake the leads waiting for one; each went on
   * only at its assignment's next retry, which backs off to 30 s apart. The failure now asks for
   * its next look within {@link VariantAssigner#WAKE_DELAY} (its next retry delay: no workflow
   * change) for the first ten minutes of the wait, and leaves the step's back-off after that (a
   * lead's step has a bounded number of attempts).
   */
  @Test
  void aLeadWaitingForAVariantLooksAgainWithinSecondsForTheFirstMinutesOfItsWait() {
    MONGO
        .database()
        .getCollection("prompt_variants")
        .updateMany(Filters.empty(), com.mongodb.client.model.Updates.set("enabled", false));
    contact("L-soon", "Director of Sales", "B2B software");
    assertThat(leads.profile("L-soon").segment()).isEqualTo("saas");

    io.temporal.failure.ApplicationFailure failure =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            io.temporal.failure.ApplicationFailure.class,
            () -> leads.matchAndAssign("L-soon", "saas"));

    assertThat(failure.getType()).isEqualTo("NoVariant");
    assertThat(failure.getNextRetryDelay()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(VariantAssigner.WAKE_ATTEMPTS).isEqualTo(120);
    assertThat(VariantAssigner.nextLookForVariant(VariantAssigner.WAKE_ATTEMPTS))
        .isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(VariantAssigner.nextLookForVariant(VariantAssigner.WAKE_ATTEMPTS + 1))
        .as("after ten minutes, the step's own back-off")
        .isNull();
  }

  @Test
  void aLeadAlreadyAssignedKeepsItsSegmentWhenItsProfileIsAskedAgain() {
    contact("L-old", "VP of Engineering", "SaaS");
    store.setContactFields("L-old", new Document("segment", "smb").append("variantId", "v-cost"));
    // A run resumed from an older version asks its profile again: the segment stays.
    assertThat(leads.profile("L-old").segment()).isEqualTo("smb");
    assertThat(store.contact("L-old").getString("segment")).isEqualTo("smb");
  }

  @Test
  void withoutSegmentsTheCompanySizeBandIsTheSegmentAsBefore() {
    MONGO.database().getCollection("segments").deleteMany(Filters.empty());
    contact("L-plain", "VP of Engineering", "SaaS");
    assertThat(leads.profile("L-plain").segment()).isEqualTo("smb");
  }
}
