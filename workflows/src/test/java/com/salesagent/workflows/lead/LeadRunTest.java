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
    run.deliveryDecision = new DeliveryDecision("k-8", "resend", "ops");
    run.changes = 7;

    var converter = DataConverters.dataConverter();
    LeadInput back =
        converter.fromPayload(
            converter.toPayload(new LeadInput("L-1", "c", null, run)).orElseThrow(),
            LeadInput.class,
            LeadInput.class);

    assertThat(back.run()).usingRecursiveComparison().isEqualTo(run);
  }
}
