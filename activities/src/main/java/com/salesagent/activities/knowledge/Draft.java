package com.salesagent.activities.knowledge;

import java.util.List;

/**
 * A draft's identity and content before it is stored ({@link StoredDrafts}); {@code text}: the
 * offline answer, or null (no grounded answer); {@code words}: what the entry it answers from
 * shares with the reply, in a language the model does not cover; {@code objection}: the reply's
 * objection subtype it answers; {@code answers}: the lead messages it answers, oldest first, ending
 * with its own ({@code replyMessageId} alone when none are given).
 */
record Draft(
    String draftId,
    String leadId,
    String replyMessageId,
    String stage,
    String text,
    double score,
    LeadContext context,
    SharedWords.Match words,
    String objection,
    List<String> answers) {
  Draft {
    answers = answers.isEmpty() ? List.of(replyMessageId) : List.copyOf(answers);
  }

  /**
   * A draft at {@code stage} (null: none) of the lead's messages {@code answers}, with no answer
   * yet and nothing known of the lead.
   */
  static Draft of(
      String draftId, String leadId, String replyMessageId, String stage, List<String> answers) {
    return new Draft(
        draftId, leadId, replyMessageId, stage, null, 0, LeadContext.NONE, null, null, answers);
  }

  /** The same draft knowing the lead ({@code context}) and the objection subtype it answers. */
  Draft knowing(LeadContext context, String objection) {
    return new Draft(
        draftId, leadId, replyMessageId, stage, text, score, context, words, objection, answers);
  }

  /** The same draft answered with {@code text} (null: no answer), scored {@code score}. */
  Draft answered(String text, double score, SharedWords.Match words) {
    return new Draft(
        draftId, leadId, replyMessageId, stage, text, score, context, words, objection, answers);
  }
}
