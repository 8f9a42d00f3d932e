package com.salesagent.activities.triage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stops missed and false stops of the last session's closing note: "I told you to stop" with a no
 * after it or in Spanish, Portuguese, German and French; a stop word about something being sent,
 * then what to do with it; a list option chosen alone; and the middle of a text that grows when
 * read.
 */
class OptOutReviewThirteenTest {
  /** "I told you to stop", with nothing else said but a no, thanks or a greeting. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "I asked you to stop. Not interested",
        "I already told you to stop",
        "I said stop",
        "how many times do I have to say stop",
        "How many times do I have to tell you to stop?!",
        "I've asked you twice to stop. No thanks",
        "Hi. I told you to stop, not interested"
      })
  void toldYouToStopIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** The same in Spanish, Portuguese, German and French. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Te dije que pararas",
        "Ya te dije que dejes de escribirme",
        "Ya te dije que dejes de escribirme, no me interesa",
        "Eu disse para parar",
        "Já pedi para parar de me mandar mensagens",
        "Já pedi para parar de me mandar mensagens, vou denunciar",
        "Ich habe gesagt, Sie sollen aufhören",
        "Ich hab doch gesagt hör auf",
        "Ich habe Ihnen schon gesagt, dass Sie aufhören sollen!",
        "Je vous ai dit d'arrêter",
        "Je t'ai déjà dit d'arrêter de m'écrire",
        "Je t'ai déjà dit d'arrêter de m'écrire, c'est du harcèlement"
      })
  void toldYouToStopInOtherLanguagesIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** "I told you to stop" about something else, or going on with it: no stop. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "The installer kept drilling. I told you to stop!",
        "I told you to stop by the office on Friday",
        "I asked you to stop. Wrong invoice, the other one",
        "Te dije que pararas en la gasolinera",
        "Eu disse para parar no posto antes",
        "Ich habe gesagt, Sie sollen aufhören, den Zaun zu streichen",
        "Je vous ai dit d'arrêter le chantier lundi",
        "No te dije que pararas, te dije que siguieras"
      })
  void toldYouToStopAboutSomethingElseIsAReply(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** Stop sending one thing somewhere: no stop (as before). */
  @ParameterizedTest
  @ValueSource(strings = {"stop sending the proposal to my old email"})
  void aStopAboutWhereSomethingIsSentIsAReply(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** A stop word with our messages, or anything, as what is not to be sent: a stop. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Stop, don't send me anything else",
        "Stop. Don't message me again",
        "Stop, don't send the messages anymore",
        "Stop. Don't send that again",
        "Stop, don't send it",
        "Stop, don't send the invoice yet. Unsubscribe me",
        "STOP. Don't send your stupid offers",
        "Stop, send it to me instead",
        "STOP. Don't send the brochure, I'm not interested",
        "Stop, don't send the catalogue. Who is this?",
        // The review's texts a carve-out for "Stop, don't send the invoice yet" missed as stops.
        "STOP! Don't send your pitch",
        "Stop. Don't send your catalogue",
        "STOP. Don't send your links",
        "Stop, don't send the next one",
        "Stop, don't send the follow up",
        "Stop. Don't send this shit",
        "STOP. Don't send the bot",
        "Stop. Don't send the campaign",
        "Stop it. Don't send the pitch",
        "Stop stop stop. Don't send the pitch",
        "Stop please. Don't send your pitch",
        "STOP ALL, send the refund to my card",
        "Opt out. Send the last invoice to my accountant",
        "Stopall. Forward the contract to legal",
        "STOP\nDon't send the link",
        "Stop.\nDon't send your pitch.\nThanks",
        "Stop. Don't send the quote, we went with another vendor"
      })
  void aStopWithOurMessagesAsWhatIsNotSentIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** A list's option that means stop, chosen alone: a stop. */
  @ParameterizedTest
  @ValueSource(
      strings = {"3. Quit", "3) Basta", "3 - Parar", "3. Cancel", "(3) Stop", "c) Quit", "2. STOP"})
  void aStopOptionChosenAloneIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** A list of options, or an option that does not mean stop, stays no stop. */
  @ParameterizedTest
  @ValueSource(strings = {"1. Yes\n2. Later\n3. Quit", "1) Save\n2) Exit\n3) Quit", "2. Later"})
  void aListOfOptionsIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * Phone-number redirects: kept as stops. A stop suppresses the number that wrote (OptOuts), not
   * the person, and these say not to text that number; the detector has no outcome but stop or not,
   * and a reply let through would be answered on the very number they asked us to leave.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Don't text me at 555 0134, that's my old phone. Use 555 0199 instead",
        "don't message this number, message my work number 555 0188",
        "Don't text me at this number"
      })
  void dontTextThisNumberStaysAStopWhateverNumberIsGiven(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** The webhook's longest text. */
  private static final int INBOX_TEXT = 8_192;

  /** A line of units and ligatures that NFKC makes longer ("㎧" is "m∕s", "ﬃ" is "ffi"). */
  private static final String UNITS = "Gusts 12㎧, 14㎧, 17㎧, 20㎧ and 22㎧ at the oﬃce lot. ";

  /**
   * A stop in a part of a message (within the inbox's longest text) that lies past {@value
   * #INBOX_TEXT} characters once read: the cap counted the read text, so that part was not read.
   */
  @Test
  void aStopInTheMiddleOfATextThatGrowsWhenReadIsAnOptOut() {
    String text =
        UNITS.repeat(7_000 / UNITS.length())
            + "Stop texting me. "
            + "We met at the fair, thanks for the catalogue. ".repeat(24);
    assertThat(text.length()).isLessThanOrEqualTo(INBOX_TEXT);
    String read = OptOutText.readable(text);
    int stop = read.indexOf("Stop texting me");
    assertThat(stop).isGreaterThan(INBOX_TEXT + OptOutWindows.REACH);
    assertThat(read.length() - stop).isGreaterThan(OptOutWindows.SPAN + 2 * OptOutWindows.REACH);
    assertThat(OptOutDetector.isOptOut(text)).isTrue();
    assertThat(OptOutDetector.isOptOut(text.replace("Stop texting me. ", ""))).isFalse();
  }
}
