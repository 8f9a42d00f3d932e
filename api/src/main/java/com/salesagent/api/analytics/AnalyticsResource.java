package com.salesagent.api.analytics;

import com.codahale.metrics.annotation.Timed;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.persona.Segments;
import com.salesagent.activities.variants.Arm;
import com.salesagent.activities.variants.ArmGuard;
import com.salesagent.activities.variants.AwaitingOutcome;
import com.salesagent.activities.variants.Interest;
import com.salesagent.activities.variants.Reward;
import com.salesagent.activities.variants.VariantAnalytics;
import com.salesagent.activities.variants.VariantAnalytics.Rate;
import com.salesagent.activities.variants.VariantArchive;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.activities.variants.VariantStore;
import com.salesagent.activities.variants.VariantWordings;
import com.salesagent.activities.variants.WordingRecount;
import com.salesagent.activities.variants.WordingStats;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.QueryDays;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.bson.Document;

/**
 * {@code GET /api/analytics/variants?segment=}: per variant, from the incremental counters (cost
 * O(variants x days)): counts, rates with 95 % Wilson intervals (replies and interest over the
 * assigned leads but the assisted ones, deliveries and reads over the sent, opt-outs), the
 * posterior mean and probability to be best on the bandit's reward (the default configuration's
 * {@link Reward}, named in the report), and a sample-ratio-mismatch check of the assignments of the
 * variants that can be picked now against their weights, on the days after the pool's traffic last
 * changed ({@code sampleRatioMismatch.from}; meaningful for fixed splits; alarm at p < 0.001).
 */
@Tag(name = "analytics", description = "Variant performance and its counters")
@Timed
@Path("/api/analytics/variants")
@Produces(MediaType.APPLICATION_JSON)
public class AnalyticsResource {
  private final MongoDatabase db;
  private final VariantStore variantStore;
  private final VariantStats stats;
  private final WordingStats wordings;
  private final AwaitingOutcome awaiting;
  private final Map<List<Arm>, double[]> bestCache = new ConcurrentHashMap<>();

  public AnalyticsResource(MongoDatabase db) {
    this.db = db;
    this.variantStore = new VariantStore(db, Clock.systemUTC());
    this.stats = new VariantStats(db);
    this.wordings = new WordingStats(db);
    this.awaiting = new AwaitingOutcome(db);
  }

  /**
   * The report of {@code segment}; without it, of the busiest segment (the most assignments), as
   * the dashboard opens on it: the catch-all {@code default} read all zeros while the leads were in
   * another segment. {@code segments} names every segment with counters, busiest first.
   */
  @GET
  public Response variants(@QueryParam("segment") String segment) {
    List<String> segments = stats.segmentsBusiestFirst();
    if (segment == null || segment.isBlank()) {
      segment = segments.get(0);
    } else if (!segments.contains(segment)
        && !Segments.BUILT_IN.contains(segment)
        && db.getCollection(Collections.SEGMENTS).countDocuments(Filters.eq("segmentId", segment))
            == 0) {
      // A segment no lead can be in (a typo): it answered 200 with every variant at zero.
      throw new ApiException(
          404,
          "no segment " + segment,
          new FieldError(
              "segment",
              "unknown: neither an operator's segment nor a company-size band; segments with"
                  + " counters: "
                  + String.join(", ", segments)));
    }
    Map<String, Map<String, Long>> totals = stats.totals(segment);
    List<Document> variants = variantStore.forSegment(segment);
    Document config = variantStore.defaultConfig();
    Reward reward = Reward.of(config);
    List<String> autoDisabled = ArmGuard.autoDisabled(config, segment);
    // The split is checked on the days after its pool's traffic last changed (a variant created,
    // switched on or off, auto-disabled, reweighted): a variant switched off and on again has
    // fewer assignments than its weight's share of all days, and that is no mismatch.
    java.util.Date changed =
        variants.stream()
            .map(v -> v.get(VariantStore.TRAFFIC_CHANGED_AT))
            .filter(java.util.Date.class::isInstance)
            .map(java.util.Date.class::cast)
            .max(java.util.Comparator.naturalOrder())
            .orElse(null);
    LocalDate changedDay =
        changed == null ? null : changed.toInstant().atOffset(ZoneOffset.UTC).toLocalDate();
    Map<String, Long> assignedSince =
        stats.assignedAfter(segment, changedDay == null ? null : changedDay.toString());
    // The bandit's and the arm guard's view: a trial is a lead with an outcome; a lead still
    // waiting for its reply is no failure (a variant switched off stops taking fresh leads, so
    // counting the waiting ones as failures made it look better than the live arms, and P(best)
    // disagreed with the arm guard that acts on it).
    Map<String, Double> weights = new LinkedHashMap<>();
    variants.forEach(
        v -> weights.put(v.getString("variantId"), ((Number) v.get("weight", 1)).doubleValue()));
    // A rewritten variant's evidence is its current wording's (WordingStats): the old text's
    // replies and non-replies stay in its counts and in its wordings, not in its rates.
    Map<String, Map<String, Long>> evidence = wordings.current(segment, variants, totals);
    Map<String, Arm> observed = awaiting.arms(segment, variants, totals, weights, reward, wordings);
    List<Arm> arms = new ArrayList<>();
    List<Integer> armOfRow = new ArrayList<>();
    List<Arm> split = new ArrayList<>();
    List<Function<Double, VariantRow>> rows = new ArrayList<>();
    for (Document v : variants) {
      String id = v.getString("variantId");
      Map<String, Long> t = totals.getOrDefault(id, Map.of());
      long assigned = t.getOrDefault("assigned", 0L);
      // The variant's evidence: the leads a person wrote to before their first reply taken off
      // (their replies, interest and conversions were not counted either).
      Map<String, Long> e = evidence.getOrDefault(id, Map.of());
      long measured = AwaitingOutcome.measured(e);
      long sent = t.getOrDefault("sent", 0L);
      long replied = Math.min(measured, e.getOrDefault("replied", 0L));
      long interested = Math.min(measured, e.getOrDefault(Interest.INTERESTED, 0L));
      List<Document> byWording = wordings.byRevision(v, segment, t);
      double weight = weights.get(id);
      Arm outcomes = observed.get(id);
      // The probability to be best is among the variants that can be picked now (enabled, not
      // auto-disabled here): disabled ones that never took a lead (a flat prior) took most of it.
      boolean competing = v.getBoolean("enabled", true) && !autoDisabled.contains(id);
      armOfRow.add(competing ? arms.size() : -1);
      if (competing) {
        arms.add(outcomes);
      }
      // The split is checked on the assignments of the variants that can be picked now (an
      // assisted lead was assigned all the same), since the pool's traffic last changed.
      if (competing) {
        split.add(new Arm(id, weight, assignedSince.getOrDefault(id, 0L), 0));
      }
      Map<String, Long> counts = new LinkedHashMap<>();
      VariantStats.COUNTERS.forEach(c -> counts.put(c, t.getOrDefault(c, 0L)));
      rows.add(
          best ->
              new VariantRow(
                  id,
                  v.getString("angle"),
                  v.getString("modality") == null ? "text" : v.getString("modality"),
                  v.getBoolean("enabled", true),
                  autoDisabled.contains(id),
                  counts,
                  measured,
                  VariantAnalytics.wilson(replied, measured),
                  VariantAnalytics.wilson(interested, measured),
                  VariantAnalytics.wilson(Math.min(sent, t.getOrDefault("delivered", 0L)), sent),
                  VariantAnalytics.wilson(Math.min(sent, t.getOrDefault("read", 0L)), sent),
                  VariantAnalytics.wilson(
                      Math.min(assigned, t.getOrDefault("opted_out", 0L)), assigned),
                  outcomes.trials(),
                  outcomes.awaiting(),
                  offSince(v),
                  VariantAnalytics.posteriorMean(outcomes.successes(), outcomes.trials()),
                  best,
                  VariantWordings.wordingRevisionOf(v),
                  byWording,
                  VariantArchive.archived(v),
                  VariantStore.revisionOf(v)));
    }
    List<VariantRow> out = new ArrayList<>();
    // Seeded, so the same counters always give the same answer: computed once per state.
    double[] best =
        arms.isEmpty()
            ? new double[0]
            : bestCache.computeIfAbsent(
                List.copyOf(arms), a -> VariantAnalytics.probabilityToBeBest(a, 10_000, 1));
    if (bestCache.size() > 1_000) {
      bestCache.clear();
    }
    for (int i = 0; i < rows.size(); i++) {
      int arm = armOfRow.get(i);
      out.add(rows.get(i).apply(arm < 0 ? null : best[arm]));
    }
    Map<String, Object> srm = new LinkedHashMap<>(VariantAnalytics.sampleRatioMismatch(split));
    srm.put("from", changedDay == null ? null : changedDay.plusDays(1).toString());
    return Response.ok(new VariantReport(segment, reward.value(), out, srm, segments)).build();
  }

  /**
   * One variant of a segment: counts, rates with their 95 % intervals ({@code interestRate}: leads
   * whose reply showed interest over the measured leads, as {@code replyRate} counts any first
   * reply), and the bandit's view on its reward. {@code measured}: the assigned leads that are the
   * variant's evidence, the rates' and the posterior's denominator: {@code counts.assigned} minus
   * {@code counts.assisted}, the leads a person wrote to before their first reply (their replies,
   * interest and conversions are not in the counts either), minus {@code counts.switched}, the
   * leads the kill switch moved off the variant before their first reply. {@code
   * probabilityToBeBest}: among the variants that can be picked now (enabled, not auto-disabled in
   * the segment); null for the others. {@code withOutcome}: the measured leads whose outcome is
   * known (replied, or ended), the posterior's and the probability's trials, as the bandit and the
   * arm guard count them; {@code awaitingOutcome}: the measured leads still waiting for theirs (no
   * failure yet: a variant switched off stops taking fresh leads, while its in-flight leads still
   * reply). {@code offSince}: when a switched-off variant went off (its kill switch; null while it
   * is enabled): its row is no longer live, it takes no new leads. {@code wordingRevision}: the
   * revision whose wording the variant has now; {@code measured}, the rates, {@code withOutcome},
   * {@code awaitingOutcome} and the posterior are of that wording's leads alone ({@link
   * WordingStats}), {@code counts} of every wording's; {@code wordings}: each wording's counters
   * ({@code revision}, {@code current}, assigned, replied, interested, converted, assisted,
   * switched), oldest first, leads stored without a revision as the first wording's. {@code
   * archived}: archived by an operator (off for good; the dashboard hides it unless asked), its
   * history shown all the same. {@code revision}: the variant's revision (its ETag), what an edit
   * of the row (archive, unarchive) sends as {@code If-Match}.
   */
  public record VariantRow(
      String variantId,
      String angle,
      String modality,
      boolean enabled,
      boolean autoDisabled,
      Map<String, Long> counts,
      long measured,
      Rate replyRate,
      Rate interestRate,
      Rate deliveryRate,
      Rate readRate,
      Rate optOutRate,
      long withOutcome,
      long awaitingOutcome,
      String offSince,
      double posteriorMean,
      Double probabilityToBeBest,
      int wordingRevision,
      List<Document> wordings,
      boolean archived,
      int revision) {}

  /** When a switched-off variant went off (ISO-8601, UTC); null for an enabled one or unknown. */
  private static String offSince(Document variant) {
    if (variant.getBoolean("enabled", true)) {
      return null;
    }
    Document killSwitch = variant.get(VariantStore.KILL_SWITCH, Document.class);
    Object at =
        killSwitch != null && killSwitch.get("at") != null
            ? killSwitch.get("at")
            : variant.get(VariantStore.TRAFFIC_CHANGED_AT);
    return at instanceof java.util.Date d ? d.toInstant().toString() : null;
  }

  /**
   * {@code GET /api/analytics/variants}; {@code segment}: the one reported (the busiest when none
   * was asked for); {@code reward}: what the posterior mean and the probability to be best are on
   * (agent_configurations.reward of the default configuration, as the arm guard); {@code segments}:
   * every segment with counters, the most assigned first ("default" always among them).
   */
  public record VariantReport(
      String segment,
      String reward,
      List<VariantRow> variants,
      Map<String, Object> sampleRatioMismatch,
      List<String> segments) {}

  /** One (variant, segment, day) whose stored counters differ from the recomputed ones. */
  public record CounterDifference(
      String variantId,
      String segment,
      String day,
      Map<String, Long> stored,
      Map<String, Long> recomputed) {}

  /** {@code GET /api/analytics/variants/counters}. */
  public record CounterCheck(
      String from,
      String to,
      int rows,
      boolean agree,
      List<CounterDifference> differing,
      boolean wordingsAgree,
      List<WordingRecount.Difference> wordingsDiffering) {}

  /**
   * {@code POST /api/analytics/variants/counters/rebuild}: {@code wordingRowsRepaired}, the
   * per-wording rows (every day) that differed from the recount.
   */
  public record CountersRebuilt(
      String from, String to, int rowsRepaired, int wordingRowsRepaired) {}

  /**
   * {@code GET /api/analytics/variants/counters?from=&to=}: the stored counters of the days [from,
   * to] (UTC) next to the same counters recomputed from interaction_history by aggregation, and
   * whether they agree. An erased lead's history is gone but the counters keep its counts
   * (aggregates, nothing personal): the recount adds what its events added, kept at its erasure
   * without the lead ({@code ErasedCounts}), so an erasure is no disagreement and a drift still is.
   */
  @GET
  @Path("/counters")
  public Response counters(@QueryParam("from") String from, @QueryParam("to") String to) {
    List<FieldError> errors = new ArrayList<>();
    LocalDate[] range = range(from, to, errors);
    if (!errors.isEmpty()) {
      throw new ApiException(400, "bad time range", errors);
    }
    Map<VariantStats.Key, Map<String, Long>> stored = stats.stored(range[0], range[1]);
    Map<VariantStats.Key, Map<String, Long>> recomputed = stats.recompute(range[0], range[1]);
    List<CounterDifference> differing = new ArrayList<>();
    Set<VariantStats.Key> keys = new LinkedHashSet<>(recomputed.keySet());
    keys.addAll(stored.keySet());
    for (VariantStats.Key k : keys) {
      Map<String, Long> a = stored.getOrDefault(k, Map.of());
      Map<String, Long> b = recomputed.getOrDefault(k, Map.of());
      if (!a.equals(b)) {
        differing.add(new CounterDifference(k.variantId(), k.segment(), k.day(), a, b));
      }
    }
    // The per-wording rows, every day, as the report shows them (WordingRecount).
    List<WordingRecount.Difference> wordingsDiffering = new WordingRecount(db).check();
    return Response.ok(
            new CounterCheck(
                range[0].toString(),
                range[1].toString(),
                recomputed.size(),
                differing.isEmpty(),
                differing,
                wordingsDiffering.isEmpty(),
                wordingsDiffering))
        .build();
  }

  /**
   * {@code POST /api/analytics/variants/counters/rebuild?from=&to=}: replaces the stored counters
   * of those days with the recomputed ones. Rebuild closed days; today's still moves. The wording
   * rows (every day) are rebuilt beside live counts; when those kept changing them through every
   * attempt ({@link WordingRecount#rebuild}), 409 with {@code rowsRepaired} (the days' rows were
   * rebuilt) and {@code Retry-After}.
   */
  @POST
  @Path("/counters/rebuild")
  public Response rebuild(@QueryParam("from") String from, @QueryParam("to") String to) {
    List<FieldError> errors = new ArrayList<>();
    LocalDate[] range = range(from, to, errors);
    if (!errors.isEmpty()) {
      throw new ApiException(400, "bad time range", errors);
    }
    if (!range[1].isBefore(LocalDate.now(ZoneOffset.UTC))) {
      throw new ApiException(
          400,
          "bad time range",
          List.of(
              new FieldError(
                  "to",
                  "rebuild closed days only: before today (UTC); today still receives events")));
    }
    int differing = stats.rebuild(range[0], range[1]);
    // And the per-wording rows, whose days are not kept apart: recounted from the whole history,
    // after variant_stats (the report reads a wording row against the variant's totals).
    int wordingRows;
    try {
      wordingRows = new WordingRecount(db).rebuild();
    } catch (WordingRecount.ConcurrentChange busy) {
      // Live counts kept coming: none is lost, but the rows are not the settled recount.
      throw new ApiException(
              409,
              "wording rows changed while rebuilt",
              new FieldError("wordingRows", busy.getMessage()))
          .with("from", range[0].toString())
          .with("to", range[1].toString())
          .with("rowsRepaired", differing)
          .withHeader("Retry-After", 60);
    }
    return Response.ok(
            new CountersRebuilt(range[0].toString(), range[1].toString(), differing, wordingRows))
        .build();
  }

  private static LocalDate[] range(String from, String to, List<FieldError> errors) {
    LocalDate[] out = new LocalDate[2];
    String[] values = {from, to};
    String[] names = {"from", "to"};
    for (int i = 0; i < 2; i++) {
      if (values[i] == null || values[i].isBlank()) {
        errors.add(new FieldError(names[i], "required: a day as YYYY-MM-DD (UTC)"));
        continue;
      }
      try {
        out[i] = LocalDate.parse(values[i].strip());
      } catch (DateTimeParseException e) {
        errors.add(new FieldError(names[i], "not a day as YYYY-MM-DD: " + values[i]));
        continue;
      }
      QueryDays.outside(names[i], out[i], Clock.systemUTC(), errors);
    }
    if (errors.isEmpty() && out[0].isAfter(out[1])) {
      errors.add(new FieldError("to", "must not be before from"));
    } else if (errors.isEmpty() && out[0].plusDays(366).isBefore(out[1])) {
      errors.add(new FieldError("to", "at most 366 days after from"));
    }
    return out;
  }
}
