package com.salesagent.activities.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The funnel counters ({@link FunnelStats}) recounted from the marks: each contact's {@code
 * funnel.<stage>} marks, plus the marks erased leads had, kept before their erasure removed them
 * ({@link FunnelStats#ERASED}); the marks a lead should have and lacks ({@code opted_out}, {@code
 * converted}) set first. Logs under {@link FunnelStats}'s logger.
 */
final class FunnelRebuild {
  private static final Logger LOG = LoggerFactory.getLogger(FunnelStats.class);

  private final MongoCollection<Document> contacts;
  private final MongoCollection<Document> stats;
  private final MongoCollection<Document> erased;

  FunnelRebuild(
      MongoCollection<Document> contacts,
      MongoCollection<Document> stats,
      MongoCollection<Document> erased) {
    this.contacts = contacts;
    this.stats = stats;
    this.erased = erased;
  }

  /**
   * The contact's funnel marks as the start of their day (UTC): all {@link #rebuild()} and {@link
   * #keepErased} read of them, without the time of day.
   */
  static Document days(Document contact) {
    Document days = new Document();
    if (contact != null && contact.get("funnel") instanceof Document funnel) {
      for (String stage : FunnelStats.STAGES) {
        if (funnel.get(stage) instanceof Date at) {
          days.append(
              stage,
              Date.from(
                  at.toInstant()
                      .atOffset(ZoneOffset.UTC)
                      .toLocalDate()
                      .atStartOfDay()
                      .toInstant(ZoneOffset.UTC)));
        }
      }
    }
    return days;
  }

  /**
   * Keeps the funnel marks of a contact being erased ({@link FunnelStats#ERASED}) before the
   * erasure removes them, so that {@link #rebuild()} still counts the stages the lead reached, as
   * the counters do. Marks kept by an earlier pass stay as they are.
   */
  void keepErased(Document contact) {
    if (contact == null || !(contact.get("funnel") instanceof Document funnel)) {
      return;
    }
    String campaign =
        contact.getString("campaignId") == null ? "default" : contact.getString("campaignId");
    for (String stage : FunnelStats.STAGES) {
      if (!(funnel.get(stage) instanceof Date at)) {
        continue;
      }
      erased.updateOne(
          Filters.eq("_id", contact.get("_id") + ":" + stage),
          Updates.combine(
              Updates.setOnInsert("campaignId", campaign),
              Updates.setOnInsert("stage", stage),
              Updates.setOnInsert("day", FunnelStats.day(at.toInstant()))),
          new UpdateOptions().upsert(true));
    }
  }

  /**
   * Recomputes every campaign's counters from the marks on the contacts ({@code funnel.<stage>}),
   * the record of when each lead first reached each stage, plus the marks erased leads had ({@link
   * FunnelStats#ERASED}); answers the number of (campaign, day) rows that differed. Repairs a
   * counter lost between a mark and its $inc, and a lead that ended {@code opted_out} without its
   * mark ({@link #markOptedOut}).
   */
  int rebuild() {
    markOptedOut();
    markConverted();
    Map<List<String>, Map<String, Long>> fresh = new HashMap<>();
    for (String stage : FunnelStats.STAGES) {
      for (Document g :
          Aggregations.withDiskUse(
              contacts,
              List.of(
                  Aggregates.match(Filters.exists("funnel." + stage)),
                  Aggregates.group(
                      new Document("c", new Document("$ifNull", List.of("$campaignId", "default")))
                          .append(
                              "d",
                              new Document(
                                  "$dateToString",
                                  new Document("format", "%Y-%m-%d")
                                      .append("date", "$funnel." + stage))),
                      Accumulators.sum("n", 1))),
              "funnel counters rebuild")) {
        Document id = g.get("_id", Document.class);
        fresh
            .computeIfAbsent(List.of(id.getString("c"), id.getString("d")), k -> new TreeMap<>())
            .put(stage, ((Number) g.get("n")).longValue());
      }
    }
    for (Document g :
        Aggregations.withDiskUse(
            erased,
            List.of(
                Aggregates.group(
                    new Document("c", "$campaignId").append("d", "$day").append("s", "$stage"),
                    Accumulators.sum("n", 1))),
            "funnel counters rebuild (erased leads)")) {
      Document id = g.get("_id", Document.class);
      fresh
          .computeIfAbsent(List.of(id.getString("c"), id.getString("d")), k -> new TreeMap<>())
          .merge(id.getString("s"), ((Number) g.get("n")).longValue(), Long::sum);
    }
    int differing = 0;
    Set<List<String>> keys = new HashSet<>(fresh.keySet());
    Map<List<String>, Map<String, Long>> old = new HashMap<>();
    for (Document d : stats.find()) {
      Map<String, Long> counters = new TreeMap<>();
      for (String stage : FunnelStats.STAGES) {
        Number n = d.get(stage, Number.class);
        if (n != null && n.longValue() != 0) {
          counters.put(stage, n.longValue());
        }
      }
      old.put(List.of(d.getString("campaignId"), d.getString("day")), counters);
    }
    keys.addAll(old.keySet());
    for (List<String> k : keys) {
      Map<String, Long> now = fresh.getOrDefault(k, Map.of());
      if (now.equals(old.getOrDefault(k, Map.of()))) {
        continue;
      }
      differing++;
      String[] p = {k.get(0), k.get(1)};
      Bson key = Filters.and(Filters.eq("campaignId", p[0]), Filters.eq("day", p[1]));
      if (now.isEmpty()) {
        stats.deleteOne(key);
      } else {
        Document d = new Document("campaignId", p[0]).append("day", p[1]);
        now.forEach(d::append);
        stats.replaceOne(key, d, new ReplaceOptions().upsert(true));
      }
    }
    return differing;
  }

  /**
   * Marks {@code funnel.opted_out} on the contacts whose stage is {@code opted_out} but that were
   * never marked there (leads an operator's suppression ended before the suppression counted them),
   * at the time their number's suppression reached them ({@code doNotContactAt}), else when the
   * stage was written; answers how many. A lead marked meanwhile keeps its mark (the update is
   * conditional), so {@link #rebuild()}, which counts from the marks, counts each lead once.
   */
  int markOptedOut() {
    int marked =
        markMissing(
            "opted_out",
            Filters.eq("stage", "opted_out"),
            Projections.include("leadId", "doNotContactAt", LeadStore.STAGE_AT, "updatedAt"),
            c -> {
              Date at = c.getDate("doNotContactAt");
              at = at != null ? at : c.getDate(LeadStore.STAGE_AT);
              return at != null ? at : c.getDate("updatedAt");
            });
    if (marked > 0) {
      LOG.info("funnel: {} lead(s) ended opted_out without their mark, marked now", marked);
    }
    return marked;
  }

  /**
   * Marks {@code funnel.converted} on the contacts whose outcome is a conversion but that were
   * never marked there (converted before the funnel counted conversions), at the outcome's time;
   * answers how many. Conditional, as {@link #markOptedOut}.
   */
  int markConverted() {
    int marked =
        markMissing(
            "converted",
            Filters.eq("outcome.value", "converted"),
            Projections.include("leadId", "outcome.at"),
            c -> {
              Document outcome = c.get("outcome", Document.class);
              return outcome == null ? null : outcome.getDate("at");
            });
    if (marked > 0) {
      LOG.info("funnel: {} converted lead(s) without their mark, marked now", marked);
    }
    return marked;
  }

  /**
   * Marks {@code funnel.<stage>} at {@code at(contact)} on the contacts {@code which} selects that
   * have no such mark (none where {@code at} has no time), in unordered bulk writes of 500, each
   * conditional on the mark's absence; answers how many were marked.
   */
  private int markMissing(
      String stage, Bson which, Bson projection, java.util.function.Function<Document, Date> at) {
    String field = "funnel." + stage;
    List<WriteModel<Document>> marks = new ArrayList<>();
    int marked = 0;
    for (Document c :
        contacts.find(Filters.and(which, Filters.exists(field, false))).projection(projection)) {
      Date when = at.apply(c);
      if (when == null || c.getString("leadId") == null) {
        continue;
      }
      marks.add(
          new UpdateOneModel<>(
              Filters.and(
                  Filters.eq("leadId", c.getString("leadId")), Filters.exists(field, false)),
              Updates.set(field, when)));
      if (marks.size() == 500) {
        marked +=
            contacts.bulkWrite(marks, new BulkWriteOptions().ordered(false)).getModifiedCount();
        marks.clear();
      }
    }
    if (!marks.isEmpty()) {
      marked += contacts.bulkWrite(marks, new BulkWriteOptions().ordered(false)).getModifiedCount();
    }
    return marked;
  }
}
