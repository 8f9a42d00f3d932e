package com.salesagent.activities.whatsapp;

/**
 * WhatsApp's limits on the text a message carries, and how they are counted: one definition for the
 * caps that take the text (an approval's edit, a rep's message) and for the send that gives it to
 * Meta (a text message's body; an image's caption, else the text goes alone).
 *
 * <p>Meta's Cloud API reference gives a text message's body as "Maximum 4096 characters" and an
 * image caption as 1,024 characters, without saying what a character is. They are counted here in
 * code points (an emoji or a CJK extension letter is one, a combining mark one of its own), as
 * every other capped text of this service is: an approval edit of 4,096 emoji (8,192 UTF-16 chars)
 * is taken, and goes to Meta whole as a text message.
 */
public final class WhatsAppLimits {
  /** A text message's body. */
  public static final int TEXT_BODY = 4096;

  /** An image's caption. */
  public static final int CAPTION = 1024;

  /** A message template's body (the quality gate's upper bound on a composed message). */
  public static final int TEMPLATE_BODY = 1024;

  private WhatsAppLimits() {}

  /** A text's length as these limits count it: code points. */
  public static int length(String text) {
    return text == null ? 0 : text.codePointCount(0, text.length());
  }

  /** Whether {@code text} is at most {@code max} code points. */
  public static boolean fits(String text, int max) {
    return text == null || text.length() <= max || length(text) <= max;
  }

  /** At most {@code max} code points of {@code text} (never half an emoji), or text itself. */
  public static String cut(String text, int max) {
    if (fits(text, max)) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, max));
  }
}
