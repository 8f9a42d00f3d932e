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
   * Version 1: the take of the owner a lead was moved away from ({@code ownerGone} naming it) is
   * over like one a release gave back ({@link #movedFrom}).
   */
  static final String GONE_TAKE = "gone-take";

  /** Take times kept (a lead is taken and given back far fewer times between two tells). */
  static final int KEPT = 20;

  private LateAcceptances() {}

  /** Whether {@code action} accepts a take a release the run was told of gave back (dropped). */
  static boolean givenBack(LeadRun run, OwnerAction action) {
    return action != null
        && action.takenAt() != null
        && run.releasedTakes.contains(action.takenAt())
        && Workflow.getVersion(LATE_ACCEPTANCE, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION;
  }

  /**
   * The take {@code release} gave back (when it names one), remembered as the release is told: its
   * conditional write closed that take in MongoDB, whatever the run does with the release.
   */
  static void remember(LeadRun run, OwnerRelease release) {
    remember(run, release.takenAt());
  }

  /**
   * The take of the owner a lead was moved away from ({@code ownerGone}: made inactive, or the lead
   * reassigned by hand), remembered as the signal is told (version {@link #GONE_TAKE}): its rep no
   * longer holds the lead in MongoDB, so the take told late or again is dropped as a given-back one
   * is. Before, told after the next rep had given the lead back, it put the lead back in the
   * conversation with the rep it had been moved from.
   */
  static void movedFrom(LeadRun run, Instant takenAt) {
    if (takenAt != null
        && !run.releasedTakes.contains(takenAt)
        && Workflow.getVersion(GONE_TAKE, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION) {
      remember(run, takenAt);
    }
  }

  private static void remember(LeadRun run, Instant taken) {
    if (taken == null || run.releasedTakes.contains(taken)) {
      return;
    }
    run.releasedTakes.add(taken);
    if (run.releasedTakes.size() > KEPT) {
      run.releasedTakes.remove(0);
    }
  }
}
