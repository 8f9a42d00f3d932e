package com.salesagent.activities.lead;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.Interactions;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.persona.Segments;
import com.salesagent.activities.variants.Arm;
import com.salesagent.activities.variants.ArmGuard;
import com.salesagent.activities.variants.AssignmentStrategy;
import com.salesagent.activities.variants.AwaitingOutcome;
import com.salesagent.activities.variants.ContextEvidence;
import com.salesagent.activities.variants.LinearThompson;
import com.salesagent.activities.variants.Reward;
import com.salesagent.activities.variants.Switched;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.activities.variants.VariantWordings;
import com.salesagent.activities.variants.WordingStats;
import com.salesagent.workflows.lead.VariantAssignment;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.MersenneTwister;
import org.bson.Document;

/**
 * A lead's variant assignment, for {@link LeadActivitiesImpl}: a returning number's variant, the
 * sticky one, or the campaign's strategy over the segment's enabled pool (the contextual strategy
 * over the persona's features), counted as a trial; no enabled variant: the lead waits, looking
 * again within seconds at first.
 */
final class VariantAssigner {
  private final LeadStore store;
  private final Clock clock;
  private final VariantStats stats;
  private final WordingStats wordings;
  private final AwaitingOutcome awaiting;
  private final ContextEvidence contextEvidence;
  private final LeadSegments segments;

  VariantAssigner(LeadStore store, Clock clock, LeadSegments segments) {
    this.store = store;
    this.clock = clock;
    this.stats = new VariantStats(store.database());
    this.wordings = new WordingStats(store.database());
    this.awaiting = new AwaitingOutcome(store.database());
    this.contextEvidence = new ContextEvidence(store.database());
    this.segments = segments;
  }

  /**
   * Assigns the lead a variant; {@code trial}: the assignment is a trial of the variant (counted as
   * assigned), not a kill switch's reassignment of a lead that is no clean trial ({@link
   * Switched}).
   */
  VariantAssignment assign(
      Document contact, String segment, Segments.Snapshot segmentsRead, boolean trial) {
    String leadId = contact.getString("leadId");
    String sticky = contact.getString("variantId");
    VariantAssignment returning = returning(contact, sticky, segment);
    if (returning != null) {
      return returning;
    }
    LeadSegments.Candidates candidates = segments.candidates(segment, segmentsRead);
    List<Document> variants = candidates.variants();
    for (Document v : variants) {
      if (v.getString("variantId").equals(sticky)) {
        return new VariantAssignment(sticky, v.getString("angle"), "sticky", segment);
      }
    }
    AgentConfigs configs = AgentConfigs.read(store.database(), contact.getString("campaignId"));
    List<String> autoDisabled = ArmGuard.autoDisabled(configs.defaults(), segment);
    List<Document> kept =
        variants.stream().filter(v -> !autoDisabled.contains(v.getString("variantId"))).toList();
    if (!kept.isEmpty()) {
      variants = new ArrayList<>(kept);
    }
    if (variants.isEmpty()) {
      waitForVariant(contact, segment);
      throw ApplicationFailure.newFailureWithCauseAndDelay(
          "no enabled prompt variant for segment " + segment + ": enable one in prompt_variants",
          NO_VARIANT,
          null,
          nextLookForVariant(attempt()));
    }
    Document config = configs.effective();
    String strategyName = config.get("strategy", "round_robin");
    Document bandit = config.get("thompson", new Document());
    boolean contextual = LinearThompson.NAME.equals(strategyName);
    AssignmentStrategy strategy =
        contextual
            ? null
            : AssignmentStrategy.named(
                strategyName, bandit.get("burnIn", 30), bandit.get("floor", 0.01));
    Document counter =
        store
            .database()
            .getCollection("counters")
            .findOneAndUpdate(
                Filters.eq("_id", "assignments:" + segment),
                Updates.inc("n", 1L),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
    long n = ((Number) counter.get("n")).longValue() - 1;
    Map<String, Double> weights = new LinkedHashMap<>();
    for (Document v : variants) {
      weights.put(v.getString("variantId"), ((Number) v.get("weight", 1)).doubleValue());
    }
    Reward reward = Reward.of(config);
    // A rewritten variant's arm is its current wording's evidence (WordingStats).
    Map<String, Arm> observed =
        awaiting.arms(segment, variants, stats.totals(segment), weights, reward, wordings);
    List<Arm> arms = new ArrayList<>();
    for (Document v : variants) {
      arms.add(observed.get(v.getString("variantId")));
    }
    Document fields = new Document();
    int index;
    if (contextual) {
      // Linear Thompson over the persona's features; the lead keeps the features it was assigned
      // with, which is what its outcome teaches the model about.
      Document c = config.get(LinearThompson.NAME, new Document());
      Map<String, String> context = contextEvidence.context(leadId, segment);
      index =
          contextEvidence
              .model(
                  ((Number) c.get("lambda", LinearThompson.DEFAULT_LAMBDA)).doubleValue(),
                  ((Number) c.get("floor", bandit.get("floor", 0.01))).doubleValue(),
                  reward)
              .choose(arms, context, new MersenneTwister());
      fields.append("variantContext", new Document(context));
    } else {
      index = strategy.choose(arms, n, new MersenneTwister());
    }
    String strategyLabel = contextual ? LinearThompson.NAME : strategy.name();
    Document chosen = variants.get(index);
    String variantId = chosen.getString("variantId");
    fields.append("variantId", variantId);
    // The wording it is a trial of; a reassignment that is no trial keeps the old variant's.
    int revision = VariantWordings.wordingRevisionOf(chosen);
    if (trial) {
      fields.append(VariantWordings.LEAD_REVISION, revision);
    }
    Document update = new Document("$set", fields);
    if (contact.get(WAITING_FOR_VARIANT) != null) {
      update.append("$unset", new Document(WAITING_FOR_VARIANT, ""));
    }
    store.contacts().updateOne(Filters.eq("leadId", leadId), update);
    // The history is the record the counters can be rebuilt from: same event, same instant.
    Instant at = clock.instant();
    Document event =
        Interactions.interaction(
            leadId,
            contact.getString("campaignId"),
            variantId,
            trial ? "assigned" : Switched.REASSIGNED,
            null,
            strategyLabel,
            at);
    if (trial) {
      // The wording the trial counts for (WordingStats): the recount reads it here.
      event.append(VariantWordings.LEAD_REVISION, revision);
    }
    store.interactions().recordInteractions(List.of(event));
    if (trial) {
      stats.increment(variantId, segment, "assigned", at);
      wordings.add(variantId, revision, segment, "assigned", 1);
    }
    // The timeline's variant_assigned reads "<strategy>: <variant>": a variant from outside the
    // segment's pool says so there (the workflow writes what this answers).
    String said =
        candidates.outsidePool()
            ? strategyLabel + ", outside segment " + segment + "'s pool (all disabled)"
            : strategyLabel;
    return new VariantAssignment(variantId, chosen.getString("angle"), said, segment);
  }

  /** The failure of an assignment that found no enabled variant for the segment. */
  public static final String NO_VARIANT = "NoVariant";

  /**
   * How soon a lead waiting for a variant looks again: an operator who enables (or creates) one for
   * its segment sees the lead go on within seconds, not at the step's back-off (up to 30 s apart,
   * {@code LeadStubs.LOCAL_STEP_BACKOFF}). The failure's next retry delay, so no workflow changes.
   */
  static final Duration WAKE_DELAY = Duration.ofSeconds(5);

  /**
   * The attempts that look every {@link #WAKE_DELAY}: the first ten minutes of a wait, when an
   * operator who switched the last variant off is still there to switch one on. Each look costs a
   * few reads (the contact, the segment's variants, the campaign's configuration), so a thousand
   * waiting leads cost some 600-800 reads a second while they look this often: bounded to those ten
   * minutes, after which the step's back-off (30 s apart) applies again. A lead's step has a
   * bounded number of attempts (LeadStubs.LOCAL_STEP_ATTEMPTS, a week at the back-off): a lead
   * still waits about a week for a variant before it fails.
   */
  static final int WAKE_ATTEMPTS =
      (int) (Duration.ofMinutes(10).toSeconds() / WAKE_DELAY.toSeconds());

  /** The delay before the next look for a variant; null: the step's own back-off. */
  static Duration nextLookForVariant(int attempt) {
    return attempt <= WAKE_ATTEMPTS ? WAKE_DELAY : null;
  }

  /** The running activity's attempt (1 first); 1 when called outside an activity (tests). */
  private static int attempt() {
    try {
      return Activity.getExecutionContext().getInfo().getAttempt();
    } catch (IllegalStateException e) {
      return 1;
    }
  }

  /** The contact field naming the segment a lead waits in for an enabled variant. */
  public static final String WAITING_FOR_VARIANT = "waitingForVariant";

  /** The timeline event a lead's first failed assignment records. */
  public static final String WAITING_EVENT = "waiting_for_variant";

  /**
   * No enabled variant for the lead's segment: the activity fails and is retried with back-off
   * until an operator enables one. The first failure (not each retry) records it where an operator
   * looks: the contact's {@link #WAITING_FOR_VARIANT} (the lead list and page, the count of leads
   * waiting) and a timeline event; the assignment that ends the wait clears the field.
   */
  private void waitForVariant(Document contact, String segment) {
    String leadId = contact.getString("leadId");
    long changed =
        store
            .contacts()
            .updateOne(
                Filters.and(Filters.eq("leadId", leadId), Filters.ne(WAITING_FOR_VARIANT, segment)),
                Updates.set(WAITING_FOR_VARIANT, segment))
            .getModifiedCount();
    if (changed > 0) {
      store
          .interactions()
          .recordInteraction(
              leadId,
              contact.getString("campaignId"),
              null,
              WAITING_EVENT,
              null,
              "waiting: no enabled prompt variant for segment " + segment,
              clock.instant());
    }
  }

  /**
   * A number with a history with us (an earlier lead converted or replied, {@link
   * ReturningContacts}) is assigned the returning-contact variant, whose first contact acknowledges
   * the relationship, and never goes through the cold openers' bandit: its assignment, sends and
   * replies are counted under that variant, never as a cold opener's trial. Null when the lead is
   * to be assigned as any other: no history, the variant is off (an operator's choice: returning
   * numbers then get the cold sequence and count as its trials), or the lead holds a cold variant
   * already. The relationship is kept on the contact whenever one is found, for the wording.
   */
  private VariantAssignment returning(Document contact, String sticky, String segment) {
    if (sticky != null && !ReturningContacts.VARIANT_ID.equals(sticky)) {
      return null;
    }
    if (sticky != null) {
      // A retry after the assignment, or a run resumed: the lead keeps it while it is on.
      Document variant = returningVariant();
      return variant == null
          ? null
          : new VariantAssignment(sticky, variant.getString("angle"), "sticky", segment);
    }
    // One indexed read of the number's earlier leads: a new lead's only added command.
    ReturningContacts.History history = ReturningContacts.of(store.contacts(), contact);
    if (history == null) {
      return null;
    }
    Document variant = returningVariant();
    String leadId = contact.getString("leadId");
    Document fields = new Document(ReturningContacts.FIELD, history.toDocument());
    if (variant == null) {
      store.setContactFields(leadId, fields);
      return null;
    }
    store.setContactFields(leadId, fields.append("variantId", ReturningContacts.VARIANT_ID));
    Instant at = clock.instant();
    store
        .interactions()
        .recordInteraction(
            leadId,
            contact.getString("campaignId"),
            ReturningContacts.VARIANT_ID,
            "assigned",
            null,
            RETURNING,
            at);
    stats.increment(ReturningContacts.VARIANT_ID, segment, "assigned", at);
    return new VariantAssignment(
        ReturningContacts.VARIANT_ID, variant.getString("angle"), RETURNING, segment);
  }

  /** The returning-contact variant while it is on, else null. */
  private Document returningVariant() {
    return store
        .database()
        .getCollection(Collections.PROMPT_VARIANTS)
        .find(
            Filters.and(
                Filters.eq("variantId", ReturningContacts.VARIANT_ID), Filters.eq("enabled", true)))
        .first();
  }

  /** The strategy named on a returning number's assignment. */
  static final String RETURNING = "returning";
}
