package com.salesagent.workflows.lead;

import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;

/** The agent's draft answers to the lead's replies, for the person who answers them. */
final class AnswerDrafts {
  private final LeadRun run;
  private final LeadStubs stubs;
  private final Stages stages;

  AnswerDrafts(LeadRun run, LeadStubs stubs, Stages stages) {
    this.run = run;
    this.stubs = stubs;
    this.stages = stages;
  }

  /**
   * Drafts an answer to the latest reply, in its own workflow thread: the lifecycle goes on (the
   * hand-off does not wait for the embedding queue); the draft and its record follow when ready.
   */
  void draft(String replyId) {
    if (replyId == null
        || Workflow.getVersion(AfterTheReply.DRAFT_ANSWERS, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      return;
    }
    Async.procedure(
        () -> {
          try {
            DraftedAnswer d = stubs.knowledge.draftAnswer(run.leadId, replyId);
            stages.record("answer_drafted", null, d.timelineDetail());
            if (d.autoSendKey() != null
                && !run.stage.terminal()
                && run.ownerReplies.size() < 20
                && Workflow.getVersion(AfterTheReply.AUTO_SEND_DRAFTS, Workflow.DEFAULT_VERSION, 1)
                    != Workflow.DEFAULT_VERSION) {
              run.ownerReplies.add(
                  new OwnerReply(d.autoSendKey(), OwnerReply.AGENT, null, "agent (auto-send)"));
              run.changes++;
            }
          } catch (ActivityFailure e) {
            stages.record("answer_draft_failed", null, Sending.reason(e));
          }
        });
  }
}
