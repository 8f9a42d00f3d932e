package com.salesagent.activities.variants;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.workflows.lead.Stage;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The evidence of the {@code contextual} strategy: every lead assigned by it keeps the persona
 * features it was assigned with ({@code contacts.variantContext}); a lead whose outcome is known
 * (it replied, or its stage ended) is one observation of its variant at those features, unless a
 * person wrote to it before its first reply ({@link Assisted}: no observation at all). A variant an
 * operator rewrote is observed through the leads of its current wording alone ({@link
 * WordingStats#currentRevisions}, read at each rebuild; a lead's wording is {@link
 * VariantWordings#LEAD_REVISION}, one stored without it is of an older wording), as the bandit's
 * arms are: the old text's replies are no evidence for the new one. Counted with two aggregations
 * (leads with an outcome, leads that replied or, on the {@code interested} reward, showed interest)
 * grouped by variant and features, at most once a second per process, and the model built from the
 * groups is kept with them: an assignment costs no query within that second. The aggregations read
 * every assigned lead, so they are taken less often as they grow dearer, as {@link
 * AwaitingOutcome}'s count: at most once per twenty times their last duration, at least once a
 * minute.
 */
public final class ContextEvidence {
  static final long REFRESH_NANOS = 1_000_000_000L;

  /** The persona facets a lead's features are read from (beside its segment). */
  public static final List<String> FACETS =
      List.of("industry", "sizeBand", "seniority", "function");

  private static final List<String> ENDED =
      Arrays.stream(Stage.values()).filter(Stage::terminal).map(Stage::key).toList();

  private record Snapshot(
      long at, long cost, double lambda, double floor, String success, LinearThompson model) {}

  private final MongoCollection<Document> contacts;
  private final MongoCollection<Document> personas;
  private final MongoCollection<Document> variants;
  private final LongSupplier nanos;
  private volatile Snapshot snapshot;

  public ContextEvidence(MongoDatabase db) {
    this(db, System::nanoTime);
  }

  ContextEvidence(MongoDatabase db, LongSupplier nanos) {
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.personas = db.getCollection(Collections.PERSONAS);
    this.variants = db.getCollection(Collections.PROMPT_VARIANTS);
    this.nanos = nanos;
  }

  /** A lead's features: its persona's firmographic facets that are known, and its segment. */
  public Map<String, String> context(String leadId, String segment) {
    Map<String, String> out = new LinkedHashMap<>();
    Document p = personas.find(Filters.eq("leadId", leadId)).first();
    if (p != null) {
      for (String f : FACETS) {
        if (p.get(f) instanceof String v && !v.isBlank()) {
          out.put(f, v);
        }
      }
    }
    if (segment != null) {
      out.put("segment", segment);
    }
    return out;
  }

  /** The model over every outcome known at most a second ago, rewarded by replies. */
  public LinearThompson model(double lambda, double floor) {
    return model(lambda, floor, Reward.REPLY);
  }

  /**
   * {@link #model} rewarded by interest ({@code funnel.interested}: the lead's first reply with
   * interest) for {@link Reward#INTERESTED}, else by replies ({@code funnel.replied}; conversions
   * are not modelled per persona: learnt as replies, as before).
   */
  public LinearThompson model(double lambda, double floor, Reward reward) {
    String success = reward == Reward.INTERESTED ? "funnel.interested" : "funnel.replied";
    Snapshot s = snapshot;
    if (fresh(s, lambda, floor, success)) {
      return s.model();
    }
    // One rebuild at a time: the threads that found it stale meanwhile take the new one.
    synchronized (this) {
      s = snapshot;
      if (!fresh(s, lambda, floor, success)) {
        long start = nanos.getAsLong();
        LinearThompson model = build(lambda, floor, success);
        long end = nanos.getAsLong();
        s = new Snapshot(end, end - start, lambda, floor, success, model);
        snapshot = s;
      }
      return s.model();
    }
  }

  private boolean fresh(Snapshot s, double lambda, double floor, String success) {
    return s != null
        && nanos.getAsLong() - s.at()
            <= Math.max(
                REFRESH_NANOS,
                Math.min(AwaitingOutcome.MAX_REFRESH_NANOS, AwaitingOutcome.COST_FACTOR * s.cost()))
        && s.lambda() == lambda
        && s.floor() == floor
        && s.success().equals(success);
  }

  private LinearThompson build(double lambda, double floor, String success) {
    // A lead a person wrote to before its first reply is no observation of its variant (Assisted),
    // nor one switched off a variant it had been sent (Switched).
    Bson assigned =
        Filters.and(
            Filters.exists("variantContext", true),
            Filters.exists("variantId", true),
            Filters.exists(Assisted.FIELD, false),
            Filters.exists(Switched.FIELD, false));
    Map<Document, long[]> groups = new HashMap<>();
    // The rewritten variants' current wordings: their evidence is those leads' alone.
    Map<String, Integer> current =
        WordingStats.currentRevisions(
            variants
                .find()
                .projection(
                    new Document("variantId", 1)
                        .append(VariantStore.REVISION, 1)
                        .append(VariantWordings.WORDING_REVISION, 1)
                        .append(VariantWordings.WORDING_HISTORY, 1))
                .into(new java.util.ArrayList<>()));
    count(
        Filters.and(
            assigned,
            Filters.or(Filters.in("stage", ENDED), Filters.exists("funnel.replied", true))),
        current,
        groups,
        0);
    count(Filters.and(assigned, Filters.exists(success, true)), current, groups, 1);
    LinearThompson.Builder b = new LinearThompson.Builder(lambda, floor);
    groups.forEach(
        (key, n) -> {
          Map<String, String> context = new LinkedHashMap<>();
          Document c = key.get("c", Document.class);
          if (c != null) {
            c.forEach(
                (k, v) -> {
                  if (v != null && !v.toString().isBlank()) {
                    context.put(k, v.toString());
                  }
                });
          }
          // A reply is marked a moment before the stage: never more successes than outcomes.
          long leads = Math.max(n[0], n[1]);
          b.add(new LinearThompson.Group(key.getString("v"), context, leads, n[1]));
        });
    return b.build();
  }

  private void count(
      Bson filter, Map<String, Integer> current, Map<Document, long[]> groups, int slot) {
    for (Document d :
        contacts.aggregate(
            List.of(
                Aggregates.match(filter),
                Aggregates.group(
                    // A lead moved after its reply is the old variant's evidence (Switched), its
                    // wording revision that variant's.
                    new Document("v", Switched.EVIDENCE_VARIANT)
                        .append("c", "$variantContext")
                        .append("r", "$" + VariantWordings.LEAD_REVISION),
                    Accumulators.sum("n", 1))))) {
      Document id = d.get("_id", Document.class);
      if (id == null || id.getString("v") == null) {
        continue;
      }
      Integer wanted = current.get(id.getString("v"));
      if (wanted != null && !(id.get("r") instanceof Number r && r.intValue() == wanted)) {
        continue; // a lead of an older wording of a rewritten variant
      }
      Document key = new Document("v", id.getString("v")).append("c", id.get("c"));
      groups.computeIfAbsent(key, k -> new long[2])[slot] += ((Number) d.get("n")).longValue();
    }
  }
}
