package com.salesagent.api.http;

import java.util.regex.Pattern;

/**
 * What no one wrote, in text a lead will read: the replacement character a decoder leaves for bytes
 * that are not UTF-8 (a CSV saved as Windows-1252, "Jo\uFFFDo"), or half of a surrogate pair (an
 * emoji cut in two, escaped in JSON, which MongoDB stores and WhatsApp shows as a replacement
 * mark). Refused where the text is taken, naming its field.
 */
public final class ReadableText {
  private ReadableText() {}

  private static final Pattern UNREADABLE = Pattern.compile("[\\uFFFD\\p{Cs}]");

  /** The refusal's words. */
  public static final String MESSAGE =
      "has a character that could not be read (not UTF-8: save the file as UTF-8; or half of an"
          + " emoji)";

  /** Whether {@code text} holds U+FFFD or half of a surrogate pair. */
  public static boolean unreadable(String text) {
    return text != null && UNREADABLE.matcher(text).find();
  }
}
