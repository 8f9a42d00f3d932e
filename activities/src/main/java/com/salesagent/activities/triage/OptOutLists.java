package com.salesagent.activities.triage;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A numbered or bulleted list of steps, for {@link OptOutDetector}: "1. Start the engine\n2.
 * Stop\n3. Check the oil" lists a stop as a step, and says no stop. A line that is a list item ("2.
 * Stop", "2) Stop", "(2) Stop", "- Stop", "* Stop", "• Stop") and is nothing but a stop keyword is
 * left out of what is read when it is the message's only stop line, a step comes after it in its
 * list and the list has at least two steps: items that are neither a stop keyword nor a no ("1. Who
 * is this?\n2. Stop\n3. Not interested" stays a stop). Conservative, as a missed STOP is worse than
 * a false one: a stop alone ("Stop", "1. Stop"), a stop as a list's last line ("1. Pricing\n2.
 * Demo\n3. STOP", a list of complaints or answers), a list with two stop lines ("1. Nope\n2. Not
 * now\n3. STOP\n4. STOP"), a list with one other step ("1. Not interested\n2. Stop") and a stop
 * phrase in a list ("3. Stop texting me") all stay stops; a message longer than {@value #LIST_TEXT}
 * characters is not read for lists (a megabyte of list lines took over a second).
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

  /** The longest text whose lists are read (a longer one is read with its stops). */
  static final int LIST_TEXT = OptOutDetector.CLAUSE_TEXT;

  /** The longest last line read as a list item (a stop word with its marker is far shorter). */
  private static final int ITEM_LINE = 100;

  /**
   * Whether the message's last line is a list item of nothing but a word that means only stop ("1)
   * I'm busy\n2) I'm not the owner\n3) Stop", "- Not interested\n- STOP"): read as a clause, its
   * marker ("3", "-") had hidden the stop. Not a keyword that also means something else ("1)
   * Save\n2) Exit\n3) Quit").
   */
  static boolean endsWithStopItem(String text) {
    int end = text.length();
    while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    int start = end;
    while (start > 0 && end - start <= ITEM_LINE && !isLineBreak(text.charAt(start - 1))) {
      start--;
    }
    if (end - start > ITEM_LINE) {
      return false;
    }
    Matcher item = ITEM.matcher(text).region(start, end);
    return item.matches()
        && OptOutKeywords.STOP_CLAUSE.matcher(OptOutText.normalise(item.group(1))).matches()
        && onlyNos(text.substring(0, start));
  }

  /**
   * An option of a list we sent, chosen alone: a number, maybe named ("#3", "Option 3", "Opción 3",
   * "opção 3", "No. 3"), in bold or brackets ("*3*", "[3]"), or a keycap emoji (3 and U+20E3:
   * "3️⃣"), with a full stop, a bracket, a colon or a dash or with nothing ("3. Quit", "3) Basta",
   * "(3) Stop", "3 - Parar", "3:Quit", "3 Stop", "Option 3: Quit"), or a letter with a mark or
   * named ("c) Quit", "C - Quit", "Option C: Quit"), then the option. Groups: 1 the name ("#",
   * "Option", not "No."), 2 the letter, 3 the keycap, 4 the mark, 5 the spaces before the option, 6
   * the option.
   */
  private static final Pattern CHOSEN =
      Pattern.compile(
          "[(\\[*]?(?:(?:(#|(?iu:option|opcion|opción|opcao|opção|opt|choice|n[º°]\\.?|número"
              + "|numero|nummer))|(?iu:no\\.?))\\h*#?\\h*)?"
              + "(?:\\d{1,3}|([a-hA-H]))(\\uFE0F?\\u20E3)?"
              + "(?:\\h*([.):\\]*]|[-\u2013\u2014]))?(\\h*)(\\S.{0,"
              + ITEM_LINE
              + "})");

  /**
   * Whether the message is one line, a list option that is a keyword alone ("3. Quit", "3) Basta",
   * "3 - Parar", "3. Cancel", "#3 Quit", "Option 3: Quit", "Opción 3: Salir", "3️⃣ Quit", "*3*
   * Quit", "[3] Stop", "C - Quit"): the option of a list we sent that means stop, chosen, and read
   * as a stop whatever its word, unlike a list's last line ("1) Save\n2) Exit\n3) Quit" is a menu).
   * Not an option that says more ("3 quotes please", "Option 3: the premium plan"). A bare number
   * then a word, with no mark, name or keycap, is a chosen option only for a word that means
   * nothing but stop ("3 Stop", "2 unsubscribe"), or English "quit" and "cancel" ("3 Quit", "2
   * Cancel": a count of people who quit is rarely the whole of a lead's message, and a missed stop
   * costs more than a false one); "3 para", "1 baja" and "No. 5 para" are as often "for" and "low".
   */
  static boolean isChosenStopOption(String text) {
    String line = text.strip();
    if (line.length() > ITEM_LINE || LINE_BREAK.matcher(line).find()) {
      return false;
    }
    Matcher option = CHOSEN.matcher(line);
    if (!option.matches()) {
      return false;
    }
    boolean named = option.group(1) != null;
    boolean keycap = option.group(3) != null;
    boolean marked = option.group(4) != null;
    boolean spaced = !option.group(5).isEmpty();
    if (!marked && !keycap && !spaced) {
      // "3quit", "Cstop": no option
      return false;
    }
    if (option.group(2) != null && !marked && !named) {
      // "a stop", "b quit": a word, no option letter
      return false;
    }
    String chosen = OptOutText.normalise(option.group(6));
    if (!named && !keycap && !marked) {
      return BARE_STOP.matcher(chosen).matches();
    }
    return OptOutKeywords.ALONE.matcher(chosen).matches() || OPTION_STOP.matcher(chosen).matches();
  }

  /** After a bare number: a word that means nothing but stop, maybe said again, with a please. */
  private static final Pattern BARE_STOP =
      Pattern.compile(
          "^(?:"
              + OptOutKeywords.STOP_WORD
              + "|quit|cancel)"
              + OptOutKeywords.again(OptOutKeywords.STOP_WORD)
              + OptOutKeywords.again(
                  "please|pls|por favor|bitte|thanks|thank you|gracias|obrigad[oa]|merci|danke|svp")
              + "$");

  /**
   * A word that means stop only as the option chosen: Spanish "salir" (as the keyword "sair" is
   * Portuguese), which alone as a message is as often "to go out".
   */
  private static final Pattern OPTION_STOP = Pattern.compile("^salir(?: (?:por favor|gracias))?$");

  /**
   * Whether every line before a list's last item says no ("I'm not your customer", "I'm busy", "Who
   * is this") or hello: not a header ("Agenda:") nor a step ("- Start\n- Continue\n- Stop", "1)
   * Load\n2) Run\n3) Stop", "- Settings\n- Help\n- Stop").
   */
  private static boolean onlyNos(String before) {
    Matcher line = LINE.matcher(before);
    while (line.find()) {
      String raw = line.group().strip();
      if (raw.endsWith(":")) {
        return false;
      }
      Matcher item = ITEM.matcher(raw);
      String content = OptOutText.normalise(item.matches() ? item.group(1) : raw);
      if (!content.isEmpty()
          && !NO_ISH.matcher(content).find()
          && !OptOutKeywords.QUIET.matcher(content).matches()
          && !OptOutKeywords.REFUSAL.matcher(content).matches()) {
        return false;
      }
    }
    return true;
  }

  /** A word that says no or not now: "not", "never", "busy", "wrong", "who". */
  private static final Pattern NO_ISH =
      Pattern.compile(
          "\\b(no|not|never|nope|nah|don't|dont|do not|didn't|didnt|won't|wont|can't|cant|busy"
              + "|wrong|who|leave|unsubscribe|remove|spam|stop)\\b");

  /** A dash bullet item as the message's last line ("- Stop", "- stop it"). */
  private static final Pattern DASH_ITEM_END =
      Pattern.compile("(?:^|\\R)\\h*-\\h+\\S[^\\n\\r]*\\s*$");

  /**
   * Whether the message's last line is an item of a dash list ("- Start\n- Continue\n- Stop"): read
   * as a clause since a dash bullet is no word, it is no last clause of its own.
   */
  static boolean endsWithDashItem(String text) {
    return text.length() <= LIST_TEXT && DASH_ITEM_END.matcher(text).find();
  }

  private static boolean isLineBreak(char c) {
    return LINE_BREAK.matcher(String.valueOf(c)).matches();
  }

  /**
   * The text without the stop that is a step of a list (its line left empty): the one stop line of
   * the message, with a step after it in the same list (a run of list lines, blank lines between
   * them allowed) and at least {@value #OTHER_STEPS} steps in that list. A stop ending a list of
   * complaints or answers ("1. Pricing\n2. Demo\n3. STOP") and a list with two stop lines stay
   * stops.
   */
  static String withoutStepStops(String text) {
    if (text.length() > LIST_TEXT || !LINE_BREAK.matcher(text).find()) {
      return text;
    }
    int stopStart = -1;
    int stopEnd = -1;
    int stopLines = 0;
    int steps = 0;
    boolean step = false;
    Matcher line = LINE.matcher(text);
    Matcher item = ITEM.matcher(text);
    while (line.find()) {
      if (line.group().isBlank()) {
        continue;
      }
      item.region(line.start(), line.end());
      if (!item.matches()) {
        if (step) {
          // the list with the stop ended with a step after it
          break;
        }
        // a line of its own ends the list: a stop before it was its last line
        if (stopLines > 0) {
          return text;
        }
        steps = 0;
        continue;
      }
      String content = OptOutText.normalise(item.group(1));
      if (OptOutKeywords.ALONE.matcher(content).matches()
          || OptOutKeywords.STOP_CLAUSE.matcher(content).matches()) {
        if (++stopLines > 1) {
          return text;
        }
        stopStart = line.start();
        stopEnd = line.end();
      } else if (!content.isEmpty() && !OptOutKeywords.REFUSAL.matcher(content).matches()) {
        steps++;
        step |= stopLines > 0;
      }
    }
    if (!step || steps < OTHER_STEPS) {
      return text;
    }
    return text.substring(0, stopStart) + text.substring(stopEnd);
  }
}
