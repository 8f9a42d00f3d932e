package com.salesagent.workflows.lead;

import io.temporal.workflow.Workflow;

/**
 * A message from the lead told to the run again (the webhook's inbox replays an event whose signal
 * had landed before a crash; a voice note's triage signalled again by a retried activity).
 */
final class RepeatedReplies {
  /**
   * Version 1: a message the run was already told of as a reply is dropped when told again. Before,
   * the repeat was a new reply: one of the reply being acted on ended an interested lead as a plain
   * reply, a later one restarted its interest (replied_again), and one that landed as the run ended
   * told the team again or reopened the lead for its own message.
   */
  static final String REPEATED_REPLY = "repeated-reply";

  /** Message ids kept (a lead writes far fewer messages between two repeats of one). */
  static final int KEPT = 50;

  private RepeatedReplies() {}

  /**
   * Whether {@code message} repeats one the run took as a reply (then it is dropped); otherwise it
   * is remembered. A voice note's announcement (its triage follows under the same id) and a
   * reaction are not replies, and are never dropped; nor is a voice note for a person to read
   * ({@link LeadReopening#NEEDS_REVIEW}: the announcement that reopened an ended lead, {@link
   * LeadReopening#opening}), whose transcript's triage still decides.
   */
  static boolean repeated(LeadRun run, InboundMessageSignal message) {
    if (message == null
        || message.messageId() == null
        || !message.endsSequence()
        || InboundMessageSignal.AWAITING_TRANSCRIPT.equals(message.intent())
        || ("audio".equals(message.type())
            && LeadReopening.NEEDS_REVIEW.equals(message.intent()))) {
      return false;
    }
    if (run.repliesTaken.contains(message.messageId())) {
      return Workflow.getVersion(REPEATED_REPLY, Workflow.DEFAULT_VERSION, 1)
          != Workflow.DEFAULT_VERSION;
    }
    run.repliesTaken.add(message.messageId());
    if (run.repliesTaken.size() > KEPT) {
      run.repliesTaken.remove(0);
    }
    return false;
  }
}
