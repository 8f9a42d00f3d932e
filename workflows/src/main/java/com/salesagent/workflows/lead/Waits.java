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
      sleep(left, () -> run.ended() || run.paused || wake.getAsBoolean());
    }
  }

  /** Until {@code wake} holds, however long; false when the lead ended. */
  boolean forever(BooleanSupplier wake) {
    while (true) {
      if (run.ended()) {
        return false;
      }
      if (run.paused) {
        pause();
        continue;
      }
      if (wake.getAsBoolean()) {
        return true;
      }
      Workflow.await(() -> run.ended() || run.paused || wake.getAsBoolean());
    }
  }

  /** Shows the pause and holds everything until resume (or the lead ends). */
  void pause() {
    Stage before = run.stage;
    String action = run.nextAction;
    Instant at = run.nextActionAt;
    stages.set(Stage.PAUSED, "resume", null, "paused", null);
    Workflow.await(() -> !run.paused || run.ended());
    if (!run.ended()) {
      stages.set(before, action, at, "resumed", null);
    }
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
