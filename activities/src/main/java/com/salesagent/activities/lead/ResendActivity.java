package com.salesagent.activities.lead;

import com.salesagent.activities.mongo.Messages;
import com.salesagent.workflows.lead.SendRequest;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import java.util.function.Supplier;

/**
 * Which scheduled activity an attempt of a resend belongs to ({@link Messages#RESENT_BY_ACTIVITY}):
 * its workflow, run and activity id, the same in each retry Temporal makes of it and different for
 * the next resend the run schedules (an operator's next decision, the policy's next resend). A
 * retry of a resend holds the send unknown again only over a claim of its own activity, never over
 * a later resend's. Null outside an activity (a test calling the implementation directly): the
 * attempt then marks no resend's claim but a claim made before the field existed.
 */
final class ResendActivity {
  private volatile Supplier<String> running = ResendActivity::running;

  /** The resend's activity, or null for a send that is not a resend. */
  String of(SendRequest request) {
    return request.resendUnknown() ? running.get() : null;
  }

  /** Tests: the attempts are of the scheduled activity {@code activity} (outside Temporal). */
  void named(String activity) {
    running = () -> activity;
  }

  private static String running() {
    ActivityInfo info;
    try {
      info = Activity.getExecutionContext().getInfo();
    } catch (IllegalStateException notInAnActivity) {
      return null;
    }
    return info.getWorkflowId() + "/" + info.getRunId() + "/" + info.getActivityId();
  }
}
