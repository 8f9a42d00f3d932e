package com.salesagent.activities.mongo;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lead funnel per campaign and day (UTC), counted incrementally: a lead counts once per stage
 * (enrolled, sent, delivered, read, replied, interested: a reply with interest, which a polite no
 * is not, opted_out, failed, converted: an operator's outcome), on the day it first reached it. The
 * first time is marked on the contact ({@code funnel.<stage>}) with a conditional update, so a
 * duplicate or replayed event never counts twice. Dashboards read O(campaigns x days) documents,
 * never the events.
 */
public final class FunnelStats {
  private static final Logger LOG = LoggerFactory.getLogger(FunnelStats.class);
  public static final String COLLECTION = "campaign_stats";

  /** What a mark's answer needs of the contact (not its research text). */
  private static final Bson CAMPAIGN_ONLY = Projections.include("campaignId");

  public static final List<String> STAGES =
      List.of(
          "enrolled",
          "sent",
          "delivered",
          "read",
          "replied",
          "interested",
          "opted_out",
          "failed",
          "converted");

  /**
   * The stages erased leads had reached: campaign, stage and day (UTC) of each mark, no lead id, no
   * number, no time of day; {@code _id} {@code <contact _id>:<stage>} (the contact is gone with the
   * erasure's last pass, so it names no one), so a pass that runs again keeps no mark twice.
   */
  public static final String ERASED = "campaign_stats_erased";

  private final MongoCollection<Document> contacts;
  private final MongoCollection<Document> stats;
  private final MongoCollection<Document> erased;

  public FunnelStats(MongoDatabase db) {
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.stats = db.getCollection(COLLECTION);
    this.erased = db.getCollection(ERASED);
  }

  /** Whether the contact as read was marked at this stage. */
  public static boolean reached(Document contact, String stage) {
    return contact.get("funnel") instanceof Document funnel && funnel.containsKey(stage);
  }

  /**
   * The earlier stages a stage proves the lead reached: a message read was delivered; a lead that
   * replied had the message delivered and read. Meta sends no read receipt to a person who turned
   * them off (and the emulator's {@code ack_only} mode sends none), so without this the funnel read
   * "read 0" beside replies. Marked and counted with the stage, each only if it was not before; a
   * receipt that comes afterwards finds it marked and counts nothing.
   */
  public static List<String> implied(String stage) {
    return switch (stage) {
      case "read" -> List.of("delivered");
      case "replied" -> List.of("delivered", "read");
      default -> List.of();
    };
  }

  /**
   * Counts the lead at this stage unless it was counted there before, and at the stages it implies
   * ({@link #implied}) it had not reached; true when counted at this stage now. One write: the
   * contact as it was tells which implied stages were unmarked.
   */
  public boolean reach(String leadId, String stage, Instant at) {
    return reachReading(leadId, stage, at) != null;
  }

  /**
   * {@link #reach}, answering the contact as it was just before this write marked it ({@code
   * campaignId} and {@code read}, e.g. a mark that decides what else counts), or null when it was
   * not counted now. The same single write: what it reads cannot change between the mark and the
   * read.
   */
  public Document reachReading(String leadId, String stage, Instant at, String... read) {
    if (leadId == null || !STAGES.contains(stage)) {
      return null;
    }
    List<String> implied = implied(stage);
    List<Bson> marks = new ArrayList<>();
    marks.add(Updates.set("funnel." + stage, Date.from(at)));
    List<String> fields = new ArrayList<>(List.of("campaignId"));
    for (String earlier : implied) {
      marks.add(Updates.min("funnel." + earlier, Date.from(at)));
      fields.add("funnel." + earlier);
    }
    fields.addAll(List.of(read));
    Document contact =
        contacts.findOneAndUpdate(
            Filters.and(Filters.eq("leadId", leadId), Filters.exists("funnel." + stage, false)),
            marks.size() == 1 ? marks.get(0) : Updates.combine(marks),
            new FindOneAndUpdateOptions()
                .projection(fields.size() == 1 ? CAMPAIGN_ONLY : Projections.include(fields)));
    if (contact == null) {
      return null;
    }
    List<String> counted = new ArrayList<>();
    for (String earlier : implied) {
      if (!reached(contact, earlier)) {
        counted.add(earlier);
      }
    }
    counted.add(stage);
    count(contact.getString("campaignId"), counted, at);
    return contact;
  }

  /**
   * {@link #reach} with more changes to the contact in the same write ({@code also}, or null: e.g.
   * the wa_id a send learned, applied whether or not the stage was marked before): one round trip
   * where there were two. The mark is {@code $min}, so a lead marked before keeps its first time;
   * the contact as it was tells whether this write marked it, and only then is the stage counted
   * (one writer sees it unmarked, whatever runs at the same time). Two writers on either side of
   * midnight (UTC), the later one first, would count the later day and mark the earlier: {@link
   * #rebuild()} recounts from the marks.
   */
  public boolean reachWith(String leadId, String stage, Instant at, Bson also) {
    if (leadId == null || !STAGES.contains(stage)) {
      return false;
    }
    Document before =
        contacts.findOneAndUpdate(
            Filters.eq("leadId", leadId),
            also == null
                ? Updates.min("funnel." + stage, Date.from(at))
                : Updates.combine(also, Updates.min("funnel." + stage, Date.from(at))),
            new FindOneAndUpdateOptions()
                .projection(Projections.include("campaignId", "funnel." + stage))
                .returnDocument(ReturnDocument.BEFORE));
    if (before == null || reached(before, stage)) {
      return false;
    }
    count(before.getString("campaignId"), stage, at);
    return true;
  }

  /**
   * Counts a lead whose mark this stage's first writer set itself ({@code funnel.<stage>}, e.g. in
   * the insert that created the contact): the counter alone, one round trip. A crash before it
   * leaves the mark uncounted, which {@link #rebuild()} repairs.
   */
  public void count(String campaignId, String stage, Instant at) {
    count(campaignId, List.of(stage), at);
  }

  private void count(String campaignId, List<String> stages, Instant at) {
    List<Bson> incs = new ArrayList<>();
    stages.forEach(stage -> incs.add(Updates.inc(stage, 1L)));
    stats.updateOne(
        Filters.and(
            Filters.eq("campaignId", campaignId == null ? "default" : campaignId),
            Filters.eq("day", day(at))),
        incs.size() == 1 ? incs.get(0) : Updates.combine(incs),
        new UpdateOptions().upsert(true));
  }

  /** A lead of a campaign (null: "default") reaching a stage at a time. */
  public record Reach(String leadId, String campaignId, String stage, Instant at) {}

  /**
   * {@link #reach} for many leads in a few commands: the marks of one (stage, campaign, day) in one
   * unordered bulk write of the same conditional updates, each counter then raised by how many of
   * them matched (a lead marked before, or twice in the list, matches once), all counters in one
   * more bulk write. So a drained batch of statuses costs its funnel a handful of round trips, not
   * two per lead, and the campaign's counter document is written once per batch instead of once per
   * lead by every inbox partition. Answers how many leads were counted now. A failure is thrown
   * after every group was tried and the matched marks were counted; what stays uncounted (a group
   * whose write failed without telling how many matched, or the counters' own write) is logged with
   * the rebuild that recounts it from the marks, as a crash between the two writes of {@link
   * #reach} always was, for one lead.
   */
  public int reachAll(List<Reach> reaches) {
    Map<List<String>, List<WriteModel<Document>>> marks = new LinkedHashMap<>();
    for (Reach r : reaches) {
      if (r.leadId() == null || !STAGES.contains(r.stage())) {
        continue;
      }
      String campaign = r.campaignId() == null ? "default" : r.campaignId();
      marks
          .computeIfAbsent(List.of(r.stage(), campaign, day(r.at())), k -> new ArrayList<>())
          .add(
              new UpdateOneModel<>(
                  Filters.and(
                      Filters.eq("leadId", r.leadId()),
                      Filters.exists("funnel." + r.stage(), false)),
                  Updates.set("funnel." + r.stage(), Date.from(r.at()))));
    }
    Map<List<String>, Map<String, Integer>> counted = new LinkedHashMap<>();
    int total = 0;
    RuntimeException failed = null;
    for (var group : marks.entrySet()) {
      int n;
      try {
        n =
            contacts
                .bulkWrite(group.getValue(), new BulkWriteOptions().ordered(false))
                .getModifiedCount();
      } catch (MongoBulkWriteException e) {
        // Some marks were refused: those that matched are still counted below.
        n = e.getWriteResult().getModifiedCount();
        failed = failed == null ? e : failed;
      } catch (RuntimeException e) {
        // How many marks this group wrote is unknown: a rebuild recounts them from the marks.
        LOG.error(
            "funnel marks of {} {} on {} may be uncounted ({}): POST"
                + " /api/dashboard/counters/rebuild recounts them",
            group.getKey().get(1),
            group.getKey().get(0),
            group.getKey().get(2),
            e.toString());
        failed = failed == null ? e : failed;
        continue;
      }
      if (n > 0) {
        List<String> k = group.getKey();
        counted
            .computeIfAbsent(List.of(k.get(1), k.get(2)), x -> new LinkedHashMap<>())
            .merge(k.get(0), n, Integer::sum);
        total += n;
      }
    }
    if (!counted.isEmpty()) {
      List<WriteModel<Document>> incs = new ArrayList<>();
      counted.forEach(
          (k, stages) -> {
            List<Bson> inc = new ArrayList<>();
            stages.forEach((stage, n) -> inc.add(Updates.inc(stage, (long) n)));
            incs.add(
                new UpdateOneModel<>(
                    Filters.and(Filters.eq("campaignId", k.get(0)), Filters.eq("day", k.get(1))),
                    Updates.combine(inc),
                    new UpdateOptions().upsert(true)));
          });
      try {
        stats.bulkWrite(incs, new BulkWriteOptions().ordered(false));
      } catch (RuntimeException e) {
        // The marks are written, so a relayed batch will not count these leads again.
        LOG.error(
            "funnel counters {} not raised ({}): POST /api/dashboard/counters/rebuild recounts"
                + " them from the marks",
            counted,
            e.toString());
        throw failed == null ? e : failed;
      }
    }
    if (failed != null) {
      throw failed;
    }
    return total;
  }

  static String day(Instant at) {
    return at.atOffset(ZoneOffset.UTC).toLocalDate().toString();
  }

  /** Totals per stage for a campaign (null: all) over the days [from, to] (null: open). */
  public Map<String, Long> totals(String campaignId, LocalDate from, LocalDate to) {
    Map<String, Long> out = new LinkedHashMap<>();
    STAGES.forEach(s -> out.put(s, 0L));
    for (Document d : stats.find(filter(campaignId, from, to))) {
      for (String s : STAGES) {
        Number n = d.get(s, Number.class);
        out.merge(s, n == null ? 0L : n.longValue(), Long::sum);
      }
    }
    return out;
  }

  /** Per day, in order: the same counters. */
  public List<Map<String, Object>> series(String campaignId, LocalDate from, LocalDate to) {
    Map<String, Map<String, Object>> days = new TreeMap<>();
    for (Document d : stats.find(filter(campaignId, from, to))) {
      Map<String, Object> day =
          days.computeIfAbsent(
              d.getString("day"),
              k -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("day", k);
                STAGES.forEach(s -> m.put(s, 0L));
                return m;
              });
      for (String s : STAGES) {
        Number n = d.get(s, Number.class);
        day.merge(s, n == null ? 0L : n.longValue(), (a, b) -> (Long) a + (Long) b);
      }
    }
    return new ArrayList<>(days.values());
  }

  /**
   * The contact's funnel marks as the start of their day (UTC): all {@link #rebuild()} and {@link
   * #keepErased} read of them, without the time of day.
   */
  public static Document days(Document contact) {
    return FunnelRebuild.days(contact);
  }

  /**
   * Keeps the funnel marks of a contact being erased ({@link #ERASED}) before the erasure removes
   * them, so that {@link #rebuild()} still counts the stages the lead reached, as the counters do.
   * Marks kept by an earlier pass stay as they are.
   */
  public void keepErased(Document contact) {
    new FunnelRebuild(contacts, stats, erased).keepErased(contact);
  }

  /**
   * Recomputes every campaign's counters from the marks on the contacts ({@code funnel.<stage>})
   * and the marks erased leads had ({@link #ERASED}): {@link FunnelRebuild#rebuild}. Answers the
   * number of (campaign, day) rows that differed.
   */
  public int rebuild() {
    return new FunnelRebuild(contacts, stats, erased).rebuild();
  }

  public List<String> campaigns() {
    List<String> out = stats.distinct("campaignId", String.class).into(new ArrayList<>());
    out.sort(String::compareTo);
    return out;
  }

  private static Bson filter(String campaignId, LocalDate from, LocalDate to) {
    List<Bson> f = new ArrayList<>();
    if (campaignId != null && !campaignId.isBlank()) {
      f.add(Filters.eq("campaignId", campaignId));
    }
    if (from != null) {
      f.add(Filters.gte("day", from.toString()));
    }
    if (to != null) {
      f.add(Filters.lte("day", to.toString()));
    }
    return f.isEmpty() ? new Document() : Filters.and(f);
  }
}
