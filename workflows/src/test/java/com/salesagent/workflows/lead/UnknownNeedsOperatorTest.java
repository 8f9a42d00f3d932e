package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A send whose answer was lost, under the resend policy ({@code unknownSendPolicy: resend}): when
 * the reconcile says no attempt can resend it safely ({@link SendResult#NEEDS_OPERATOR}: a claim a
 * dead attempt of an older worker left), it is held for an operator (version
 * "unknown-needs-operator"). Before, the policy resent it every window, each resend answered
 * unknown without a call, and no operator was ever asked.
 */
class UnknownNeedsOperatorTest {
  private Harness h;

  @BeforeEach
  void setUp() {
    h = Harness.standard();
    h.fake.policy = resending(h.fake.policy);
    assertThat(h.fake.policy.resendUnknown()).isTrue();
  }

  /** {@code p} with the resend policy for unknown sends, reconciled over 10 minutes. */
  static LeadPolicy resending(LeadPolicy p) {
    return new LeadPolicy(
        p.readNoReplyDelay(),
        p.unreadDelay(),
        p.maxFollowUps(),
        p.quietHoursStart(),
        p.quietHoursEnd(),
        p.customerServiceWindow(),
        p.rateLimitBackoff(),
        p.maxRateLimitRetries(),
        p.approvalSla(),
        p.approvalDefault(),
        Duration.ofMinutes(10),
        "resend",
        null,
        null,
        null);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void aSendNoAttemptCanResendIsHeldForAnOperatorUnderTheResendPolicy() {
    for (int i = 0; i < 20; i++) {
      h.fake.sendAnswers.add("unknown");
    }
    h.fake.unknownDetail = SendResult.NEEDS_OPERATOR;
    h.start();
    h.env.sleep(Duration.ofHours(3));

    assertThat(h.fake.attempts).as("never resent by the policy").hasSize(1);
    assertThat(h.state().nextAction()).isEqualTo("operator_decides_delivery");
    assertThat(h.fake.approvals).extracting(ApprovalRecord::status).contains("delivery_unknown");
  }

  /** A send merely unknown is still resent by the policy, as before. */
  @Test
  void aSendMerelyUnknownIsResentByThePolicy() {
    h.fake.sendAnswers.add("unknown");
    h.start();
    h.env.sleep(Duration.ofHours(1));

    assertThat(h.fake.attempts).hasSize(2);
    assertThat(h.fake.attempts.get(1).resendUnknown()).isTrue();
    assertThat(h.state().nextAction()).isNotEqualTo("operator_decides_delivery");
  }
}
