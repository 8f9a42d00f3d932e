package com.salesagent.activities.persona;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.Collections;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * Segment discovery: which facet values, and pairs of values, reply above or below the campaign's
 * mean. One aggregation over the personas ({@code $match} on the campaign, then a {@code $facet}
 * with one {@code $group} per facet and per pair of facets; array facets unwound); every group with
 * at least {@code minLeads} leads is a candidate, with its reply rate's 95 % Wilson interval and
 * its lift (its rate over the baseline's) with the interval's bounds over the baseline rate. Ranked
 * by the lift's lower bound (above) and upper bound (below): a small group's lucky rate does not
 * top the list, and "mid-market retail COOs reply 2.3x" comes with how sure that is.
 */
public final class SegmentDiscovery {
  /** The most candidates listed each way. */
  public static final int MAX_LIMIT = 100;

  /** A group of personas sharing facet values, and how it replies against the baseline. */
  public record Finding(
      Map<String, String> facets,
      Wilson.Interval replyRate,
      double lift,
      double liftLow,
      double liftHigh) {
    /** Its interval lies wholly above (1), below (-1) the baseline, or straddles it (0). */
    public int direction() {
      return liftLow > 1 ? 1 : liftHigh < 1 ? -1 : 0;
    }
  }

  public record Result(
      Wilson.Interval baseline, int minLeads, List<Finding> above, List<Finding> below) {}

  private final MongoCollection<Document> personas;

  public SegmentDiscovery(MongoDatabase db) {
    this.personas = db.getCollection(Collections.PERSONAS);
  }

  /**
   * @param facets facet names of {@link PersonaFields#FACETS}
   * @param pairs also every pair of the facets
   */
  public Result discover(
      String campaignId, List<String> facets, boolean pairs, int minLeads, int limit) {
    for (String f : facets) {
      if (!PersonaFields.FACETS.containsKey(f)) {
        throw new IllegalArgumentException("unknown facet " + f);
      }
    }
    List<List<String>> groupings = new ArrayList<>();
    facets.forEach(f -> groupings.add(List.of(f)));
    if (pairs) {
      for (int i = 0; i < facets.size(); i++) {
        for (int j = i + 1; j < facets.size(); j++) {
          groupings.add(List.of(facets.get(i), facets.get(j)));
        }
      }
    }
    Document facetStage =
        new Document("_total", List.of(new Document("$group", PersonaSearch.rateGroup(null))));
    for (int g = 0; g < groupings.size(); g++) {
      List<Document> stages = new ArrayList<>();
      Document id = new Document();
      for (String facet : groupings.get(g)) {
        String field = PersonaFields.FACETS.get(facet);
        if (PersonaFields.ARRAYS.contains(field)) {
          stages.add(new Document("$unwind", "$" + field));
        } else {
          stages.add(new Document("$match", new Document(field, new Document("$ne", null))));
        }
        id.append(facet, "$" + field);
      }
      stages.add(new Document("$group", PersonaSearch.rateGroup(id)));
      stages.add(new Document("$match", new Document("count", new Document("$gte", minLeads))));
      facetStage.append("g" + g, stages);
    }
    Document match = campaignId == null ? new Document() : new Document("campaignId", campaignId);
    Document out =
        personas
            .aggregate(List.of(new Document("$match", match), new Document("$facet", facetStage)))
            .first();
    List<Document> total = out == null ? List.of() : out.getList("_total", Document.class);
    Wilson.Interval baseline =
        total.isEmpty()
            ? Wilson.of(0, 0)
            : Wilson.of(
                PersonaSearch.number(total.get(0), "replied"),
                PersonaSearch.number(total.get(0), "count"));
    List<Finding> findings = new ArrayList<>();
    if (baseline.rate() != null && baseline.rate() > 0) {
      double base = baseline.rate();
      for (int g = 0; g < groupings.size(); g++) {
        for (Document d : out.getList("g" + g, Document.class, List.of())) {
          Document key = d.get("_id", Document.class);
          Map<String, String> values = new LinkedHashMap<>();
          groupings.get(g).forEach(f -> values.put(f, String.valueOf(key.get(f))));
          Wilson.Interval rate =
              Wilson.of(PersonaSearch.number(d, "replied"), PersonaSearch.number(d, "count"));
          findings.add(
              new Finding(
                  values,
                  rate,
                  round(rate.rate() / base),
                  round(rate.low() / base),
                  round(rate.high() / base)));
        }
      }
    }
    List<Finding> above =
        findings.stream()
            .filter(f -> f.lift() > 1)
            .sorted(
                Comparator.comparingDouble(Finding::liftLow)
                    .reversed()
                    .thenComparing(f -> -f.replyRate().n())
                    .thenComparing(f -> f.facets().size()))
            .limit(limit)
            .toList();
    List<Finding> below =
        findings.stream()
            .filter(f -> f.lift() < 1)
            .sorted(
                Comparator.comparingDouble(Finding::liftHigh)
                    .thenComparing(f -> -f.replyRate().n())
                    .thenComparing(f -> f.facets().size()))
            .limit(limit)
            .toList();
    return new Result(baseline, minLeads, above, below);
  }

  private static double round(double x) {
    return Math.round(x * 1000) / 1000.0;
  }
}
