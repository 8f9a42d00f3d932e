package com.salesagent.activities.lead;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeats the running activity attempt from a background thread for as long as it is open, so
 * Temporal tells a dead worker (SIGKILL, a lost host) from a slow call (an LLM taking its time) by
 * the heartbeat timeout instead of the whole start-to-close timeout. What it proves is that the
 * process is alive; the start-to-close timeout still bounds a call that hangs in a live one.
 *
 * <p>When Temporal has given up on the attempt (its heartbeat timed out during a long pause, or the
 * run was cancelled) another attempt may already be running: {@link #checkAlive()} throws then, and
 * the caller stops before anything that must happen once; it learns that from the server's answer
 * to a heartbeat, so up to one heartbeat interval late. The SDK sends the first heartbeat at once,
 * then at most one per 0.8 heartbeat timeouts whatever the calls: after the first, the beat every
 * {@link #EVERY} costs a flag, and an attempt shorter than {@link #EVERY} costs no call at all.
 */
public final class KeepAlive implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeepAlive.class);

  /** How often the background thread tells the SDK the attempt is alive. */
  public static final Duration EVERY = Duration.ofSeconds(2);

  private static final ScheduledThreadPoolExecutor BEATS = beats();

  private static final KeepAlive NONE = new KeepAlive(null);

  /** The keep-alive open on this thread: one started inside it beats nothing of its own. */
  private static final ThreadLocal<KeepAlive> OPEN = new ThreadLocal<>();

  private final ActivityExecutionContext context;
  private final KeepAlive outer;
  private volatile ScheduledFuture<?> beating;
  private volatile ActivityCompletionException abandoned;

  private KeepAlive(ActivityExecutionContext context) {
    this(context, null);
  }

  private KeepAlive(ActivityExecutionContext context, KeepAlive outer) {
    this.context = context;
    this.outer = outer;
  }

  /**
   * Starts heartbeating the current attempt when it has a heartbeat timeout; outside an activity
   * (tests calling the implementation directly) or without a timeout it does nothing.
   */
  public static KeepAlive start() {
    KeepAlive open = OPEN.get();
    if (open != null) {
      // Inside another keep-alive of the same attempt (a send inside compose-and-send): that one
      // beats; this one only answers for it.
      return new KeepAlive(null, open);
    }
    ActivityExecutionContext context;
    try {
      context = Activity.getExecutionContext();
    } catch (IllegalStateException e) {
      return NONE; // not running as an activity
    }
    if (context.getInfo().getHeartbeatTimeout().isZero()) {
      return NONE;
    }
    KeepAlive alive = new KeepAlive(context);
    OPEN.set(alive);
    // The first beat after EVERY, not now: an attempt that ends sooner (most sends) costs no
    // heartbeat call at all, and EVERY is a tenth of the heartbeat timeouts used here.
    alive.beating =
        BEATS.scheduleWithFixedDelay(
            alive::beat, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return alive;
  }

  private void beat() {
    try {
      context.heartbeat(null);
    } catch (ActivityCompletionException e) {
      abandoned = e;
      beating.cancel(false);
    } catch (RuntimeException e) {
      // The SDK retries a failed heartbeat itself; one that throws otherwise is not ours to fix.
      LOG.debug("heartbeat of {} failed: {}", context.getInfo().getActivityId(), e.toString());
    }
  }

  /** Throws when Temporal gave up on this attempt: what follows must not run in it. */
  public void checkAlive() {
    if (outer != null) {
      outer.checkAlive();
      return;
    }
    ActivityCompletionException e = abandoned;
    if (e != null) {
      throw e;
    }
  }

  @Override
  public void close() {
    if (OPEN.get() == this) {
      OPEN.remove();
    }
    ScheduledFuture<?> f = beating;
    if (f != null) {
      f.cancel(false);
    }
  }

  private static ScheduledThreadPoolExecutor beats() {
    // Two threads: a beat can wait on the SDK's lock while it sends another heartbeat.
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            2,
            r -> {
              Thread t = new Thread(r, "activity-keep-alive");
              t.setDaemon(true);
              return t;
            });
    // A closed attempt's task leaves the queue at once, not when its next beat would have come.
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}
