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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.bson.Document;

/**
 * Which assigned leads have no outcome yet, per variant. A bandit that counts every assignment as a
 * trial counts a lead whose reply has not come yet as a failure: the arm that gets the most traffic
 * has the most such leads and looks worse than it is, for as long as replies take (hours in real
 * campaigns; in the simulator at 20 enrolments a second, 10-20 leads per segment, enough to keep
 * the right arm's share near a third). So a trial is a lead whose outcome is known: replied, or
 * ended (no response after the follow-ups, opted out, failed, stopped). A lead a person wrote to
 * before its first reply ({@link Assisted}) is no trial at all: the variant's {@code assisted}
 * counter is taken off its assigned leads and the count of waiting leads leaves them out; so is a
 * lead the kill switch moved off the variant ({@link Switched}).
 *
 * <p>The count comes from the contacts whose stage is not terminal, at most once a second per
 * segment; leads assigned since that count are added to it (they cannot have ended yet), so a burst
 * of assignments within the second does not read its own leads as failures. The count reads every
 * waiting lead of the segment, so it is taken less often as it grows dearer: at most once per
 * {@link #COST_FACTOR} times its own last duration (a count that took 600 ms, as one of 50,000
 * parked leads did on the embedded MongoDB, is taken every 12 s, not every second), never less
 * often than {@link #MAX_REFRESH_NANOS}; and by one thread at a time per segment: the others go on
 * with the count they have (before, every assignment thread that found it a second old counted
 * again, all at once).
 */
public final class AwaitingOutcome {
  static final long REFRESH_NANOS = 1_000_000_000L;

  /** A count is taken at most once per this many times its last duration (5 % of a thread). */
  static final long COST_FACTOR = 20;

  static final long MAX_REFRESH_NANOS = 60_000_000_000L;

  private static final List<String> ENDED =
      Arrays.stream(Stage.values()).filter(Stage::settled).map(Stage::key).toList();
  private static final List<String> TERMINAL =
      Arrays.stream(Stage.values()).filter(Stage::terminal).map(Stage::key).toList();

  private record Snapshot(
      long at,
      long cost,
      Map<String, Long> awaiting,
      Map<String, Long> assigned,
      Map<String, Long> assisted) {
    boolean staleAt(long now) {
      return now - at > Math.max(REFRESH_NANOS, Math.min(MAX_REFRESH_NANOS, COST_FACTOR * cost));
    }
  }

  private final MongoCollection<Document> contacts;
  private final LongSupplier nanos;
  private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
  private final Map<String, Object> firstCounts = new ConcurrentHashMap<>();
  private final java.util.Set<String> counting = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicLong counts =
      new java.util.concurrent.atomic.AtomicLong();

  public AwaitingOutcome(MongoDatabase db) {
    this(db, System::nanoTime);
  }

  AwaitingOutcome(MongoDatabase db, LongSupplier nanos) {
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.nanos = nanos;
  }

  /**
   * The arms of a segment as a bandit should see them: {@code totals} are the segment's counters
   * per variant ({@link VariantStats#totals}); a trial is an assigned lead with an outcome.
   */
  public Map<String, Arm> arms(
      String segment, Map<String, Map<String, Long>> totals, Map<String, Double> weights) {
    return arms(segment, totals, weights, Reward.REPLY);
  }

  /**
   * {@link #arms} rewarded by {@code reward}: a success is its counter. On replies or interest a
   * trial is a lead that replied or ended (a polite no is an outcome: no interest; a lead that
   * later shows interest becomes a success); on conversions, a lead whose lifecycle ended
   * (converted, lost, replied without interest, no response...), since an interested lead still in
   * its conversation may convert.
   */
  public Map<String, Arm> arms(
      String segment,
      Map<String, Map<String, Long>> totals,
      Map<String, Double> weights,
      Reward reward) {
    return arms(segment, totals, weights, reward, Map.of());
  }

  /**
   * The arms of a segment's variants as a bandit should see them, each variant rewritten since
   * revisions were recorded on the evidence of its current wording alone ({@link WordingStats}).
   */
  public Map<String, Arm> arms(
      String segment,
      List<Document> variants,
      Map<String, Map<String, Long>> totals,
      Map<String, Double> weights,
      Reward reward,
      WordingStats wordings) {
    return arms(
        segment,
        wordings.current(segment, variants, totals),
        weights,
        reward,
        WordingStats.currentRevisions(variants));
  }

  /**
   * {@link #arms}, the waiting leads of each variant in {@code revisions} only those assigned with
   * that wording revision ({@link VariantWordings#LEAD_REVISION}).
   */
  Map<String, Arm> arms(
      String segment,
      Map<String, Map<String, Long>> totals,
      Map<String, Double> weights,
      Reward reward,
      Map<String, Integer> revisions) {
    boolean conversion = reward.awaitsTheEnd();
    Map<String, Long> awaiting = awaiting(segment, totals, conversion, revisions);
    Map<String, Arm> arms = new HashMap<>();
    for (Map.Entry<String, Double> w : weights.entrySet()) {
      Map<String, Long> t = totals.getOrDefault(w.getKey(), Map.of());
      arms.put(
          w.getKey(),
          observed(
              w.getKey(),
              w.getValue(),
              t,
              awaiting.getOrDefault(w.getKey(), 0L),
              reward.counter()));
    }
    return arms;
  }

  /** An arm from its counters: replies over the assigned leads that have an outcome. */
  static Arm observed(String variantId, double weight, Map<String, Long> totals, long awaiting) {
    return observed(variantId, weight, totals, awaiting, "replied");
  }

  /**
   * An arm from its counters: {@code success} over the assigned leads with an outcome, the assisted
   * leads ({@link Assisted}: a person wrote to them before their first reply) taken out.
   */
  static Arm observed(
      String variantId, double weight, Map<String, Long> totals, long awaiting, String success) {
    long assigned = measured(totals);
    long replied = Math.min(assigned, totals.getOrDefault(success, 0L));
    // A reply is counted when it arrives, the lead's stage a moment later: never fewer trials.
    long trials = Math.max(replied, assigned - Math.max(0, awaiting));
    return new Arm(variantId, weight, trials, replied, assigned - trials);
  }

  /**
   * The assigned leads that are the variant's evidence: the assisted ones ({@link Assisted}) and
   * those the kill switch moved off it ({@link Switched}) taken off.
   */
  public static long measured(Map<String, Long> totals) {
    long assigned = totals.getOrDefault("assigned", 0L);
    return assigned - Math.max(0, Math.min(assigned, takenOut(totals)));
  }

  /** The variant's assigned leads that are no trial of it: assisted or switched off it. */
  static long takenOut(Map<String, Long> totals) {
    return totals.getOrDefault(Assisted.COUNTER, 0L) + totals.getOrDefault(Switched.COUNTER, 0L);
  }

  private Map<String, Long> awaiting(
      String segment,
      Map<String, Map<String, Long>> totals,
      boolean conversion,
      Map<String, Integer> revisions) {
    long now = nanos.getAsLong();
    // A rewritten variant's count is of its current wording's leads: a new wording, a new count.
    String key =
        (conversion ? "conversion:" : "reply:")
            + segment
            + (revisions.isEmpty() ? "" : ":" + new java.util.TreeMap<>(revisions));
    Snapshot s = snapshots.get(key);
    if (s == null) {
      // The first count: every thread needs one, one thread takes it.
      synchronized (firstCounts.computeIfAbsent(key, k -> new Object())) {
        s = snapshots.get(key);
        if (s == null) {
          return recount(key, segment, totals, conversion, revisions).awaiting();
        }
      }
    } else if (s.staleAt(now) && counting.add(key)) {
      try {
        // Another thread may have counted between this one's read and its turn (it read the stale
        // count too, then gave the turn back): its fresh count serves, not a second one.
        Snapshot latest = snapshots.get(key);
        if (latest == s || latest.staleAt(now)) {
          return recount(key, segment, totals, conversion, revisions).awaiting();
        }
        s = latest;
      } finally {
        counting.remove(key);
      }
    }
    Map<String, Long> out = new HashMap<>(s.awaiting());
    for (Map.Entry<String, Map<String, Long>> e : totals.entrySet()) {
      long since =
          e.getValue().getOrDefault("assigned", 0L) - s.assigned().getOrDefault(e.getKey(), 0L);
      // A lead marked assisted or switched off the variant since the count was waiting then (it
      // had not replied): it is off the assigned leads now, so it is off the waiting ones too.
      long assistedSince = takenOut(e.getValue()) - s.assisted().getOrDefault(e.getKey(), 0L);
      long change = Math.max(0, since) - Math.max(0, assistedSince);
      if (change != 0) {
        out.put(e.getKey(), Math.max(0, out.getOrDefault(e.getKey(), 0L) + change));
      }
    }
    return out;
  }

  private Snapshot recount(
      String key,
      String segment,
      Map<String, Map<String, Long>> totals,
      boolean conversion,
      Map<String, Integer> revisions) {
    Map<String, Long> assigned = new HashMap<>();
    Map<String, Long> assisted = new HashMap<>();
    totals.forEach(
        (v, t) -> {
          assigned.put(v, t.getOrDefault("assigned", 0L));
          assisted.put(v, takenOut(t));
        });
    long start = nanos.getAsLong();
    Map<String, Long> awaiting = count(segment, conversion ? TERMINAL : ENDED, revisions);
    long end = nanos.getAsLong();
    counts.incrementAndGet();
    Snapshot s = new Snapshot(end, end - start, awaiting, assigned, assisted);
    snapshots.put(key, s);
    return s;
  }

  /** How many counts were taken (tests). */
  long counts() {
    return counts.get();
  }

  private Map<String, Long> count(
      String segment, List<String> ended, Map<String, Integer> revisions) {
    Map<String, Long> out = new HashMap<>();
    for (Document d :
        contacts.aggregate(
            List.of(
                Aggregates.match(
                    Filters.and(
                        Filters.eq("segment", segment),
                        Filters.exists("variantId", true),
                        Filters.nin("stage", ended),
                        // No trial at all, waiting or not: taken off the assigned leads.
                        Filters.exists(Assisted.FIELD, false),
                        Filters.exists(Switched.FIELD, false))),
                // A lead moved after its reply waits as the old variant's trial (Switched).
                Aggregates.group(
                    new Document("v", Switched.EVIDENCE_VARIANT)
                        .append("r", "$" + VariantWordings.LEAD_REVISION),
                    Accumulators.sum("n", 1))))) {
      Document id = d.get("_id", Document.class);
      String v = id.getString("v");
      if (v == null) {
        continue;
      }
      Integer wording = revisions.get(v);
      // A rewritten variant waits only for its current wording's leads (none without a revision:
      // they were assigned before it was rewritten).
      if (wording == null
          || (id.get("r") instanceof Number r && r.intValue() == wording.intValue())) {
        out.merge(v, ((Number) d.get("n")).longValue(), Long::sum);
      }
    }
    return out;
  }
}
