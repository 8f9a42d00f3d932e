package com.salesagent.activities.lead;

import com.salesagent.activities.whatsapp.SendThrottle;
import com.salesagent.workflows.lead.SendResult;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Holds a send until its number has a free slot: first the 6 s spacing to this recipient (Meta's
 * pair limit, 131056), then a throughput slot at or after it. A short wait happens here, in the
 * activity, before the send claims its key (a worker stopping while it waits leaves nothing
 * ambiguous); a long one is handed back to the workflow as {@link SendResult#SENDER_BUSY}, which
 * waits durably without consuming a retry. The longest wait here, the 6 s of the pair and 2 s of
 * throughput, plus the Cloud API's 15 s stay within the send activity's 30 s.
 */
public final class SendPacing {
  static final Duration MAX_TIER_WAIT = Duration.ofSeconds(2);

  /** Sleeps (the real one: Thread.sleep; tests count instead). */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final SendThrottle throttle;
  private final double share;
  private final Clock clock;
  private final Sleeper sleeper;

  SendPacing(SendThrottle throttle, double share, Clock clock, Sleeper sleeper) {
    this.throttle = throttle;
    this.share = share;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Null once the send may go (after waiting here), or the busy answer for the workflow. */
  SendResult await(String senderId, int tier, String recipient) {
    Instant now = clock.instant();
    SendThrottle.Slot pair =
        throttle.reserve(
            SendThrottle.pairKey(senderId, recipient),
            SendThrottle.PAIR_SPACING.toNanos() / 1000,
            now,
            SendThrottle.PAIR_SPACING);
    if (!pair.granted()) {
      return SendResult.senderBusy(pair.waitFrom(now), "6 s spacing to this recipient");
    }
    SendThrottle.Slot slot =
        throttle.reserve(
            SendThrottle.tierKey(senderId),
            SendThrottle.intervalMicros(tier, share),
            pair.at().isAfter(now) ? pair.at() : now,
            MAX_TIER_WAIT);
    if (!slot.granted()) {
      return SendResult.senderBusy(
          slot.waitFrom(now), "number at its throughput (" + tier + " messages/s)");
    }
    Duration wait = slot.waitFrom(clock.instant());
    if (!wait.isZero()) {
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        // Nothing claimed, nothing sent: safe to retry.
        throw ApplicationFailure.newFailure("interrupted waiting for a send slot", "Interrupted");
      }
    }
    return null;
  }
}
