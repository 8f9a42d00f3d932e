package com.salesagent.workflows.lead;

import io.temporal.activity.ActivityInterface;

/** The lead's record in MongoDB: profile, variant, policy, stage and timeline. */
@ActivityInterface
public interface LeadActivities {
  /** Builds the persona (personas) and returns the segment, time zone and locale. */
  LeadProfile profile(String leadId);

  /** Assigns a prompt variant, sticky per lead: a retry returns the same one. */
  VariantAssignment assignVariant(String leadId, String segment);

  /**
   * Once research is done: its topics join the persona, the lead is matched to a segment again
   * (stored when not {@code segment}), and a variant is assigned in that segment, which the answer
   * names. Sticky as {@link #assignVariant}: a retry answers the same variant and segment.
   */
  VariantAssignment matchAndAssign(String leadId, String segment);

  /** Drops the lead's (disabled) variant and assigns another enabled one. */
  VariantAssignment reassignVariant(String leadId, String segment);

  LeadPolicy policy(String leadId, String segment);

  /**
   * The segment the lead's persona matches now (an operator's segment, else its company-size band),
   * stored on the contact and persona when it is not {@code current}.
   */
  String matchSegment(String leadId, String current);

  void record(LeadEvent event);

  /** Marks a message pending review, or records the decision on it. */
  void recordApproval(ApprovalRecord approval);

  /**
   * The workflow's one look at its message {@code wamid} (see {@link ReadReceipts}): its read as
   * MongoDB has it (a "read" status with its time), or null while it is unread (or not the lead's);
   * in the same atomic write the message is marked for a later read to be signalled.
   */
  MessageStatusSignal readReceipt(String leadId, String wamid);
}
