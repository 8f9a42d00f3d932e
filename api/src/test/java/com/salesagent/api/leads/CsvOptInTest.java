package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A CSV opt-in cell that is neither yes nor no is quoted in its error, never half an emoji. */
class CsvOptInTest {
  private static final String EMOJI = new String(Character.toChars(0x1F600));

  @Test
  void aLongCellIsQuotedCutBetweenEmoji() {
    assertThat(CsvOptIn.error("a" + EMOJI.repeat(50)).message())
        .startsWith("\"a" + EMOJI.repeat(39) + "...\" is neither yes nor no");
  }

  @Test
  void aCellOf40EmojiIsQuotedWhole() {
    assertThat(CsvOptIn.error(EMOJI.repeat(40)).message())
        .startsWith("\"" + EMOJI.repeat(40) + "\" is neither yes nor no");
  }
}
