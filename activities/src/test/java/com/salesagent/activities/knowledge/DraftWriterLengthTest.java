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

    // 995 + 3 emoji + a space are 999 code points: the emoji are a whole word within the cap.
    assertThat(kept.codePointCount(0, kept.length())).isLessThanOrEqualTo(DraftWriter.MAX_CHARS);
    assertThat(kept).endsWith("word \uD83D\uDE80\uD83D\uDE80\uD83D\uDE80");
  }

  @Test
  void anAnswerWithinTheLimitIsKeptAsWritten() {
    assertThat(DraftWriter.atMost(SENTENCE.strip(), DraftWriter.MAX_CHARS))
        .isEqualTo(SENTENCE.strip());
  }

  /**
   * The cap counts code points, as every cap here does: an answer of 935 characters, 117 of them
   * emoji (1,052 UTF-16 units), was cut to its first sentences as if it were over 1,000.
   */
  @Test
  void anAnswerOfEmojiWithinTheLimitInCodePointsIsKeptWhole() {
    String sentence = "Great news \uD83D\uDE80\uD83D\uDE80\uD83D\uDE80 we ship. "; // 24 code points
    String text = sentence.repeat(39).strip(); // 935 code points, 1,052 UTF-16 units

    assertThat(text.length()).isGreaterThan(DraftWriter.MAX_CHARS);
    assertThat(DraftWriter.atMost(text, DraftWriter.MAX_CHARS)).isEqualTo(text);
  }

  /**
   * Just over the cap in code points, all emoji: the cut keeps at most 1,000 code points, never
   * half an emoji (the old cut kept 500 emoji of 1,001 as if they were 1,000 characters).
   */
  @Test
  void anAnswerOfEmojiJustOverTheLimitKeepsAtMostTheLimitInCodePointsAndNoHalfOfOne() {
    String text = "\uD83D\uDE80".repeat(DraftWriter.MAX_CHARS + 1);

    String kept = DraftWriter.atMost(text, DraftWriter.MAX_CHARS);

    assertThat(kept.codePointCount(0, kept.length())).isEqualTo(DraftWriter.MAX_CHARS);
    assertThat(kept).isEqualTo("\uD83D\uDE80".repeat(DraftWriter.MAX_CHARS));
  }

  /** Exactly the cap in code points, all emoji (2,000 UTF-16 units): kept whole. */
  @Test
  void anAnswerOfEmojiExactlyAtTheLimitIsKeptWhole() {
    String text = "\uD83D\uDE80".repeat(DraftWriter.MAX_CHARS);

    assertThat(DraftWriter.atMost(text, DraftWriter.MAX_CHARS)).isEqualTo(text);
  }

  /** Wherever the cut falls among emoji and words, no half of a surrogate pair is left. */
  @Test
  void aCutNeverLeavesALoneSurrogate() {
    for (int pad = 0; pad < 4; pad++) {
      String text = "a".repeat(pad) + "w \uD83D\uDE80x".repeat(400);
      String kept = DraftWriter.atMost(text, DraftWriter.MAX_CHARS);
      assertThat(kept.codePointCount(0, kept.length())).isLessThanOrEqualTo(DraftWriter.MAX_CHARS);
      assertThat(
              kept.codePoints()
                  .noneMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE))
          .as("pad %d", pad)
          .isTrue();
    }
  }
}
