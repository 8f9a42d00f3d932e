package com.salesagent.activities.compose;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A quoted fact's cap ({@link UntrustedText#MAX_FACT}) counts code points, as every other cap of
 * the service does: an emoji is one character, and a cut never leaves half of one.
 */
class UntrustedTextTest {
  private static boolean halfAnEmoji(String s) {
    return s.codePoints()
        .anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE);
  }

  @Test
  void aFactOfEmojiWithinTheCapIsKeptWhole() {
    String fact = "They celebrated twelve new stores " + "🎉".repeat(100);
    // 134 code points, 234 UTF-16 chars.
    assertThat(UntrustedText.clean(fact)).isEqualTo(fact);
  }

  @Test
  void aCutWithoutASpaceNeverLeavesHalfAnEmoji() {
    String cleaned = UntrustedText.clean("a" + "🎉".repeat(200));

    assertThat(halfAnEmoji(cleaned)).isFalse();
    assertThat(cleaned).isEqualTo("a" + "🎉".repeat(159));
    assertThat(UntrustedText.length(cleaned)).isEqualTo(UntrustedText.MAX_FACT);
  }

  @Test
  void aCutAtAWordCountsCodePoints() {
    String cleaned = UntrustedText.clean("🎉 ".repeat(100).strip());

    assertThat(cleaned).isEqualTo("🎉 ".repeat(80).strip());
    assertThat(halfAnEmoji(cleaned)).isFalse();
  }

  @Test
  void plainTextIsCutAsBefore() {
    String words = "word ".repeat(40).strip(); // 199 chars
    assertThat(UntrustedText.clean(words)).isEqualTo("word ".repeat(32).strip());
    assertThat(UntrustedText.clean("x".repeat(200))).isEqualTo("x".repeat(160));
  }
}
