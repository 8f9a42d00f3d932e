package com.salesagent.activities.variants;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Counters per variant x segment x day (UTC), kept with $inc by whoever records the event, so
 * reading them costs O(variants x days), never O(events). Counters: assigned, sent, delivered,
 * read, replied (a lead's first reply), interested (a lead's first reply with interest, {@link
 * Interest}: a polite no is a reply, not interest), opted_out, failed, converted (an operator's
 * outcome, counted once per lead), and of the sent, those that went as an image (sent_image) or a
 * voice note (sent_voice_note); assisted: leads a person wrote to before their first reply, once
 * per lead ({@link Assisted}): out of the variant's evidence, so their replies, interest and
 * conversions are not counted and readers take them off the assigned leads; switched: leads the
 * kill switch moved off the variant before their first reply, once per lead ({@link Switched}):
 * readers take them off the assigned leads too (a lead sent nothing yet is its new variant's trial;
 * one sent the old variant's message is no variant's, its replies not counted). A {@link Reward} is
 * one of them.
 */
public final class VariantStats {
  public static final String COLLECTION = "variant_stats";
  public static final List<String> COUNTERS =
      List.of(
          "assigned",
          "sent",
          "sent_image",
          "sent_voice_note",
          "delivered",
          "read",
          "replied",
          "interested",
          "opted_out",
          "failed",
          "converted",
          Assisted.COUNTER,
          Switched.COUNTER);

  /**
   * The counter of the modality a sent message actually went in, beside "sent": a voice-note
   * variant's message outside the 24 h window goes as its template text, so the variant's modality
   * alone does not say what leads got. Null for text.
   */
  public static String sentAs(String contentType) {
    if (contentType == null) {
      return null;
    }
    return contentType.startsWith("audio/")
        ? "sent_voice_note"
        : contentType.startsWith("image/") ? "sent_image" : null;
  }

  /**
   * The document of a key that no shard writes: these increments (assigned, sent, replies,
   * opt-outs) and documents from before shards. CountedOnce's shards are the others; every reader
   * sums them.
   */
  private static final Bson UNSHARDED = Filters.exists("shard", false);

  private final MongoCollection<Document> stats;
  private final MongoDatabase db;

  public VariantStats(MongoDatabase db) {
    this.db = db;
    this.stats = db.getCollection(COLLECTION);
  }

  public void increment(String variantId, String segment, String counter, Instant at) {
    add(variantId, segment, counter, at, 1L);
  }

  /** {@link #increment} by {@code n} (a count taken back: -1). */
  public void add(String variantId, String segment, String counter, Instant at, long n) {
    if (variantId == null || !COUNTERS.contains(counter)) {
      return;
    }
    String day = at.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    stats.updateOne(
        Filters.and(
            Filters.eq("variantId", variantId),
            Filters.eq("segment", segment == null ? "default" : segment),
            Filters.eq("day", day),
            UNSHARDED),
        Updates.inc(counter, n),
        new UpdateOptions().upsert(true));
  }

  /** One count for {@link #incrementAll}. */
  public record Increment(String variantId, String segment, String counter, Instant at) {}

  /**
   * {@link #increment} for many counts: summed per variant x segment x day, then one unordered bulk
   * of upserts. An upsert that lost a race with another writer creating the same day's document
   * (duplicate key) is written again once; the others are not repeated.
   */
  public void incrementAll(List<Increment> increments) {
    Map<List<String>, Map<String, Long>> sums = new LinkedHashMap<>();
    for (Increment i : increments) {
      if (i.variantId() == null || !COUNTERS.contains(i.counter())) {
        continue;
      }
      String day = i.at().atOffset(ZoneOffset.UTC).toLocalDate().toString();
      String segment = i.segment() == null ? "default" : i.segment();
      sums.computeIfAbsent(List.of(i.variantId(), segment, day), k -> new LinkedHashMap<>())
          .merge(i.counter(), 1L, Long::sum);
    }
    List<WriteModel<Document>> models = new ArrayList<>();
    sums.forEach(
        (key, counts) -> {
          List<Bson> incs = new ArrayList<>();
          counts.forEach((counter, n) -> incs.add(Updates.inc(counter, n)));
          models.add(
              new UpdateOneModel<>(
                  Filters.and(
                      Filters.eq("variantId", key.get(0)),
                      Filters.eq("segment", key.get(1)),
                      Filters.eq("day", key.get(2)),
                      UNSHARDED),
                  Updates.combine(incs),
                  new UpdateOptions().upsert(true)));
        });
    if (models.isEmpty()) {
      return;
    }
    try {
      stats.bulkWrite(models, new BulkWriteOptions().ordered(false));
    } catch (MongoBulkWriteException e) {
      List<WriteModel<Document>> again = new ArrayList<>();
      for (var error : e.getWriteErrors()) {
        if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
          throw e;
        }
        again.add(models.get(error.getIndex()));
      }
      stats.bulkWrite(again, new BulkWriteOptions().ordered(false));
    }
  }

  /** One day's counters of one variant in one segment. */
  public record Key(String variantId, String segment, String day) {}

  /** The incremental counters of the days [from, to] (UTC), as stored. */
  public Map<Key, Map<String, Long>> stored(LocalDate from, LocalDate to) {
    Map<Key, Map<String, Long>> out = new TreeMap<>(KEY_ORDER);
    for (Document d :
        stats.find(
            Filters.and(Filters.gte("day", from.toString()), Filters.lte("day", to.toString())))) {
      Map<String, Long> counters = new TreeMap<>();
      for (String c : COUNTERS) {
        Number n = d.get(c, Number.class);
        if (n != null && n.longValue() != 0) {
          counters.put(c, n.longValue());
        }
      }
      if (!counters.isEmpty()) {
        // The shards of one key add up.
        Map<String, Long> sum =
            out.computeIfAbsent(
                new Key(d.getString("variantId"), d.getString("segment"), d.getString("day")),
                k -> new TreeMap<>());
        counters.forEach((c, n) -> sum.merge(c, n, Long::sum));
      }
    }
    return out;
  }

  /**
   * The counters of the days [from, to] (UTC) recomputed from interaction_history by aggregation:
   * the same events the activities count as they happen (assigned, message_sent -> sent, delivered,
   * read, failed, opted_out; replied = a lead's first reply, interested = a lead's first event that
   * shows interest ({@link Interest#shown()}), each counted on its day; assisted = a lead's first
   * {@link Assisted} event, and none of such a lead's replies, interest or conversions; switched =
   * each {@link Switched} event, and none of the replies, interest or conversions of a lead
   * switched after a send), the segment taken from the lead's contact; plus what erased leads'
   * events added, kept at their erasure without the lead ({@link ErasedCounts}: the counters keep
   * those counts, the history does not). Costs O(events in range) plus two passes over the replies
   * up to the range's end (firsts: a reply, an interest); meant for audits and repairs, never for a
   * dashboard refresh.
   */
  public Map<Key, Map<String, Long>> recompute(LocalDate from, LocalDate to) {
    Date start = Date.from(from.atStartOfDay(ZoneOffset.UTC).toInstant());
    Date end = Date.from(to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    Map<Key, Map<String, Long>> out = new TreeMap<>(KEY_ORDER);
    new HistoryRecount(db)
        .recount(
            start,
            end,
            (c, n) ->
                out.computeIfAbsent(
                        new Key(c.variantId(), c.segment(), c.day()), k -> new TreeMap<>())
                    .merge(c.counter(), n, Long::sum));
    new ErasedCounts(db).addTo(out, from, to);
    return out;
  }

  /**
   * Replaces the stored counters of the days [from, to] with the recomputed ones; answers how many
   * (variant, segment, day) rows differed. Rebuild closed days: a day still receiving events races
   * with the live increments.
   */
  public int rebuild(LocalDate from, LocalDate to) {
    Map<Key, Map<String, Long>> fresh = recompute(from, to);
    Map<Key, Map<String, Long>> old = stored(from, to);
    int differing = 0;
    for (Key k : union(fresh.keySet(), old.keySet())) {
      if (!fresh.getOrDefault(k, Map.of()).equals(old.getOrDefault(k, Map.of()))) {
        differing++;
      }
    }
    // Row by row (no window where a day is missing, no clash with a live upsert): replace what
    // the history says, then remove rows the history does not have.
    for (Map.Entry<Key, Map<String, Long>> e : fresh.entrySet()) {
      Key k = e.getKey();
      Document d =
          new Document("variantId", k.variantId())
              .append("segment", k.segment())
              .append("day", k.day());
      e.getValue().forEach(d::append);
      // The whole key in its unsharded document; the shards' parts are in it, so they go.
      stats.replaceOne(Filters.and(keyFilter(k), UNSHARDED), d, new ReplaceOptions().upsert(true));
      stats.deleteMany(Filters.and(keyFilter(k), Filters.exists("shard", true)));
    }
    for (Key k : old.keySet()) {
      if (!fresh.containsKey(k)) {
        stats.deleteMany(keyFilter(k));
      }
    }
    return differing;
  }

  private static Bson keyFilter(Key k) {
    return Filters.and(
        Filters.eq("variantId", k.variantId()),
        Filters.eq("segment", k.segment()),
        Filters.eq("day", k.day()));
  }

  private static final Comparator<Key> KEY_ORDER =
      Comparator.comparing(Key::day).thenComparing(Key::variantId).thenComparing(Key::segment);

  private static Set<Key> union(Set<Key> a, Set<Key> b) {
    Set<Key> u = new TreeSet<>(KEY_ORDER);
    u.addAll(a);
    u.addAll(b);
    return u;
  }

  /** Totals per variant for one segment, all days. */
  public Map<String, Map<String, Long>> totals(String segment) {
    Map<String, Map<String, Long>> out = new HashMap<>();
    for (Document d : stats.find(Filters.eq("segment", segment))) {
      Map<String, Long> t = out.computeIfAbsent(d.getString("variantId"), k -> new HashMap<>());
      for (String c : COUNTERS) {
        Number n = d.get(c, Number.class);
        t.merge(c, n == null ? 0L : n.longValue(), Long::sum);
      }
    }
    return out;
  }

  /**
   * Assignments per variant of one segment on the days after {@code day} (YYYY-MM-DD, UTC): every
   * day when {@code day} is null.
   */
  public Map<String, Long> assignedAfter(String segment, String day) {
    Map<String, Long> out = new HashMap<>();
    Bson filter =
        day == null
            ? Filters.eq("segment", segment)
            : Filters.and(Filters.eq("segment", segment), Filters.gt("day", day));
    for (Document d :
        stats.find(filter).projection(new Document("variantId", 1).append("assigned", 1))) {
      Number n = d.get("assigned", Number.class);
      out.merge(d.getString("variantId"), n == null ? 0L : n.longValue(), Long::sum);
    }
    return out;
  }

  /** Every segment with counters, the most assigned first ("default" always among them). */
  public List<String> segmentsBusiestFirst() {
    Map<String, Long> assigned = new HashMap<>();
    for (Document d :
        db.getCollection(COLLECTION)
            .find()
            .projection(new Document("segment", 1).append("assigned", 1))) {
      Number n = d.get("assigned", Number.class);
      assigned.merge(d.getString("segment"), n == null ? 0L : n.longValue(), Long::sum);
    }
    assigned.putIfAbsent("default", 0L);
    List<String> segments = new ArrayList<>(assigned.keySet());
    segments.sort(
        Comparator.comparing((String seg) -> -assigned.get(seg))
            .thenComparing(Comparator.naturalOrder()));
    return segments;
  }
}
