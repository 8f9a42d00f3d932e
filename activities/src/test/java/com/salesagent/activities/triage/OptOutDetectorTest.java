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
        "STOPP",
        // Polite and plural forms, and the phrase inside a sentence (as the README promises).
        "No me escriban más",
        "Por favor no me escriba más",
        "Dejen de escribirme, gracias",
        "No quiero recibir más mensajes",
        "Bitte keine Nachrichten mehr",
        "Bitte nicht mehr kontaktieren",
        "Por favor, não me mandem mais mensagens",
        "Parem de me enviar mensagens",
        "Me tire dessa lista",
        "Merci de ne plus me contacter",
        "Arrêtez de m'écrire",
        "Je ne veux plus recevoir de messages"
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
        "Ich habe keine Fragen mehr, wann können wir starten?",
        "Não tenho mais dúvidas, vamos fechar",
        "Je ne veux plus attendre, appelez-moi",
        "",
        "👍"
      })
  void ordinaryRepliesAreNotOptOuts(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }
}
