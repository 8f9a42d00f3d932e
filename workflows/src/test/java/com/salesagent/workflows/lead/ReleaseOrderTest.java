package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.salesagent.temporal.DataConverters;
import io.temporal.api.common.v1.Payload;
import org.junit.jupiter.api.Test;

/**
 * {@link ReleaseOrder}: the order of the lead's messages decides whether interest came after the
 * message a rep saw; when the run cannot know it, the clocks decide (null).
 */
class ReleaseOrderTest {
  private static LeadRun told(String... ids) {
    LeadRun run = new LeadRun();
    run.inboundIdsWhole = true;
    for (String id : ids) {
      ReleaseOrder.told(run, id);
    }
    return run;
  }

  @Test
  void theInterestAfterTheSeenMessageCountsTheSeenOneOrAnEarlierDoesNot() {
    LeadRun run = told("in-1", "in-2", "in-3");
    run.interestMessageId = "in-2";

    assertThat(ReleaseOrder.interestAfter(run, "in-1")).isTrue();
    assertThat(ReleaseOrder.interestAfter(run, "in-2")).isFalse();
    assertThat(ReleaseOrder.interestAfter(run, "in-3")).isFalse();
    assertThat(ReleaseOrder.interestAfter(run, "in-4"))
        .as("seen, not told to the run yet: newer than its interest")
        .isFalse();
  }

  @Test
  void aMessageToldTwiceKeepsItsFirstPlace() {
    LeadRun run = told("in-1", "in-2", "in-1");
    run.interestMessageId = "in-2";

    assertThat(run.inboundIds).containsExactly("in-1", "in-2");
    assertThat(ReleaseOrder.interestAfter(run, "in-1")).isTrue();
  }

  @Test
  void withNoInterestMessageOrIdsNoLongerAllKeptTheClocksDecide() {
    LeadRun meeting = told("in-1");
    assertThat(ReleaseOrder.interestAfter(meeting, "in-1"))
        .as("interest from a booked meeting: no message of its own")
        .isNull();

    LeadRun run = told();
    for (int i = 0; i <= ReleaseOrder.KEPT; i++) {
      ReleaseOrder.told(run, "in-" + i);
    }
    run.interestMessageId = "in-" + ReleaseOrder.KEPT;
    assertThat(run.inboundIds).hasSize(ReleaseOrder.KEPT).doesNotContain("in-0");
    assertThat(run.inboundIdsWhole).isFalse();
    assertThat(ReleaseOrder.interestAfter(run, "in-1")).isTrue();
    assertThat(ReleaseOrder.interestAfter(run, "in-0"))
        .as("dropped, or not told yet: unknown")
        .isNull();
    run.interestMessageId = "in-0";
    assertThat(ReleaseOrder.interestAfter(run, "in-1"))
        .as("an interest dropped came before every message kept")
        .isFalse();
  }

  /**
   * State carried across continue-as-new by a run before the ids were kept decodes with none and
   * not whole: a seen message it lacks may be one told before, so the clocks decide.
   */
  @Test
  void stateCarriedFromBeforeTheIdsDecodesAsNotWhole() {
    var converter = DataConverters.dataConverter();
    String old = "{\"leadId\":\"L-1\",\"campaignId\":\"c\",\"stage\":\"HANDED_OFF\"}";
    LeadRun run =
        converter.fromPayload(
            Payload.newBuilder()
                .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
                .setData(ByteString.copyFromUtf8(old))
                .build(),
            LeadRun.class,
            LeadRun.class);
    assertThat(run.inboundIds).isEmpty();
    assertThat(run.inboundIdsWhole).isFalse();

    ReleaseOrder.told(run, "in-9");
    run.interestMessageId = "in-9";
    assertThat(ReleaseOrder.interestAfter(run, "in-1")).isNull();
  }
}
