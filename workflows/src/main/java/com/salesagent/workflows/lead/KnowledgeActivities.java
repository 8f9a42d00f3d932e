package com.salesagent.workflows.lead;

import io.temporal.activity.ActivityInterface;

/**
 * The agent's draft of an answer to a lead's reply, grounded in the product knowledge base ({@code
 * knowledge_base}): stored for a person to send or discard, never sent on its own. Runs on the
 * research queue (it embeds), idempotent by the reply it answers.
 */
@ActivityInterface
public interface KnowledgeActivities {
  DraftedAnswer draftAnswer(String leadId, String replyMessageId);
}
