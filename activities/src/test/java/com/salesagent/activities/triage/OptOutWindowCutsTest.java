package com.salesagent.activities.triage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A long message is read by its start and its end ({@link OptOutWindows}): where a window cuts it
 * must not change what the clause at the cut means. Each message here is built so that the cut of
 * the first or the last {@value OptOutWindows#SPAN} characters falls exactly where the review put
 * it.
 */
class OptOutWindowCutsTest {
  private static final int SPAN = OptOutWindows.SPAN;

  /** The most a window reads: its span and the extension to the clause's end or start. */
  private static final int MOST = SPAN + 200;

  /** Words with no clause end, then a full stop: exactly {@code length} characters. */
  private static String sentences(int length) {
    String words = "we looked into the pricing with the team and it is fine ";
    return words.repeat(length / words.length() + 1).substring(0, length - 1) + ".";
  }

  /** An ordinary paragraph, well past the phrase bound, that says no stop. */
  private static final String PARAGRAPH = sentences(900);

  /**
   * A text whose last {@value OptOutWindows#SPAN} characters are {@code end} (padded with ordinary
   * sentences), after a long ordinary paragraph and {@code before}.
   */
  private static String endingWith(String before, String end) {
    String tail = " " + end + " " + sentences(SPAN - end.length() - 2);
    assertThat(tail).hasSize(SPAN);
    return PARAGRAPH + before + tail;
  }

  /** A text whose first {@value OptOutWindows#SPAN} characters end with {@code start}. */
  private static String startingWith(String start, String after) {
    String head = sentences(SPAN - start.length()) + start;
    assertThat(head).hasSize(SPAN);
    return head + after + " " + PARAGRAPH;
  }

  /**
   * (a) The end window started right after a comma, and its first clause was read as a sentence's
   * start: "Wait, [cut] stop. I meant Tuesday" was a stop sentence, though "Wait, stop. I meant
   * Tuesday" is none.
   */
  @ParameterizedTest
  @ValueSource(strings = {"Wait,", "Oh no,", "Hmm;", "Start:"})
  void anEndWindowStartingAfterACommaStartsNoSentence(String before) {
    String text = endingWith(" " + before, "stop. I meant Tuesday, not Monday.");
    assertThat(text.charAt(text.length() - SPAN - 1)).isIn(',', ';', ':');
    assertThat(OptOutDetector.isOptOut(before + " stop. I meant Tuesday, not Monday."))
        .as("short")
        .isFalse();
    assertThat(OptOutDetector.isOptOut(text)).as(before).isFalse();
  }

  /** After a full stop, the end window's first clause does start a sentence, and a STOP counts. */
  @Test
  void anEndWindowStartingAfterAFullStopStartsASentence() {
    String text = endingWith(" Hi.", "STOP. I never signed up for this.");
    assertThat(OptOutDetector.isOptOut(text)).isTrue();
  }

  /**
   * (b) The start window cut right before "at night" (or "so often", "after 6pm") lost what makes
   * the phrase no stop: "Can you stop texting me [cut] at night?" read as "Can you stop texting
   * me".
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Can you stop texting me| at night? Mornings are fine.",
        "Can you stop texting me| so often? Once a week is fine.",
        "Don't text me| after 6pm, call me instead.",
        "Never text me| before 9am please."
      })
  void aStartWindowCutBeforeATimeKeepsTheTime(String parts) {
    String[] p = parts.split("\\|");
    String text = startingWith(" " + p[0], p[1]);
    assertThat(text.charAt(SPAN)).isEqualTo(' ');
    assertThat(OptOutDetector.isOptOut(p[0] + p[1])).as("short").isFalse();
    assertThat(OptOutDetector.isOptOut(text)).as(parts).isFalse();
  }

  /** A stop the start window cuts stays a stop. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Can you stop texting me| please? Not interested.",
        "Stop texting me| now.",
        "Please unsubscribe| me from this list."
      })
  void aStartWindowCutInAStopStaysAStop(String parts) {
    String[] p = parts.split("\\|");
    assertThat(OptOutDetector.isOptOut(startingWith(" " + p[0], p[1]))).as(parts).isTrue();
  }

  /**
   * (c) The end window cut right after "don't" lost the negation: "Please don't [cut] delete my
   * number from your list, I'm interested" read as "delete my number from your list".
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Please don't| delete my number from your list, I'm interested.",
        "Please don't| remove me from your list, I'm interested.",
        "N\u00e3o| me tire da lista, tenho interesse."
      })
  void anEndWindowCutAfterANegationKeepsTheNegation(String parts) {
    String[] p = parts.split("\\|");
    String text = endingWith(" " + p[0], p[1].strip());
    assertThat(OptOutDetector.isOptOut(p[0] + p[1])).as("short").isFalse();
    assertThat(OptOutDetector.isOptOut(text)).as(parts).isFalse();
  }

  /** A stop the end window cuts stays a stop. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Please| delete my number from your list.",
        "I said| stop texting me.",
        "Not interested,| unsubscribe me."
      })
  void anEndWindowCutInAStopStaysAStop(String parts) {
    String[] p = parts.split("\\|");
    assertThat(OptOutDetector.isOptOut(endingWith(" " + p[0], p[1].strip()))).as(parts).isTrue();
  }

  /**
   * However a message is cut, each window reads at most {@value OptOutWindows#SPAN} characters and
   * a bounded extension: no clause end at all, a run of full stops, clause ends everywhere.
   */
  @ParameterizedTest
  @ValueSource(strings = {"word ", "stop ", ".", "a, ", "\u9000", "... ", "a.b "})
  void eachWindowIsBounded(String unit) {
    String text = unit.repeat(65_536 / unit.length());
    for (OptOutWindows.Window w : OptOutWindows.of(text, false)) {
      assertThat(w.text().length()).as(unit).isLessThanOrEqualTo(MOST);
    }
  }

  /** The longest text the webhook takes (MetaNotification's text cap). */
  private static final int INBOX_TEXT = 8_192;

  /** An ordinary sentence, no stop. */
  private static final String SENTENCE =
      "Thanks for the message about the new pricing, we looked at it with the team and the"
          + " numbers are not far from what we pay today, but the contract terms matter more. ";

  /** A message of about {@code length} characters with {@code middle} in its middle. */
  private static String withMiddle(String middle, int length) {
    String half = SENTENCE.repeat(length / 2 / SENTENCE.length());
    return half + middle + " " + half;
  }

  /**
   * A stop in the middle of a long message, up to the inbox's longest text: only the first and the
   * last {@value OptOutWindows#SPAN} characters (and a reach) were read, and the middle of a
   * message past about 1,200 characters not at all.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "STOP. I never signed up.",
        "Stop texting me.",
        "Please remove me from your list.",
        "Not interested. Unsubscribe."
      })
  void aStopInTheMiddleOfALongMessageIsAnOptOut(String middle) {
    for (int length : new int[] {1_500, 3_000, 8_000}) {
      String text = withMiddle(middle, length);
      assertThat(text.length()).isLessThanOrEqualTo(INBOX_TEXT);
      assertThat(OptOutDetector.isOptOut(text)).as("%s in %d", middle, length).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Wait, stop, I meant Tuesday.",
        "My kids won't stop texting me.",
        "Please don't remove me from your list, I'm interested."
      })
  void anOrdinaryClauseInTheMiddleOfALongMessageIsAReply(String middle) {
    for (int length : new int[] {1_500, 3_000, 8_000}) {
      assertThat(OptOutDetector.isOptOut(withMiddle(middle, length)))
          .as("%s in %d", middle, length)
          .isFalse();
    }
  }

  /** Past the inbox's longest text, its start and its end are still read. */
  @Test
  void pastTheLongestTextItsEndIsStillRead() {
    String text = SENTENCE.repeat(INBOX_TEXT / SENTENCE.length() + 10) + "STOP";
    assertThat(text.length()).isGreaterThan(INBOX_TEXT);
    assertThat(OptOutDetector.isOptOut(text)).isTrue();
  }

  /** Chatter with no clause end at all, so that each window is cut at a word. */
  private static final String CHATTER =
      "we talked about the offer with the team and we think it could work for us next year ";

  /**
   * A phrase in the middle of a long message with no clause end, wherever a window's cut falls: the
   * next window starts {@value OptOutWindows#REACH} characters back and reads it whole.
   */
  @ParameterizedTest
  @ValueSource(strings = {"please unsubscribe me", "so leave me alone", "do not contact me again"})
  void aPhraseInTheMiddleOfChatterIsAnOptOutWhereverTheCutFalls(String phrase) {
    for (int at = 0; at < MOST; at += 23) {
      String text = "x".repeat(at) + " " + CHATTER.repeat(12) + phrase + " " + CHATTER.repeat(12);
      assertThat(OptOutDetector.isOptOut(text)).as("%s at %d", phrase, at).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"my kids won't stop texting me", "please don't remove me from your list"})
  void aNearPhraseInTheMiddleOfChatterIsAReplyWhereverTheCutFalls(String phrase) {
    for (int at = 0; at < MOST; at += 23) {
      String text = "x".repeat(at) + " " + CHATTER.repeat(12) + phrase + " " + CHATTER.repeat(12);
      assertThat(OptOutDetector.isOptOut(text)).as("%s at %d", phrase, at).isFalse();
    }
  }
}
