package com.salesagent.activities.triage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Opt-outs that a limit read too widely made replies (review 10): "don't contact me" taken as
 * limited to a time by "at any time", "after this" or a next sentence; a STOP at the end of a list
 * of complaints taken for a list's step; and REVOKE, a carrier keyword, taken as a stop in ordinary
 * talk about quotes and links.
 */
class OptOutLimitedStopsTest {
  /**
   * "Don't contact me" with no time after it in its sentence: "any time", "this number", "after
   * this".
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Do not contact me at any time",
        "Please do not contact me at any time in the future.",
        "Don't contact me at any time, I'm not interested",
        "Do not text me at any point, I'm not interested",
        "Don't contact me at any of my numbers",
        "Do not contact me at this or any other number",
        "Do not contact me at this email or this phone",
        "Don't message me at my work number or any other number",
        "Don't text me at whatsapp anymore",
        "Don't email me at any address",
        "Don't text me at work or at home. Not interested",
        "Please don't contact me after this message",
        "Don't text me after this.",
        "Don't contact me after today. Not interested",
        "don't contact me when you have new offers, I'm not interested",
        "Don't message me until I message you. Which will be never.",
        "Don't text me. At this point it's harassment",
        "Do not contact me. After this message I'm blocking you.",
        "Don't text me. At night or any other time."
      })
  void dontContactMeWithNoTimeAfterItIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** "Don't text me" limited to a time right after it, in its sentence: a reply. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Don't text me after 6pm",
        "Please don't message me before 9am",
        "Don't text me on weekends",
        "Don't text me during work hours",
        "Don't text me while I'm driving",
        "Don't text me between 12 and 2"
      })
  void dontTextMeLimitedToATimeIsAReply(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * A stop as the last line of a list, or a list with two stops: complaints or answers, not steps.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "1. This is the third message this week\n2. I don't want your product\n3. STOP",
        "• Who are you\n• Where did you get my number\n• Why do you keep texting\n• STOP",
        "Reasons I'm not buying:\n1. Too expensive\n2. Already have a supplier\n3. Stop",
        "1. Nope\n2. Not now\n3. STOP\n4. STOP",
        "1. Yes\n2. No\n3. Stop",
        "1. Keine Zeit\n2. Kein Bedarf\n3. Stopp",
        "1. Pricing\n2. Demo\n3. STOP",
        "1. nope\n2. nope\n3. STOP\n\nThanks"
      })
  void aStopEndingAListIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** A stop between steps of a list is one of its steps. */
  @ParameterizedTest
  @ValueSource(
      strings = {"1. Start the engine\n2. Stop\n3. Check the oil", "1. Go\n2. Stop\n3. Go"})
  void aStopBetweenStepsIsAReply(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** REVOKE alone or after a no, or consent revoked. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "REVOKE",
        "STOP REVOKE",
        "REVOKE ALL",
        "REVOKE STOP",
        "Revoke consent",
        "I revoke my consent",
        "Not interested. REVOKE",
        "No thanks. REVOKE"
      })
  void revokeAloneOrOfConsentIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** "Revoke" in talk about a quote or a flow, or consent not revoked. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "I don't revoke my consent",
        "Please revoke. The old quote had the wrong VAT",
        "Revoke, revise, resend - that's our approval flow",
        "Revoke? No, keep the quote open"
      })
  void revokeInOrdinaryTalkIsAReply(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** Portuguese and Spanish "don't message me" alone, or with a thanks or "de vocês". */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "N\u00e3o quero receber mensagens",
        "N\u00e3o quero receber mensagens, obrigado",
        "N\u00e3o quero receber mensagens de voc\u00eas",
        "N\u00e3o quero receber mensagens. No entanto, obrigado",
        "No me escriba",
        "No me contacten, gracias"
      })
  void portugueseAndSpanishDontMessageMeIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * Portuguese "Não quero receber mensagens" limited to a time, a sender, a number or a kind;
   * Spanish "No me escriba" with a call or another contact asked for.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "N\u00e3o quero receber mensagens no fim de semana",
        "N\u00e3o quero receber mensagens de manh\u00e3",
        "N\u00e3o quero receber mensagens depois das 18h",
        "Eu n\u00e3o quero receber mensagens do suporte antigo, s\u00f3 de voc\u00eas",
        "N\u00e3o quero receber mensagens no meu n\u00famero pessoal, use o comercial",
        "N\u00e3o quero receber mensagens com PDF",
        "No me escriba, mejor ll\u00e1meme",
        "No me contacte, contacte a mi socio Juan"
      })
  void limitedPortugueseOrRedirectedSpanishIsAReply(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * A stop sentence the head window's cut falls in, right before a comma: the window reaches to the
   * sentence's end ("No thanks. STOP, not interested." at index 585 of a 3,218-character message).
   */
  @Test
  void aStopTheHeadCutFallsInBeforeACommaIsAnOptOut() {
    String filler =
        "We reviewed the proposal with the team and will get back to you soon. ".repeat(60);
    String stop = "No thanks. STOP, not interested.";
    String text = (filler.substring(0, 583) + ". " + stop + " " + filler).substring(0, 3218);

    assertThat(text.indexOf(stop)).isEqualTo(585);
    assertThat(OptOutDetector.isOptOut(text)).isTrue();
  }
}
