package com.salesagent.workflows.lead;

import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Every wait of the lifecycle, in one place so that each honours the same rules: an opt-out, a
 * reply or a stop ends it at once; a pause suspends it (the stage shows paused, nothing is sent
 * until resume, and the wait goes on with its own deadline after); the timer of a wait that ended
 * early is cancelled (a leftover timer would wake the workflow later for nothing).
 */
final class Waits {
  /**
   * Version 1: a voice note sent for transcription holds every wait until its triage arrives (a
   * spoken "not now" snoozes the lead as a written one does), at most {@link #TRANSCRIPT_WAIT}.
   */
  static final String AWAIT_TRANSCRIPT = "await-transcript";

  /**
   * How long a lead waits for its voice note's triage before the reply stands as one a person reads
   * (needs_review), as without transcription: the provider answers in seconds; a download or a
   * provider failing for longer than this is retried in the background.
   */
  static final Duration TRANSCRIPT_WAIT = Duration.ofMinutes(10);

  private final LeadRun run;
  private final Stages stages;
  private final int continueAsNewAfterEvents;

  Waits(LeadRun run, Stages stages, int continueAsNewAfterEvents) {
    this.run = run;
    this.stages = stages;
    this.continueAsNewAfterEvents = continueAsNewAfterEvents;
  }

  /**
   * The history is long enough to continue as new. The long waits (follow-up timers, a snooze) wake
   * on it, since signals keep adding events while they sleep.
   */
  boolean historyFull() {
    return Workflow.getInfo().getHistoryLength() > continueAsNewAfterEvents
        || Workflow.getInfo().isContinueAsNewSuggested();
  }

  /**
   * Until {@code until} or until {@code wake} holds. False when the lead ended meanwhile (nothing
   * may be sent then); true otherwise.
   */
  boolean until(Instant until, BooleanSupplier wake) {
    while (true) {
      if (run.ended()) {
        return false;
      }
      if (run.awaitingTranscript != null) {
        transcript();
        continue;
      }
      if (run.paused) {
        pause();
        continue;
      }
      if (wake.getAsBoolean()) {
        return true;
      }
      Duration left = Duration.between(stages.now(), until);
      if (left.isNegative() || left.isZero()) {
        return true;
      }
      sleep(
          left,
          () -> run.ended() || run.paused || run.awaitingTranscript != null || wake.getAsBoolean());
    }
  }

  /**
   * Waits until {@code due}; false when the lead ended or the loop must decide again first:
   * something changed since {@code seen} (a status, a reply, an outcome, a person's action), a
   * snooze came, or the history is long enough to continue as new.
   */
  boolean undisturbedUntil(Instant due, int seen) {
    return until(due, () -> disturbed(seen)) && !disturbed(seen);
  }

  private boolean disturbed(int seen) {
    return run.changes != seen || run.snoozeUntil != null || historyFull();
  }

  /** Until {@code wake} holds, however long; false when the lead ended. */
  boolean forever(BooleanSupplier wake) {
    while (true) {
      if (run.ended()) {
        return false;
      }
      if (run.awaitingTranscript != null) {
        transcript();
        continue;
      }
      if (run.paused) {
        pause();
        continue;
      }
      if (wake.getAsBoolean()) {
        return true;
      }
      Workflow.await(
          () -> run.ended() || run.paused || run.awaitingTranscript != null || wake.getAsBoolean());
    }
  }

  /**
   * Holds everything until the voice note's triage arrives (the signal settles it: a "not now"
   * snoozes, anything else is a reply) or {@link #TRANSCRIPT_WAIT} has passed, when the reply
   * stands as one a person reads. A run that got the announcement before version 1 took it as the
   * reply at once.
   */
  private void transcript() {
    String messageId = run.awaitingTranscript;
    if (Workflow.getVersion(AWAIT_TRANSCRIPT, Workflow.DEFAULT_VERSION, 1)
        != Workflow.DEFAULT_VERSION) {
      Duration left =
          Duration.between(stages.now(), run.awaitingTranscriptSince.plus(TRANSCRIPT_WAIT));
      if (left.compareTo(Duration.ZERO) > 0) {
        sleep(left, () -> run.ended() || !messageId.equals(run.awaitingTranscript));
      }
      if (!messageId.equals(run.awaitingTranscript)) {
        return; // its triage arrived (or another voice note is awaited now)
      }
    }
    Signals.settled(run, messageId);
    run.replied = true;
    if (run.endedBy == null) {
      run.endedBy = Stage.REPLIED;
    }
  }

  /** Shows the pause and holds everything until resume (or the lead ends). */
  void pause() {
    Stage before = run.stage;
    String action = run.nextAction;
    Instant at = run.nextActionAt;
    Instant pausedAt = stages.now();
    stages.set(Stage.PAUSED, "resume", null, "paused", null);
    Workflow.await(() -> !run.paused || run.ended());
    if (!run.ended()) {
      // An owner's SLA does not run while the lead is paused: its clock moves on by the pause.
      Instant moved = onResume == null ? null : onResume.apply(pausedAt);
      boolean ownerClock = "remind_owner".equals(action) || "reassign_owner".equals(action);
      stages.set(before, action, moved != null && ownerClock ? moved : at, "resumed", null);
    }
  }

  private java.util.function.Function<Instant, Instant> onResume;

  /**
   * What a resume does before the lead goes on: given when it was paused, the moved instant of the
   * next action, or null.
   */
  void onResume(java.util.function.Function<Instant, Instant> resumed) {
    this.onResume = resumed;
  }

  /** A timer raced against a condition; the timer is cancelled when the condition wins. */
  private static void sleep(Duration d, BooleanSupplier condition) {
    @SuppressWarnings("unchecked")
    Promise<Void>[] timer = new Promise[1];
    CancellationScope scope = Workflow.newCancellationScope(() -> timer[0] = Workflow.newTimer(d));
    scope.run();
    // A cancelled timer fails its promise: handled here, so it is not reported as ignored.
    timer[0].exceptionally(e -> null);
    Workflow.await(() -> timer[0].isCompleted() || condition.getAsBoolean());
    if (!timer[0].isCompleted()) {
      scope.cancel();
    }
  }
}
