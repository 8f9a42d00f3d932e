package com.salesagent.workflows.variants;

import com.salesagent.workflows.lead.LeadWorkflow;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public class KillSwitchWorkflowImpl implements KillSwitchWorkflow {
  /** Leads signalled in parallel per page. */
  static final int PAGE = 200;

  /** Pages per run: about 4 history events per lead, so a run stays far below Temporal's limits. */
  static final int PAGES_PER_RUN = 10;

  // MongoDB may be away for a while: keep trying (the switch must reach every lead), slowly.
  private final VariantActivities variants =
      Workflow.newActivityStub(
          VariantActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(
                  RetryOptions.newBuilder().setMaximumInterval(Duration.ofSeconds(30)).build())
              .build());

  private final int page;
  private final int pagesPerRun;
  private KillSwitchProgress progress;

  public KillSwitchWorkflowImpl() {
    this(PAGE, PAGES_PER_RUN);
  }

  /** Tests use small pages to cross page and run boundaries with a few hundred leads. */
  public KillSwitchWorkflowImpl(int page, int pagesPerRun) {
    this.page = page;
    this.pagesPerRun = pagesPerRun;
  }

  @Override
  public KillSwitchProgress run(KillSwitchRequest request) {
    String after = request.afterLeadId();
    int signalled = request.signalled();
    int ended = request.ended();
    progress = new KillSwitchProgress(request.variantId(), signalled, ended, false);
    for (int n = 0; n < pagesPerRun; n++) {
      List<String> leads = variants.inFlightLeads(request.variantId(), after, page);
      if (leads.isEmpty()) {
        variants.recordKillSwitch(request.variantId(), request.operator(), signalled, ended);
        progress = new KillSwitchProgress(request.variantId(), signalled, ended, true);
        return progress;
      }
      List<Promise<Void>> sent = new ArrayList<>(leads.size());
      for (String leadId : leads) {
        LeadWorkflow lead =
            Workflow.newExternalWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId));
        sent.add(Async.procedure(lead::variantDisabled, request.variantId()));
      }
      for (Promise<Void> signal : sent) {
        try {
          signal.get();
          signalled++;
        } catch (SignalExternalWorkflowException | ApplicationFailure e) {
          // Its workflow ended meanwhile (NOT_FOUND): nothing to switch.
          ended++;
        }
      }
      after = leads.get(leads.size() - 1);
      progress = new KillSwitchProgress(request.variantId(), signalled, ended, false);
    }
    Workflow.continueAsNew(
        new KillSwitchRequest(request.variantId(), request.operator(), after, signalled, ended));
    return progress;
  }

  @Override
  public KillSwitchProgress progress() {
    return progress;
  }
}
