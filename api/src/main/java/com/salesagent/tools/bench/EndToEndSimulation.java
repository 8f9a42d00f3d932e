package com.salesagent.tools.bench;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.api.SalesAgentApplication;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.tools.DevServerStalls;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import org.apache.commons.math3.random.MersenneTwister;
import org.bson.Document;

/**
 * The simulator's end-to-end mode: synthetic leads enrolled through the REST API of a running
 * embedded application, each one a real lead workflow (research, assignment by the configured
 * strategy, composition, the send to the WhatsApp emulator, follow-up timers). The emulator's
 * recipients reply to a variant's first-contact template with a hidden probability per segment and
 * variant (and, with interest rates, show interest or say a polite no: {@link
 * SimulatedRecipients}); the replies come back through the signed webhook, triage and the
 * incremental counters that the bandit reads for the next assignments. A lead counts as interested
 * when the triage read one of its replies so (its feedback), whatever its stage.
 */
public final class EndToEndSimulation {
  /** Company sizes that fall in each segment (see LeadSegments.sizeBand). */
  static final Map<String, String> SIZE_OF =
      Map.of("smb", "20", "mid_market", "300", "enterprise", "5000", "default", "");

  /** Leads with an outcome: ended, or interested (replied; its workflow goes on). */
  static final List<String> TERMINAL =
      List.of(
          "replied",
          "interested",
          "handed_off",
          "in_conversation",
          "meeting_booked",
          "converted",
          "lost",
          "opted_out",
          "no_response",
          "failed",
          "stopped");

  /** With conversions simulated a lead finishes only with its outcome: not while interested. */
  static final List<String> FINAL =
      List.of("replied", "converted", "lost", "opted_out", "no_response", "failed", "stopped");

  /**
   * What to run: hidden reply rates per segment and variant id, the strategy and its settings, how
   * fast to enrol (leads per second), and how long to wait for every lead to finish; optionally
   * hidden conversion rates and hidden interest rates (the probability that a reply shows interest,
   * else it is a polite no; null: every reply interested), per segment and variant id.
   */
  public record Options(
      int leads,
      Map<String, Map<String, Double>> rates,
      String strategy,
      int burnIn,
      double floor,
      double enrolPerSecond,
      Duration timeout,
      long seed,
      Map<String, Map<String, Double>> conversions,
      String reward,
      double questions,
      int owners,
      Map<String, Map<String, Double>> interest) {
    public Options(
        int leads,
        Map<String, Map<String, Double>> rates,
        String strategy,
        int burnIn,
        double floor,
        double enrolPerSecond,
        Duration timeout,
        long seed,
        Map<String, Map<String, Double>> conversions,
        String reward) {
      this(
          leads,
          rates,
          strategy,
          burnIn,
          floor,
          enrolPerSecond,
          timeout,
          seed,
          conversions,
          reward,
          0.0,
          0,
          null);
    }

    public Options(
        int leads,
        Map<String, Map<String, Double>> rates,
        String strategy,
        int burnIn,
        double floor,
        double enrolPerSecond,
        Duration timeout,
        long seed) {
      this(leads, rates, strategy, burnIn, floor, enrolPerSecond, timeout, seed, null, "reply");
    }
  }

  /** What came out, in the same terms as the fast mode. */
  public record Outcome(
      int leads,
      int finished,
      long replies,
      double oracleReplies,
      double expectedReplies,
      Map<String, Map<String, Long>> allocation,
      Map<String, Map<String, Long>> repliesByArm,
      Duration took,
      int devServerStalls,
      long conversions,
      double oracleConversions,
      double expectedConversions,
      Map<String, Map<String, Long>> conversionsByArm,
      Map<String, Map<String, Long>> handOffsByArm,
      long interested,
      double oracleInterested,
      double expectedInterested,
      Map<String, Map<String, Long>> interestedByArm) {
    /** Cumulative regret on replies: the oracle's expected replies minus the allocation's. */
    public double regret() {
      return oracleReplies - expectedReplies;
    }

    /** Cumulative regret on interested leads (the measure of the {@code interested} reward). */
    public double interestedRegret() {
      return oracleInterested - expectedInterested;
    }
  }

  private EndToEndSimulation() {}

  public static Outcome run(
      SalesAgentApplication app, int port, String token, Options o, LongConsumer progress)
      throws Exception {
    MongoDatabase db = app.connections().mongo().database();
    db.getCollection(Collections.AGENT_CONFIGURATIONS)
        .updateOne(
            Filters.eq("configId", "default"),
            Updates.combine(
                Updates.set("strategy", o.strategy()),
                Updates.set("reward", o.reward() == null ? "reply" : o.reward()),
                Updates.set("thompson.burnIn", o.burnIn()),
                Updates.set("thompson.floor", o.floor())));
    Map<String, String> variantOfTemplate = new HashMap<>();
    for (Document v : db.getCollection(Collections.PROMPT_VARIANTS).find()) {
      Document first = v.get("templates", Document.class).get("first_contact", Document.class);
      variantOfTemplate.put(first.getString("name"), v.getString("variantId"));
    }
    for (Map<String, Double> perVariant : o.rates().values()) {
      for (String variant : perVariant.keySet()) {
        if (!variantOfTemplate.containsValue(variant)) {
          throw new IllegalArgumentException(
              "no prompt variant " + variant + "; known: " + variantOfTemplate.values());
        }
      }
    }
    List<String> segments = new ArrayList<>(new TreeMap<>(o.rates()).keySet());
    SimulatedRecipients recipients =
        new SimulatedRecipients(variantOfTemplate, o.rates(), o.interest());
    WhatsAppEmulator emulator = app.emulator();
    emulator.setBehaviour(
        new EmulatorBehaviour(
                EmulatorBehaviour.REALISTIC,
                1.0,
                1.0,
                0.0,
                0.0,
                0,
                20,
                50,
                100,
                200,
                List.of(WhatsAppEmulator.ReplyModel.INTERESTED_REPLY),
                List.of("STOP"),
                o.seed())
            .withQuestionShare(o.questions()));
    emulator.setReplyModel(recipients);

    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < o.owners(); i++) {
      // Sales reps who take the interested leads (round robin): the run counts hand-offs.
      http.send(
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + port + "/api/owners/sim-owner-" + i))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .PUT(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"name\":\"Simulated rep "
                          + i
                          + "\",\"timezone\":\"UTC\",\"capacity\":10000}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
    MersenneTwister random = new MersenneTwister(o.seed());
    String run = Long.toString(System.currentTimeMillis(), 36);
    List<String> leadIds = new ArrayList<>();
    Map<String, String> segmentOfLead = new HashMap<>();
    SimulatedSalesTeam converter =
        new SimulatedSalesTeam(db, http, port, token, o, new MersenneTwister(o.seed() + 1));
    long start = System.nanoTime();
    long gapNanos = (long) (1e9 / o.enrolPerSecond());
    for (int i = 0; i < o.leads(); i++) {
      String segment = segments.get(random.nextInt(segments.size()));
      String waId = String.format("55119%08d", (int) (System.nanoTime() % 100_000_000L + i));
      while (recipients.knows(waId)) {
        waId = String.format("55119%08d", random.nextInt(100_000_000));
      }
      recipients.add(waId, segment);
      String leadId = "sim-" + run + "-" + i;
      leadIds.add(leadId);
      segmentOfLead.put(leadId, segment);
      String body =
          ("{\"leadId\":\"%s\",\"name\":\"Sim Lead %d\",\"phone\":\"+%s\",\"company\":\"Sim Co %d\","
                  + "\"industry\":\"retail\",\"companySize\":\"%s\",\"timezone\":\"UTC\","
                  + "\"campaignId\":\"simulation\",\"notes\":\"Synthetic lead of the simulator.\","
                  + "\"consent\":{\"whatsappOptIn\":true,\"source\":\"simulator\","
                  + "\"at\":\"2026-11-20T10:00:00Z\"}}")
              .formatted(leadId, i, waId, i, SIZE_OF.getOrDefault(segment, ""));
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/leads"))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 202) {
        throw new IllegalStateException("enrolment refused: " + r.statusCode() + " " + r.body());
      }
      converter.decide(segmentOfLead);
      progress.accept(finished(db, leadIds, o));
      long due = start + (i + 1) * gapNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
    long deadline = System.nanoTime() + o.timeout().toNanos();
    long done;
    long nextStallCheck = System.nanoTime() + STALL_CHECK.toNanos();
    int stalls = 0;
    while ((done = finished(db, leadIds, o)) < leadIds.size() && System.nanoTime() < deadline) {
      converter.decide(segmentOfLead);
      progress.accept(done);
      if (System.nanoTime() > nextStallCheck) {
        // Every lead still running stalled by the dev server: waiting longer changes nothing.
        stalls = devServerStalls(app, db, leadIds);
        if (done + stalls == leadIds.size()) {
          break;
        }
        nextStallCheck = System.nanoTime() + STALL_CHECK.toNanos();
      }
      Thread.sleep(250);
    }
    progress.accept(done);
    if (done < leadIds.size()) {
      stalls = devServerStalls(app, db, leadIds);
    }
    emulator.setReplyModel(null);

    return SimulationTally.tally(
        app, db, leadIds, segmentOfLead, o, recipients, done, start, stalls);
  }

  /** How often, and after how long, unfinished leads are checked for dev-server stalls. */
  static final Duration STALL_CHECK = Duration.ofSeconds(15);

  /** Unfinished leads whose workflow the dev server stalled (see {@link DevServerStalls}). */
  private static int devServerStalls(
      SalesAgentApplication app, MongoDatabase db, List<String> leadIds) {
    WorkflowServiceStubs service = app.connections().temporal().client().getWorkflowServiceStubs();
    String namespace = app.connections().temporal().client().getOptions().getNamespace();
    int stalls = 0;
    for (Document c :
        db.getCollection(Collections.CONTACTS)
            .find(Filters.and(Filters.in("leadId", leadIds), Filters.nin("stage", TERMINAL)))) {
      List<HistoryEvent> history =
          DevServerStalls.history(service, namespace, "lead-" + c.getString("leadId"));
      if (DevServerStalls.stalled(history, STALL_CHECK, Instant.now())) {
        stalls++;
      }
    }
    return stalls;
  }

  private static long finished(MongoDatabase db, List<String> leadIds, Options o) {
    return db.getCollection(Collections.CONTACTS)
        .countDocuments(
            Filters.and(
                Filters.in("leadId", leadIds),
                Filters.in("stage", o.conversions() == null ? TERMINAL : FINAL)));
  }
}
