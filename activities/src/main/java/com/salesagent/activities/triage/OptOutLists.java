package com.salesagent.activities.triage;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A numbered or bulleted list of steps, for {@link OptOutDetector}: "1. Start the engine\n2.
 * Stop\n3. Check the oil" lists a stop as a step, and says no stop. A line that is a list item ("2.
 * Stop", "2) Stop", "(2) Stop", "- Stop", "* Stop", "• Stop") and is nothing but a stop keyword is
 * left out of what is read when the message has at least two other list items that are steps:
 * neither a stop keyword nor a no ("1. Who is this?\n2. Stop\n3. Not interested" stays a stop).
 * Conservative, as a missed STOP is worse than a false one: a stop alone ("Stop", "1. Stop"), a
 * STOP line with no list mark at the message's start or end, a list with one other step ("1. Not
 * interested\n2. Stop") and a stop phrase in a list ("3. Stop texting me") all stay stops.
 */
final class OptOutLists {
  private OptOutLists() {}

  /** The other steps a list needs before a stop in it is one of its steps. */
  static final int OTHER_STEPS = 2;

  /** A line: what is between line breaks (and line or paragraph separators). */
  private static final Pattern LINE = Pattern.compile("[^\\n\\r\\u0085\\u2028\\u2029]+");

  /**
   * A list item: a number with a full stop or a bracket, a letter with a bracket, or a bullet, then
   * a space and the item.
   */
  private static final Pattern ITEM =
      Pattern.compile(
          "\\h*(?:\\(?\\d{1,3}[.)]|\\(\\d{1,3}\\)|\\p{L}\\)|[-*+\u2022\u00b7\u2013\u2014\u25aa\u25cf])"
              + "\\h+(\\S.*)");

  private static final Pattern LINE_BREAK = Pattern.compile("[\\n\\r\\u0085\\u2028\\u2029]");

  /** The text without the stops that are steps of a list (each such line left empty). */
  static String withoutStepStops(String text) {
    if (!LINE_BREAK.matcher(text).find()) {
      return text;
    }
    List<int[]> stops = new ArrayList<>();
    int steps = 0;
    Matcher line = LINE.matcher(text);
    Matcher item = ITEM.matcher(text);
    while (line.find()) {
      item.region(line.start(), line.end());
      if (!item.matches()) {
        continue;
      }
      String content = OptOutText.normalise(item.group(1));
      if (OptOutKeywords.ALONE.matcher(content).matches()
          || OptOutKeywords.STOP_CLAUSE.matcher(content).matches()) {
        stops.add(new int[] {line.start(), line.end()});
      } else if (!content.isEmpty() && !OptOutKeywords.REFUSAL.matcher(content).matches()) {
        steps++;
      }
    }
    if (stops.isEmpty() || steps < OTHER_STEPS) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int done = 0;
    for (int[] stop : stops) {
      out.append(text, done, stop[0]);
      done = stop[1];
    }
    return out.append(text, done, text.length()).toString();
  }
}
