package com.salesagent.workflows.lead;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** The activity stubs of the lead lifecycle, each with the timeouts and retries its work needs. */
final class LeadStubs {
  final LeadActivities leads =
      Workflow.newActivityStub(
          LeadActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());

  // Research reads the lead's website when enabled, whose failures yield nothing inside the
  // activity; what fails the activity is the infrastructure (MongoDB, a dead worker), so it is
  // retried through a minute or two of outage (8 attempts, 1 s to 30 s apart: about 90 s).
  final ResearchActivities research =
      Workflow.newActivityStub(
          ResearchActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(2))
              // It heartbeats between sources and around the embedding: a dead worker is
              // noticed in 20 s.
              .setHeartbeatTimeout(Duration.ofSeconds(20))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setMaximumInterval(Duration.ofSeconds(30))
                      .setMaximumAttempts(8)
                      .build())
              .build());

  final ComposeActivities composer =
      Workflow.newActivityStub(
          ComposeActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(2))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setMaximumInterval(Duration.ofMinutes(1))
                      .setMaximumAttempts(10)
                      .build())
              .build());

  /**
   * The send retries only failures that prove nothing went out (no connection, Meta's temporary
   * errors): spanning an hour-long outage is safe. Ambiguous failures and Meta's refusals come back
   * as results (SendResult.outcome) for the workflow to decide on. The HTTP call takes at most 5 s
   * + 15 s, within the 30 s timeout.
   */
  final MessagingActivities messaging =
      Workflow.newActivityStub(
          MessagingActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(2))
                      .setBackoffCoefficient(2)
                      .setMaximumInterval(Duration.ofMinutes(10))
                      .setMaximumAttempts(14)
                      .setDoNotRetry(MessagingActivities.PERMANENT_ERROR)
                      .build())
              .build());
}
