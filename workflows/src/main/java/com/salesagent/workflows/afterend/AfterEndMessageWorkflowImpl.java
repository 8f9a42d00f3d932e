package com.salesagent.workflows.afterend;

import com.salesagent.workflows.lead.LeadStubs;
import com.salesagent.workflows.lead.MessagingActivities;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Sends a person's message to an ended lead as the lead's run sends one (the same activity: the
 * suppression list and an erasure checked right before the call, the number's pacing, the wamid
 * recorded under the key), and handles its outcomes the same way, without a lead to end: a
 * throttled or paused number is waited for a few times (Meta's 6 s to one user at least, doubling;
 * a paused number 5 minutes, doubling, at most an hour), a busy number's next slot is waited for, a
 * refusal is recorded. A send whose answer was lost is reconciled through the status webhooks that
 * echo its key for {@link #RECONCILE_FOR}; still unknown, it is recorded as such and never resent
 * (the person may have it: an operator decides).
 */
public class AfterEndMessageWorkflowImpl implements AfterEndMessageWorkflow {
  /** Throttled or paused this many times in a row: recorded as failed. */
  static final int MAX_RETRIES = 6;

  static final Duration PAIR_SPACING = Duration.ofSeconds(6);
  static final Duration MAX_WAIT = Duration.ofHours(1);
  static final Duration RECONCILE_EVERY = Duration.ofSeconds(30);
  static final Duration RECONCILE_FOR = Duration.ofMinutes(15);

  /** A busy number's slots are waited for at most this often (each wait is at most an hour). */
  static final int MAX_BUSY_WAITS = 200;

  /** The send as the lead's run makes it: its timeouts, heartbeat and retries. */
  private final MessagingActivities messaging =
      Workflow.newActivityStub(MessagingActivities.class, LeadStubs.sendOptions());

  private final AfterEndActivities records =
      Workflow.newActivityStub(AfterEndActivities.class, AfterEndActivities.options());

  @Override
  public String send(AfterEndMessage message) {
    String key = message.idempotencyKey();
    SendRequest request = new SendRequest(message.leadId(), key, 0, false, false, false);
    int retries = 0;
    int busy = 0;
    while (true) {
      SendResult result;
      try {
        result = messaging.send(request);
      } catch (ActivityFailure e) {
        return record(message, AfterEndRecord.FAILED, null, key + ": " + reason(e));
      }
      switch (result.outcomeOrLegacy()) {
        case SendResult.SENT, SendResult.REPLAYED -> {
          return record(message, AfterEndRecord.SENT, result.wamid(), "by " + message.by());
        }
        case SendResult.DO_NOT_CONTACT -> {
          return record(
              message,
              AfterEndRecord.FAILED,
              null,
              key + ": the number asked not to be contacted (" + result.detail() + ")");
        }
        case SendResult.SENDER_BUSY -> {
          if (++busy > MAX_BUSY_WAITS) {
            return record(message, AfterEndRecord.FAILED, null, key + ": the number stayed busy");
          }
          long millis = result.retryAfterMillis() == null ? 1000 : result.retryAfterMillis();
          Workflow.sleep(Duration.ofMillis(Math.max(100, Math.min(MAX_WAIT.toMillis(), millis))));
        }
        case SendResult.RATE_LIMITED, SendResult.ACCOUNT_PAUSED -> {
          if (++retries > MAX_RETRIES) {
            return record(
                message,
                AfterEndRecord.FAILED,
                null,
                key + ": " + result.outcomeOrLegacy() + " " + MAX_RETRIES + " times in a row");
          }
          Workflow.sleep(backOff(result.outcomeOrLegacy(), retries));
        }
        case SendResult.UNKNOWN -> {
          return reconcile(message);
        }
        default -> {
          // Refused for good (131047 too: the window closed since the API checked it; a person's
          // words are never replaced by a template), or Meta's per-user marketing limit.
          return record(
              message,
              AfterEndRecord.FAILED,
              null,
              key
                  + ": WhatsApp error "
                  + result.errorCode()
                  + (result.detail() == null ? "" : ": " + result.detail()));
        }
      }
    }
  }

  /** Throttled: 6 s, doubling; paused: 5 minutes, doubling; at most an hour, ±10 % jitter. */
  private static Duration backOff(String outcome, int retry) {
    Duration first = SendResult.RATE_LIMITED.equals(outcome) ? PAIR_SPACING : Duration.ofMinutes(5);
    Duration wait = first.multipliedBy(1L << Math.min(20, retry - 1));
    if (wait.compareTo(MAX_WAIT) > 0) {
      wait = MAX_WAIT;
    }
    double jitter = 0.9 + 0.2 * Workflow.newRandom().nextDouble();
    return Duration.ofMillis(Math.round(wait.toMillis() * jitter));
  }

  /**
   * The send's answer was lost: what the status webhooks bound under its key, asked until known.
   */
  private String reconcile(AfterEndMessage message) {
    String key = message.idempotencyKey();
    long rounds = RECONCILE_FOR.toMillis() / RECONCILE_EVERY.toMillis();
    for (long i = 0; i < rounds; i++) {
      Workflow.sleep(RECONCILE_EVERY);
      SendResult known = messaging.reconcile(message.leadId(), key);
      if (known.accepted()) {
        return record(message, AfterEndRecord.SENT, known.wamid(), "by " + message.by());
      }
    }
    return record(
        message,
        AfterEndRecord.UNKNOWN,
        null,
        key + ": the answer was lost and no status webhook named it; not resent");
  }

  private String record(AfterEndMessage message, String type, String wamid, String detail) {
    records.recorded(
        new AfterEndRecord(
            message.leadId(), message.campaignId(), type, wamid, detail, message.queuedAt()));
    return switch (type) {
      case AfterEndRecord.SENT -> "sent";
      case AfterEndRecord.UNKNOWN -> "unknown";
      default -> "failed";
    };
  }

  private static String reason(ActivityFailure e) {
    return e.getCause() instanceof ApplicationFailure app
        ? app.getOriginalMessage()
        : String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
  }
}
