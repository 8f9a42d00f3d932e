package com.salesagent.activities.triage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A list option that means stop, chosen alone ({@link OptOutLists#isChosenStopOption}), written as
 * people write a chosen option: with no mark after the number, with "#", named "Option" in its
 * language, or as a keycap emoji. Each was read as a reply while "3. Quit" was a stop.
 */
class OptOutChosenOptionTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "3 Stop",
        "#3 Quit",
        "Option 3: Quit",
        "Opción 3: Salir",
        "opção 3 - sair",
        "3\uFE0F\u20E3 Quit",
        "3\u20E3 Quit",
        "No. 2 Stop",
        "*3* Quit",
        "[3] Stop",
        "3:Quit",
        "3-Sair",
        "3\uFE0F\u20E3Quit",
        "Option C: Quit",
        "C - Quit"
      })
  void aStopOptionChosenAsPeopleWriteItIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * A bare number then English "quit" or "cancel", the whole message: a stop. It could be a count
   * ("how many quit?" "2 quit"), but a lead's message is rarely only that, and a missed stop costs
   * more than a false one (the review's F2 weighed it the other way; the lead's call).
   */
  @ParameterizedTest
  @ValueSource(strings = {"3 Quit", "2 quit", "1 quit", "2 Cancel", "3 quit please"})
  void aBareNumberThenQuitOrCancelIsAStop(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** An option that says more than stop, or a number in a sentence, stays a reply. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "3 quotes please",
        "Option 3: the premium plan",
        "Option 3",
        "3 stores in Lisbon",
        "#1 priority is the price",
        "Salir",
        "Salir a comer?",
        "3 Salir"
      })
  void anOptionThatSaysMoreIsAReply(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * A bare number then a word that also means something else, with no mark, "#", "Option" or
   * keycap, and no list sent: Spanish and Portuguese "para" (for), Spanish "baja" (low). Only a
   * word that means nothing but stop ("3 Stop"), or English "quit" or "cancel", is an option.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "3 para",
        "1 baja",
        "No. 5 para",
        "1 basta",
        "2 pare",
        "1 sair",
        "No 1 spam",
        "No. 1 End",
        "a stop",
        "3quit"
      })
  void aBareNumberAndAWordThatAlsoMeansSomethingElseIsAReply(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }
}
