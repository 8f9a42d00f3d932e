package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.client.WorkflowStub;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The webhook tells the run of one message twice (its inbox replays an event whose signal landed
 * before a crash; a voice note's triage signalled again by a retried activity): the repeat changes
 * nothing (version "repeated-reply"). Before, a repeat of the reply being acted on ended an
 * interested lead as a plain reply, a later repeat restarted its interest, and one that landed as
 * the run ended told the team again or reopened the lead.
 */
class RepeatedReplyTest extends SlowTaskLeadTest {
  /** "Yes!" told again while its interest is recorded: the lead stays interested, handed off. */
  @Test
  void aRepeatOfTheInterestWhileItIsRecordedLeavesTheLeadInterested() {
    duringTheRecordOf("interested", () -> lead.inboundMessage(reply("in-1", "interested")));
    lead.inboundMessage(reply("in-1", "interested"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(lead.state().stage().interested()).as(lead.state().stage().key()).isTrue();
    assertThat(eventTypes()).doesNotContain("outcome");
    assertThat(fake.handOffs).as("the interested lead is handed off").isNotEmpty();
  }

  /** The same "Yes!" told again an hour later: not a fresh interest (its clock starts over). */
  @Test
  void aLaterRepeatOfTheInterestIsNotAFreshInterest() {
    lead.inboundMessage(reply("in-1", "interested"));
    env.sleep(Duration.ofHours(1));
    assertThat(eventTypes()).contains("interested");

    lead.inboundMessage(reply("in-1", "interested"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(eventTypes()).doesNotContain("replied_again");
    assertThat(lead.state().stage().interested()).as(lead.state().stage().key()).isTrue();
  }

  /** A question told again while it is handed to a person: the conversation goes on. */
  @Test
  void aRepeatOfAQuestionDuringItsHandOffDoesNotEndTheLead() {
    fake.duringHandOff = () -> lead.inboundMessage(reply("in-1", "question"));
    lead.inboundMessage(reply("in-1", "question"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(lead.state().stage().terminal()).as(lead.state().stage().key()).isFalse();
    assertThat(eventTypes()).doesNotContain("outcome");
  }

  /** "Not interested" told again while the lead ends on it: nobody is told of it twice. */
  @Test
  void aRepeatOfTheEndingReplyAsTheRunEndsTellsNobody() {
    duringTheRecordOf("outcome", () -> lead.inboundMessage(reply("in-1", "not_interested")));
    lead.inboundMessage(reply("in-1", "not_interested"));

    LeadState ended = WorkflowStub.fromTyped(lead).getResult(LeadState.class);
    assertThat(ended.stage()).isEqualTo(Stage.REPLIED);
    assertThat(eventTypes()).doesNotContain("replied_again", "reopened");
  }

  /**
   * A question nobody could take (no owner: the lead ends replied), told again as the run ends: the
   * lead is not reopened for its own message.
   */
  @Test
  void aRepeatOfAReplyNobodyTookAsTheRunEndsDoesNotReopenIt() {
    fake.owners.clear();
    duringTheRecordOf("outcome", () -> lead.inboundMessage(reply("in-1", "question")));
    lead.inboundMessage(reply("in-1", "question"));

    LeadState ended = WorkflowStub.fromTyped(lead).getResult(LeadState.class);
    assertThat(ended.stage()).isEqualTo(Stage.REPLIED);
    assertThat(eventTypes()).doesNotContain("replied_again", "reopened");
  }

  /** A voice note's triage signalled twice after its announcement: acted on once. */
  @Test
  void aVoiceNoteTriageToldTwiceIsActedOnOnce() {
    lead.inboundMessage(announcement("in-voice"));
    duringTheRecordOf("interested", () -> lead.inboundMessage(voiceNote("in-voice", "interested")));
    lead.inboundMessage(voiceNote("in-voice", "interested"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(lead.state().stage().interested()).as(lead.state().stage().key()).isTrue();
    assertThat(eventTypes()).doesNotContain("outcome");
  }

  /** Two different messages are two replies: the second one still acts (no id is shared). */
  @Test
  void aNewMessageAfterAnInterestStillActs() {
    lead.inboundMessage(reply("in-1", "interested"));
    env.sleep(Duration.ofHours(1));

    lead.inboundMessage(reply("in-2", "interested"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(fake.events)
        .anyMatch(
            e ->
                "replied_again".equals(e.type())
                    && "in-2".equals(e.wamid())
                    && "the conversation goes on".equals(e.detail()));
  }
}
