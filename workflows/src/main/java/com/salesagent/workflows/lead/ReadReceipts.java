package com.salesagent.workflows.lead;

import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;

/**
 * A read looked up once instead of signalled (version 1 of {@link #CHANGE}). A read only moves the
 * next follow-up (to read + readNoReplyDelay instead of sent + unreadDelay), and a read at {@code
 * r} is due no earlier than {@code r + readNoReplyDelay}: so the workflow need not be woken when it
 * comes. The webhook stores it in MongoDB, and the workflow looks once, readNoReplyDelay after the
 * send (when the unread follow-up is due, if that is sooner): every read before the look is in
 * time. The look also marks the message ({@code readSignal}): a read after it is signalled as
 * before. Most reads come within hours of the delivery, in bursts as a campaign goes out; they no
 * longer wake a workflow each on the ingest's hot path, only the late ones, one at a time. Each
 * message costs one look (a timer and a local activity, at the pace the sends went out). Runs
 * recorded before the version are signalled every read: the composer marks the messages of runs
 * that look ({@code readsLookedUp}), and the webhook signals the reads of the others.
 */
final class ReadReceipts {
  static final String CHANGE = "reads-looked-up";

  private ReadReceipts() {}

  /** Whether this run looks its reads up (version 1) or waits for their signals. */
  static boolean lookedUp() {
    return Workflow.getVersion(CHANGE, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION;
  }

  /** Whether the run has looked at {@code last} already (its later read is signalled). */
  static boolean looked(LeadRun run, MessageView last) {
    return run.readLook != null && run.readLook.wamid().equals(last.wamid());
  }

  /**
   * When to look: readNoReplyDelay after the send, or when the unread follow-up is due if sooner.
   */
  static Instant lookAt(MessageView last, Duration readNoReply, Instant unreadDue) {
    Instant at = last.sentAt().plus(readNoReply);
    return at.isBefore(unreadDue) ? at : unreadDue;
  }

  /**
   * Looks at {@code last}'s read now (and has a later one signalled): true when it was read
   * (applied to the run as its signal would have been, which counts as a change), false while it is
   * unread.
   */
  static boolean look(LeadRun run, LeadActivities leads, MessageView last, Instant now) {
    run.readLook = new LeadRun.ReadLook(last.wamid(), now);
    MessageStatusSignal receipt = leads.readReceipt(run.leadId, last.wamid());
    if (receipt == null || !"read".equals(receipt.status())) {
      return false;
    }
    Signals.status(run, receipt);
    return true;
  }
}
