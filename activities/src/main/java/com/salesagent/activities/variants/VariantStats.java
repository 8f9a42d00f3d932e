package com.salesagent.activities.variants;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * Counters per variant x segment x day (UTC), kept with $inc by whoever records the event, so
 * reading them costs O(variants x days), never O(events). Counters: assigned, sent, delivered,
 * read, replied (a lead's first reply), opted_out, failed.
 */
public final class VariantStats {
  public static final String COLLECTION = "variant_stats";
  public static final List<String> COUNTERS =
      List.of("assigned", "sent", "delivered", "read", "replied", "opted_out", "failed");

  private final MongoCollection<Document> stats;

  public VariantStats(MongoDatabase db) {
    this.stats = db.getCollection(COLLECTION);
  }

  public void increment(String variantId, String segment, String counter, Instant at) {
    if (variantId == null || !COUNTERS.contains(counter)) {
      return;
    }
    String day = at.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    stats.updateOne(
        Filters.and(
            Filters.eq("variantId", variantId),
            Filters.eq("segment", segment == null ? "default" : segment),
            Filters.eq("day", day)),
        Updates.inc(counter, 1L),
        new UpdateOptions().upsert(true));
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
}
