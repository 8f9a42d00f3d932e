package com.salesagent.activities.variants;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The per-wording counters ({@link WordingStats}, variant_wording_stats) recounted from
 * interaction_history, as {@link VariantStats#recompute} recounts variant_stats, checked and
 * rebuilt beside them. The same events count, the same firsts and exclusions (assisted, switched),
 * each for the wording its lead counts for: the lead's contact's revision while the contact still
 * holds that variant's evidence ({@link Switched#evidenceVariant}: what the live counts read, also
 * after its first message moved it, {@link WordingStats#composedWith}); else the revision its event
 * recorded (a lead the kill switch moved on, an erased one's kept counts); else, an event stored
 * before events recorded one, the wording the variant had when it was first rewritten ({@link
 * VariantWordings#unrevisedAs}, the rule for messages and contacts without one). The wording rows
 * hold every day: the recount reads the whole history.
 */
public final class WordingRecount {
  /** One wording's counters in one segment. */
  public record Key(String variantId, int revision, String segment) {}

  /** One wording row whose counters, as the report reads them, differ from the recount. */
  public record Difference(
      String variantId,
      int revision,
      String segment,
      Map<String, Long> stored,
      Map<String, Long> recomputed) {}

  private static final Comparator<Key> ORDER =
      Comparator.comparing(Key::variantId).thenComparing(Key::segment).thenComparing(Key::revision);

  private final MongoDatabase db;
  private final MongoCollection<Document> rows;

  public WordingRecount(MongoDatabase db) {
    this.db = db;
    this.rows = db.getCollection(WordingStats.COLLECTION);
  }

  /** Every wording's counters recounted from the whole history (and erased leads' kept counts). */
  public Map<Key, Map<String, Long>> recompute() {
    Map<String, Document> variants = variants();
    Map<Key, Map<String, Long>> out = new TreeMap<>(ORDER);
    new HistoryRecount(db)
        .recount(
            new Date(0),
            new Date(Long.MAX_VALUE / 2),
            (c, n) -> {
              if (!WordingStats.COUNTERS.contains(c.counter())) {
                return;
              }
              Integer revision = revisionOf(c, variants.get(c.variantId()));
              if (revision != null) {
                out.computeIfAbsent(
                        new Key(c.variantId(), revision, c.segment()), k -> new TreeMap<>())
                    .merge(c.counter(), n, Long::sum);
              }
            });
    new ErasedCounts(db).addWordingsTo(out, variants);
    out.values().forEach(m -> m.values().removeIf(n -> n == 0));
    out.values().removeIf(Map::isEmpty);
    return out;
  }

  /** The wording a count is of (see the class); null for a variant no longer stored. */
  static Integer revisionOf(HistoryRecount.Count c, Document variant) {
    if (c.contactRevision() != null && c.variantId().equals(c.contactVariant())) {
      return c.contactRevision();
    }
    if (c.revision() != null) {
      return c.revision();
    }
    return variant == null ? null : VariantWordings.unrevisedAs(variant);
  }

  /**
   * The wording rows as the report shows them ({@link WordingStats#byRevision}: the counts of leads
   * without a revision, the variant's counters less its rows, as its first wording's) next to the
   * recount: the rows that differ. A drift of a wording row, or of variant_stats, shows here.
   */
  public List<Difference> check() {
    Map<Key, Map<String, Long>> recomputed = recompute();
    VariantStats stats = new VariantStats(db);
    WordingStats wordings = new WordingStats(db);
    Set<String> segments = new LinkedHashSet<>(stats.segmentsBusiestFirst());
    recomputed.keySet().forEach(k -> segments.add(k.segment()));
    List<Difference> out = new ArrayList<>();
    for (String segment : segments) {
      Map<String, Map<String, Long>> totals = stats.totals(segment);
      for (Document variant : variants().values()) {
        String variantId = variant.getString("variantId");
        Map<Integer, Map<String, Long>> shown = new TreeMap<>();
        for (Document row :
            wordings.byRevision(variant, segment, totals.getOrDefault(variantId, Map.of()))) {
          Map<String, Long> counters = new TreeMap<>();
          for (String c : WordingStats.COUNTERS) {
            long n = ((Number) row.get(c)).longValue();
            if (n != 0) {
              counters.put(c, n);
            }
          }
          shown.put(row.getInteger("revision"), counters);
        }
        recomputed.keySet().stream()
            .filter(k -> k.variantId().equals(variantId) && k.segment().equals(segment))
            .forEach(k -> shown.putIfAbsent(k.revision(), Map.of()));
        shown.forEach(
            (revision, counters) -> {
              Map<String, Long> fresh =
                  recomputed.getOrDefault(new Key(variantId, revision, segment), Map.of());
              if (!counters.equals(fresh)) {
                out.add(new Difference(variantId, revision, segment, counters, fresh));
              }
            });
      }
    }
    return out;
  }

  /** Attempts of {@link #rebuild} before it gives up on a change that keeps coming. */
  static final int ATTEMPTS = 3;

  /**
   * Live counts (or the history) kept changing the wording rows through every attempt of {@link
   * #rebuild}: no live count was overwritten, but a row may not hold its recount (a check shows it;
   * a rebuild when it is quieter repairs it).
   */
  public static final class ConcurrentChange extends RuntimeException {
    public ConcurrentChange(int attempts) {
      super(
          "live counts changed the wording rows while they were rebuilt, "
              + attempts
              + " attempts: rebuild again when it is quieter");
    }
  }

  /**
   * Brings every wording row to the recount; answers how many rows differed (in the first attempt).
   * The rows hold every day, today's too, and live counts {@code $inc} them while the rebuild runs,
   * so the rebuild never replaces a row: it adds to each counter the recount less what it read
   * ({@code $inc}), which keeps a live count that came since, and deletes a row the recount does
   * not have only when no live count touched it since it was read ({@link WordingStats#WRITES},
   * which every live count moves and the rebuild never writes; else it takes off what it read).
   * Then it compares what it read first with what is there now (the rows' writes, the history's and
   * the erased leads' kept counts' sizes): a change means an event came while it ran, which the
   * recount may have missed or counted beside its live count, and it starts again ({@value
   * #ATTEMPTS} attempts, then {@link ConcurrentChange}).
   */
  public int rebuild() {
    return rebuild(() -> {});
  }

  /** {@link #rebuild}, {@code beforeWrites} run in each attempt between the recount and writes. */
  int rebuild(Runnable beforeWrites) {
    Integer first = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      long[] before = version();
      Map<Key, Long> writes = new HashMap<>();
      Map<Key, Map<String, Long>> old = storedRows(writes);
      Map<Key, Map<String, Long>> fresh = recompute();
      Set<Key> keys = new java.util.TreeSet<>(ORDER);
      keys.addAll(fresh.keySet());
      keys.addAll(old.keySet());
      int differing = 0;
      for (Key k : keys) {
        if (!fresh.getOrDefault(k, Map.of()).equals(old.getOrDefault(k, Map.of()))) {
          differing++;
        }
      }
      if (first == null) {
        first = differing;
      }
      beforeWrites.run();
      long deletedWrites = 0; // the writes of the rows deleted, gone from the version
      for (Key k : keys) {
        Map<String, Long> was = old.getOrDefault(k, Map.of());
        if (!fresh.containsKey(k)
            && rows.deleteOne(Filters.and(filter(k), unchanged(writes.getOrDefault(k, 0L))))
                    .getDeletedCount()
                == 1) {
          deletedWrites += writes.getOrDefault(k, 0L);
          continue;
        }
        List<Bson> incs = new ArrayList<>();
        for (String c : WordingStats.COUNTERS) {
          long delta =
              fresh.getOrDefault(k, Map.of()).getOrDefault(c, 0L) - was.getOrDefault(c, 0L);
          if (delta != 0) {
            incs.add(Updates.inc(c, delta));
          }
        }
        if (incs.isEmpty()) {
          continue;
        }
        try {
          rows.updateOne(filter(k), Updates.combine(incs), new UpdateOptions().upsert(true));
        } catch (MongoWriteException clash) {
          // A live count created the row meanwhile: it is there to add to now.
          if (clash.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
            throw clash;
          }
          rows.updateOne(filter(k), Updates.combine(incs));
        }
      }
      long[] after = version();
      after[0] += deletedWrites;
      if (java.util.Arrays.equals(before, after)) {
        return first;
      }
    }
    throw new ConcurrentChange(ATTEMPTS);
  }

  /** A row no live count touched since its {@link WordingStats#WRITES} read {@code n}. */
  private static Bson unchanged(long n) {
    return n == 0
        ? Filters.or(Filters.exists(WordingStats.WRITES, false), Filters.eq(WordingStats.WRITES, 0))
        : Filters.eq(WordingStats.WRITES, n);
  }

  /** The wording rows' counters as stored, and each row's {@link WordingStats#WRITES}. */
  private Map<Key, Map<String, Long>> storedRows(Map<Key, Long> writes) {
    Map<Key, Map<String, Long>> old = new TreeMap<>(ORDER);
    for (Document d : rows.find()) {
      if (!(d.get("revision") instanceof Number r)) {
        continue;
      }
      Map<String, Long> counters = new TreeMap<>();
      for (String c : WordingStats.COUNTERS) {
        Number n = d.get(c, Number.class);
        if (n != null && n.longValue() != 0) {
          counters.put(c, n.longValue());
        }
      }
      Key k = new Key(d.getString("variantId"), r.intValue(), d.getString("segment"));
      old.put(k, counters);
      Number n = d.get(WordingStats.WRITES, Number.class);
      writes.put(k, n == null ? 0L : n.longValue());
    }
    return old;
  }

  /**
   * What a live count or an event changes: the wording rows' writes, the history's size and the
   * erased leads' kept counts' (an erasure moves the lead's events from one to the other).
   */
  private long[] version() {
    long writes = 0;
    for (Document d : rows.find().projection(new Document(WordingStats.WRITES, 1))) {
      Number n = d.get(WordingStats.WRITES, Number.class);
      writes += n == null ? 0 : n.longValue();
    }
    return new long[] {
      writes,
      db.getCollection(Collections.INTERACTION_HISTORY).countDocuments(),
      db.getCollection(ErasedCounts.COLLECTION).countDocuments()
    };
  }

  private static Bson filter(Key k) {
    return Filters.and(
        Filters.eq("variantId", k.variantId()),
        Filters.eq("revision", k.revision()),
        Filters.eq("segment", k.segment()));
  }

  private Map<String, Document> variants() {
    Map<String, Document> out = new HashMap<>();
    for (Document v : db.getCollection(Collections.PROMPT_VARIANTS).find()) {
      out.put(v.getString("variantId"), v);
    }
    return out;
  }
}
