package com.salesagent.activities.triage;

import com.salesagent.activities.triage.OptOutWindows.Clause;
import com.salesagent.activities.triage.OptOutWindows.Window;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A stop word about something being done, then what to do with it, for {@link OptOutDetector}:
 * "Stop, don't send the invoice yet", "Stop! Wait, send it to my colleague instead", "STOP. Don't
 * send the contract until legal has seen it" say stop to that, not to our messages; the rest of
 * such a message is read without the stop word. Not when what is not to be sent is ours or anything
 * ("Stop, don't send me anything else", "Stop, don't send the messages anymore", "Stop. Don't send
 * that again"), nor "Stop, don't send it" with nothing after it, nor with a no anywhere ("STOP.
 * Don't send the brochure, I'm not interested"): a missed stop is worse than a false one.
 */
final class OptOutActions {
  private OptOutActions() {}

  /** A clause of waiting between the stop and what to do: "Wait", "Hold on". */
  private static final Pattern PAUSE =
      Pattern.compile(
          "^(?:(?:wait|hold on|hang on|actually|sorry|oops|no|one sec|one second) ?)+$");

  /** What a message may tell us not to send and still say stop: our messages, anything, me. */
  private static final String OURS =
      "(?!.*\\b(?:me|us|messages?|msgs?|texts?|sms|whatsapps?|emails?|e-mails?|mails?|spam"
          + "|promotions?|promos?|ads|adverts?|offers?|marketing|newsletters?|reminders?|updates?"
          + "|notifications?|follow-ups?|followups?|junk|crap|garbage|stuff|things?|anything"
          + "|nothing|more|any|again|anymore|ever|same)\\b)";

  /**
   * An instruction about one thing being sent or done: "don't send the invoice yet", "send it to my
   * colleague instead", "don't book the call"; "it" or "that" only with what is to be done with it
   * ("send it to ...", "don't send it yet").
   */
  private static final Pattern ACTION =
      Pattern.compile(
          "^(?:(?:wait|hold on|hang on|actually|sorry|oops|no|please|but|just|ok|okay|and) )*"
              + "(?:(?:don't|dont|do not|no need to|not) (?:send|email|e-mail|forward|share|submit"
              + "|book|schedule|pay|charge|process|ship|sign|file|post|publish|print|order|deliver"
              + "|upload|issue|release|confirm|finalize|finalise|mail)"
              + "|send|forward|email|e-mail|give|pass|address|mail|deliver|share) "
              + OURS
              + "(?:(?:the|my|our|your|his|her|their|this|that) \\p{L}+"
              + "|(?:it|that) (?=(?:yet|to|until|till|before|after|instead|today|tomorrow|over|back"
              + "|without|with|first)\\b)).*$");

  /** A no anywhere: "STOP. Don't send the brochure, I'm not interested" stays a stop. */
  private static final Pattern A_NO = Pattern.compile(OptOutStopUs.A_NO + ".*");

  /**
   * The message after its first clause when that clause is a stop word alone ("Stop", "STOP!") and
   * what follows it, after a wait maybe, is an instruction about one thing being sent; else null.
   * Of a message up to {@value OptOutDetector#PHRASE_TEXT} characters.
   */
  static String afterAStopAboutAnAction(String text) {
    if (text.length() > OptOutDetector.PHRASE_TEXT) {
      return null;
    }
    List<Clause> clauses = OptOutWindows.clauses(new Window(text, false, false, true));
    if (clauses.size() < 2) {
      return null;
    }
    String first = clauses.get(0).text();
    if (!OptOutKeywords.ALONE.matcher(first).matches()
        && !OptOutKeywords.STOP_CLAUSE.matcher(first).matches()) {
      return null;
    }
    int i = 1;
    while (i < clauses.size() && PAUSE.matcher(clauses.get(i).text()).matches()) {
      i++;
    }
    if (i == clauses.size()
        || !ACTION.matcher(clauses.get(i).text()).matches()
        || A_NO.matcher(OptOutText.normalise(text)).matches()) {
      return null;
    }
    return OptOutDetector.afterFirstClause(text);
  }
}
