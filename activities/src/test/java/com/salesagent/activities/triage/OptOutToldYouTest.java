package com.salesagent.activities.triage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "I told you to stop" read as one rule ({@link OptOutToldYou}): a told, said or asked verb in the
 * past, in English, Spanish, Portuguese, German or French, with or without its subject, with
 * contractions and informal spellings, then closely a word or verb that means stop. Each of the
 * stops below but a few was read as a reply, and we kept writing to someone who had said stop more
 * than once.
 */
class OptOutToldYouTest {
  /**
   * The review's texts: told to stop, said again, with no subject, informally, in five languages.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "I've told you to stop multiple times",
        "Told you to stop",
        "told u to stop!!",
        "I already told you to stop messaging me",
        "J'ai dit stop",
        "Je vous ai dit stop",
        "Já falei pra parar de mandar mensagem",
        "Ja falei para parar",
        "Ya te dije que pares",
        "Te he dicho que dejes de escribirme",
        "Hab doch gesagt, stopp"
      })
  void toldYouToStopAsTheReviewFoundItIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** The same rule, not a list of sentences: other forms of it are stops too. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Told ya to stop already",
        "I said STOP multiple times",
        "I've asked you to stop 3 times now",
        "I told you not to text me again",
        "Te dije stop",
        "Je t'ai déjà dit stop!",
        "Jai dit stop",
        "Hab ich doch gesagt, hör auf",
        "Já falei pra parar de mandar mensagem, vou denunciar",
        "Ya te he dicho mil veces que no me escribas más"
      })
  void otherFormsOfToldYouToStopAreOptOuts(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * Replies near them stay replies. "Stop by" with a time or a place is a visit, never an opt-out:
   * "I told you to stop by on Tuesday" and "I said stop by the office" are invitations, and the
   * "by" after "stop" tells them from "I told you to stop". Nothing to stop ("Told you the price
   * was too high"), someone else told or telling, or told to stop something else, are replies too.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "I told you to stop by on Tuesday",
        "Told you the price was too high",
        "I said stop by the office",
        "Told you so",
        "He told you to stop",
        "You told me to stop",
        "I was told to stop",
        "I told you to stop worrying about the price",
        "Já falei pra parar de mandar mensagem pro meu irmão"
      })
  void repliesNearToldYouToStopStayReplies(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }
}
