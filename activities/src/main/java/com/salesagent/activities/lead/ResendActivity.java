package com.salesagent.activities.lead;

import com.salesagent.activities.mongo.Messages;
import com.salesagent.workflows.lead.SendRequest;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import java.time.Instant;
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
  private volatile Supplier<Instant> scheduled = ResendActivity::scheduled;

  /** The resend's activity, or null for a send that is not a resend. */
  String of(SendRequest request) {
    return request.resendUnknown() ? running.get() : null;
  }

  /**
   * When the resend's activity was scheduled (Temporal's time, the same in each of its retries), or
   * null for a send that is not a resend, or outside an activity: a resend claims only a hold made
   * no later ({@link com.salesagent.activities.mongo.SendClaims#claimSendReading(String, String,
   * Instant, boolean, String, Instant)}).
   */
  Instant scheduledAt(SendRequest request) {
    return request.resendUnknown() ? scheduled.get() : null;
  }

  /**
   * Tests: the attempts are of the scheduled activity {@code activity}, scheduled at {@code
   * scheduledAt} (null: unknown), outside Temporal.
   */
  void named(String activity, Instant scheduledAt) {
    running = () -> activity;
    scheduled = () -> scheduledAt;
  }

  private static Instant scheduled() {
    ActivityInfo info;
    try {
      info = Activity.getExecutionContext().getInfo();
    } catch (IllegalStateException notInAnActivity) {
      return null;
    }
    long at = info.getScheduledTimestamp();
    return at <= 0 ? null : Instant.ofEpochMilli(at);
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
