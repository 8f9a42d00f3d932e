package com.salesagent.workflows.lead;

import com.salesagent.temporal.TaskQueues;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** The activity stubs of the lead lifecycle, each with the timeouts and retries its work needs. */
public final class LeadStubs {
  /**
   * The lead's own MongoDB steps (timeline records, stage, profile, policy, segment and variant): a
   * few reads and writes each. As local activities (version 1 of "local-lead-steps") they run
   * inside the workflow task that asks for them, recorded as markers: no activity task, no new
   * workflow task per step (before the first message 9 activity tasks and 8 workflow tasks became 1
   * activity task, the research, and 2 workflow tasks). Retried like the activities they were (30 s
   * an attempt, for up to {@link #LOCAL_STEP_DEADLINE}) by the worker that runs the workflow; a
   * worker that dies mid-step runs it again, as a retried activity would.
   */
  final LeadActivities leads;

  /** How long a lead's own step is retried (MongoDB unreachable) before the lead fails. */
  static final Duration LOCAL_STEP_DEADLINE = Duration.ofDays(7);

  /** The longest wait between two attempts of a lead's own step. */
  static final Duration LOCAL_STEP_BACKOFF = Duration.ofSeconds(30);

  /**
   * The attempts that span {@link #LOCAL_STEP_DEADLINE} at least: 1, 2, 4, 8 and 16 s apart, then
   * every {@link #LOCAL_STEP_BACKOFF}. Bounded by attempts, not by a schedule-to-close timeout: for
   * each local activity with one the SDK (1.38) schedules that timeout on a scheduled executor that
   * keeps a cancelled task until its time comes, so every completed step stayed in the worker's
   * heap for a week: 675,617 such tasks (48 MB, seven per lead) after 96,500 leads.
   */
  static final int LOCAL_STEP_ATTEMPTS =
      6 + (int) ((LOCAL_STEP_DEADLINE.toSeconds() - 31) / LOCAL_STEP_BACKOFF.toSeconds() + 1);

  /** Runs recorded before "local-lead-steps" keep scheduling these steps as activity tasks. */
  LeadStubs(boolean localLeadSteps) {
    leads =
        localLeadSteps
            ? Workflow.newLocalActivityStub(
                LeadActivities.class,
                LocalActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofSeconds(30))
                    // The SDK retries a local activity only when it has a schedule-to-close timeout
                    // or a bounded number of attempts (else its first failure is final): a week
                    // of attempts, backing off to every 30 s (on durable timers past a minute).
                    .setRetryOptions(
                        RetryOptions.newBuilder()
                            .setMaximumInterval(LOCAL_STEP_BACKOFF)
                            .setMaximumAttempts(LOCAL_STEP_ATTEMPTS)
                            .build())
                    .build())
            : Workflow.newActivityStub(
                LeadActivities.class,
                ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofSeconds(30))
                    .build());
  }

  /**
   * How long the standalone send (and a hand-off) may go without a heartbeat: its implementation
   * beats every {@code KeepAlive.EVERY} (2 s) from a background thread and the SDK sends at most
   * one per 0.8 of this, so a live attempt is never timed out by it, while a dead worker's attempt
   * is retried after 15 s instead of its 30 s start-to-close timeout. Changing an activity's
   * timeouts replays as before (Temporal matches scheduled activities by type and id, not by
   * options).
   */
  static final Duration SEND_HEARTBEAT_TIMEOUT = Duration.ofSeconds(15);

  /**
   * Hand-offs: a few MongoDB reads and writes and an outbox insert, retried as they are. An attempt
   * that ends before the heartbeat timeout needs no heartbeat; they take milliseconds.
   */
  final HandOffActivities handOffs =
      Workflow.newActivityStub(
          HandOffActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setHeartbeatTimeout(SEND_HEARTBEAT_TIMEOUT)
              .build());

  /**
   * Drafts answers on the research queue, beside the other embedding work, so a burst of drafts
   * never takes the leads queue's slots from sends and follow-ups. Retried like research.
   */
  final KnowledgeActivities knowledge =
      Workflow.newActivityStub(KnowledgeActivities.class, knowledgeOptions());

  /**
   * The drafts' options ({@link #knowledge}): the research queue's, for every workflow drafting.
   */
  public static ActivityOptions knowledgeOptions() {
    return researchOptions().setTaskQueue(TaskQueues.RESEARCH).build();
  }

  /**
   * Research reads the lead's website when enabled, whose failures yield nothing inside the
   * activity; what fails the activity is the infrastructure (MongoDB, a dead worker), so it is
   * retried through a minute or two of outage (8 attempts, 1 s to 30 s apart: about 90 s). It
   * heartbeats between sources and around the embedding: a dead worker is noticed in 20 s.
   */
  private static ActivityOptions.Builder researchOptions() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setHeartbeatTimeout(Duration.ofSeconds(20))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setMaximumInterval(Duration.ofSeconds(30))
                .setMaximumAttempts(8)
                .build());
  }

  /**
   * Research on the workflow's own queue (leads): what runs recorded before the research queue keep
   * replaying (LeadLifecycle asks Workflow.getVersion("research-queue") which one applies).
   */
  final ResearchActivities researchOnLeadsQueue =
      Workflow.newActivityStub(ResearchActivities.class, researchOptions().build());

  /**
   * Research on its own queue (TaskQueues.RESEARCH), whose workers bound how many run at once: the
   * bulk embedding work of a burst of new leads never takes the leads queue's activity slots and
   * pollers from sends and follow-ups.
   */
  final ResearchActivities research =
      Workflow.newActivityStub(
          ResearchActivities.class, researchOptions().setTaskQueue(TaskQueues.RESEARCH).build());

  private static ActivityOptions.Builder composeOptions() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setMaximumInterval(Duration.ofMinutes(1))
                .setMaximumAttempts(10)
                .build());
  }

  final ComposeActivities composer =
      Workflow.newActivityStub(ComposeActivities.class, composeOptions().build());

  /**
   * How long a compose-and-send attempt may go without a heartbeat before another takes over: the
   * implementation heartbeats from a background thread throughout (KeepAlive), so this notices a
   * dead worker, not a slow LLM; the 2-minute start-to-close timeout still bounds a hung call.
   * Before it, a send on a worker killed mid-call waited out the whole 2 minutes.
   */
  static final Duration DISPATCH_HEARTBEAT_TIMEOUT = Duration.ofSeconds(20);

  /**
   * Compose and send in one activity (version 1 of "compose-and-send"), retried as composing is:
   * both halves are idempotent by the message's key (a retry finds the stored text, then the
   * recorded wamid or the claim of an attempt that may have reached Meta, never a second call). The
   * send inside takes at most its HTTP deadlines (5 s + 15 s) and the pacing's 2 s wait, well
   * within the 2 minutes.
   */
  final DispatchActivities dispatch =
      Workflow.newActivityStub(
          DispatchActivities.class,
          composeOptions().setHeartbeatTimeout(DISPATCH_HEARTBEAT_TIMEOUT).build());

  /**
   * The send retries only failures that prove nothing went out (no connection, Meta's temporary
   * errors): spanning an hour-long outage is safe. Ambiguous failures and Meta's refusals come back
   * as results (SendResult.outcome) for the workflow to decide on. The HTTP call takes at most 5 s
   * + 15 s, within the 30 s timeout; the attempt heartbeats throughout, so a dead worker's attempt
   * is retried after {@link #SEND_HEARTBEAT_TIMEOUT}.
   */
  final MessagingActivities messaging =
      Workflow.newActivityStub(MessagingActivities.class, sendOptions());

  /** The send's options ({@link #messaging}), for every workflow that sends. */
  public static ActivityOptions sendOptions() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setHeartbeatTimeout(SEND_HEARTBEAT_TIMEOUT)
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofSeconds(2))
                .setBackoffCoefficient(2)
                .setMaximumInterval(Duration.ofMinutes(10))
                .setMaximumAttempts(14)
                .setDoNotRetry(MessagingActivities.PERMANENT_ERROR)
                .build())
        .build();
  }
}
