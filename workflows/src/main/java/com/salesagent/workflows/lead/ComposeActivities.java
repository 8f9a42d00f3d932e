package com.salesagent.workflows.lead;

import io.temporal.activity.ActivityInterface;

/** Writes the message for one step of the sequence. */
@ActivityInterface
public interface ComposeActivities {
  ComposedMessage compose(ComposeRequest request);
}
