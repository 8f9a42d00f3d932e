package com.salesagent.activities.lead;

import java.time.Duration;

/**
 * Whether bulk work (a new lead's research and the first-contact steps it releases) may start now,
 * or should hold back because time-critical work (due follow-ups, sends) is queueing on this
 * machine. Asked inside an activity: waiting there costs an activity slot, never a workflow task.
 */
public interface Admission {
  /** Never holds anything back. */
  Admission OPEN = heartbeat -> Duration.ZERO;

  /**
   * Returns once bulk work may go on, calling {@code heartbeat} between checks; answers how long it
   * held back (bounded: after its longest wait it lets the work go on anyway).
   */
  Duration await(Runnable heartbeat) throws InterruptedException;
}
