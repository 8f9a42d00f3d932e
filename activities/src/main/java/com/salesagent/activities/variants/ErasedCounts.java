package com.salesagent.activities.variants;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.Collections;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bson.Document;

/**
 * What erased leads' events added to the variant counters. An erasure deletes the lead's
 * interaction history but leaves the counters its events fed: they are aggregates with nothing
 * personal in them, and a bandit that forgot an arm's pulls would learn from a different world than
 * the one it chose in. So that the recount from the history ({@link VariantStats#recompute}) still
 * agrees with the counters, the erasure keeps here, just before it deletes the history, each
 * counted event's variant, segment, day and counters: no lead id, wamid, text or time of day. One
 * document per event, keyed by the event's id, so an erasure step that runs again (a retry, the
 * sweep) counts no event twice.
 */
public final class ErasedCounts {
  public static final String COLLECTION = "variant_stats_erased";

  private final MongoCollection<Document> kept;
  private final MongoCollection<Document> history;
  private final MongoCollection<Document> contacts;

  public ErasedCounts(MongoDatabase db) {
    this.kept = db.getCollection(COLLECTION);
    this.history = db.getCollection(Collections.INTERACTION_HISTORY);
    this.contacts = db.getCollection(Collections.CONTACTS);
  }

  /**
   * Which of a lead's firsts a pass kept: its first reply, its first reply with interest, its
   * {@link Assisted} mark (after which none of its replies, interest or conversions count); and
   * whether the lead was out of its variant's evidence (assisted, or {@link Switched} after a send:
   * its event is gone with the history the pass deleted, so a later pass must be told).
   */
  public record Firsts(boolean reply, boolean interest, boolean assisted, boolean outOfEvidence) {}

  /**
   * Keeps the counts of the lead's events now in its history, as the recount makes them: each
   * counted event with a variant, the lead's first reply and its first event that shows interest
   * ({@link Interest}), unless {@code kept} says an earlier pass kept them (a later one is not a
   * first one); and, as the recount does, a lead's {@link Assisted} mark once and none of the
   * replies, interest or conversions of a lead so marked (in this pass or an earlier one). {@code
   * segment} is the lead's, as the recount reads it from the contact. Answers which firsts are kept
   * now.
   */
  public Firsts keep(String leadId, String segment, Firsts kept) {
    Set<String> types = new HashSet<>(HistoryRecount.COUNTED.keySet());
    types.addAll(Interest.EVENTS);
    types.add(Assisted.EVENT);
    types.add(Assisted.UNDONE);
    String seg = segment == null ? "default" : segment;
    List<Document> events =
        history
            .find(Filters.and(Filters.eq("meta.leadId", leadId), Filters.in("type", types)))
            .sort(Sorts.ascending("ts"))
            .into(new ArrayList<>());
    // The wording the lead counts for, as the live rows and the recount read it (WordingRecount):
    // its contact's revision for the variant holding its evidence, also once its first message
    // moved it to a rewritten wording (WordingStats#composedWith), whose events recorded the old.
    Document contact =
        contacts
            .find(Filters.eq("leadId", leadId))
            .projection(
                new Document("variantId", 1)
                    .append(Switched.EVIDENCE, 1)
                    .append(SegmentMoves.FIELD, 1)
                    .append(VariantWordings.LEAD_REVISION, 1))
            .first();
    Integer contactRevision = WordingStats.revisionOf(contact);
    String contactVariant = Switched.evidenceVariant(contact);
    // Out of the variant's evidence whenever the mark's event falls (the recount's rule): assisted,
    // or switched off a variant it had been sent (Switched).
    // A mark undone by a reply written before the person's message (Assisted.UNDONE) takes
    // nothing out, whenever its events fall; one an earlier pass kept is taken back.
    boolean undone = events.stream().anyMatch(e -> Assisted.UNDONE.equals(e.getString("type")));
    boolean assisted =
        !undone
            && (kept.assisted()
                || kept.outOfEvidence()
                || events.stream().anyMatch(Switched::takesOut));
    boolean assistedKept = kept.assisted();
    boolean replied = kept.reply();
    boolean interested = kept.interest();
    List<Document> counts = new ArrayList<>();
    for (Document e : events) {
      String type = e.getString("type");
      String variant = variantOf(e);
      Document counters = new Document();
      if (Assisted.EVENT.equals(type) && !assistedKept && !undone) {
        assistedKept = true;
        counters.append(Assisted.COUNTER, 1L);
      }
      if (Assisted.UNDONE.equals(type) && assistedKept) {
        assistedKept = false;
        counters.append(Assisted.COUNTER, -1L);
      }
      // An assisted lead's conversion is not the variant's evidence.
      if (HistoryRecount.COUNTED.containsKey(type) && !(assisted && "converted".equals(type))) {
        counters.append(HistoryRecount.COUNTED.get(type), 1L);
        String sentAs =
            "message_sent".equals(type) ? VariantStats.sentAs(e.getString("contentType")) : null;
        if (sentAs != null) {
          counters.append(sentAs, 1L);
        }
      }
      // A first counts for its variant, or for none.
      if ("replied".equals(type) && !replied) {
        replied = true;
        if (!assisted) {
          counters.append("replied", 1L);
        }
      }
      if (Interest.shown(e) && !interested) {
        interested = true;
        if (!assisted) {
          counters.append(Interest.INTERESTED, 1L);
        }
      }
      Date ts = e.getDate("ts");
      if (counters.isEmpty() || variant == null || ts == null) {
        continue;
      }
      Document count =
          new Document("_id", e.get("_id"))
              .append("variantId", variant)
              // The segment it was counted in: where the lead was then (SegmentMoves).
              .append("segment", SegmentMoves.at(contact, seg, ts))
              .append("day", ts.toInstant().atOffset(ZoneOffset.UTC).toLocalDate().toString())
              .append("counts", counters);
      // The wording its count was kept for (WordingRecount): the contact's for the variant holding
      // its evidence, else the one its event recorded.
      if (contactRevision != null && variant.equals(contactVariant)) {
        count.append("revision", contactRevision);
      } else if (e.get(VariantWordings.LEAD_REVISION) instanceof Number r) {
        count.append("revision", r.intValue());
      }
      counts.add(count);
    }
    insertNew(counts);
    return new Firsts(replied, interested, assistedKept, assisted);
  }

  private static String variantOf(Document event) {
    if (event.getString("variantId") != null) {
      return event.getString("variantId");
    }
    Document meta = event.get("meta", Document.class);
    return meta == null ? null : meta.getString("variantId");
  }

  /** Inserts the documents not kept yet; those an earlier run of the step kept stay as they are. */
  private void insertNew(List<Document> counts) {
    if (counts.isEmpty()) {
      return;
    }
    try {
      kept.insertMany(counts, new InsertManyOptions().ordered(false));
    } catch (MongoBulkWriteException e) {
      for (var error : e.getWriteErrors()) {
        if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
          throw e;
        }
      }
    }
  }

  /**
   * Adds every kept count of a counter kept per wording ({@link WordingStats#COUNTERS}) to {@code
   * out}, for the wording its event recorded, else for {@link VariantWordings#unrevisedAs} of its
   * variant ({@code variants} by id; one no longer stored: not counted).
   */
  void addWordingsTo(
      Map<WordingRecount.Key, Map<String, Long>> out, Map<String, Document> variants) {
    for (Document d : kept.find()) {
      Document variant = variants.get(d.getString("variantId"));
      Integer revision =
          d.get("revision") instanceof Number r
              ? Integer.valueOf(r.intValue())
              : variant == null ? null : VariantWordings.unrevisedAs(variant);
      if (revision == null) {
        continue;
      }
      WordingRecount.Key key =
          new WordingRecount.Key(d.getString("variantId"), revision, d.getString("segment"));
      d.get("counts", new Document())
          .forEach(
              (counter, n) -> {
                if (WordingStats.COUNTERS.contains(counter)) {
                  out.computeIfAbsent(key, k -> new TreeMap<>())
                      .merge(counter, ((Number) n).longValue(), Long::sum);
                }
              });
    }
  }

  /** Adds the kept counts of the days [from, to] (UTC) to {@code out}. */
  void addTo(Map<VariantStats.Key, Map<String, Long>> out, LocalDate from, LocalDate to) {
    for (Document d :
        kept.find(
            Filters.and(Filters.gte("day", from.toString()), Filters.lte("day", to.toString())))) {
      Map<String, Long> sum =
          out.computeIfAbsent(
              new VariantStats.Key(
                  d.getString("variantId"), d.getString("segment"), d.getString("day")),
              k -> new TreeMap<>());
      d.get("counts", new Document())
          .forEach((counter, n) -> sum.merge(counter, ((Number) n).longValue(), Long::sum));
    }
  }
}
