package com.salesagent.tools.bench;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.apache.commons.math3.random.MersenneTwister;
import org.bson.Document;

/**
 * The sales team of the simulation: each lead that became interested is decided once, converted
 * with its segment and variant's hidden conversion rate or lost, and the outcome posted through the
 * API as an operator would. Nothing when no conversion rates are given.
 */
final class SimulatedSalesTeam {
  private final MongoDatabase db;
  private final HttpClient http;
  private final int port;
  private final String token;
  private final EndToEndSimulation.Options o;
  private final MersenneTwister random;
  private final java.util.Set<String> decided = new java.util.HashSet<>();

  SimulatedSalesTeam(
      MongoDatabase db,
      HttpClient http,
      int port,
      String token,
      EndToEndSimulation.Options o,
      MersenneTwister r) {
    this.db = db;
    this.http = http;
    this.port = port;
    this.token = token;
    this.o = o;
    this.random = r;
  }

  void decide(Map<String, String> segmentOfLead) throws Exception {
    if (o.conversions() == null) {
      return;
    }
    for (Document c :
        db.getCollection(Collections.CONTACTS)
            .find(
                Filters.and(
                    Filters.in("leadId", segmentOfLead.keySet()),
                    Filters.in("stage", com.salesagent.activities.handoff.Owners.HELD_STAGES)))) {
      String leadId = c.getString("leadId");
      if (!decided.add(leadId)) {
        continue;
      }
      double rate =
          o.conversions()
              .getOrDefault(segmentOfLead.get(leadId), Map.of())
              .getOrDefault(c.getString("variantId"), 0.0);
      String outcome = random.nextDouble() < rate ? "converted" : "lost";
      http.send(
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + port + "/api/leads/" + leadId + "/outcome"))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"outcome\":\"" + outcome + "\",\"reason\":\"simulated sales team\"}"))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }
  }
}
