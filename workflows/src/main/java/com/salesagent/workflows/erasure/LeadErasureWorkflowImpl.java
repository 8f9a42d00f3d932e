package com.salesagent.workflows.erasure;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;

/**
 * Stop, erase, wait, erase again, delete the histories, audit. The wait is there because stopping a
 * workflow does not stop an activity already running for it (a send, a download): its last writes
 * may land after the first pass, so the sweep runs once every such activity has timed out. Every
 * step retries until MongoDB, S3 and Temporal answer (an erasure must finish, however late).
 */
public class LeadErasureWorkflowImpl implements LeadErasureWorkflow {
  private final LeadErasureActivities activities =
      Workflow.newActivityStub(
          LeadErasureActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(5))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(5))
                      .setBackoffCoefficient(2)
                      .setMaximumInterval(Duration.ofMinutes(10))
                      .setDoNotRetry(LeadErasureActivities.HISTORIES_KEPT)
                      .build())
              .build());

  private String step = "stopping";

  @Override
  public ErasureReport erase(ErasureRequest request) {
    List<String> workflowIds = activities.stopWorkflows(request.leadId());
    step = "erasing";
    Erased first = activities.erase(request, false);
    step = "waiting to sweep";
    Workflow.sleep(Duration.ofSeconds(Math.max(0, request.sweepAfterSeconds())));
    step = "sweeping";
    Erased sweep = activities.erase(request, true);
    step = "deleting histories";
    List<String> deleted = List.of();
    String kept = null;
    try {
      deleted = activities.deleteHistories(workflowIds);
    } catch (ActivityFailure e) {
      kept =
          e.getCause() instanceof ApplicationFailure app
              ? app.getOriginalMessage()
              : e.getMessage();
    }
    ErasureReport report =
        new ErasureReport(
            request.leadId(),
            new Erased(
                first.documents(),
                first.objects(),
                first.webhookPayloads(),
                first.numbersSuppressed(),
                workflowIds),
            sweep,
            deleted,
            kept);
    activities.audit(request, report);
    step = "done";
    return report;
  }

  @Override
  public String step() {
    return step;
  }
}
