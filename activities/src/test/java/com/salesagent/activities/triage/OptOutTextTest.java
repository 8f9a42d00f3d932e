package com.salesagent.activities.triage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptOutTextTest {
  /** Look-alike letters read as the Latin ones they show. */
  @Test
  void lookAlikesReadAsLatinLetters() {
    // small capitals, negative squared letters, Cyrillic Te O Er after a Latin S
    assertThat(OptOutText.readable("\uA731\u1D1B\u1D0F\u1D18")).isEqualTo("stop");
    assertThat(OptOutText.readable("\uD83C\uDD82\uD83C\uDD83\uD83C\uDD7E\uD83C\uDD7F"))
        .isEqualTo("STOP");
    assertThat(OptOutText.readable("S\u0422\u041e\u0420 now")).isEqualTo("STOP now");
    // all Cyrillic (Macedonian Dze), spelling a word that means stop
    assertThat(OptOutText.readable("\u0405\u0422\u041e\u0420")).isEqualTo("STOP");
  }

  /** A word that means stop with a letter stretched reads as it; any other word as written. */
  @Test
  void aStretchedStopWordReadsAsTheWord() {
    assertThat(OptOutText.readable("STOOOP")).isEqualTo("STOP");
    assertThat(OptOutText.readable("stopppp now")).isEqualTo("stop now");
    assertThat(OptOutText.readable("unsubscribeee")).isEqualTo("unsubscribe");
    assertThat(OptOutText.readable("Soooo good, stoop")).isEqualTo("Soooo good, stoop");
  }

  /**
   * Russian and Greek read as written, even words each of whose letters looks like a Latin one
   * ("\u043d\u0435" as "he", "\u043e\u043d" as "oh"): read as Latin, Russian phrases such as
   * "\u043d\u0435 \u043f\u0438\u0448\u0438\u0442\u0435 \u043c\u043d\u0435" were missed.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u041e\u043d \u0441\u0435\u0439\u0447\u0430\u0441 \u043d\u0430 \u0432\u0441\u0442\u0440"
            + "\u0435\u0447\u0435",
        "\u043d\u0435 \u043f\u0438\u0448\u0438\u0442\u0435 \u043c\u043d\u0435",
        "\u0421\u0442\u043e\u043f, \u044f \u043f\u0435\u0440\u0435\u043f\u0443\u0442\u0430\u043b",
        "\u0421\u041e\u0420 \u0438 \u0422\u041e\u0420",
        "\u03a4\u039f \u03a0\u03a1\u039f\u03aa\u039f\u039d \u03a3\u0391\u03a3",
        "\u9000\u8ba2"
      })
  void otherScriptsReadAsWritten(String text) {
    assertThat(OptOutText.readable(text)).isEqualTo(text);
  }
}
