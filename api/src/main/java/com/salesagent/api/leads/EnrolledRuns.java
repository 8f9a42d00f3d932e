package com.salesagent.api.leads;

import com.salesagent.temporal.LeadSearchAttributes;
import com.salesagent.temporal.TaskQueues;
import com.salesagent.workflows.erasure.LeadErasureWorkflow;
import com.salesagent.workflows.lead.LeadInput;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import java.time.Instant;
import java.util.List;

/**
 * The workflow of a lead {@link Enrolment} stored (or found stored): started with id lead-<leadId>;
 * a run of the id already there is the same lead's, unless the contact is new, when it is an erased
 * lead's kept history and this lead gets a run of its own once that erasure is over.
 */
final class EnrolledRuns {
  private final WorkflowClient temporal;

  EnrolledRuns(WorkflowClient temporal) {
    this.temporal = temporal;
  }

  /** Starts the lead's run; {@code inserted}: its contact was stored by this enrolment. */
  Enrolment.Outcome start(LeadValidator.Lead lead, boolean inserted, Instant now) {
    String workflowId = LeadWorkflow.workflowId(lead.leadId());
    LeadInput input = new LeadInput(lead.leadId(), lead.campaignId(), null);
    try {
      WorkflowClient.start(
          workflow(lead, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)::run,
          input);
    } catch (WorkflowExecutionAlreadyStarted e) {
      if (!inserted || running(workflowId)) {
        return new Enrolment.Outcome(lead.leadId(), workflowId, Enrolment.ALREADY_ENROLLED);
      }
      // The contact is new, so the closed run is an erased lead's of the same id, whose history a
      // server that cannot delete it keeps. This lead gets a run of its own, once that erasure is
      // over: until then its last step deletes the id's latest run, which would be this one.
      if (running(LeadErasureWorkflow.workflowId(lead.leadId()))) {
        return new Enrolment.Outcome(
            lead.leadId(),
            null,
            Enrolment.LEAD_ERASING,
            null,
            null,
            List.of(),
            now.plus(Enrolment.ERASURE_MARGIN));
      }
      WorkflowClient.start(
          workflow(lead, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)::run,
          input);
    }
    return new Enrolment.Outcome(
        lead.leadId(), workflowId, inserted ? Enrolment.ENROLLED : Enrolment.WORKFLOW_STARTED);
  }

  private LeadWorkflow workflow(LeadValidator.Lead lead, WorkflowIdReusePolicy reuse) {
    return temporal.newWorkflowStub(
        LeadWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(LeadWorkflow.workflowId(lead.leadId()))
            .setTaskQueue(TaskQueues.LEADS)
            .setWorkflowIdReusePolicy(reuse)
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder()
                    .set(LeadSearchAttributes.CAMPAIGN_ID, lead.campaignId())
                    .set(LeadSearchAttributes.LEAD_STAGE, "enrolled")
                    .build())
            .build());
  }

  private boolean running(String workflowId) {
    try {
      return temporal.newUntypedWorkflowStub(workflowId).describe().getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (WorkflowNotFoundException e) {
      return false;
    }
  }
}
