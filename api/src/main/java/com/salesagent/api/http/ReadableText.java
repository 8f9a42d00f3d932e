package com.salesagent.api.http;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What no one wrote, in text a lead or an operator will read, refused where the text is taken,
 * naming its field:
 *
 * <ul>
 *   <li>everywhere, the replacement character a decoder leaves for bytes that are not UTF-8 (a CSV
 *       saved as Windows-1252, "Jo\uFFFDo"), or half of a surrogate pair (an emoji cut in two,
 *       escaped in JSON, which MongoDB stores and WhatsApp shows as a replacement mark);
 *   <li>in a short identifying text ({@link #lineProblem}: an owner's name, a suppression's reason,
 *       a consent's source), any control character (NUL, escape, a line break, a tab) and the bidi
 *       overrides and isolates U+202A-U+202E and U+2066-U+2069, which make a name in the dashboard
 *       or a CSV export read otherwise than it is stored ("Ana\u202Eatsoc" shows as "Anacosta").
 *       Right-to-left letters themselves are taken.
 * </ul>
 *
 * Free text (a message, notes) may hold lines, tabs and right-to-left text: {@link #textProblem}
 * refuses only what could not be read and the other control characters (NUL, escape).
 */
public final class ReadableText {
  private ReadableText() {}

  private static final Pattern UNREADABLE = Pattern.compile("[\\uFFFD\\p{Cs}]");

  /** C0 controls, DEL and the C1 controls. */
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

  /** Control characters but the line break, carriage return and tab of multi-line text. */
  private static final Pattern CONTROL_BUT_LINES = Pattern.compile("[\\p{Cntrl}&&[^\\t\\n\\r]]");

  /** The explicit bidi overrides and isolates: embeddings, overrides, isolates and their pops. */
  private static final Pattern BIDI_CONTROL = Pattern.compile("[\\u202A-\\u202E\\u2066-\\u2069]");

  /** The refusal's words. */
  public static final String MESSAGE =
      "has a character that could not be read (not UTF-8: save the file as UTF-8, or name its"
          + " charset, Content-Type: text/csv; charset=windows-1252 for Excel's \"CSV\" on"
          + " Windows; or half of an emoji)";

  /** The refusal's words for a control character in a one-line text. */
  public static final String CONTROL_MESSAGE =
      "has a control character (such as NUL, escape, a tab or a line break): one line of plain"
          + " text";

  /** The refusal's words for a control character in a multi-line text. */
  public static final String TEXT_CONTROL_MESSAGE =
      "has a control character (such as NUL or escape): only line breaks and tabs are taken";

  /** The refusal's words for a bidi override or isolate in a one-line text. */
  public static final String BIDI_MESSAGE =
      "has a bidi override or isolate control (U+202A-U+202E, U+2066-U+2069), which makes it read"
          + " otherwise than written";

  /**
   * A text's length as its caps count it: in code points (what a person sees as one character: an
   * emoji or a CJK extension letter is one, not the two UTF-16 chars Java's {@code length()}
   * counts), so a name of 100 emoji is within a cap of 100 as a name of 100 letters is.
   */
  public static int length(String text) {
    return text == null ? 0 : text.codePointCount(0, text.length());
  }

  /** At most {@code max} code points of {@code text} (never half an emoji), or text itself. */
  public static String cut(String text, int max) {
    if (text == null || text.length() <= max || length(text) <= max) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, max));
  }

  /** Whether {@code text} holds U+FFFD or half of a surrogate pair. */
  public static boolean unreadable(String text) {
    return text != null && UNREADABLE.matcher(text).find();
  }

  /**
   * What is wrong with a short identifying text (a name, a reason, a source) — one of {@link
   * #MESSAGE}, {@link #CONTROL_MESSAGE}, {@link #BIDI_MESSAGE} — or null when nothing is.
   */
  public static String lineProblem(String text) {
    if (text == null) {
      return null;
    }
    if (unreadable(text)) {
      return MESSAGE;
    }
    if (CONTROL.matcher(text).find()) {
      return CONTROL_MESSAGE;
    }
    if (BIDI_CONTROL.matcher(text).find()) {
      return BIDI_MESSAGE;
    }
    return null;
  }

  /**
   * What is wrong with a free text sent or shown as written (a message, an edited reply), where
   * lines, tabs and right-to-left text are legitimate — {@link #MESSAGE} or {@link
   * #TEXT_CONTROL_MESSAGE} — or null when nothing is.
   */
  public static String textProblem(String text) {
    if (text == null) {
      return null;
    }
    if (unreadable(text)) {
      return MESSAGE;
    }
    return CONTROL_BUT_LINES.matcher(text).find() ? TEXT_CONTROL_MESSAGE : null;
  }

  /**
   * Adds to {@code errors} what is wrong with the short identifying text {@code text} of {@code
   * field} ({@link #lineProblem}); whether it did.
   */
  public static boolean checkLine(List<FieldError> errors, String field, String text) {
    String problem = lineProblem(text);
    if (problem != null) {
      errors.add(new FieldError(field, problem));
    }
    return problem != null;
  }
}
