package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A reply that lands while the lifecycle acts on the lead's reply before it (the interest being
 * recorded slowly, so one workflow task takes the new reply in while the loop is inside that step):
 * acted on next, as one a moment later (version "reply-while-acting"). Before, the loop went on to
 * end the lead replied on it.
 */
class ReplyWhileActingTest extends SlowTaskLeadTest {
  /** "Yes!" then "how much?" while the interest is recorded: still interested, handed off. */
  @Test
  void aQuestionWhileTheInterestIsRecordedGoesOnAsAConversation() {
    duringTheRecordOf("interested", () -> lead.inboundMessage(reply("in-2", "question")));
    lead.inboundMessage(reply("in-1", "interested"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(lead.state().stage().terminal()).as(lead.state().stage().key()).isFalse();
    assertThat(fake.events)
        .anyMatch(
            e ->
                "replied_again".equals(e.type())
                    && "in-2".equals(e.wamid())
                    && "the conversation goes on".equals(e.detail()));
    assertThat(fake.handOffs).as("the interested lead is still handed off").isNotEmpty();
    assertThat(eventTypes()).doesNotContain("outcome");
  }

  /**
   * A question, then "I'm interested" while the question's hand-off is recorded: the interest is
   * acted on (interested), not ended as a plain reply.
   */
  @Test
  void anInterestWhileAQuestionIsHandedOffIsActedOn() {
    duringTheRecordOf("handed_off", () -> lead.inboundMessage(reply("in-2", "interested")));
    lead.inboundMessage(reply("in-1", "question"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(lead.state().stage().terminal()).as(lead.state().stage().key()).isFalse();
    assertThat(fake.events)
        .anyMatch(e -> "interested".equals(e.type()) && "in-2".equals(e.wamid()));
  }
}
