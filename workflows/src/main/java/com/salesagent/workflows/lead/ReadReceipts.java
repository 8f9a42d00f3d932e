package com.salesagent.workflows.lead;

import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;

/**
 * Read receipts looked up instead of signalled (version 1 of {@link #CHANGE}). A read only moves
 * the next follow-up (to read + readNoReplyDelay instead of sent + unreadDelay), so the workflow
 * need not be woken for it: the webhook stores the read in MongoDB and the workflow looks it up
 * when it could matter. A read after a look at {@code t} makes the follow-up due after {@code t +
 * readNoReplyDelay}, so looks spaced by readNoReplyDelay (the first that far after the send, the
 * last when the unread follow-up is due) never miss a due time: with the default 24 h and 72 h,
 * three looks per unread message, one or two per read one, instead of a signal (a workflow task on
 * the ingest's hot path) for every read. Runs recorded before the version are still signalled: the
 * composer marks the messages of runs that look up ({@code readsLookedUp}), and the webhook signals
 * the reads of the others.
 */
final class ReadReceipts {
  static final String CHANGE = "reads-looked-up";

  private ReadReceipts() {}

  /** Whether this run looks its read receipts up (version 1) or waits for their signals. */
  static boolean lookedUp() {
    return Workflow.getVersion(CHANGE, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION;
  }

  /**
   * When to look at {@code last}'s read receipt next: readNoReplyDelay after the last look at it
   * (after its send when there was none), at most when its unread follow-up is due.
   */
  static Instant nextLook(LeadRun run, MessageView last, Duration readNoReply, Instant unreadDue) {
    Instant since = last.sentAt();
    if (run.readLook != null
        && run.readLook.wamid().equals(last.wamid())
        && run.readLook.at().isAfter(since)) {
      since = run.readLook.at();
    }
    Instant next = since.plus(readNoReply);
    return next.isBefore(unreadDue) ? next : unreadDue;
  }

  /**
   * Looks at {@code last}'s read receipt now: true when it was read (applied to the run as its
   * signal would have been, which counts as a change), false while it is unread.
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
