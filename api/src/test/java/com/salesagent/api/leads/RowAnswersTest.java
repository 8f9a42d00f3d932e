package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A refused row's echoed columns are capped in code points, never cut through an emoji. */
class RowAnswersTest {
  private static final String EMOJI = new String(Character.toChars(0x1F600));

  @SuppressWarnings("unchecked")
  private static Map<String, String> echoed(String value) {
    Map<String, Object> answer = RowAnswers.withColumns(new HashMap<>(), Map.of("notes", value));
    return (Map<String, String>) answer.get("columns");
  }

  @Test
  void aValueOf4000EmojiIsEchoedWhole() {
    assertThat(echoed(EMOJI.repeat(4000))).containsEntry("notes", EMOJI.repeat(4000));
  }

  @Test
  void aLongerValueIsCutBetweenEmoji() {
    assertThat(echoed("a" + EMOJI.repeat(4100))).containsEntry("notes", "a" + EMOJI.repeat(3999));
  }
}
