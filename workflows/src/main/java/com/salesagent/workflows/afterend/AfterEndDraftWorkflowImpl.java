package com.salesagent.workflows.afterend;

import com.salesagent.workflows.lead.DraftedAnswer;
import com.salesagent.workflows.lead.KnowledgeActivities;
import com.salesagent.workflows.lead.LeadStubs;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;

/**
 * Drafts on the research queue (it embeds) with the live run's options, then records on the lead's
 * timeline what came of it ({@code answer_drafted}: the entries it cites, or that a person writes
 * it; {@code answer_draft_failed}), as the live run records it.
 */
public class AfterEndDraftWorkflowImpl implements AfterEndDraftWorkflow {
  private final KnowledgeActivities knowledge =
      Workflow.newActivityStub(KnowledgeActivities.class, LeadStubs.knowledgeOptions());

  private final AfterEndActivities records =
      Workflow.newActivityStub(AfterEndActivities.class, AfterEndActivities.options());

  @Override
  public void draft(AfterEndDraft request) {
    String type;
    String detail;
    try {
      DraftedAnswer d = knowledge.draftAnswer(request.leadId(), request.messageId());
      type = "answer_drafted";
      detail = d.timelineDetail();
    } catch (ActivityFailure e) {
      type = "answer_draft_failed";
      detail =
          e.getCause() instanceof ApplicationFailure app
              ? app.getOriginalMessage()
              : e.getMessage();
    }
    records.recorded(
        new AfterEndRecord(
            request.leadId(),
            request.campaignId(),
            type,
            null,
            request.messageId() + ": " + detail,
            null));
  }
}
