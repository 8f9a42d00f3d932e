package com.salesagent.api.leads;

import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.temporal.LeadSearchAttributes;
import com.salesagent.temporal.TaskQueues;
import com.salesagent.workflows.lead.LeadInput;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/**
 * Enrols a valid lead: the contact is stored first (so nothing accepted is lost), then its workflow
 * is started with id lead-<leadId>; a second enrolment of the same leadId starts nothing and says
 * so. A contact whose workflow could not be started (Temporal down) is started by the next
 * enrolment of the same leadId.
 */
public class Enrolment {
  /** {@code status}: enrolled, or already_enrolled when the workflow existed. */
  public record Outcome(String leadId, String workflowId, String status) {}

  private final LeadStore store;
  private final WorkflowClient temporal;
  private final Clock clock;
  private final com.salesagent.activities.mongo.FunnelStats funnel;

  public Enrolment(LeadStore store, WorkflowClient temporal, Clock clock) {
    this.store = store;
    this.funnel = new com.salesagent.activities.mongo.FunnelStats(store.database());
    this.temporal = temporal;
    this.clock = clock;
  }

  public Outcome enrol(LeadValidator.Lead lead) {
    Instant now = clock.instant();
    boolean inserted = store.insertContact(contact(lead, now));
    if (inserted) {
      store.recordInteraction(lead.leadId(), lead.campaignId(), null, "enrolled", null, null, now);
      funnel.reach(lead.leadId(), "enrolled", now);
    }
    String workflowId = LeadWorkflow.workflowId(lead.leadId());
    LeadWorkflow workflow =
        temporal.newWorkflowStub(
            LeadWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(TaskQueues.LEADS)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .setTypedSearchAttributes(
                    SearchAttributes.newBuilder()
                        .set(LeadSearchAttributes.CAMPAIGN_ID, lead.campaignId())
                        .set(LeadSearchAttributes.LEAD_STAGE, "enrolled")
                        .build())
                .build());
    try {
      WorkflowClient.start(workflow::run, new LeadInput(lead.leadId(), lead.campaignId(), null));
    } catch (WorkflowExecutionAlreadyStarted e) {
      return new Outcome(lead.leadId(), workflowId, "already_enrolled");
    }
    return new Outcome(lead.leadId(), workflowId, inserted ? "enrolled" : "workflow_started");
  }

  private static Document contact(LeadValidator.Lead lead, Instant now) {
    return new Document("leadId", lead.leadId())
        .append("name", lead.name())
        .append("phone", lead.phone())
        .append("company", lead.company())
        .append("jobTitle", lead.jobTitle())
        .append("industry", lead.industry())
        .append("companySize", lead.companySize())
        .append("timezone", lead.timezone())
        .append("locale", lead.locale())
        .append("notes", lead.notes())
        .append("website", lead.website())
        .append("researchText", lead.researchText())
        .append("campaignId", lead.campaignId())
        .append(
            "consent",
            new Document("whatsappOptIn", true)
                .append("source", lead.consentSource())
                .append("at", Date.from(lead.consentAt())))
        .append("doNotContact", false)
        .append("stage", "enrolled")
        .append("enrolledAt", Date.from(now));
  }
}
