package com.salesagent.api.leads;

import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lead's text fields as {@link LeadValidator} takes them: cleaned of control and bidi characters
 * (one line, or lines kept), checked for length, markup and unreadable text, a company size in the
 * forms CRMs write it; and whether a lead id spells the lead's name.
 */
final class LeadFields {
  /**
   * A company size: a count of employees ("40", "1,200", "5k", "1000+", "12000 employees") or a
   * range ("11-50"), never negative nor fractional.
   */
  private static final Pattern COMPANY_SIZE =
      Pattern.compile(
          "(\\d{1,3}(?:,\\d{3})+|\\d+)(k?)(?:\\s*[-\u2013]\\s*(\\d{1,3}(?:,\\d{3})+|\\d+)(k?)|\\+)?"
              + "(?:\\s+employees)?",
          Pattern.CASE_INSENSITIVE);

  /** Bidi overrides and isolates, and the marks that reorder text: they disguise what it says. */
  private static final Pattern BIDI =
      Pattern.compile("[\\u202A-\\u202E\\u2066-\\u2069\\u200E\\u200F\\u061C]");

  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
  private static final Pattern CONTROL_BUT_LINES = Pattern.compile("[\\p{Cntrl}&&[^\\n\\t]]");
  private static final Pattern VISIBLE = Pattern.compile("[\\p{L}\\p{N}]");

  /** An HTML tag or character reference: not a name, and sent to the lead as written. */
  private static final Pattern MARKUP =
      Pattern.compile("<\\s*/?\\s*[A-Za-z!?][^>]*>|&(#\\d{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});");

  private LeadFields() {}

  /**
   * A one-line field without control or bidi characters (a newline or tab becomes a space, runs of
   * spaces one), or null when nothing visible is left.
   */
  static String line(String s) {
    if (s == null) {
      return null;
    }
    String cleaned =
        BIDI.matcher(CONTROL.matcher(s).replaceAll(" "))
            .replaceAll("")
            .replaceAll(" {2,}", " ")
            .strip();
    return VISIBLE.matcher(cleaned).find() ? cleaned : null;
  }

  /** A multi-line field: lines and tabs kept, other control and bidi characters removed. */
  static String text(String s) {
    if (s == null) {
      return null;
    }
    String cleaned =
        BIDI.matcher(CONTROL_BUT_LINES.matcher(s.replace("\r\n", "\n")).replaceAll(""))
            .replaceAll("")
            .strip();
    return cleaned.isEmpty() ? null : cleaned;
  }

  /**
   * Whether the lead id spells the lead's name ("ana.souza", "souza-7", "asouza"): two words of the
   * name (two letters or more) that are whole words of the id (its letters between digits and . _ :
   * -), or one word of five letters or more anywhere in it; accents and case aside. A short given
   * name alone ("ana_1", "sim-3" for "Sim Lead 3") identifies nobody and is taken: refusing it
   * refused ordinary ids that share a short word with a name.
   */
  static boolean holdsName(String leadId, String name) {
    String id = folded(leadId);
    java.util.Set<String> idWords = new java.util.HashSet<>(List.of(id.split("[^a-z]+")));
    java.util.Set<String> whole = new java.util.HashSet<>();
    for (String word : folded(name).split("[^a-z]+")) {
      if (word.length() >= 5 && id.contains(word)) {
        return true;
      }
      if (word.length() >= 2 && idWords.contains(word)) {
        whole.add(word);
      }
    }
    return whole.size() >= 2;
  }

  /** Lower case without accents ("Zoë Ñúñez" -> "zoe nunez"). */
  private static String folded(String text) {
    return java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFD)
        .replaceAll("\\p{M}+", "")
        .toLowerCase(java.util.Locale.ROOT);
  }

  static void required(List<FieldError> errors, String field, String raw, String value, int max) {
    if (blank(raw)) {
      errors.add(new FieldError(field, "required"));
    } else if (value == null) {
      errors.add(
          new FieldError(field, "required: only invisible or control characters were given"));
    } else if (ReadableText.length(value) > max) {
      errors.add(new FieldError(field, "at most " + max + " characters"));
    }
  }

  /** A field a template fills: plain text, as the lead will read it. */
  static void plain(List<FieldError> errors, String field, String value) {
    if (value != null && MARKUP.matcher(value).find()) {
      errors.add(
          new FieldError(field, "plain text only: no HTML tags or entities such as <b> or &amp;"));
    }
  }

  static void optional(List<FieldError> errors, String field, String value, int max) {
    if (value != null && ReadableText.length(value) > max) {
      errors.add(new FieldError(field, "at most " + max + " characters"));
    }
  }

  static void readable(List<FieldError> errors, String field, String raw) {
    if (ReadableText.unreadable(raw)) {
      errors.add(new FieldError(field, ReadableText.MESSAGE));
    }
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  static String trim(String s) {
    return blank(s) ? null : s.trim();
  }

  /** A company size in one of {@link #COMPANY_SIZE}'s forms, a range not upside down. */
  static boolean companySize(String size) {
    Matcher m = COMPANY_SIZE.matcher(size.trim());
    if (!m.matches()) {
      return false;
    }
    if (m.group(3) == null) {
      return true;
    }
    return count(m.group(1), m.group(2)) <= count(m.group(3), m.group(4));
  }

  private static double count(String digits, String thousands) {
    return Double.parseDouble(digits.replace(",", "")) * (thousands.isEmpty() ? 1 : 1000);
  }
}
