package com.salesagent.api.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.PriorityBlockingQueue;

/** When the inbox's poll reads {@code webhook_events} (the sweeper asks every 250 ms). */
final class InboxPoll {
  /**
   * While this process is the only one, the poll reads MongoDB only when it has a reason: an event
   * this process left waiting or failed is due again ({@link #retryAt}), or it claimed a partition
   * (another process's or its own lost lease may have left events); otherwise once per this period,
   * a safety net for an event stored but never queued (an accept whose insert failed part-way). On
   * the embedded MongoDB-wire server every poll is a scan of {@code webhook_events} that holds the
   * collection while the accepts and processed marks wait (72 ms at 15,000 events, issue 12), so a
   * lone process no longer pays it every 2 s.
   */
  static final Duration ALONE_POLL = Duration.ofSeconds(30);

  /** Wall-clock times (ms) at which events this process left unprocessed are due again. */
  private final PriorityBlockingQueue<Long> retryAt = new PriorityBlockingQueue<>();

  private long claimsSwept;
  private long lastPoll;

  /** An event left unprocessed here is due again at this time. */
  void retryAt(Instant at) {
    retryAt.add(at.toEpochMilli());
  }

  /**
   * Whether to poll now: always while the partitions are shared (other processes accept events only
   * the owner's poll queues); alone, for a reason or as the safety net.
   */
  synchronized boolean due(boolean shared, long claims, long wallMillis, long nanoNow) {
    boolean retryDue = false;
    for (Long at = retryAt.peek(); at != null && at <= wallMillis; at = retryAt.peek()) {
      retryAt.poll();
      retryDue = true;
    }
    if (shared
        || retryDue
        || claims != claimsSwept
        || lastPoll == 0
        || nanoNow - lastPoll >= ALONE_POLL.toNanos()) {
      lastPoll = nanoNow;
      claimsSwept = claims;
      return true;
    }
    return false;
  }
}
