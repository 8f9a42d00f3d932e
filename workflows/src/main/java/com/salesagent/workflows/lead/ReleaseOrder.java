package com.salesagent.workflows.lead;

/**
 * Whether the lead showed interest after the message its rep had seen when pressing release ({@link
 * OwnerRelease#seenMessageId}), decided by the order the run was told of the lead's messages
 * ({@link LeadRun#inboundIds}), not by two machines' clocks: the API's time of the press against
 * the run's time of the interest went wrong both ways when the clocks disagreed (an API a minute
 * ahead released a lead whose interest came after the press; one ten minutes behind overrode a
 * release with an interest the rep had seen). State only: nothing here is a command.
 */
final class ReleaseOrder {
  /** How many of the lead's latest message ids the run keeps, in the order it was told them. */
  static final int KEPT = 50;

  private ReleaseOrder() {}

  /**
   * The run was told of the lead's message {@code messageId} (once per message: a voice note's
   * triage after its announcement keeps its first place); the oldest is dropped past {@link #KEPT}.
   */
  static void told(LeadRun run, String messageId) {
    if (messageId == null || run.inboundIds.contains(messageId)) {
      return;
    }
    run.inboundIds.add(messageId);
    if (run.inboundIds.size() > KEPT) {
      run.inboundIds.remove(0);
      run.inboundIdsWhole = false;
    }
  }

  /**
   * Whether the reply that made the lead interested ({@link LeadRun#interestMessageId}) came after
   * the message {@code seen}: false when it is that message, or came before it, or when the run has
   * not been told of {@code seen} yet (the rep saw a message newer than the interest: its signal is
   * on its way, and it is handed to a person when it comes, as any interest after a release). Null
   * when the order is not known (an interest with no message, a booked meeting's; ids the run no
   * longer keeps, or state carried from a run before they were kept): the clocks decide then.
   */
  static Boolean interestAfter(LeadRun run, String seen) {
    String interest = run.interestMessageId;
    if (interest == null) {
      return null;
    }
    if (interest.equals(seen)) {
      return false;
    }
    int seenAt = run.inboundIds.indexOf(seen);
    int interestAt = run.inboundIds.indexOf(interest);
    if (seenAt >= 0) {
      // An interest not kept any more (-1) came before every message kept, the seen one too.
      return interestAt > seenAt;
    }
    if (interestAt >= 0 && run.inboundIdsWhole) {
      return false; // every message the run was told is kept, and the seen one is not among them
    }
    return null;
  }
}
