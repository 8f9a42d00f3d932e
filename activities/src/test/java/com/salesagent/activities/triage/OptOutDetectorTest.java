package com.salesagent.activities.triage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptOutDetectorTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "STOP",
        "stop",
        " Stop. ",
        "unsubscribe",
        "please remove me",
        "Please remove me from this list",
        "don't message me again",
        "no más",
        "No mas mensajes",
        "para",
        "darme de baja",
        "parar",
        "não quero mais",
        "arrêter",
        "désabonner",
        "STOPP"
      })
  void optOutsInSeveralLanguagesAreRecognised(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Sounds interesting, tell me more",
        "Can you send me pricing?",
        "Not now, maybe next quarter",
        "We can't stop growing, let's talk",
        "Paraguay office is interested",
        "",
        "👍"
      })
  void ordinaryRepliesAreNotOptOuts(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }
}
