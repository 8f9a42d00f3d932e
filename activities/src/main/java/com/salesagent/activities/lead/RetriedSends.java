package com.salesagent.activities.lead;

import com.salesagent.activities.Phones;
import com.salesagent.workflows.lead.LeadStubs;
import com.salesagent.workflows.lead.MessagingActivities;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a send's failed attempt is logged. The SDK logs every failed attempt at WARN with the whole
 * stack trace (io.temporal.internal.activity.ActivityTaskExecutors, ~25 lines), and its message is
 * the exception's, which may quote Meta's text or a driver's error with a number in it: one
 * WhatsApp outage buried the log in traces. An attempt Temporal will retry logs one line here
 * instead (activity type, attempt, the cause's type and masked message) and is handed to the SDK as
 * a benign failure ({@link ApplicationErrorCategory#BENIGN}, which the SDK logs at DEBUG), same
 * type, so the workflow and the retry policy see what they saw. The last attempt (the policy's
 * maximum, a type it does not retry, a non-retryable failure, or no time left before the
 * schedule-to-close timeout) is thrown as it was, and the SDK logs it in full.
 */
final class RetriedSends {
  private static final Logger LOG = LoggerFactory.getLogger(RetriedSends.class);

  private RetriedSends() {}

  /** The send activity's type (MessagingActivities#send). */
  static final String SEND = "Send";

  /**
   * What the send throws for this failure: quieted when the running activity is the send itself
   * (not another activity calling it, which handles the failure on its own) and it is retried.
   * {@code key}: the send's idempotency key, kept whole in the masked message.
   */
  static RuntimeException quieted(RuntimeException e, String key) {
    ActivityInfo info;
    try {
      info = Activity.getExecutionContext().getInfo();
    } catch (RuntimeException notInAnActivity) {
      return e; // a test calling the implementation directly
    }
    if (!SEND.equals(info.getActivityType())) {
      return e;
    }
    return quieted(e, key, info, Instant.now());
  }

  static RuntimeException quieted(RuntimeException e, String key, ActivityInfo info, Instant now) {
    if (e instanceof TemporalFailure && !(e instanceof ApplicationFailure)) {
      return e; // a cancellation or the like: the SDK's own handling
    }
    if (e instanceof io.temporal.client.ActivityCompletionException) {
      return e; // the attempt was abandoned or cancelled: not a failure of the send
    }
    ApplicationFailure failure = e instanceof ApplicationFailure a ? a : null;
    String type = failure != null ? failure.getType() : e.getClass().getName();
    if (!retried(failure, type, info, now)) {
      return e;
    }
    String message =
        scrub(failure != null ? failure.getOriginalMessage() : String.valueOf(e.getMessage()), key);
    RetryOptions retry = policy(info);
    LOG.warn(
        "{} attempt {} of {} failed, Temporal retries it: {}: {}",
        info.getActivityType(),
        info.getAttempt(),
        retry.getMaximumAttempts() > 0 ? String.valueOf(retry.getMaximumAttempts()) : "unlimited",
        type,
        message);
    ApplicationFailure.Builder quiet =
        ApplicationFailure.newBuilder()
            .setType(type)
            .setMessage(message)
            .setNonRetryable(false)
            .setCategory(ApplicationErrorCategory.BENIGN);
    if (failure != null) {
      quiet.setDetails(failure.getDetails());
      if (failure.getNextRetryDelay() != null) {
        quiet.setNextRetryDelay(failure.getNextRetryDelay());
      }
    }
    return quiet.build();
  }

  /**
   * The message with every number masked but the send's key kept whole: its lead id's digit runs
   * look like a number to {@link Phones#scrub}, and a key cut up cannot be searched for.
   */
  static String scrub(String message, String key) {
    if (message == null || key == null || key.isEmpty() || !message.contains(key)) {
      return Phones.scrub(message);
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (int at = message.indexOf(key); at >= 0; at = message.indexOf(key, from)) {
      out.append(Phones.scrub(message.substring(from, at))).append(key);
      from = at + key.length();
    }
    return out.append(Phones.scrub(message.substring(from))).toString();
  }

  /** Whether Temporal will run another attempt after this failure. */
  static boolean retried(ApplicationFailure failure, String type, ActivityInfo info, Instant now) {
    RetryOptions retry = policy(info);
    if (failure != null && failure.isNonRetryable()) {
      return false;
    }
    if (retry.getDoNotRetry() != null) {
      for (String notRetried : retry.getDoNotRetry()) {
        if (notRetried.equals(type)) {
          return false;
        }
      }
    }
    int attempt = info.getAttempt();
    if (retry.getMaximumAttempts() > 0 && attempt >= retry.getMaximumAttempts()) {
      return false;
    }
    Duration scheduleToClose = info.getScheduleToCloseTimeout();
    if (scheduleToClose != null && !scheduleToClose.isZero()) {
      Instant deadline = Instant.ofEpochMilli(info.getScheduledTimestamp()).plus(scheduleToClose);
      // The deadline is the server's; a worker's clock behind it would quiet the last attempt. It
      // is at least when the server scheduled this attempt.
      Instant serverNow = later(now, info.getCurrentAttemptScheduledTimestamp());
      return !serverNow.plus(nextDelay(retry, attempt, failure)).isAfter(deadline);
    }
    return true;
  }

  /**
   * The attempt's retry policy as the server sent it; the send's own ({@link
   * LeadStubs#sendOptions}) when it sent none: the Java test server, which the embedded stack runs,
   * leaves it out of the activity task, and the SDK then makes up its defaults (unlimited
   * attempts). Every policy a send is scheduled with names {@link
   * MessagingActivities#PERMANENT_ERROR} as not retried, so a policy without it is made up.
   */
  static RetryOptions policy(ActivityInfo info) {
    RetryOptions given = info.getRetryOptions();
    if (given != null
        && given.getDoNotRetry() != null
        && java.util.Arrays.asList(given.getDoNotRetry())
            .contains(MessagingActivities.PERMANENT_ERROR)) {
      return given;
    }
    return LeadStubs.sendOptions().getRetryOptions();
  }

  private static Instant later(Instant now, long serverMillis) {
    Instant server = Instant.ofEpochMilli(serverMillis);
    return server.isAfter(now) ? server : now;
  }

  /** The backoff before the next attempt, as the server computes it. */
  private static Duration nextDelay(RetryOptions retry, int attempt, ApplicationFailure failure) {
    if (failure != null && failure.getNextRetryDelay() != null) {
      return failure.getNextRetryDelay();
    }
    Duration initial =
        retry.getInitialInterval() == null ? Duration.ofSeconds(1) : retry.getInitialInterval();
    double coefficient = retry.getBackoffCoefficient() <= 0 ? 2.0 : retry.getBackoffCoefficient();
    double millis = initial.toMillis() * Math.pow(coefficient, Math.max(0, attempt - 1));
    Duration max = retry.getMaximumInterval();
    long capped = (long) Math.min(millis, max == null ? 100 * initial.toMillis() : max.toMillis());
    return Duration.ofMillis(capped);
  }
}
