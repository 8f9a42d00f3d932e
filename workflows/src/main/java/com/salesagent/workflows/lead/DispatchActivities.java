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
}
