package com.salesagent.activities.compose;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text that came from outside (a lead's enrolment, notes, website) and may end up in a message the
 * business number sends: someone who enrols a victim's number must not make us send their links,
 * numbers or instructions. {@link #clean} shapes a quoted fact; {@link #findings} lists what a
 * composed text carries that its template did not put there (the quality gate holds those).
 */
public final class UntrustedText {
  /** The longest quoted fact, in code points (an emoji is one, as every cap here counts). */
  public static final int MAX_FACT = 160;

  private static final Pattern URL =
      Pattern.compile(
          "(?i)\\b(https?://|www\\.)\\S+"
              + "|\\b[a-z0-9-]+(\\.[a-z0-9-]+)*\\.(com|net|org|io|co|ai|app|dev|info|biz|xyz|me|ly"
              + "|gl|link|click|top|br|es|pt|mx|ar|uk|de|fr|it|ru|cn)\\b(/\\S*)?");
  private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");
  private static final Pattern PHONE = Pattern.compile("\\+?\\d[\\d\\s().-]{5,}\\d");
  private static final Pattern MARKUP = Pattern.compile("<[^>]{0,200}>|&[a-z#0-9]{2,8};");
  private static final Pattern CONTROL =
      Pattern.compile("[\\p{Cntrl}\\u202A-\\u202E\\u2066-\\u2069]");
  private static final Pattern INSTRUCTION =
      Pattern.compile(
          "(?i)\\b(ignore (all |any |the )?(previous|above|prior|earlier) (instructions|messages|text)"
              + "|disregard (the|all|any|previous)|system prompt|you are now|act as (a|an|the)"
              + "|new instructions|click (here|the link|this link)|verify your (account|identity)"
              + "|send (me|us) (your|the) (password|code|pin|otp)|transfer (money|funds))");

  private UntrustedText() {}

  /**
   * A fact fit to quote: no links, e-mail addresses, markup or control characters, one line, at
   * most {@link #MAX_FACT} characters (code points: cut at a word, else after the last whole
   * character that fits, never inside an emoji).
   */
  public static String clean(String text) {
    String t = scrub(text);
    if (t.length() > MAX_FACT && length(t) > MAX_FACT) {
      int end = t.offsetByCodePoints(0, MAX_FACT);
      int cut = t.lastIndexOf(' ', end);
      t = t.substring(0, cut > 0 && t.codePointCount(0, cut) > MAX_FACT / 2 ? cut : end).strip();
    }
    return t;
  }

  /** A text's length as {@link #MAX_FACT} counts it: code points. */
  public static int length(String text) {
    return text == null ? 0 : text.codePointCount(0, text.length());
  }

  /** {@link #clean} without the cap: a sentence too long to quote is left out, not cut. */
  public static String scrub(String text) {
    if (text == null) {
      return "";
    }
    String t = CONTROL.matcher(text).replaceAll(" ");
    t = MARKUP.matcher(t).replaceAll(" ");
    t = URL.matcher(t).replaceAll(" ");
    t = EMAIL.matcher(t).replaceAll(" ");
    return t.replaceAll("\\s+", " ").strip();
  }

  /**
   * What the text carries that the template did not: links, e-mail addresses, phone numbers,
   * instruction-like phrases. Empty when the text is what the template says plus plain words.
   */
  public static List<String> findings(String text, String template) {
    String allowed = template == null ? "" : template.toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    find(URL, "link", text, allowed, out);
    find(EMAIL, "e-mail address", text, allowed, out);
    find(INSTRUCTION, "instruction-like phrase", text, allowed, out);
    Matcher m = PHONE.matcher(text);
    while (m.find()) {
      long digits = m.group().chars().filter(Character::isDigit).count();
      if (digits >= 7 && !allowed.contains(m.group().toLowerCase(Locale.ROOT))) {
        out.add("phone number");
      }
    }
    return out;
  }

  /**
   * Whether a composed text carries markup its template did not (a lead's field filled in as
   * written: WhatsApp shows "<svg onload=...>" verbatim). A quoted fact is scrubbed of it already
   * ({@link #scrub}); this is the gate's check on what was filled in whole.
   */
  public static boolean carriesMarkup(String text, String template) {
    List<String> out = new ArrayList<>();
    find(MARKUP, "markup", text, template == null ? "" : template.toLowerCase(Locale.ROOT), out);
    return !out.isEmpty();
  }

  private static void find(Pattern p, String what, String text, String allowed, List<String> out) {
    Matcher m = p.matcher(text);
    while (m.find()) {
      if (!allowed.contains(m.group().toLowerCase(Locale.ROOT))) {
        out.add(what);
      }
    }
  }
}
