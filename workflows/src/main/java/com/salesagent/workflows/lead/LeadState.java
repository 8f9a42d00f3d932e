package com.salesagent.workflows.lead;

import java.time.Instant;
import java.util.List;

/**
 * The answer to the {@code state} query (and what runs of the frozen first version carried over a
 * continue-as-new). No personal data: ids, stages, times. {@code deliveryUnknown}: the key of a
 * send whose fate is being reconciled or awaits an operator's decision. {@code ended}: in a run's
 * result only (never in the query's answer), the whole state of the run that ended, so a lead who
 * writes again after the end gets a new run that goes on from it ({@link LeadReopening}).
 */
public record LeadState(
    String leadId,
    Stage stage,
    String segment,
    String variantId,
    String nextAction,
    Instant nextActionAt,
    int followUpsSent,
    int sendAttempts,
    boolean paused,
    Instant lastInboundAt,
    String outcomeReason,
    List<MessageView> messages,
    String pendingApproval,
    String deliveryUnknown,
    LeadRun ended) {
  public LeadState(
      String leadId,
      Stage stage,
      String segment,
      String variantId,
      String nextAction,
      Instant nextActionAt,
      int followUpsSent,
      int sendAttempts,
      boolean paused,
      Instant lastInboundAt,
      String outcomeReason,
      List<MessageView> messages,
      String pendingApproval,
      String deliveryUnknown) {
    this(
        leadId,
        stage,
        segment,
        variantId,
        nextAction,
        nextActionAt,
        followUpsSent,
        sendAttempts,
        paused,
        lastInboundAt,
        outcomeReason,
        messages,
        pendingApproval,
        deliveryUnknown,
        null);
  }

  public LeadState(
      String leadId,
      Stage stage,
      String segment,
      String variantId,
      String nextAction,
      Instant nextActionAt,
      int followUpsSent,
      int sendAttempts,
      boolean paused,
      Instant lastInboundAt,
      String outcomeReason,
      List<MessageView> messages,
      String pendingApproval) {
    this(
        leadId,
        stage,
        segment,
        variantId,
        nextAction,
        nextActionAt,
        followUpsSent,
        sendAttempts,
        paused,
        lastInboundAt,
        outcomeReason,
        messages,
        pendingApproval,
        null);
  }
}
