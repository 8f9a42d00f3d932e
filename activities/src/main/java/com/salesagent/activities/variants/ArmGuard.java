package com.salesagent.activities.variants;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * Optional auto-disable of losing arms, configured in the default agent configuration:
 *
 * <pre>autoDisable: {enabled, minSamples, maxProbabilityToBeBest, consecutiveChecks}</pre>
 *
 * <p>Each check computes, per segment, every enabled arm's probability to be best from the
 * incremental counters, on the default configuration's {@link Reward}. An arm with at least {@code
 * minSamples} assignments whose probability stays below the bound for {@code consecutiveChecks}
 * checks in a row is taken out of that segment's assignments: written to {@code
 * agent_configurations} ({@code autoDisabled.<segment>}) and to {@code audit_log}. The last enabled
 * arm of a segment is never taken out. Leads already on the arm keep it (an operator's kill-switch
 * moves them); only new assignments skip it.
 */
public final class ArmGuard {
  /** One arm taken out by a check. */
  public record Disabled(
      String segment, String variantId, double probabilityToBeBest, long assigned) {}

  private final MongoDatabase db;
  private final MongoCollection<Document> configs;
  private final VariantStats stats;
  private final Clock clock;

  public ArmGuard(MongoDatabase db, Clock clock) {
    this.db = db;
    this.configs = db.getCollection(Collections.AGENT_CONFIGURATIONS);
    this.stats = new VariantStats(db);
    this.clock = clock;
  }

  /** The arms auto-disabled for a segment (empty when none). */
  public static List<String> autoDisabled(Document config, String segment) {
    Document off = config == null ? null : config.get("autoDisabled", Document.class);
    List<String> list = off == null ? null : off.getList(field(segment), String.class);
    return list == null ? List.of() : list;
  }

  /** Runs one check over every segment; returns the arms it took out. */
  public List<Disabled> check() {
    return check(Duration.ofSeconds(5));
  }

  /**
   * Runs one check unless another ran less than {@code spacing} ago. The scheduled checks come from
   * one workflow ({@code ArmGuardWorkflow}); the lease in the default configuration still keeps an
   * operator's manual check and a scheduled one from overlapping.
   */
  public List<Disabled> check(Duration spacing) {
    Instant now = clock.instant();
    Document leased =
        configs.findOneAndUpdate(
            Filters.and(
                Filters.eq("configId", "default"),
                Filters.or(
                    Filters.exists("armGuard.lastRunAt", false),
                    Filters.lt("armGuard.lastRunAt", Date.from(now.minus(spacing))))),
            Updates.set("armGuard.lastRunAt", Date.from(now)));
    if (leased == null) {
      return List.of();
    }
    Document config = configs.find(Filters.eq("configId", "default")).first();
    Document settings = config == null ? null : config.get("autoDisable", Document.class);
    if (settings == null || !settings.getBoolean("enabled", false)) {
      return List.of();
    }
    long minSamples = ((Number) settings.get("minSamples", 200)).longValue();
    double bound = ((Number) settings.get("maxProbabilityToBeBest", 0.02)).doubleValue();
    int needed = ((Number) settings.get("consecutiveChecks", 3)).intValue();
    // Judged on what the bandit learns on; an unknown reward stops the check (Reward.Invalid).
    Reward reward = Reward.of(config);
    List<Disabled> out = new ArrayList<>();
    List<String> segments =
        db.getCollection(VariantStats.COLLECTION)
            .distinct("segment", String.class)
            .into(new ArrayList<>());
    for (String segment : segments) {
      List<String> off = autoDisabled(config, segment);
      List<Document> variants =
          db
              .getCollection(Collections.PROMPT_VARIANTS)
              .find(
                  Filters.and(
                      Filters.eq("enabled", true),
                      Filters.in("segments", List.of(segment, "*")),
                      // No cold opener: its arm is never in a segment's bandit.
                      Filters.ne(
                          "variantId",
                          com.salesagent.activities.lead.ReturningContacts.VARIANT_ID)))
              .into(new ArrayList<>())
              .stream()
              .filter(v -> !off.contains(v.getString("variantId")))
              .toList();
      if (variants.size() < 2) {
        continue;
      }
      Map<String, Double> weights = new LinkedHashMap<>();
      for (Document v : variants) {
        weights.put(v.getString("variantId"), 1.0);
      }
      // Judged on outcomes: a lead still waiting for its reply is no evidence against its arm.
      Map<String, Arm> observed =
          new AwaitingOutcome(db)
              .arms(
                  segment, variants, stats.totals(segment), weights, reward, new WordingStats(db));
      List<Arm> arms = new ArrayList<>();
      for (Document v : variants) {
        arms.add(observed.get(v.getString("variantId")));
      }
      double[] best = VariantAnalytics.probabilityToBeBest(arms, 20_000, 7);
      int remaining = arms.size();
      Map<String, Object> strikes = new LinkedHashMap<>();
      for (int i = 0; i < arms.size(); i++) {
        Arm arm = arms.get(i);
        String key = "autoDisableStrikes." + field(segment) + ":" + field(arm.variantId());
        boolean losing = arm.trials() >= minSamples && best[i] < bound;
        if (!losing) {
          strikes.put(key, 0);
          continue;
        }
        int strike = strikesOf(config, segment, arm.variantId()) + 1;
        if (strike < needed || remaining < 2) {
          strikes.put(key, strike);
          continue;
        }
        remaining--;
        strikes.put(key, 0);
        configs.updateOne(
            Filters.eq("configId", "default"),
            Updates.addToSet("autoDisabled." + field(segment), arm.variantId()));
        // Its share of the segment's traffic changed: the sample-ratio check starts again.
        db.getCollection(Collections.PROMPT_VARIANTS)
            .updateOne(
                Filters.eq("variantId", arm.variantId()),
                Updates.set(VariantStore.TRAFFIC_CHANGED_AT, Date.from(clock.instant())));
        db.getCollection(Collections.AUDIT_LOG)
            .insertOne(
                new Document("at", Date.from(clock.instant()))
                    .append("actor", "auto-disable")
                    .append("action", "variant_auto_disabled")
                    .append("variantId", arm.variantId())
                    .append("segment", segment)
                    .append("probabilityToBeBest", best[i])
                    .append("assigned", arm.assigned())
                    .append("withOutcome", arm.trials())
                    .append("reward", reward.value())
                    .append(reward.counter(), arm.successes())
                    .append(
                        "rule",
                        new Document("minSamples", minSamples)
                            .append("maxProbabilityToBeBest", bound)
                            .append("consecutiveChecks", needed)));
        out.add(new Disabled(segment, arm.variantId(), best[i], arm.assigned()));
      }
      if (!strikes.isEmpty()) {
        configs.updateOne(
            Filters.eq("configId", "default"), new Document("$set", new Document(strikes)));
      }
    }
    return out;
  }

  private static int strikesOf(Document config, String segment, String variantId) {
    Document all = config.get("autoDisableStrikes", Document.class);
    Number n = all == null ? null : all.get(field(segment) + ":" + field(variantId), Number.class);
    return n == null ? 0 : n.intValue();
  }

  /** Forgets the strikes of a variant in every segment (an operator switched it). */
  public static void resetStrikes(MongoCollection<Document> configs, String variantId) {
    Document config = configs.find(Filters.eq("configId", "default")).first();
    Document strikes = config == null ? null : config.get("autoDisableStrikes", Document.class);
    if (strikes == null) {
      return;
    }
    for (String key : strikes.keySet()) {
      if (key.endsWith(":" + field(variantId))) {
        configs.updateOne(
            Filters.eq("configId", "default"), Updates.unset("autoDisableStrikes." + key));
      }
    }
  }

  /** A name usable as one field of a path (dots would nest). */
  private static String field(String name) {
    return name.replace('.', '_').replace('$', '_');
  }
}
