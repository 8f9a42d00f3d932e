package com.salesagent.workflows.lead;

import io.temporal.activity.ActivityInterface;

/**
 * Composes a step's message and, when the quality gate approved it and its variant is still
 * enabled, sends it in the same activity: one activity and one workflow task fewer on the path from
 * a due follow-up (or a new lead's variant) to the message accepted by the Cloud API. The send is
 * tried once; whatever it could not settle (no connection, a refusal to act on) comes back for the
 * workflow's own send path, whose retries and outcomes are unchanged.
 */
@ActivityInterface
public interface DispatchActivities {
  Dispatched composeAndSend(ComposeRequest request);

  /**
   * {@link #composeAndSend} once the lead is matched to a segment again (its persona or the
   * operators' segments may have changed since {@code segment} was matched): a move is stored, so
   * this send counts in the new segment, and the answer names the segment for the workflow to apply
   * its policy from here on. The variant stays: the conversation keeps its angle.
   */
  Dispatched composeAndSendInSegment(ComposeRequest request, String segment);
}
