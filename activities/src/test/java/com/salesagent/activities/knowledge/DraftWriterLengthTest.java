package com.salesagent.activities.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A provider's answer longer than a draft may be was cut at its 1,000th UTF-16 unit: mid-word, and
 * with half of an emoji that straddled the cut, the text a rep (or a segment's auto-send) sent.
 */
class DraftWriterLengthTest {
  private static final String SENTENCE =
      "Our plans are priced per active lead each month, and the first campaign is free. ";

  @Test
  void aLongAnswerKeepsItsWholeSentencesAndNoHalfOfAnEmoji() {
    StringBuilder text = new StringBuilder();
    while (text.length() < 990) {
      text.append(SENTENCE);
    }
    // An emoji across character 1,000 and words beyond it.
    text.setLength(999);
    text.append("\uD83D\uDE80 and then a few more words that run past the limit.");

    String kept = DraftWriter.atMost(text.toString(), DraftWriter.MAX_CHARS);

    assertThat(kept.length()).isLessThanOrEqualTo(DraftWriter.MAX_CHARS);
    assertThat(kept.chars().noneMatch(c -> Character.isSurrogate((char) c))).isTrue();
    assertThat(kept).isEqualTo(SENTENCE.repeat(999 / SENTENCE.length()).strip());
  }

  @Test
  void aLongAnswerWithoutASentenceEndKeepsItsWholeWords() {
    String text = "word ".repeat(199) + "\uD83D\uDE80\uD83D\uDE80\uD83D\uDE80 tail";

    String kept = DraftWriter.atMost(text, DraftWriter.MAX_CHARS);

    assertThat(kept.length()).isLessThanOrEqualTo(DraftWriter.MAX_CHARS);
    assertThat(kept.chars().noneMatch(c -> Character.isSurrogate((char) c))).isTrue();
    assertThat(kept).endsWith("word");
  }

  @Test
  void anAnswerWithinTheLimitIsKeptAsWritten() {
    assertThat(DraftWriter.atMost(SENTENCE.strip(), DraftWriter.MAX_CHARS))
        .isEqualTo(SENTENCE.strip());
  }
}
