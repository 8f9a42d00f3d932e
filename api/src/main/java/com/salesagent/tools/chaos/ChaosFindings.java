package com.salesagent.tools.chaos;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.tools.DevServerStalls;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;

/**
 * What a chaos run found once its faults stopped: the leads left unfinished and what their
 * workflows wait for, why the failed ones failed, and the run's report (duplicates, sends after an
 * opt-out, lost leads).
 */
final class ChaosFindings {
  private ChaosFindings() {}

  static List<String> stuckLeads(MongoDatabase db) {
    List<String> stuck = new ArrayList<>();
    for (Document c :
        db.getCollection(Collections.CONTACTS).find(Filters.nin("stage", ChaosRun.TERMINAL))) {
      stuck.add(
          c.getString("leadId") + " " + c.getString("stage") + " " + c.getString("nextAction"));
    }
    return stuck;
  }

  /**
   * What stuck leads' workflows wait for (pending activities, the last events), printed; returns
   * how many are stalled by the dev server itself: their last event is a workflow task started more
   * than 30 s ago, whose 10 s timeout the server never applied.
   */
  static int explainStuck(String target, List<String> stuck, PrintStream out) {
    if (stuck.isEmpty()) {
      return 0;
    }
    var service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    int stalls = 0;
    try {
      for (String line : stuck) {
        String leadId = line.split(" ")[0];
        var execution = WorkflowExecution.newBuilder().setWorkflowId("lead-" + leadId).build();
        var described =
            service
                .blockingStub()
                .describeWorkflowExecution(
                    DescribeWorkflowExecutionRequest.newBuilder()
                        .setNamespace("default")
                        .setExecution(execution)
                        .build());
        var history = DevServerStalls.history(service, "default", "lead-" + leadId);
        boolean stalled = DevServerStalls.stalled(history, Duration.ofSeconds(30), Instant.now());
        if (stalled) {
          stalls++;
        }
        out.printf(
            "chaos: stuck %s%s: pending activities %s, last events %s%n",
            line,
            stalled ? " (dev-server stall: task started, never timed out)" : "",
            described.getPendingActivitiesList().stream()
                .map(
                    a ->
                        a.getActivityType().getName()
                            + "/"
                            + a.getState()
                            + "/attempt "
                            + a.getAttempt())
                .toList(),
            history.subList(Math.max(0, history.size() - 6), history.size()).stream()
                .map(e -> e.getEventType().name().replace("EVENT_TYPE_", ""))
                .toList());
      }
    } catch (RuntimeException e) {
      out.println("chaos: could not describe the stuck workflows: " + e);
    } finally {
      service.shutdownNow();
    }
    return stalls;
  }

  static ChaosRun.Report report(
      ChaosRun.Options o,
      MongoDatabase db,
      WhatsAppEmulator emulator,
      int enrolled,
      int kills,
      boolean outage,
      long started,
      int stalls) {
    Map<String, Long> outcomes = new TreeMap<>();
    List<String> stuck = new ArrayList<>();
    int contacts = 0;
    for (Document c : db.getCollection(Collections.CONTACTS).find()) {
      contacts++;
      String stage = c.getString("stage");
      outcomes.merge(stage, 1L, Long::sum);
      if (!ChaosRun.TERMINAL.contains(stage)) {
        stuck.add(c.getString("leadId") + " " + stage + " " + c.getString("nextAction"));
      }
    }
    int finished = contacts - stuck.size();
    return new ChaosRun.Report(
        o.leads(),
        enrolled,
        finished,
        emulator.duplicateKeys().size(),
        emulator.acceptedAfterOptOut(),
        Math.max(0, o.leads() - contacts),
        o.leads() - finished,
        kills,
        outage,
        Duration.ofNanos(System.nanoTime() - started),
        outcomes,
        emulator.acceptedTotal(),
        emulator.duplicateKeys(),
        stuck,
        stalls,
        failedBy(db));
  }

  /**
   * Why the failed leads failed: the reason their workflow recorded with the outcome (digits
   * dropped, so "rate limited (130429) 7 times" and "... 8 times" count together).
   */
  static Map<String, Long> failedBy(MongoDatabase db) {
    Map<String, Long> reasons = new TreeMap<>();
    for (Document c : db.getCollection(Collections.CONTACTS).find(Filters.eq("stage", "failed"))) {
      Document outcome =
          db.getCollection(Collections.INTERACTION_HISTORY)
              .find(
                  Filters.and(
                      Filters.eq("meta.leadId", c.getString("leadId")),
                      Filters.eq("type", "outcome")))
              .sort(new Document("ts", -1))
              .first();
      String detail = outcome == null ? null : outcome.getString("detail");
      String reason =
          detail == null
              ? "no outcome recorded"
              : detail.replaceAll("\\d+", "#").replaceAll("\\s+", " ").strip();
      reasons.merge(reason.length() > 80 ? reason.substring(0, 80) : reason, 1L, Long::sum);
    }
    return reasons;
  }
}
