package com.salesagent.workflows.lead;

import io.temporal.workflow.Workflow;

/**
 * The rep holding an interested lead gives it back to the agent ({@link OwnerRelease}), applied by
 * the hand-off's clock ({@link HandOffClock#released}): nobody holds it, the interest the lead
 * showed as the rep pressed it is handed to a person again (the take it gave back is remembered as
 * it is told: {@link LateAcceptances}). Deterministic, like the rest of the lifecycle.
 */
final class OwnerReleases {
  /**
   * Version 1: the rep holding an interested lead may give it back to the agent ({@link
   * #released}): nobody holds it, no SLA runs, and its next reply with interest is handed off.
   */
  static final String OWNER_RELEASE = "owner-release";

  /**
   * Version 1: a reply with interest the run recorded after the rep pressed release ({@link
   * OwnerRelease#at}) but before it handled the release (the signal comes after the API's writes)
   * is handed to a person again, not released with the lead: before, the rep's release cleared the
   * owner of a lead whose newest message asked for one, and only the agent's re-engagements
   * followed.
   */
  static final String RELEASE_AFTER_INTEREST = "release-after-interest";

  /**
   * Version 1: a release naming the lead message its rep had seen ({@link
   * OwnerRelease#seenMessageId}) finds interest meanwhile by the order the run was told of the
   * lead's messages ({@link ReleaseOrder}), not by the API's clock against the run's: an API clock
   * ahead released a lead whose interest came after the press, one behind overrode a release with
   * an interest the rep had seen. A release without it (an API from before) is decided as before.
   */
  static final String RELEASE_BY_MESSAGE_ORDER = "release-by-message-order";

  /** A release's reason is cut at 200 code points, not 200 UTF-16 chars. */
  static final String RELEASE_REASON_CODE_POINTS = "release-reason-code-points";

  private OwnerReleases() {}

  /**
   * The release signalled ({@link LeadRun#ownerReleased}) applied: see {@link
   * HandOffClock#released}.
   */
  static void released(LeadRun run, Stages stages, HandOffClock clock) {
    OwnerRelease release = run.ownerReleased;
    run.ownerReleased = null;
    if (!release.ownerId().equals(run.ownerId)
        || run.interestedAt == null
        || Workflow.getVersion(OWNER_RELEASE, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      return;
    }
    run.ownerId = null;
    run.ownerActedAt = null;
    run.ownerReminded = false;
    run.ownerRemindAt = null;
    run.ownerDueAt = null;
    run.handOffWanted = false;
    run.handOffRetryAt = null;
    run.slaMetByWamid = null;
    run.releasedAt = stages.now();
    String reason = release.reason();
    if (reason != null && reason.length() > 200) {
      // At most 200 characters as a person sees them, as the API caps it (code points): before,
      // 200 UTF-16 chars, which lost half of a reason in emoji and could cut one in two.
      if (Workflow.getVersion(RELEASE_REASON_CODE_POINTS, Workflow.DEFAULT_VERSION, 1)
          == Workflow.DEFAULT_VERSION) {
        reason = reason.substring(0, 200);
      } else if (reason.codePointCount(0, reason.length()) > 200) {
        reason = reason.substring(0, reason.offsetByCodePoints(0, 200));
      }
    }
    // The lead showed interest as its rep gave it back (its reply was recorded after the rep
    // pressed release, while the lead was still theirs): a person answers it, as a reply with
    // interest after the release would be handed off.
    // By the messages' order when the release names the one its rep saw (and the run knows the
    // order), else by the press's time on the API's clock against the interest's on the run's.
    Boolean byOrder =
        release.seenMessageId() != null
                && Workflow.getVersion(RELEASE_BY_MESSAGE_ORDER, Workflow.DEFAULT_VERSION, 1)
                    != Workflow.DEFAULT_VERSION
            ? ReleaseOrder.interestAfter(run, release.seenMessageId())
            : null;
    boolean interestMeanwhile =
        byOrder != null
            ? byOrder
            : release.at() != null
                && !run.interestedAt.isBefore(release.at())
                && Workflow.getVersion(RELEASE_AFTER_INTEREST, Workflow.DEFAULT_VERSION, 1)
                    != Workflow.DEFAULT_VERSION;
    // The wait that follows sets the re-engagement's time (or the close's).
    stages.set(
        clock.stage(),
        "re_engage",
        run.nextActionAt,
        "handoff_released",
        "owner "
            + release.ownerId()
            + " -> the agent (by "
            + release.by()
            + ")"
            + (reason == null || reason.isBlank() ? "" : ": " + reason)
            + (interestMeanwhile
                ? " (the lead showed interest meanwhile: handed to a person again)"
                : ""));
    if (interestMeanwhile) {
      run.handOffWanted = true;
    }
  }
}
