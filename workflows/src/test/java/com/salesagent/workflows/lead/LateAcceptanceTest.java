package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A rep's take told to the run after the rep gave the lead back (versions "late-acceptance" and
 * "take-after-release"): the take a release gave back is not applied again, however late or often
 * it is told, and a take made after the release but told before it is applied once the release is.
 * Before, the given-back take put the lead back in conversation with the rep while MongoDB said the
 * agent had it, and the later take was dropped, so the release left the lead without the rep its
 * contact named. The takes' times are the hand-offs' ({@code acceptedAt}), compared for equality.
 */
class LateAcceptanceTest extends SlowTaskLeadTest {
  private static final Instant FIRST_TAKE = Instant.parse("2026-03-02T10:15:30.123Z");
  private static final Instant SECOND_TAKE = Instant.parse("2026-03-02T10:20:01.456Z");

  private void interestedAndHandedToAna() {
    lead.inboundMessage(reply("in-1", "interested"));
    env.sleep(Duration.ofMinutes(1));
    assertThat(lead.state().stage().interested()).isTrue();
  }

  private OwnerAction take(Instant at) {
    return new OwnerAction("ana", OwnerAction.ACCEPTED, "Ana Lima (ana)", at);
  }

  private OwnerRelease release(Instant takenAt) {
    return new OwnerRelease("ana", "Ana Lima (ana)", "not before Q2", now(), "in-1", takenAt);
  }

  private void settle() {
    env.sleep(Duration.ofMinutes(1));
  }

  private long accepted() {
    return eventTypes().stream().filter("owner_accepted"::equals).count();
  }

  /** Taken, given back, then the take told again (a finisher's tell): the agent keeps the lead. */
  @Test
  void aTakeToldAgainAfterItsReleaseIsDropped() {
    interestedAndHandedToAna();
    lead.ownerAction(take(FIRST_TAKE));
    settle();
    assertThat(lead.state().stage()).isEqualTo(Stage.IN_CONVERSATION);
    lead.ownerReleased(release(FIRST_TAKE));
    settle();
    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);

    lead.ownerAction(take(FIRST_TAKE));
    settle();

    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);
    assertThat(accepted()).isEqualTo(1);
  }

  /** The take's own signal stalled past its release: it reaches the run last, and is dropped. */
  @Test
  void aTakeToldOnlyAfterItsReleaseIsDropped() {
    interestedAndHandedToAna();
    lead.ownerReleased(release(FIRST_TAKE));
    settle();
    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);

    lead.ownerAction(take(FIRST_TAKE));
    settle();

    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);
    assertThat(accepted()).isZero();
  }

  /** The take and its release taken in by one workflow task: the release handled first holds. */
  @Test
  void aTakeTakenInWithItsReleaseIsDropped() {
    duringTheRecordOf(
        "handed_off",
        () -> {
          lead.ownerAction(take(FIRST_TAKE));
          lead.ownerReleased(release(FIRST_TAKE));
        });
    interestedAndHandedToAna();
    settle();

    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);
    assertThat(eventTypes()).contains("handoff_released");
  }

  /** Given back, then taken again (another take): the lead is the rep's, in conversation. */
  @Test
  void aNewTakeAfterTheReleaseIsApplied() {
    interestedAndHandedToAna();
    lead.ownerAction(take(FIRST_TAKE));
    settle();
    lead.ownerReleased(release(FIRST_TAKE));
    settle();

    lead.ownerAction(take(SECOND_TAKE));
    settle();

    assertThat(lead.state().stage()).isEqualTo(Stage.IN_CONVERSATION);
    assertThat(accepted()).isEqualTo(2);
  }

  /**
   * The rep gives the lead back and takes it again; the second take reaches the run before the
   * release (whose request stalled before its signal): once the release is handled, the second take
   * holds and the lead is in conversation with ana, as its contact says.
   */
  @Test
  void aSecondTakeToldBeforeItsReleaseIsAppliedAfterIt() {
    interestedAndHandedToAna();
    lead.ownerAction(take(FIRST_TAKE));
    settle();
    lead.ownerAction(take(SECOND_TAKE));
    settle();
    assertThat(accepted()).as("the second take waits for the release").isEqualTo(1);

    lead.ownerReleased(release(FIRST_TAKE));
    settle();

    assertThat(lead.state().stage()).isEqualTo(Stage.IN_CONVERSATION);
    assertThat(eventTypes()).containsSubsequence("handoff_released", "owner_accepted");
    assertThat(accepted()).isEqualTo(2);
    assertThat(fake.handOffs).as("nobody else is given it").hasSize(1);
  }

  /**
   * As above, the lead taken after the release by an operator naming no rep: the run is told the
   * operator's take first, and applies it after the release (in conversation, nobody's).
   */
  @Test
  void anOperatorsTakeToldBeforeTheReleaseIsAppliedAfterIt() {
    interestedAndHandedToAna();
    lead.ownerAction(take(FIRST_TAKE));
    settle();
    lead.ownerAction(new OwnerAction(null, OwnerAction.ACCEPTED, "ops@example.com", SECOND_TAKE));
    settle();

    lead.ownerReleased(release(FIRST_TAKE));
    settle();

    assertThat(lead.state().stage()).isEqualTo(Stage.IN_CONVERSATION);
    assertThat(fake.events)
        .anyMatch(
            e -> "owner_accepted".equals(e.type()) && "by ops@example.com".equals(e.detail()));
  }

  /** The same take told twice while it is the run's: nothing waits for a release. */
  @Test
  void theSameTakeToldTwiceIsNotALaterTake() {
    interestedAndHandedToAna();
    lead.ownerAction(take(FIRST_TAKE));
    settle();
    lead.ownerAction(take(FIRST_TAKE));
    settle();
    lead.ownerReleased(release(FIRST_TAKE));
    settle();

    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);
    assertThat(accepted()).isEqualTo(1);
  }

  /** Signals from an API before the take times: a release then a take is applied as before. */
  @Test
  void takesAndReleasesWithoutTimesAreAppliedAsBefore() {
    interestedAndHandedToAna();
    lead.ownerAction(new OwnerAction("ana", OwnerAction.ACCEPTED, "Ana Lima (ana)"));
    settle();
    lead.ownerReleased(new OwnerRelease("ana", "Ana Lima (ana)", "later", now(), "in-1"));
    settle();
    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);

    lead.ownerAction(new OwnerAction("ana", OwnerAction.ACCEPTED, "Ana Lima (ana)"));
    settle();

    assertThat(lead.state().stage()).isEqualTo(Stage.IN_CONVERSATION);
  }
}
