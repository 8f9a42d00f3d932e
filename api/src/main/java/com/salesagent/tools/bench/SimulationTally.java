package com.salesagent.tools.bench;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.variants.Interest;
import com.salesagent.api.SalesAgentApplication;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;

/**
 * What an end-to-end simulation came to ({@link EndToEndSimulation}): its leads' contacts read
 * back, per segment and variant, against the hidden rates: replies, interested leads, hand-offs and
 * conversions, with the oracle's and the allocation's expected counts.
 */
final class SimulationTally {
  private SimulationTally() {}

  /**
   * The outcome of the run's leads, {@code done} of them finished; {@code start}: its {@code
   * System.nanoTime()}.
   */
  static EndToEndSimulation.Outcome tally(
      SalesAgentApplication app,
      MongoDatabase db,
      List<String> leadIds,
      Map<String, String> segmentOfLead,
      EndToEndSimulation.Options o,
      SimulatedRecipients recipients,
      long done,
      long start,
      int stalls) {
    Map<String, Map<String, Long>> allocation = new TreeMap<>();
    Map<String, Map<String, Long>> repliesByArm = new TreeMap<>();
    Map<String, Map<String, Long>> conversionsByArm = new TreeMap<>();
    Map<String, Map<String, Long>> handOffsByArm = new TreeMap<>();
    Map<String, Map<String, Long>> interestedByArm = new TreeMap<>();
    java.util.Set<String> handedOff = new java.util.HashSet<>();
    db.getCollection(com.salesagent.activities.handoff.HandOffActivitiesImpl.HANDOFFS)
        .find(Filters.in("_id", leadIds))
        .forEach(h -> handedOff.add(h.getString("_id")));
    java.util.Set<String> interestedLeads = interestedLeads(db, leadIds);
    long interested = 0;
    double oracleInterested = 0;
    double expectedInterested = 0;
    long replies = 0;
    long conversions = 0;
    double oracle = 0;
    double expected = 0;
    double oracleConversions = 0;
    double expectedConversions = 0;
    for (Document c :
        app.connections()
            .mongo()
            .database()
            .getCollection(Collections.CONTACTS)
            .find(Filters.in("leadId", leadIds))) {
      String segment = segmentOfLead.get(c.getString("leadId"));
      String variant = c.getString("variantId");
      Map<String, Double> rates = o.rates().get(segment);
      oracle += rates.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
      oracleInterested += recipients.oracleInterested(segment);
      Map<String, Double> conv =
          o.conversions() == null ? Map.of() : o.conversions().getOrDefault(segment, Map.of());
      oracleConversions +=
          rates.keySet().stream()
              .mapToDouble(v -> rates.get(v) * conv.getOrDefault(v, 0.0))
              .max()
              .orElse(0);
      if (variant == null) {
        continue;
      }
      expected += rates.getOrDefault(variant, 0.0);
      expectedInterested += recipients.expectedInterested(segment, variant);
      if (interestedLeads.contains(c.getString("leadId"))) {
        interested++;
        interestedByArm
            .computeIfAbsent(segment, k -> new TreeMap<>())
            .merge(variant, 1L, Long::sum);
      }
      expectedConversions += rates.getOrDefault(variant, 0.0) * conv.getOrDefault(variant, 0.0);
      if ("converted".equals(c.getString("stage"))) {
        conversions++;
        conversionsByArm
            .computeIfAbsent(segment, k -> new TreeMap<>())
            .merge(variant, 1L, Long::sum);
      }
      allocation.computeIfAbsent(segment, k -> new TreeMap<>()).merge(variant, 1L, Long::sum);
      if (handedOff.contains(c.getString("leadId"))) {
        handOffsByArm.computeIfAbsent(segment, k -> new TreeMap<>()).merge(variant, 1L, Long::sum);
      }
      if ("replied".equals(c.getString("stage"))
          || "converted".equals(c.getString("stage"))
          || "lost".equals(c.getString("stage"))
          || com.salesagent.activities.handoff.Owners.HELD_STAGES.contains(c.getString("stage"))) {
        replies++;
        repliesByArm.computeIfAbsent(segment, k -> new TreeMap<>()).merge(variant, 1L, Long::sum);
      }
    }
    return new EndToEndSimulation.Outcome(
        o.leads(),
        (int) done,
        replies,
        oracle,
        expected,
        allocation,
        repliesByArm,
        Duration.ofNanos(System.nanoTime() - start),
        stalls,
        conversions,
        oracleConversions,
        expectedConversions,
        conversionsByArm,
        handOffsByArm,
        interested,
        oracleInterested,
        expectedInterested,
        interestedByArm);
  }

  /**
   * Leads of the run that showed interest: one of their replies' feedback documents has the
   * triage's intent {@code interested} (not their stage: with owners every reply goes to a person).
   */
  static java.util.Set<String> interestedLeads(MongoDatabase db, List<String> leadIds) {
    java.util.Set<String> out = new java.util.HashSet<>();
    db.getCollection(Collections.FEEDBACK)
        .find(Filters.and(Filters.in("leadId", leadIds), Filters.eq("intent", Interest.INTERESTED)))
        .projection(new Document("leadId", 1))
        .forEach(f -> out.add(f.getString("leadId")));
    return out;
  }
}
