package com.salesagent.activities.variants;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.Aggregations;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.Interactions;
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

/**
 * The variant counters recounted from interaction_history, count by count with each count's lead:
 * the events the activities count as they happen, each lead's first reply and first interest, the
 * assisted and switched leads taken out of the evidence, and each count in the segment its lead was
 * in at the time. {@link VariantStats#recompute} sums the counts per variant x segment x day,
 * {@link WordingRecount} per wording; {@link ErasedCounts} counts erased leads' events by the same
 * {@link #COUNTED} table.
 */
final class HistoryRecount {
  private final MongoDatabase db;

  HistoryRecount(MongoDatabase db) {
    this.db = db;
  }

  /** Interaction types that count, and the counter each feeds ("replied" is handled apart). */
  static final Map<String, String> COUNTED =
      Map.of(
          "assigned",
          "assigned",
          "message_sent",
          "sent",
          "delivered",
          "delivered",
          "read",
          "read",
          "failed",
          "failed",
          "opted_out",
          "opted_out",
          "converted",
          "converted",
          Switched.EVENT,
          Switched.COUNTER);

  /**
   * One count of the recount: of {@code leadId}'s events, for {@code variantId}, {@code counter},
   * on {@code day}; {@code revision} the wording revision its event recorded ({@link
   * VariantWordings#LEAD_REVISION}, or null), {@code contactVariant} and {@code contactRevision}
   * the lead's contact's variant holding its evidence ({@link Switched#evidenceVariant}) and its
   * wording revision (null: none, or no contact).
   */
  record Count(
      String leadId,
      String variantId,
      Integer revision,
      String segment,
      String contactVariant,
      Integer contactRevision,
      String day,
      String counter) {}

  /** What {@link #recount} counts into. */
  interface Counts {
    void add(Count count, long n);
  }

  /**
   * The counts of {@link VariantStats#recompute} of the events in [start, end) from
   * interaction_history (not the erased leads': {@link ErasedCounts}), one by one into {@code
   * counts}, each with its lead ({@link Count}): {@link VariantStats} sums them per variant x
   * segment x day, {@link WordingRecount} per wording.
   */
  void recount(Date start, Date end, Counts counts) {
    MongoCollection<Document> history = db.getCollection(Collections.INTERACTION_HISTORY);
    List<Bson> events =
        List.of(
            Aggregates.match(
                Filters.and(
                    Filters.gte("ts", start),
                    Filters.lt("ts", end),
                    Filters.in("type", COUNTED.keySet()),
                    Interactions.eventHasVariant())),
            Aggregates.group(
                new Document("l", "$meta.leadId")
                    .append("v", Interactions.EVENT_VARIANT)
                    .append("r", "$" + VariantWordings.LEAD_REVISION)
                    .append("t", "$type")
                    .append("d", DAY)
                    .append("c", "$contentType"),
                Accumulators.sum("n", 1),
                // Each event's time: a lead that moved segment counts it where it was then.
                Accumulators.push("at", "$ts")));
    // Leads taken out of their variant's evidence: none of their replies, interest or
    // conversions count, whenever their events fall (the mark comes before all of them).
    Set<String> assisted = assistedLeads(history);
    for (Document g :
        withSegments(Aggregations.withDiskUse(history, events, "variant counters rebuild"))) {
      Document id = g.get("_id", Document.class);
      if ("converted".equals(id.getString("t")) && assisted.contains(id.getString("l"))) {
        continue;
      }
      add(counts, id, g, COUNTED.get(id.getString("t")));
      String sentAs =
          "message_sent".equals(id.getString("t")) ? VariantStats.sentAs(id.getString("c")) : null;
      if (sentAs != null) {
        add(counts, id, g, sentAs);
      }
    }
    firsts(history, Filters.eq("type", "replied"), start, end, "replied", counts, assisted);
    firsts(history, Interest.shown(), start, end, Interest.INTERESTED, counts, assisted);
    firsts(
        history,
        Filters.eq("type", Assisted.EVENT),
        start,
        end,
        Assisted.COUNTER,
        counts,
        leadsWith(history, Filters.eq("type", Assisted.UNDONE)));
  }

  /**
   * The leads marked {@link Assisted} or {@link Switched} after a send (their history event),
   * whenever: the mark is set only while a lead has no reply and no conversion marked, so the
   * counters skipped every reply, interest and conversion of theirs (the reply's own time,
   * WhatsApp's, may read earlier than the mark).
   */
  private static Set<String> assistedLeads(MongoCollection<Document> history) {
    Set<String> leads = leadsWith(history, Switched.outOfEvidenceEvents());
    // A mark undone by a reply written before the person's message (Assisted.UNDONE): the lead is
    // its variant's evidence after all, and its assisted event counts for nothing.
    leads.removeAll(leadsWith(history, Filters.eq("type", Assisted.UNDONE)));
    return leads;
  }

  /** The leads with an event that {@code events} matches, whenever. */
  private static Set<String> leadsWith(MongoCollection<Document> history, Bson events) {
    Set<String> leads = new HashSet<>();
    for (Document g :
        Aggregations.withDiskUse(
            history,
            List.of(Aggregates.match(events), Aggregates.group("$meta.leadId")),
            "variant counters rebuild")) {
      if (g.getString("_id") != null) {
        leads.add(g.getString("_id"));
      }
    }
    return leads;
  }

  /**
   * Adds to {@code counter} each lead's first event of {@code events} (before {@code end}) that
   * falls in [start, end), for the variant it names (none: not counted), on its day; not for the
   * leads in {@code skip}.
   */
  private void firsts(
      MongoCollection<Document> history,
      Bson events,
      Date start,
      Date end,
      String counter,
      Counts counts,
      Set<String> skip) {
    List<Bson> pipeline =
        List.of(
            Aggregates.match(Filters.and(events, Filters.lt("ts", end))),
            Aggregates.sort(Sorts.ascending("ts")),
            Aggregates.group(
                "$meta.leadId",
                Accumulators.first("ts", "$ts"),
                Accumulators.first("v", Interactions.EVENT_VARIANT),
                Accumulators.first("r", "$" + VariantWordings.LEAD_REVISION)),
            Aggregates.match(Filters.gte("ts", start)),
            Aggregates.project(
                new Document("v", 1)
                    .append("r", 1)
                    .append("d", DAY)
                    .append("n", new Document("$literal", 1))
                    .append("at", "$ts")
                    .append("l", "$_id")));
    for (Document g :
        withSegments(Aggregations.withDiskUse(history, pipeline, "variant counters rebuild"))) {
      if (g.getString("v") != null && !skip.contains(g.getString("l"))) {
        add(counts, g, g, counter);
      }
    }
  }

  private static final Document DAY =
      new Document("$dateToString", new Document("format", "%Y-%m-%d").append("date", "$ts"));

  /** Adds each group's lead segment (from contacts; "default" when it has none). */
  private List<Document> withSegments(Iterable<Document> groups) {
    List<Document> list = new ArrayList<>();
    groups.forEach(list::add);
    Set<String> leadIds = new HashSet<>();
    for (Document g : list) {
      Object id = g.get("_id");
      leadIds.add(id instanceof Document d ? d.getString("l") : g.getString("l"));
    }
    Map<String, String> segments = new HashMap<>();
    Map<String, Document> wordings = new HashMap<>();
    Map<String, Document> moves = new HashMap<>();
    List<String> ids = new ArrayList<>(leadIds);
    for (int i = 0; i < ids.size(); i += 5_000) {
      // In slices: one $in of every lead of a long range would pass MongoDB's 16 MB limit.
      for (Document c :
          db.getCollection(Collections.CONTACTS)
              .find(Filters.in("leadId", ids.subList(i, Math.min(ids.size(), i + 5_000))))
              .projection(
                  new Document("leadId", 1)
                      .append("segment", 1)
                      .append("variantId", 1)
                      .append(Switched.EVIDENCE, 1)
                      .append(SegmentMoves.FIELD, 1)
                      .append(VariantWordings.LEAD_REVISION, 1))) {
        if (c.getString("segment") != null) {
          segments.put(c.getString("leadId"), c.getString("segment"));
        }
        if (SegmentMoves.moved(c)) {
          moves.put(c.getString("leadId"), c);
        }
        if (WordingStats.revisionOf(c) != null) {
          wordings.put(c.getString("leadId"), c);
        }
      }
    }
    List<Document> out = new ArrayList<>(list.size());
    for (Document g : list) {
      Object id = g.get("_id");
      String lead = id instanceof Document d ? d.getString("l") : g.getString("l");
      String current = segments.getOrDefault(lead, "default");
      g.put("segment", current);
      Document contact = wordings.get(lead);
      if (contact != null) {
        g.put("contactVariant", Switched.evidenceVariant(contact));
        g.put("contactRevision", WordingStats.revisionOf(contact));
      }
      Document moved = moves.get(lead);
      if (moved == null) {
        out.add(g);
        continue;
      }
      // A lead that moved segment (SegmentMoves): each event in the segment it was in then.
      Object at = g.get("at");
      List<?> times = at instanceof List<?> l ? l : at == null ? List.of() : List.of(at);
      Map<String, Long> bySegment = new TreeMap<>();
      for (Object t : times) {
        bySegment.merge(
            SegmentMoves.at(moved, current, t instanceof Date d ? d : null), 1L, Long::sum);
      }
      if (bySegment.size() <= 1 || times.size() != ((Number) g.get("n")).longValue()) {
        g.put("segment", bySegment.isEmpty() ? current : bySegment.keySet().iterator().next());
        out.add(g);
        continue;
      }
      bySegment.forEach(
          (segment, n) -> {
            Document part = new Document(g);
            part.put("segment", segment);
            part.put("n", n);
            out.add(part);
          });
    }
    return out;
  }

  /** One group's count: its lead, variant, revision and day from {@code id}, the rest from g. */
  private static void add(Counts counts, Document id, Document g, String counter) {
    long n = ((Number) g.get("n")).longValue();
    counts.add(
        new Count(
            id.getString("l"),
            id.getString("v"),
            id.get("r") instanceof Number r ? r.intValue() : null,
            g.getString("segment"),
            g.getString("contactVariant"),
            g.get("contactRevision") instanceof Number r ? r.intValue() : null,
            id.getString("d"),
            counter),
        n);
  }
}
