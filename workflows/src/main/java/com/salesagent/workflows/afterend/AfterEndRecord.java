package com.salesagent.workflows.afterend;

import java.time.Instant;

/**
 * What became of a person's message to an ended lead, for its timeline: {@code type} is {@link
 * #SENT} ({@code wamid}), {@link #FAILED} or {@link #UNKNOWN}; or of the agent's draft answer to a
 * message from one ({@code answer_drafted}, {@code answer_draft_failed}). {@code detail} says who
 * and why; {@code queuedAt} is the person's message's (null for a draft).
 */
public record AfterEndRecord(
    String leadId, String campaignId, String type, String wamid, String detail, Instant queuedAt) {
  /** The timeline types a live lead's run records for the same outcomes. */
  public static final String SENT = "owner_replied";

  public static final String FAILED = "owner_reply_failed";

  /** Its fate stayed unknown (a lost answer no status webhook reconciled): never resent blindly. */
  public static final String UNKNOWN = "owner_reply_unknown";
}
