package com.salesagent.workflows.lead;

import java.time.Duration;

/**
 * The follow-up policy of the lead's segment (workflow_definitions) and the sending rules of its
 * campaign (agent_configurations). Quiet hours are local times ("20:00") in the lead's time zone. A
 * message held by the quality gate waits {@code approvalSla} for a reviewer, then {@code
 * approvalDefault} (approve or reject) applies. A send whose fate is unknown waits {@code
 * unknownSendWindow} for a status webhook to resolve it, then {@code unknownSendPolicy} applies:
 * {@code hold} (an operator decides) or {@code resend}.
 */
public record LeadPolicy(
    Duration readNoReplyDelay,
    Duration unreadDelay,
    int maxFollowUps,
    String quietHoursStart,
    String quietHoursEnd,
    Duration customerServiceWindow,
    Duration rateLimitBackoff,
    int maxRateLimitRetries,
    Duration approvalSla,
    String approvalDefault,
    Duration unknownSendWindow,
    String unknownSendPolicy,
    Duration reEngageAfter,
    Integer maxReEngagements,
    Duration handOffSla) {
  public static final String HOLD = "hold";

  /** An interested lead not converted this long after its reply (or the last re-engagement). */
  public static final Duration DEFAULT_RE_ENGAGE_AFTER = Duration.ofDays(3);

  /** A sales rep's time to act on a lead handed to them, in their working hours. */
  public static final Duration DEFAULT_HAND_OFF_SLA = Duration.ofHours(2);

  public LeadPolicy(
      Duration readNoReplyDelay,
      Duration unreadDelay,
      int maxFollowUps,
      String quietHoursStart,
      String quietHoursEnd,
      Duration customerServiceWindow,
      Duration rateLimitBackoff,
      int maxRateLimitRetries,
      Duration approvalSla,
      String approvalDefault,
      Duration unknownSendWindow,
      String unknownSendPolicy,
      Duration reEngageAfter,
      Integer maxReEngagements) {
    this(
        readNoReplyDelay,
        unreadDelay,
        maxFollowUps,
        quietHoursStart,
        quietHoursEnd,
        customerServiceWindow,
        rateLimitBackoff,
        maxRateLimitRetries,
        approvalSla,
        approvalDefault,
        unknownSendWindow,
        unknownSendPolicy,
        reEngageAfter,
        maxReEngagements,
        DEFAULT_HAND_OFF_SLA);
  }

  public LeadPolicy(
      Duration readNoReplyDelay,
      Duration unreadDelay,
      int maxFollowUps,
      String quietHoursStart,
      String quietHoursEnd,
      Duration customerServiceWindow,
      Duration rateLimitBackoff,
      int maxRateLimitRetries,
      Duration approvalSla,
      String approvalDefault,
      Duration unknownSendWindow,
      String unknownSendPolicy) {
    this(
        readNoReplyDelay,
        unreadDelay,
        maxFollowUps,
        quietHoursStart,
        quietHoursEnd,
        customerServiceWindow,
        rateLimitBackoff,
        maxRateLimitRetries,
        approvalSla,
        approvalDefault,
        unknownSendWindow,
        unknownSendPolicy,
        DEFAULT_RE_ENGAGE_AFTER,
        1);
  }

  public static final String RESEND = "resend";

  public LeadPolicy(
      Duration readNoReplyDelay,
      Duration unreadDelay,
      int maxFollowUps,
      String quietHoursStart,
      String quietHoursEnd,
      Duration customerServiceWindow,
      Duration rateLimitBackoff,
      int maxRateLimitRetries,
      Duration approvalSla,
      String approvalDefault) {
    this(
        readNoReplyDelay,
        unreadDelay,
        maxFollowUps,
        quietHoursStart,
        quietHoursEnd,
        customerServiceWindow,
        rateLimitBackoff,
        maxRateLimitRetries,
        approvalSla,
        approvalDefault,
        Duration.ofMinutes(15),
        HOLD);
  }

  /** The window, with a default for policies recorded before it existed. */
  public Duration reconciliationWindow() {
    return unknownSendWindow == null ? Duration.ofMinutes(15) : unknownSendWindow;
  }

  /** How long an interested lead waits before a re-engagement (defaulted for older policies). */
  public Duration reEngagementDelay() {
    return reEngageAfter == null ? DEFAULT_RE_ENGAGE_AFTER : reEngageAfter;
  }

  /** Re-engagements before an interested lead that does not convert is lost (default 1). */
  public int reEngagements() {
    return maxReEngagements == null ? 1 : maxReEngagements;
  }

  /** The owner's SLA (defaulted for policies recorded before it existed). */
  public Duration ownerSla() {
    return handOffSla == null ? DEFAULT_HAND_OFF_SLA : handOffSla;
  }

  public boolean resendUnknown() {
    return RESEND.equals(unknownSendPolicy);
  }
}
