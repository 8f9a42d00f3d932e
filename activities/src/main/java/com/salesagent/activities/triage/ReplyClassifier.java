package com.salesagent.activities.triage;

import java.time.LocalDate;

/**
 * Reads one inbound reply. {@code optedOut} is the deterministic keyword backstop's verdict: when
 * it is true the answer is an opt-out whatever the classifier thinks.
 */
@FunctionalInterface
public interface ReplyClassifier {
  Triage classify(String text, boolean optedOut, LocalDate today);

  /** The offline classifier. */
  ReplyClassifier LEXICON = LexiconClassifier::classify;
}
