package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.workflows.lead.MessagingActivities;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which failed attempts of a send are quieted to one line (Temporal retries them) and which are
 * left to the SDK's full log (the last one): by the retry policy the server sent with the task.
 */
class RetriedSendsTest {
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  private static ActivityInfo info(int attempt, RetryOptions retry, Duration scheduleToClose) {
    return info(attempt, retry, scheduleToClose, NOW.minusSeconds(1));
  }

  /** {@code attemptScheduled}: when the server scheduled this attempt, by the server's clock. */
  private static ActivityInfo info(
      int attempt, RetryOptions retry, Duration scheduleToClose, Instant attemptScheduled) {
    Map<String, Object> answers =
        Map.of(
            "getActivityType",
            "Send",
            "getAttempt",
            attempt,
            "getRetryOptions",
            retry,
            "getScheduleToCloseTimeout",
            scheduleToClose,
            "getScheduledTimestamp",
            NOW.minusSeconds(60).toEpochMilli(),
            "getCurrentAttemptScheduledTimestamp",
            attemptScheduled.toEpochMilli());
    return (ActivityInfo)
        Proxy.newProxyInstance(
            ActivityInfo.class.getClassLoader(),
            new Class<?>[] {ActivityInfo.class},
            (proxy, method, args) -> answers.get(method.getName()));
  }

  private static RetryOptions policy(int maxAttempts) {
    return RetryOptions.newBuilder()
        .setInitialInterval(Duration.ofSeconds(1))
        .setBackoffCoefficient(2)
        .setMaximumInterval(Duration.ofSeconds(30))
        .setMaximumAttempts(maxAttempts)
        .setDoNotRetry(MessagingActivities.PERMANENT_ERROR)
        .build();
  }

  /** A send's key: its lead id's digit runs look like a number to a scrub. */
  private static final String KEY = "lead-b9685506-3ede-46fa-8030-bff7815b64ce-send-1";

  private static final ApplicationFailure UNAVAILABLE =
      ApplicationFailure.newFailure(
          "send " + KEY + " to +5511998765401: down", "WhatsAppUnavailable");

  @Test
  void anAttemptBeforeTheLastIsQuietedWithItsTypeAndAMaskedMessage() {
    RuntimeException thrown =
        RetriedSends.quieted(UNAVAILABLE, KEY, info(3, policy(5), Duration.ZERO), NOW);

    assertThat(thrown)
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getCategory()).isEqualTo(ApplicationErrorCategory.BENIGN);
              assertThat(f.getType()).isEqualTo("WhatsAppUnavailable");
              assertThat(f.isNonRetryable()).isFalse();
              assertThat(f.getOriginalMessage())
                  .doesNotContain("998765401")
                  .contains("5401")
                  .as("the key kept whole")
                  .contains(KEY);
            });
  }

  @Test
  void theLastAttemptANonRetryableFailureAndATypeNotRetriedAreLeftAsTheyAre() {
    assertThat(RetriedSends.quieted(UNAVAILABLE, KEY, info(5, policy(5), Duration.ZERO), NOW))
        .isSameAs(UNAVAILABLE);
    ApplicationFailure permanent =
        ApplicationFailure.newFailure("gone", MessagingActivities.PERMANENT_ERROR);
    assertThat(RetriedSends.quieted(permanent, KEY, info(1, policy(5), Duration.ZERO), NOW))
        .isSameAs(permanent);
    ApplicationFailure nonRetryable = ApplicationFailure.newNonRetryableFailure("no", "Other");
    assertThat(RetriedSends.quieted(nonRetryable, KEY, info(1, policy(5), Duration.ZERO), NOW))
        .isSameAs(nonRetryable);
  }

  @Test
  void noTimeLeftBeforeTheScheduleToCloseTimeoutIsTheLastAttempt() {
    // Scheduled 60 s ago; the 4th attempt's backoff is 8 s: 65 s leaves no room, 70 s does.
    assertThat(
            RetriedSends.quieted(UNAVAILABLE, KEY, info(4, policy(0), Duration.ofSeconds(65)), NOW))
        .isSameAs(UNAVAILABLE);
    assertThat(
            RetriedSends.quieted(UNAVAILABLE, KEY, info(4, policy(0), Duration.ofSeconds(70)), NOW))
        .isNotSameAs(UNAVAILABLE);
  }

  @Test
  void aWorkerWhoseClockIsBehindTheServersStillKnowsTheLastAttempt() {
    // Scheduled 60 s ago by the server's clock, 65 s to close: the 4th attempt's 8 s backoff
    // leaves no room. The worker's clock reads a minute early; the attempt's own schedule time,
    // from the server, says when it is at least.
    Instant workerClock = NOW.minusSeconds(60);
    assertThat(
            RetriedSends.quieted(
                UNAVAILABLE, KEY, info(4, policy(0), Duration.ofSeconds(65), NOW), workerClock))
        .isSameAs(UNAVAILABLE);
    assertThat(
            RetriedSends.quieted(
                UNAVAILABLE, KEY, info(4, policy(0), Duration.ofSeconds(70), NOW), workerClock))
        .as("time left by the server's clock too")
        .isNotSameAs(UNAVAILABLE);
  }

  @Test
  void withoutAPolicyFromTheServerTheSendsOwnDecides() {
    // What the SDK makes of a task without a policy: its defaults, unlimited attempts.
    RetryOptions none = RetryOptions.newBuilder().validateBuildWithDefaults();
    assertThat(RetriedSends.quieted(UNAVAILABLE, KEY, info(13, none, Duration.ZERO), NOW))
        .isNotSameAs(UNAVAILABLE);
    assertThat(RetriedSends.quieted(UNAVAILABLE, KEY, info(14, none, Duration.ZERO), NOW))
        .isSameAs(UNAVAILABLE);
  }
}
