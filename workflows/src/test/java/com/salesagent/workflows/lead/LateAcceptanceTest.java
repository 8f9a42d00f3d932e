package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A rep's take told to the run after the rep gave the lead back (version "late-acceptance"): the
 * take a release gave back is not applied again, however late or often it is told, also for a lead
 * taken from the queue (whose release the run drops). Before, the given-back take put the lead back
 * in conversation with the rep while MongoDB said the agent had it. The takes' times are the
 * hand-offs' ({@code acceptedAt}), compared for equality.
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

  /** Each signal told in turn, a minute apart: a take ({@link OwnerAction}) or a release. */
  private void told(Record... signals) {
    for (Record signal : signals) {
      if (signal instanceof OwnerAction action) {
        lead.ownerAction(action);
      } else {
        lead.ownerReleased((OwnerRelease) signal);
      }
      settle();
    }
  }

  private long accepted() {
    return eventTypes().stream().filter("owner_accepted"::equals).count();
  }

  /** Taken, given back, then the take told again (a finisher's tell): the agent keeps the lead. */
  @Test
  void aTakeToldAgainAfterItsReleaseIsDropped() {
    interestedAndHandedToAna();
    told(take(FIRST_TAKE));
    assertThat(lead.state().stage()).isEqualTo(Stage.IN_CONVERSATION);
    told(release(FIRST_TAKE));
    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);

    told(take(FIRST_TAKE));

    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);
    assertThat(accepted()).isEqualTo(1);
  }

  /** The take's own signal stalled past its release: it reaches the run last, and is dropped. */
  @Test
  void aTakeToldOnlyAfterItsReleaseIsDropped() {
    interestedAndHandedToAna();
    told(release(FIRST_TAKE));
    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);

    told(take(FIRST_TAKE));

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
    told(take(FIRST_TAKE), release(FIRST_TAKE));

    told(take(SECOND_TAKE));

    assertThat(lead.state().stage()).isEqualTo(Stage.IN_CONVERSATION);
    assertThat(accepted()).isEqualTo(2);
  }

  /**
   * A lead taken from the queue (nobody was free: the run names no owner): ana's take stalls before
   * its signal, she gives the lead back, and the run, which drops the release (it names no owner of
   * the run's), is told the take after it. Given back: dropped.
   */
  @Test
  void aQueuedLeadsTakeToldAfterItsReleaseIsDropped() {
    fake.owners.clear();
    lead.inboundMessage(reply("in-1", "interested"));
    settle();
    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);

    told(release(FIRST_TAKE), take(FIRST_TAKE));

    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);
    assertThat(accepted()).isZero();
  }

  /** The same, the take and its release taken in by one workflow task. */
  @Test
  void aQueuedLeadsTakeTakenInWithItsReleaseIsDropped() {
    fake.owners.clear();
    duringTheRecordOf(
        "interested",
        () -> {
          lead.ownerAction(take(FIRST_TAKE));
          lead.ownerReleased(release(FIRST_TAKE));
        });
    lead.inboundMessage(reply("in-1", "interested"));
    settle();
    settle();

    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);
    assertThat(accepted()).isZero();
  }

  /**
   * A stale take of the rep the lead was moved from (ana's, stalled; the lead went to bob, who took
   * it) told while bob holds it, then bob gives the lead back: the agent has it, not ana.
   */
  @Test
  void aStaleTakeOfAnotherRepIsNotAppliedAfterARelease() {
    fake.owners.add("bob");
    interestedAndHandedToAna();
    lead.ownerGone("ana", null);
    settle();
    assertThat(fake.handOffs).as("attempt 2: bob").hasSize(2);
    told(new OwnerAction("bob", OwnerAction.ACCEPTED, "Bob (bob)", SECOND_TAKE), take(FIRST_TAKE));

    told(new OwnerRelease("bob", "Bob (bob)", null, now(), "in-1", SECOND_TAKE));

    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);
    assertThat(accepted()).isEqualTo(1);
  }

  private static final Instant BOB_TAKE = Instant.parse("2026-03-02T10:25:07.789Z");

  /**
   * Ana's lead moved to bob ({@code ownerGone} naming her take), who takes it and gives it back.
   */
  private void movedToBobWhoGivesItBack(Instant anasTake) {
    fake.owners.add("bob");
    lead.ownerGone("ana", anasTake);
    settle();
    assertThat(fake.handOffs).as("attempt 2: bob").hasSize(2);
    told(
        new OwnerAction("bob", OwnerAction.ACCEPTED, "Bob (bob)", BOB_TAKE),
        new OwnerRelease("bob", "Bob (bob)", null, now(), "in-1", BOB_TAKE));
    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);
  }

  /**
   * Ana took the lead, an operator moved it to bob (version "gone-take": the signal names her
   * take), bob took it and gave it back; then ana's take is told again (a finisher's tell): the
   * agent keeps the lead. Before, the lead went back to ana, in conversation, while MongoDB said
   * the agent had it.
   */
  @Test
  void aTakeOfTheRepTheLeadWasMovedFromToldAfterTheNextReleaseIsDropped() {
    interestedAndHandedToAna();
    told(take(FIRST_TAKE));
    movedToBobWhoGivesItBack(FIRST_TAKE);

    told(take(FIRST_TAKE));

    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);
    assertThat(accepted()).isEqualTo(2);
  }

  /** The same with ana's take stalled before its signal: it reaches the run only at the end. */
  @Test
  void aStalledTakeOfTheRepTheLeadWasMovedFromIsDropped() {
    interestedAndHandedToAna();
    movedToBobWhoGivesItBack(FIRST_TAKE);

    told(take(FIRST_TAKE));

    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);
    assertThat(accepted()).isEqualTo(1);
  }

  /** An owner gone without a take time (an API before it): her take told later is applied. */
  @Test
  void anOwnerGoneWithoutATakeTimeDropsNoTake() {
    interestedAndHandedToAna();
    movedToBobWhoGivesItBack(null);

    told(take(FIRST_TAKE));

    assertThat(lead.state().stage()).isEqualTo(Stage.IN_CONVERSATION);
  }

  /** The same take told twice while it is the run's, then given back: the agent has the lead. */
  @Test
  void theSameTakeToldTwiceIsNotALaterTake() {
    interestedAndHandedToAna();
    told(take(FIRST_TAKE), take(FIRST_TAKE), release(FIRST_TAKE));

    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);
    assertThat(accepted()).isEqualTo(1);
  }

  /** Signals from an API before the take times: a release then a take is applied as before. */
  @Test
  void takesAndReleasesWithoutTimesAreAppliedAsBefore() {
    interestedAndHandedToAna();
    told(
        new OwnerAction("ana", OwnerAction.ACCEPTED, "Ana Lima (ana)"),
        new OwnerRelease("ana", "Ana Lima (ana)", "later", now(), "in-1"));
    assertThat(lead.state().stage()).isEqualTo(Stage.INTERESTED);

    told(new OwnerAction("ana", OwnerAction.ACCEPTED, "Ana Lima (ana)"));

    assertThat(lead.state().stage()).isEqualTo(Stage.IN_CONVERSATION);
  }
}
