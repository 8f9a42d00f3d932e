package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.temporal.DataConverters;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The carried state survives the data converter whole: continue-as-new forgets nothing. */
class LeadRunTest {
  @Test
  void everyFieldSurvivesTheDataConverter() {
    LeadRun run = new LeadRun();
    run.leadId = "L-1";
    run.campaignId = "c";
    run.segment = "smb";
    run.variantId = "v-1";
    run.timezone = "America/Sao_Paulo";
    run.stage = Stage.SNOOZED;
    run.nextAction = "resume_sequence";
    run.nextActionAt = Instant.parse("2026-12-30T10:00:00Z");
    run.followUpsSent = 1;
    run.sendAttempts = 3;
    run.rateLimitRetries = 2;
    run.marketingLimitRetries = 1;
    run.senderChecks = 4;
    run.paused = true;
    run.lastInboundAt = Instant.parse("2026-11-30T10:00:00Z");
    run.snoozeUntil = Instant.parse("2026-12-30T10:00:00Z");
    run.messages.add(
        new MessageView(
            0,
            "wamid.1",
            "template",
            "v-1",
            Instant.parse("2026-11-30T09:00:00Z"),
            null,
            null,
            null,
            null));
    run.earlyStatuses.put(
        "wamid.2",
        List.of(
            new MessageStatusSignal(
                "wamid.2", "read", Instant.parse("2026-11-30T09:01:00Z"), null, "k")));
    run.disabledVariants.add("v-1");
    run.pendingApproval = "k-9";
    run.pendingIsTemplate = true;
    run.approvalDecision = new ApprovalDecision("k-9", "approve", "maria");
    run.unknownSend =
        new LeadRun.UnknownSend("k-8", 1, true, false, Instant.parse("2026-11-30T09:02:00Z"));
    run.deliveryDecision =
        new DeliveryDecision("k-8", "resend", "ops", Instant.parse("2026-11-30T09:20:00.123Z"));
    run.deliveryHeldAt = Instant.parse("2026-11-30T09:20:00.123Z");
    run.changes = 7;
    run.readLook = new LeadRun.ReadLook("wamid.1", Instant.parse("2026-12-01T09:00:00Z"));
    run.interestMessageId = "in-1";
    run.inboundIds.addAll(List.of("in-1", "in-2"));
    run.inboundIdsWhole = true;

    var converter = DataConverters.dataConverter();
    LeadInput back =
        converter.fromPayload(
            converter.toPayload(new LeadInput("L-1", "c", null, run)).orElseThrow(),
            LeadInput.class,
            LeadInput.class);

    assertThat(back.run()).usingRecursiveComparison().isEqualTo(run);
  }

  /**
   * A composition scheduled by a run before version 1 of reads-looked-up (in flight while the
   * workers are replaced) carries no readsLookedUp: it decodes as false, so its message's reads are
   * still signalled.
   */
  @Test
  void aCompositionAskedBeforeReadsWereLookedUpDecodesAsSignalled() {
    var converter = DataConverters.dataConverter();
    String old =
        "{\"leadId\":\"L-1\",\"campaignId\":\"c\",\"variantId\":\"v-1\",\"step\":0,"
            + "\"purpose\":\"first_contact\",\"idempotencyKey\":\"lead-L-1-send-1\","
            + "\"attempt\":0,\"template\":true}";
    ComposeRequest back =
        converter.fromPayload(
            io.temporal.api.common.v1.Payload.newBuilder()
                .putMetadata("encoding", com.google.protobuf.ByteString.copyFromUtf8("json/plain"))
                .setData(com.google.protobuf.ByteString.copyFromUtf8(old))
                .build(),
            ComposeRequest.class,
            ComposeRequest.class);

    assertThat(back.idempotencyKey()).isEqualTo("lead-L-1-send-1");
    assertThat(back.template()).isTrue();
    assertThat(back.readsLookedUp()).isFalse();
  }
}
