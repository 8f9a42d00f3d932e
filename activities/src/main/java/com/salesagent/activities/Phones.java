package com.salesagent.activities;

/** Phone numbers in logs: country code and last four digits only. */
public final class Phones {
  /** Something that may be a phone number inside free text: 8 or more digits, maybe grouped. */
  private static final java.util.regex.Pattern IN_TEXT =
      java.util.regex.Pattern.compile("\\+?[0-9][0-9 ().\\-]{6,}[0-9]");

  private Phones() {}

  /**
   * Free text from outside (an error message of Meta's) with every digit run that may be a phone
   * number masked.
   */
  public static String scrub(String text) {
    if (text == null) {
      return null;
    }
    java.util.regex.Matcher m = IN_TEXT.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String digits = m.group().replaceAll("[^0-9+]", "");
      m.appendReplacement(
          out,
          java.util.regex.Matcher.quoteReplacement(
              digits.replace("+", "").length() < 8 ? m.group() : mask(digits)));
    }
    m.appendTail(out);
    return out.toString();
  }

  public static String mask(String phone) {
    if (phone == null || phone.length() < 7) {
      return "***";
    }
    int keepStart = phone.startsWith("+") ? 3 : 2;
    return phone.substring(0, keepStart)
        + "*".repeat(phone.length() - keepStart - 4)
        + phone.substring(phone.length() - 4);
  }
}
