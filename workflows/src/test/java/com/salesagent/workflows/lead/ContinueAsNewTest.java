package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Continue-as-new at every stage: with the threshold lowered, a lead's lifecycle is cut into many
 * runs at different points (before the first contact, while held for approval, backing off, in a
 * snooze, waiting on follow-ups) and ends the same as in one run.
 */
class ContinueAsNewTest {
  @ParameterizedTest
  @ValueSource(ints = {25, 35, 45, 55, 70})
  void aLifecycleCutIntoRunsEndsAsInOne(int threshold) {
    try (Harness h = new Harness(LeadWorkflowTest.START, threshold)) {
      h.fake.decisions.add(ComposedMessage.HOLD);
      h.fake.sendAnswers.add("rate_limited:130429");
      h.start();
      h.until("held", () -> h.state().stage() == Stage.AWAITING_APPROVAL);
      h.current().approval(new ApprovalDecision(h.state().pendingApproval(), "approve", "maria"));
      h.sends(1);
      h.status(0, "delivered", null);
      InboundMessageSignal notNow =
          new InboundMessageSignal(
              "in-1",
              h.fake.wamid(0),
              "text",
              h.now(),
              "not_now",
              h.now().plus(Duration.ofDays(3)));
      h.signal(w -> w.inboundMessage(notNow));
      for (int i = 0; i < 6; i++) {
        InboundMessageSignal reaction =
            new InboundMessageSignal("r-" + i, h.fake.wamid(0), "reaction", h.now());
        h.signal(w -> w.inboundMessage(reaction));
        h.env.sleep(Duration.ofHours(1));
      }
      h.env.sleep(Duration.ofDays(3));
      h.sends(2);
      h.status(1, "read", null);
      h.env.sleep(Duration.ofHours(25));
      h.sends(3);
      InboundMessageSignal reply =
          new InboundMessageSignal("in-2", h.fake.wamid(2), "text", h.now());
      h.signal(w -> w.inboundMessage(reply));

      LeadState state = h.result();

      assertThat(state.stage()).isEqualTo(Stage.REPLIED);
      assertThat(state.messages()).extracting(MessageView::step).containsExactly(0, 1, 2);
      assertThat(state.followUpsSent()).isEqualTo(2);
      assertThat(h.fake.attempts).hasSize(4);
      assertThat(h.runs()).as("runs").isGreaterThan(1);
    }
  }
}
