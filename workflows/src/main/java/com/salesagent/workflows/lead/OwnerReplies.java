package com.salesagent.workflows.lead;

import io.temporal.workflow.Workflow;

/** People's messages to the lead, sent by the lifecycle one at a time ({@link AfterTheReply}). */
final class OwnerReplies {
  private final LeadRun run;
  private final Stages stages;
  private final Sending sending;
  private final HandOffClock handOffs;

  OwnerReplies(LeadRun run, Stages stages, Sending sending, HandOffClock handOffs) {
    this.run = run;
    this.stages = stages;
    this.sending = sending;
    this.handOffs = handOffs;
  }

  /**
   * The first message people asked to send: free text stored by the API, or the variant's
   * re-engagement template; a person writing to the lead has acted on it. A message the Cloud API
   * refuses is recorded and the lead goes on (it is not the lead's failure).
   */
  void next() {
    OwnerReply reply = run.ownerReplies.remove(0);
    run.ownerReplyKeys.add(reply.idempotencyKey());
    if (run.ownerReplyKeys.size() > 50) {
      run.ownerReplyKeys.remove(0);
    }
    if (Workflow.getVersion(AfterTheReply.OWNER_REPLIES, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return;
    }
    boolean agent = OwnerReply.AGENT.equals(reply.purpose()); // not a person: the SLA still runs
    boolean unmet = run.ownerActedAt == null;
    int before = run.messages.size();
    if (!agent && run.interestedAt != null && run.ownerActedAt == null) {
      handOffs.acted(new OwnerAction(reply.ownerId(), "replied", reply.by()));
    }
    run.ownerRepliesSent++;
    if (!agent && run.conversationAt != null && run.ownerActedAt == null) {
      handOffs.acted(new OwnerAction(reply.ownerId(), "replied", reply.by()));
    }
    if (run.conversationAt != null) {
      run.conversationAt = stages.now(); // the person's message: the quiet window starts again
    }
    if (OwnerReply.TEMPLATE.equals(reply.purpose())) {
      sending.requested(
          run.followUpsSent + run.reEngagementsSent, OwnerReply.TEMPLATE, true, reply.ownerId());
    } else {
      sending
          .outcomes()
          .deliverOwnerReply(
              new SendRequest(
                  run.leadId,
                  reply.idempotencyKey(),
                  run.followUpsSent + run.reEngagementsSent,
                  false,
                  false,
                  false),
              reply.by(),
              agent);
    }
    if (unmet
        && run.ownerActedAt != null
        && Workflow.getVersion(AfterTheReply.ANSWER_FAILED_REOPENS, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION) {
      // This message met the SLA: if it fails, the SLA is open again.
      run.slaMetByWamid = run.messages.size() > before ? run.lastMessage().wamid() : null;
    }
  }
}
