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
}
