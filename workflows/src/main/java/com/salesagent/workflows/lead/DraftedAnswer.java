package com.salesagent.workflows.lead;

import java.util.List;

/**
 * A drafted answer, stored under {@code draftId} (the text stays in MongoDB: it may name the lead).
 * {@code grounded}: a knowledge entry matches the reply closely enough ({@code score}, the best
 * cosine similarity) to answer from it; otherwise the draft holds "no grounded answer" and a person
 * writes one. {@code entryIds}: the entries the draft cites. {@code autoSendKey}: the segment
 * allows sending drafts this good without a person, and the draft is stored in {@code messages}
 * under this key to go out (null: held for a person, the default). {@code withheld}: why no draft
 * was made at all (the number said stop: no sales draft), or null; a result recorded before it
 * existed reads null.
 */
public record DraftedAnswer(
    String draftId,
    boolean grounded,
    double score,
    List<String> entryIds,
    String composer,
    String autoSendKey,
    String withheld) {
  public DraftedAnswer(
      String draftId, boolean grounded, double score, List<String> entryIds, String composer) {
    this(draftId, grounded, score, entryIds, composer, null, null);
  }

  public DraftedAnswer(
      String draftId,
      boolean grounded,
      double score,
      List<String> entryIds,
      String composer,
      String autoSendKey) {
    this(draftId, grounded, score, entryIds, composer, autoSendKey, null);
  }

  /**
   * What the timeline says of it: withheld and why, the entries it cites, or no grounded answer.
   */
  public String timelineDetail() {
    if (withheld != null) {
      return "no draft: " + withheld;
    }
    return grounded
        ? "from " + String.join(", ", entryIds)
        : "no grounded answer: a person writes it";
  }
}
