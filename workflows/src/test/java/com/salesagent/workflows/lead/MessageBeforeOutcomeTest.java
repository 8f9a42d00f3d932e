package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.client.WorkflowStub;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A message from the lead, then an operator's outcome, both taken in before the lifecycle could
 * weigh the message (they landed while it waited for a slow record): the outcome is recorded and
 * the message is acted on as one taken in after it (version "message-before-outcome", as {@link
 * MessageWithOutcomeTest} for the other order). Before, the outcome outranked the message: the run
 * ended with it unhandled, no reopening, nobody told.
 */
class MessageBeforeOutcomeTest extends SlowTaskLeadTest {
  @Test
  void anInterestJustBeforeALostOutcomeReopensTheLead() {
    duringTheRecordOf(
        "interested",
        () -> {
          lead.inboundMessage(reply("in-2", "interested"));
          lead.outcome(new OutcomeSignal(OutcomeSignal.LOST, "went quiet", "ops"));
        });
    lead.inboundMessage(reply("in-1", "interested"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(eventTypes()).containsSubsequence("interested", "outcome", "reopened", "interested");
    assertThat(fake.events).anyMatch(e -> "outcome".equals(e.type()) && "lost".equals(e.stage()));
    assertThat(fake.events)
        .anyMatch(e -> "interested".equals(e.type()) && "in-2".equals(e.wamid()));
    assertThat(lead.state().stage().interested()).as(lead.state().stage().key()).isTrue();
    assertThat(fake.sends).as("nothing resent").hasSize(1);
  }

  @Test
  void aQuestionJustBeforeAConversionIsToldAndTheConversionStands() {
    duringTheRecordOf(
        "interested",
        () -> {
          lead.inboundMessage(reply("in-2", "question"));
          lead.outcome(new OutcomeSignal(OutcomeSignal.CONVERTED, "signed", "ana"));
        });
    lead.inboundMessage(reply("in-1", "interested"));

    LeadState ended = WorkflowStub.fromTyped(lead).getResult(LeadState.class);
    assertThat(ended.stage()).isEqualTo(Stage.CONVERTED);
    assertThat(fake.events)
        .anyMatch(
            e ->
                "replied_again".equals(e.type())
                    && "in-2".equals(e.wamid())
                    && "wrote after the lead ended converted".equals(e.detail()));
    assertThat(eventTypes()).doesNotContain("reopened");
  }

  /** The message, then an operator's stop, then "lost": the stop stands, nothing reopens. */
  @Test
  void aMessageThenAStopThenALostOutcomeReopenNothing() {
    duringTheRecordOf(
        "interested",
        () -> {
          lead.inboundMessage(reply("in-2", "interested"));
          lead.stop("operator stop");
          lead.outcome(new OutcomeSignal(OutcomeSignal.LOST, "stopped", "ops"));
        });
    lead.inboundMessage(reply("in-1", "interested"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(eventTypes()).doesNotContain("reopened");
    assertThat(lead.state().stage().terminal()).isTrue();
  }

  /** An opt-out with them: the lead ends opted out, nothing reopens it. */
  @Test
  void aMessageAndAnOptOutBeforeALostOutcomeReopenNothing() {
    duringTheRecordOf(
        "interested",
        () -> {
          lead.inboundMessage(reply("in-2", "interested"));
          lead.optOut(new OptOutSignal("STOP", now()));
          lead.outcome(new OutcomeSignal(OutcomeSignal.LOST, "opted out", "ops"));
        });
    lead.inboundMessage(reply("in-1", "interested"));

    LeadState ended = WorkflowStub.fromTyped(lead).getResult(LeadState.class);
    assertThat(ended.stage()).isEqualTo(Stage.OPTED_OUT);
    assertThat(eventTypes()).doesNotContain("reopened");
  }

  // The reviewer's probes of the first version of this change.

  /**
   * A voice note's triage ("interested") then "lost", and the webhook replays the voice note's
   * announcement while the outcome is recorded: the spoken interest still reopens the lead. Before,
   * the announcement (same message id) hid it and the run reopened for nothing, its follow-ups due.
   */
  @Test
  void anOutrankedVoiceTriageIsNotLostToALateAnnouncementReplay() {
    duringTheRecordOf(
        "interested",
        () -> {
          lead.inboundMessage(announcement("in-v"));
          lead.inboundMessage(voiceNote("in-v", "interested"));
          lead.outcome(new OutcomeSignal(OutcomeSignal.LOST, "went quiet", "ops"));
          fake.slowlyDuringRecord(
              e -> "outcome".equals(e.type()), () -> lead.inboundMessage(announcement("in-v")));
        });
    lead.inboundMessage(reply("in-1", "interested"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(fake.events)
        .anyMatch(e -> "interested".equals(e.type()) && "in-v".equals(e.wamid()));
    assertThat(lead.state().stage().interested()).as(lead.state().stage().key()).isTrue();
  }

  /**
   * A question nobody could take (the hand-off found no rep), "lost" landing during that hand-off:
   * the reply was acted on, so the lead ends lost and is not reopened for it.
   */
  @Test
  void aQuestionNobodyCouldTakeIsNotTakenAgainByALostOutcomeDuringItsHandOff() {
    fake.owners.clear();
    fake.duringHandOff =
        () -> lead.outcome(new OutcomeSignal(OutcomeSignal.LOST, "went quiet", "ops"));
    lead.inboundMessage(reply("in-1", "question"));

    LeadState ended = WorkflowStub.fromTyped(lead).getResult(LeadState.class);
    assertThat(ended.stage()).isEqualTo(Stage.LOST);
    assertThat(eventTypes()).doesNotContain("reopened");
    assertThat(fake.handOffs).hasSize(1);
  }
}
