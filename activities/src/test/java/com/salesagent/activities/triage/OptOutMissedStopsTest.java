package com.salesagent.activities.triage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Opt-outs a review found missed (each read as an ordinary reply, and we kept messaging someone who
 * had said stop), and the replies near them that must stay replies.
 */
class OptOutMissedStopsTest {
  /**
   * A word that means only stop ending a sentence run on with no stop, after a greeting, a please,
   * a refusal or "I said".
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "not interested stop",
        "Not interested STOP",
        "No thanks stop",
        "Hi please stop",
        "Hello stop",
        "ok stop",
        "I said stop",
        "Hi unsubscribe"
      })
  void aStopRunOnAfterAGreetingOrARefusalIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** A word that means stop with a letter stretched. */
  @ParameterizedTest
  @ValueSource(strings = {"stooop", "STOOOP", "stopppp"})
  void aStretchedStopIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** A wish to unsubscribe or opt out, said as a clause of its own. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "I want to unsubscribe",
        "I'd like to unsubscribe",
        "i wanna unsubscribe",
        "I want to opt out",
        "I need to unsubscribe"
      })
  void iWantToUnsubscribeIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** "Never text me again", "Don't text this number" and their kin. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Never text me again",
        "Never contact me again",
        "Don't ever text me again",
        "Please do not text this number",
        "do not message this number again",
        "Don't text this number",
        "dont msg me"
      })
  void neverTextMeAgainIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /** French and Italian please with a stop: "svp", "stp", "per favore". */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Stop svp",
        "STOP SVP",
        "STOP stp",
        "Arrêtez svp",
        "Stop per favore",
        "Basta per favore",
        "Per favore basta"
      })
  void aStopWithAFrenchOrItalianPleaseIsAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * Near those, and no opt-out: a negation, "stop by", a noun, another vendor, a time named (as
   * "Can you stop texting me at night?").
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Don't stop",
        "Please don't stop texting me",
        "ok stop by tomorrow",
        "I said stop by at 3",
        "Never mind, text me tomorrow",
        "Don't text this number after 6pm, call me instead",
        "I want to unsubscribe from HubSpot and use you instead",
        "stop watch",
        "bus stop",
        "Soooo good",
        "I don't want to unsubscribe",
        "If I want to unsubscribe later, can I?",
        "I want to opt out of the webinar",
        "You never text me back",
        "They never contact me again after the demo",
        "Hello, stop by at 3?",
        "Never text me before 9am"
      })
  void repliesNearThoseStayReplies(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * A wish to hear less often, asked or saying what is fine, is a reply: each was an opt-out, and
   * an interested lead's number was suppressed for good.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Can you stop texting me every day? Once a week is fine",
        "Can you stop texting me so often?",
        "Could you please stop messaging me every day? Once a week works",
        "Stop texting me so often, once a week is plenty"
      })
  void askingToHearLessOftenIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** How often, not asked or with a no: still a stop. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Stop texting me every day!",
        "Stop texting me every day, I'm not interested",
        "Can you stop texting me so often? I'm not interested",
        "Stop texting me so much",
        "Can you stop texting me?"
      })
  void howOftenNotAskedOrWithANoIsStillAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * Stops a ninth review found missed in the phrase and keyword tables: Spanish, Portuguese,
   * German, Russian and Chinese phrasings, the carrier keywords TD and REVOKE, English "quit
   * texting me".
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "No me escriban",
        "No me escribas m\u00e1s",
        "N\u00e3o quero receber mensagens",
        "N\u00e3o quero mais receber mensagens",
        "Bitte austragen",
        "Bitte keine Nachrichten mehr",
        "\u0425\u0432\u0430\u0442\u0438\u0442 \u0441\u043f\u0430\u043c\u0438\u0442\u044c",
        "\u0411\u043e\u043b\u044c\u0448\u0435 \u043d\u0435 \u043f\u0438\u0448\u0438\u0442\u0435",
        "\u522b\u53d1\u4e86",
        "\u4e0d\u8981\u518d\u53d1\u4e86",
        "TD",
        "td",
        "TD.",
        "REVOKE",
        "Revoke",
        "REVOKE please",
        "Not interested. REVOKE",
        "quit texting me",
        "quit messaging me",
        "Please quit texting me",
        "Not interested, quit messaging me"
      })
  void reviewNinePhrasingsAndCarrierKeywordsAreOptOuts(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * Their near neighbours stay replies: TD inside a sentence (a bank, touchdown), REVOKE with an
   * object, "quit" about someone else, audio messages or e-mail not wanted, "no me escriban" about
   * a channel.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "TD Bank is our lender",
        "TD, can you call me?",
        "We scored a TD last night lol",
        "Revoke the old API key and send me a new one",
        "My kids won't quit texting me",
        "I asked my ex to quit texting me",
        "Can you quit texting me at night?",
        "N\u00e3o quero receber mensagens de \u00e1udio, s\u00f3 texto",
        "N\u00e3o quero receber mensagens por e-mail, s\u00f3 WhatsApp",
        "No me escriban por correo, mejor por WhatsApp",
        "\u0425\u0432\u0430\u0442\u0438\u0442 \u043f\u0438\u0441\u0430\u0442\u044c, "
            + "\u0434\u0430\u0432\u0430\u0439\u0442\u0435 \u0441\u043e\u0437\u0432\u043e\u043d"
            + "\u0438\u043c\u0441\u044f",
        "\u62a5\u4ef7\u5355\u522b\u53d1\u4e86\uff0c\u6211\u5df2\u7ecf\u6536\u5230\u4e86",
        "\u522b\u53d1\u4e86\uff0c\u6211\u5df2\u7ecf\u6536\u5230\u4e86"
      })
  void reviewNineNearNeighboursStayReplies(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * "Don't text me" limited to a time is a reply, as "Can you stop texting me at night?" is: the
   * phrase read anywhere ignored the time and suppressed the number for good.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Don't text me after 6pm",
        "Please don't message me before 9am",
        "Don't text me at night, I'm driving home",
        "Do not contact me before Monday, I'm on leave",
        "Don't text me during work hours"
      })
  void dontTextMeLimitedToATimeIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** Without a time, or with "at all", it stays a stop. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Don't text me",
        "Don't text me again",
        "Don't text me at all",
        "Don't text me at this number",
        "Do not contact me",
        "Don't message me anymore after this",
        "Please don't contact me, I'm not interested"
      })
  void dontTextMeWithoutATimeStaysAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }

  /**
   * A stop as a step of a numbered or bulleted list with other steps is no stop sentence: "2. Stop"
   * between "1. Start the engine" and "3. Check the oil" suppressed the number for good.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "1. Start the engine\n2. Stop\n3. Check the oil",
        "Steps:\n1. Start the engine\n2. Stop\n3. Check the oil",
        "1) Start the engine\n2) Stop\n3) Check the oil",
        "- Start the engine\n- Stop\n- Check the oil",
        "* Start\n* Stop\n* Continue",
        "\u2022 Start\n\u2022 Stop\n\u2022 Continue",
        "- Stop\n- Start\n- Continue",
        "Our retro format:\n- Start\n- Stop\n- Continue\nWorks for us, how about you?"
      })
  void aStopAsAStepOfAListIsNoOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /**
   * A stop alone, a STOP line at the start or the end without a list mark, a list of stops, a list
   * with a refusal in it, or a stop as a list's last line stays a stop.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Stop",
        "STOP\n1. Start the engine\n2. Check the oil",
        "1. Start the engine\n2. Check the oil\nSTOP",
        "1. Stop",
        "- Stop",
        "1. Not interested\n2. Stop",
        "1. Stop\n2. Stop\n3. Stop",
        "1. Who is this?\n2. Stop\n3. Not interested",
        "1. Start the engine\n2. Check the oil\n3. Stop texting me",
        "1. Start\n2. Check\nNo thanks. STOP",
        // a stop as a list's last line: no step after it (review 10)
        "1. Start the engine\n2. Check the oil\n3. Stop"
      })
  void aStopOutsideAListOfStepsStaysAnOptOut(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }
}
