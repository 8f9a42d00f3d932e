package com.salesagent.workflows.lead;

import io.temporal.workflow.Workflow;
import java.time.Instant;

/**
 * A rep's take told to the run after its rep gave the lead back: the take's request signalled late
 * (it stalled between its writes and its signal while the rep pressed release), a finisher told it
 * again ({@code UnfinishedAcceptances}), or the acceptance and the release were taken in together
 * and the lifecycle handled the release first. The release names the take it gave back ({@link
 * OwnerRelease#takenAt}, the hand-off's {@code acceptedAt} it closed), and the acceptance its own
 * ({@link OwnerAction#takenAt}), both as MongoDB holds them, so no clock is compared.
 */
final class LateAcceptances {
  /**
   * Version 1: an acceptance of a take its release gave back is dropped. Before, it was applied
   * again once the release had cleared the owner's action: the lead was back in conversation with
   * the rep (and theirs again), while its contact and its hand-off said the agent had it.
   */
  static final String LATE_ACCEPTANCE = "late-acceptance";

  /**
   * Version 1: a take told while the lead's earlier take was the run's (the rep pressed release,
   * then took the lead again, and the run was told of the second take before the release) is
   * applied once the release is. Before, it was dropped as a take of a lead already taken, and the
   * release left the run without the owner its contact and hand-off named.
   */
  static final String TAKE_AFTER_RELEASE = "take-after-release";

  /** Take times kept (a lead is taken and given back far fewer times between two tells). */
  static final int KEPT = 20;

  private LateAcceptances() {}

  /** Whether {@code action} accepts a take a release the run applied gave back (then dropped). */
  static boolean givenBack(LeadRun run, OwnerAction action) {
    return action != null
        && action.takenAt() != null
        && run.releasedTakes.contains(action.takenAt())
        && Workflow.getVersion(LATE_ACCEPTANCE, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION;
  }

  /**
   * {@code action} told while a person had acted: kept when it is another take than the one the run
   * holds (a take after a release the run has not handled yet).
   */
  static void later(LeadRun run, OwnerAction action) {
    if (OwnerAction.ACCEPTED.equals(action.action())
        && action.takenAt() != null
        && !action.takenAt().equals(run.ownerTakenAt)) {
      run.laterTake = action;
    }
  }

  /**
   * The take told while the lead's released take was still the run's, to apply now that the release
   * is (null when none): it names the releasing rep and is another take than the one given back.
   */
  static OwnerAction afterRelease(LeadRun run, OwnerRelease release) {
    OwnerAction later = run.laterTake;
    run.laterTake = null;
    if (later == null
        || later.takenAt().equals(release.takenAt())
        || run.releasedTakes.contains(later.takenAt())
        || Workflow.getVersion(TAKE_AFTER_RELEASE, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      return null;
    }
    return later;
  }

  /** The take {@code release} gave back (when it names one), remembered once it is applied. */
  static void remember(LeadRun run, OwnerRelease release) {
    Instant taken = release.takenAt();
    if (taken == null || run.releasedTakes.contains(taken)) {
      return;
    }
    run.releasedTakes.add(taken);
    if (run.releasedTakes.size() > KEPT) {
      run.releasedTakes.remove(0);
    }
  }
}
