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

  /** How many characters of a message id a log keeps: its end, the random part. */
  private static final int WAMID_TAIL = 10;

  /**
   * A WhatsApp message id fit for a log. Meta's ids are base64 whose bytes hold the recipient's
   * (or, inbound, the sender's) number, so a log keeps only the id's end ({@code
   * wamid.…Q2RTY3RTcA}), enough to find it in the messages collection; short ids stay whole.
   */
  public static String wamid(String id) {
    if (id == null) {
      return null;
    }
    int start = id.indexOf('.') + 1;
    if (id.length() - start <= 16) {
      return id;
    }
    return id.substring(0, start) + "…" + id.substring(id.length() - WAMID_TAIL);
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
