package com.salesagent.activities.triage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replies that the rules of {@link OptOutReviewElevenTest} read as stops (a corpus review of 327
 * messages): each ended a real conversation; with the stops those rules were made for, which stay
 * stops.
 */
class OptOutReviewTwelveTest {
  /** A stop after a comma, or REVOKE, beside a no that goes on: no stop. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Wait, don't send it yet, stop. Let me check with my boss first",
        "Hold on, don't send the contract, stop. Legal needs to see it",
        "Don't contact legal, stop. Talk to me first",
        "Hold on, stop. Don't send the PDF, send the link",
        "Haha ok, stop. I'm not interested in the basic plan, I want premium",
        "Not interested in the Tuesday slot, stop. Wednesday works",
        "No wait, stop. Not interested in that one, the other package",
        "Sorry, stop. Wrong number for the invoice, use 555 0199",
        "Okay, stop. Remove me from the CC and add Paula instead",
        "Listen, stop. Who is this from your team? The fair contact?",
        "Whoa, stop it. Not interested is not what I said, I said not now!",
        "Ok ok, stop. I didn't ask for a discount, the price is fine"
      })
  void aNoThatGoesOnBesideAStopAfterACommaIsNoStop(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** "I didn't agree" to a term, not to our messages, is no no. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Thanks for the quote. Stop, I didn't agree to that delivery date",
        "Hi. Stop, I didn't agree to the price yet, let's talk",
        "Revoke. I never agreed to the new terms, keep the old ones",
        "Revoke. I didn't agree to the 3-year term, send a 1-year quote",
        "Please revoke. I didn't agree to auto-renewal, but I want to keep the subscription",
        "Revoke. I never asked for the admin role"
      })
  void anAgreementToATermIsNoNo(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** "I told you to stop" after something else is about that. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "The installer kept drilling. I told you to stop!",
        "Your technician went ahead with the update anyway. I asked you to stop.",
        "Did the order ship? I asked you to stop it"
      })
  void iToldYouToStopAfterSomethingElseIsNoStop(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** A list of steps or options whose last item is a stop word. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Retro board columns:\n- Start\n- Continue\n- Stop",
        "Steps for the machine:\n1) Load\n2) Run\n3) Stop",
        "Options I see in the app menu:\n- Settings\n- Help\n- Stop",
        "Agenda:\n1) Intro\n2) Demo\n3) Q&A\n4) Stop",
        "To do:\n- call Ana\n- stop it"
      })
  void aListOfStepsEndingWithStopIsNoStop(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** "At any time after 8pm" is a time. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Can you stop texting me at any time after 8pm? I'm with my kids",
        "Can you stop texting me at any point after 8pm? I'm with my kids"
      })
  void aTimeAfterAtAnyIsALimit(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** Two clock times are no phone number. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Don't text me at 12 30 12 45, lunch break",
        "Don't text me at 9 30 10 00, I'm in standup"
      })
  void twoClockTimesAreNoPhoneNumber(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isFalse();
  }

  /** The stops those rules were made for stay stops. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Listen, STOP. I'm not interested.",
        "Look, stop. No thanks.",
        "Seriously, stop it. Not interested.",
        "Hi. REVOKE. I never agreed to this",
        "i told you to stop",
        "I told you to stop texting me",
        "I told you to stop, thanks",
        "- I'm not your customer\n- I'm not buying\n- STOP",
        "1) I'm busy\n2) I'm not the owner\n3) Stop",
        "Stop texting me at any of my numbers",
        "Don't ever text me again when I'm at work or anywhere else",
        "Revoke. I never consented to marketing",
        "Guys, stop. Who is this?",
        "Not interested, stop. We met at the fair and I said no then",
        "- Not interested\n- STOP",
        "No thanks\n- STOP",
        "I told you to stop"
      })
  void theStopsStayStops(String text) {
    assertThat(OptOutDetector.isOptOut(text)).as(text).isTrue();
  }
}
