package com.salesagent.activities.variants;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;

/**
 * A variant's evidence per wording ({@link VariantWordings#WORDING_REVISION}): the counters the
 * bandit learns on (assigned, replied, interested, converted, assisted, switched) per variant x
 * wording revision x segment, all days, counted beside {@link VariantStats} for the leads that
 * recorded the wording they were assigned with ({@link VariantWordings#LEAD_REVISION}). Once an
 * operator rewrites a variant, the bandit, the arm guard and the report read its current wording's
 * counters here, so the old text's replies and non-replies are no evidence for the new one ({@link
 * #current}); the per-day counters keep every wording's, and {@link #byRevision} shows each wording
 * apart (those of leads without a revision as {@link VariantWordings#unrevisedAs}). A variant never
 * rewritten since revisions were recorded reads {@link VariantStats} as before (every lead of it
 * had its wording).
 */
public final class WordingStats {
  public static final String COLLECTION = "variant_wording_stats";

  /** The counters kept per wording: what a {@link Reward} and the measured leads read. */
  public static final List<String> COUNTERS =
      List.of(
          "assigned",
          "replied",
          Interest.INTERESTED,
          "converted",
          Assisted.COUNTER,
          Switched.COUNTER);

  /**
   * On a wording row: how many live counts ({@link #add}) it took, whatever their sign; {@link
   * WordingRecount#rebuild} never writes it, so a count that came while it ran shows as a change.
   */
  public static final String WRITES = "writes";

  private final MongoCollection<Document> stats;

  public WordingStats(MongoDatabase db) {
    this.stats = db.getCollection(COLLECTION);
  }

  /** The wording revision a lead recorded ({@link VariantWordings#LEAD_REVISION}), or null. */
  public static Integer revisionOf(Document contact) {
    return contact != null && contact.get(VariantWordings.LEAD_REVISION) instanceof Number n
        ? n.intValue()
        : null;
  }

  /**
   * {@code event} (an interaction history entry of the lead) with the wording revision its
   * variant's counts of the lead are kept for ({@link VariantWordings#LEAD_REVISION}): the
   * contact's, when the event names the variant that holds the lead's evidence ({@link
   * Switched#evidenceVariant}), whose wording the contact's revision is. The counters' recount
   * ({@link WordingRecount}) reads it; an event without one (stored before, or of another variant)
   * is read as the contact says or, the lead gone, as {@link VariantWordings#unrevisedAs}.
   */
  public static Document withRevision(Document event, Document contact) {
    Integer revision = revisionOf(contact);
    String variant = event.getString("variantId");
    if (revision != null && variant != null && variant.equals(Switched.evidenceVariant(contact))) {
      event.append(VariantWordings.LEAD_REVISION, revision);
    }
    return event;
  }

  /** {@code event} with {@code revision}, the wording its count was kept for (none: as it is). */
  public static Document tagged(Document event, Integer revision) {
    if (revision != null) {
      event.append(VariantWordings.LEAD_REVISION, revision);
    }
    return event;
  }

  /**
   * Adds {@code n} to the counter of the lead's wording; nothing for a lead without a revision
   * (stored before revisions: {@link VariantStats} has it, as the first wording's) or a counter not
   * kept here.
   */
  public void add(String variantId, Integer revision, String segment, String counter, long n) {
    if (variantId == null || revision == null || !COUNTERS.contains(counter)) {
      return;
    }
    stats.updateOne(
        Filters.and(
            Filters.eq("variantId", variantId),
            Filters.eq("revision", revision),
            Filters.eq("segment", segment == null ? "default" : segment)),
        // Each live count also moves the row's WRITES: a rebuild sees it came while it ran.
        Updates.combine(Updates.inc(counter, n), Updates.inc(WRITES, 1L)),
        new UpdateOptions().upsert(true));
  }

  /** On a contact: its conversion was counted for its wording ({@link #convertedOnce}). */
  public static final String CONVERTED_MARK = "wordingConvertedAt";

  /**
   * Counts the lead's conversion for its wording once per lead: the contact is marked first, so a
   * retried outcome counts nothing (a crash between the mark and the count loses that one count,
   * never counts it twice). Nothing for a lead without a revision.
   */
  public void convertedOnce(
      MongoCollection<Document> contacts, String leadId, String variantId, java.time.Instant at) {
    Document before =
        contacts.findOneAndUpdate(
            Filters.and(Filters.eq("leadId", leadId), Filters.exists(CONVERTED_MARK, false)),
            Updates.set(CONVERTED_MARK, java.util.Date.from(at)),
            new com.mongodb.client.model.FindOneAndUpdateOptions()
                .projection(
                    com.mongodb.client.model.Projections.include(
                        "segment", VariantWordings.LEAD_REVISION)));
    if (before != null) {
      add(variantId, revisionOf(before), before.getString("segment"), "converted", 1);
    }
  }

  /**
   * The lead's first message was composed from {@code revision} of its variant: a lead assigned
   * with an older wording (rewritten between its assignment and its first message) is a trial of
   * the wording it gets, its {@link VariantWordings#LEAD_REVISION} moved and, with it, every count
   * its wording holds of it ({@link #heldBy}): assigned, and an assisted mark, a reply, interest or
   * a conversion that came before its first send. Only before anything was sent to it (one
   * conditional write, so once); nothing for a lead without a revision. A count whose mark is set
   * but not yet counted when the lead moves is counted later for the revision its mark's write read
   * (the old one): taken off there now, it comes out right either way.
   */
  public void composedWith(
      MongoCollection<Document> contacts, String leadId, String variantId, int revision) {
    Document before =
        contacts.findOneAndUpdate(
            Filters.and(
                Filters.eq("leadId", leadId),
                Filters.eq("variantId", variantId),
                Filters.exists(VariantWordings.LEAD_REVISION, true),
                Filters.ne(VariantWordings.LEAD_REVISION, revision),
                Filters.exists("funnel.sent", false)),
            Updates.set(VariantWordings.LEAD_REVISION, revision),
            new com.mongodb.client.model.FindOneAndUpdateOptions()
                .projection(
                    com.mongodb.client.model.Projections.include(
                        "segment",
                        VariantWordings.LEAD_REVISION,
                        "funnel",
                        Assisted.FIELD,
                        Switched.FIELD,
                        Switched.EVIDENCE,
                        CONVERTED_MARK)));
    if (before != null) {
      for (String counter : heldBy(before, variantId)) {
        add(variantId, revisionOf(before), before.getString("segment"), counter, -1);
        add(variantId, revision, before.getString("segment"), counter, 1);
      }
    }
  }

  /**
   * The counters of {@code variantId}'s wording that hold the lead, as its contact's marks say:
   * assigned; assisted (its mark); replied and interested (their funnel marks, unless a person's
   * message or the kill switch took it out of the evidence); converted ({@link #CONVERTED_MARK}).
   * None but assigned when another variant keeps its evidence ({@link Switched#EVIDENCE}).
   */
  static List<String> heldBy(Document contact, String variantId) {
    List<String> out = new ArrayList<>(List.of("assigned"));
    String evidence = contact.getString(Switched.EVIDENCE);
    if (evidence != null && !evidence.equals(variantId)) {
      return out;
    }
    if (Assisted.marked(contact)) {
      out.add(Assisted.COUNTER);
    }
    if (!Switched.outOfEvidence(contact)) {
      if (com.salesagent.activities.mongo.FunnelStats.reached(contact, "replied")) {
        out.add("replied");
      }
      if (com.salesagent.activities.mongo.FunnelStats.reached(contact, Interest.INTERESTED)) {
        out.add(Interest.INTERESTED);
      }
    }
    if (contact.get(CONVERTED_MARK) != null) {
      out.add("converted");
    }
    return out;
  }

  /** One wording's counters in one segment. */
  public Map<String, Long> of(String variantId, int revision, String segment) {
    Map<String, Long> out = new HashMap<>();
    for (Document d :
        stats.find(
            Filters.and(
                Filters.eq("variantId", variantId),
                Filters.eq("revision", revision),
                Filters.eq("segment", segment)))) {
      addCounters(out, d);
    }
    return out;
  }

  /**
   * {@code totals} ({@link VariantStats#totals}) with each rewritten variant's replaced by its
   * current wording's counters: the evidence the bandit reads.
   */
  public Map<String, Map<String, Long>> current(
      String segment, List<Document> variants, Map<String, Map<String, Long>> totals) {
    Map<String, Integer> revisions = currentRevisions(variants);
    if (revisions.isEmpty()) {
      return totals;
    }
    Map<String, Map<String, Long>> out = new HashMap<>(totals);
    revisions.keySet().forEach(v -> out.put(v, new HashMap<>()));
    // One read for every rewritten variant of the segment (an assignment's cost).
    for (Document d :
        stats.find(
            Filters.and(
                Filters.eq("segment", segment), Filters.in("variantId", revisions.keySet())))) {
      Integer wanted = revisions.get(d.getString("variantId"));
      if (d.get("revision") instanceof Number r && wanted != null && r.intValue() == wanted) {
        addCounters(out.get(d.getString("variantId")), d);
      }
    }
    return out;
  }

  /**
   * The wording revision whose leads are each rewritten variant's evidence (the others absent): the
   * leads the bandit counts as waiting are those of it.
   */
  public static Map<String, Integer> currentRevisions(List<Document> variants) {
    Map<String, Integer> out = new TreeMap<>();
    for (Document v : variants) {
      if (VariantWordings.rewritten(v)) {
        out.put(v.getString("variantId"), VariantWordings.wordingRevisionOf(v));
      }
    }
    return out;
  }

  /**
   * One variant's wordings in one segment, oldest first: each revision's counters ({@code
   * revision}, {@code current}, the {@link #COUNTERS}); the leads without a revision ({@code
   * variantTotals} minus what the wordings counted) added to {@link VariantWordings#unrevisedAs}'s.
   */
  public List<Document> byRevision(
      Document variant, String segment, Map<String, Long> variantTotals) {
    String variantId = variant.getString("variantId");
    Map<Integer, Map<String, Long>> rows = new TreeMap<>();
    for (Document d :
        stats.find(
            Filters.and(Filters.eq("variantId", variantId), Filters.eq("segment", segment)))) {
      addCounters(
          rows.computeIfAbsent(((Number) d.get("revision")).intValue(), r -> new HashMap<>()), d);
    }
    Map<String, Long> unrevised = new HashMap<>();
    for (String c : COUNTERS) {
      long recorded = rows.values().stream().mapToLong(m -> m.getOrDefault(c, 0L)).sum();
      long rest = variantTotals.getOrDefault(c, 0L) - recorded;
      if (rest != 0) {
        unrevised.put(c, rest);
      }
    }
    if (!unrevised.isEmpty()) {
      Map<String, Long> first =
          rows.computeIfAbsent(VariantWordings.unrevisedAs(variant), r -> new HashMap<>());
      unrevised.forEach((c, n) -> first.merge(c, n, Long::sum));
    }
    for (Document past :
        variant.getList(VariantWordings.WORDING_HISTORY, Document.class, List.of())) {
      rows.computeIfAbsent(((Number) past.get("revision")).intValue(), r -> new HashMap<>());
    }
    rows.computeIfAbsent(VariantWordings.wordingRevisionOf(variant), r -> new HashMap<>());
    int current = VariantWordings.wordingRevisionOf(variant);
    List<Document> out = new ArrayList<>();
    rows.forEach(
        (revision, counters) -> {
          Document row = new Document("revision", revision).append("current", revision == current);
          for (String c : COUNTERS) {
            row.append(c, counters.getOrDefault(c, 0L));
          }
          out.add(row);
        });
    return out;
  }

  private static void addCounters(Map<String, Long> out, Document d) {
    for (String c : COUNTERS) {
      Number n = d.get(c, Number.class);
      if (n != null) {
        out.merge(c, n.longValue(), Long::sum);
      }
    }
  }
}
