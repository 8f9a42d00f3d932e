package com.salesagent.activities.triage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The review of the told-you rule ({@link OptOutToldYou}): replies it read as stops, and stops it
 * still missed. A false stop suppresses an interested lead's number for good; a missed one writes
 * again to someone who said stop more than once.
 */
class OptOutToldYouReviewTest {
  /**
   * Portuguese "parar de mandar mensagem" with no "me", inside a longer message: a channel, a time,
   * a kind of message or someone else, not this number ("prefiro texto", "me manda no privado").
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Já falei pra parar de mandar mensagem de áudio, prefiro texto",
        "Pedi pra parar de mandar mensagens em grupo, me manda no privado",
        "Já pedi pra parar de mandar mensagem depois das 22h",
        "Eu pedi pra parar de mandar mensagem pelo WhatsApp, me manda email",
        "Pedi pra parar de mandar mensagem e me ligar",
        "Pedi pra parar de mandar mensagem pros meus clientes",
        "Pedi pra parar de mandar mensagens de cobrança, já paguei",
        "Falei pra parar de mandar msg sobre o plano básico, quero o premium",
        "Falei pra parar de mandar mensagem em inglês",
        "Pedi pra parar de mandar mensagem com link",
        "Pedi pra parar de mandar mensagem tão cedo"
      })
  void aPortugueseMessagePreferenceIsAReply(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * Wider than the rules it wraps: "not to call me" ("Don't call me" is a reply), "lol" after it,
   * Portuguese "que para" (it stops there) and "que chega" (it arrives), a German question, a
   * French participle, Spanish "se lo dije" (told someone else).
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "I asked you not to call me",
        "I said not to call me",
        "I told you not to call me",
        "I said stop lol",
        "I told you to stop lol",
        "Eu disse que para",
        "Falei que para",
        "Já disse que para",
        "Já te falei que chega",
        "Eu falei que chega",
        "Sagten Sie Stopp?",
        "Sagten Sie Schluss?",
        "J'ai dit arrêté",
        "Ya se lo dije, que pare",
        "Se lo dije que pare"
      })
  void aReplyNearToldYouToStopStaysAReply(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * Told to stop with an insult or a go away after it, informal spellings ("q", "t", "toldyou"),
   * and forms of the rule it lacked.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "I told you to stop, idiot",
        "I told you to stop you moron",
        "I told you to f*cking stop",
        "I told you to stop. Go away",
        "I said STOP. Are you deaf?",
        "I toldyou to stop",
        "te dije q pares",
        "ya t dije que pares",
        "Te dije que PARES idiota",
        "Ya te dije que pares, pesado",
        "Te dije que pararas de escribirme",
        "já falei pra parar, chato",
        "Ja disse q nao quero, para de mandar msg",
        "Oi, já falei pra parar com isso",
        "Hab ich dir nicht gesagt du sollst aufhören?",
        "Ich hab gesagt STOPP, verdammt",
        "Ich hab gesagt nein, hören Sie auf",
        "Je t'ai dit d'arrêter connard",
        "Jvous ai dit d'arrêter bordel",
        "Je vous ai déjà dit que je ne voulais plus de messages"
      })
  void toldToStopWithAnInsultOrInformallyIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** What still stops once the rule is narrower. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Já falei pra parar de mandar mensagem",
        "Ja te falei p parar de mandar msg",
        "Já falei pra parar de mandar mensagem caralho",
        "Já falei: PARA",
        "ja falei pra para",
        "Falei pra parar porra",
        "Eu disse pra parar de me mandar o boleto, já paguei",
        "Sagte ich doch, stopp",
        "Ich sagte Stopp",
        "J'ai dit arrête",
        "J'ai dit STOP!!!",
        "Le dije que pare",
        "I told you to stop 😂",
        "I told you to quit"
      })
  void toldToStopStaysAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }
}
