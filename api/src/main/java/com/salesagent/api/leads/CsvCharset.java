package com.salesagent.api.leads;

import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import java.io.IOException;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The character set of an imported CSV: the one its Content-Type names ({@code text/csv;
 * charset=windows-1252}), else UTF-8 unless its first {@value #SNIFF} bytes are no UTF-8, which is
 * what Excel's "CSV" (not "CSV UTF-8") writes on Windows: Windows-1252, so "João" is not enrolled
 * as "Jo\uFFFDo" and refused. A UTF-8 byte order mark is UTF-8, a UTF-16 one (Excel's "Unicode
 * Text", tab-separated) UTF-16. A file UTF-8 at its start and not further on still has those rows
 * refused, naming the field. A body without a mark whose first line is UTF-16 (every other byte
 * zero) is UTF-16LE or BE; one that is neither UTF-8 nor Windows-1252 text (Mac Roman, Excel's
 * "CSV" on a Mac) is refused with 415 before any row, never enrolled as mojibake.
 */
public final class CsvCharset {
  public static final int SNIFF = 64 * 1024;
  static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

  private CsvCharset() {}

  /** The charset to read {@code in} with; its first bytes are read and pushed back. */
  public static Charset of(String contentType, PushbackInputStream in) {
    Charset named = named(contentType);
    if (named != null) {
      return named;
    }
    byte[] head = new byte[SNIFF];
    int n = 0;
    try {
      for (int r; n < head.length && (r = in.read(head, n, head.length - n)) > 0; ) {
        n += r;
      }
      in.unread(head, 0, n);
    } catch (IOException e) {
      throw new ApiException(
          400, "the body could not be read", new FieldError("body", e.getMessage()));
    }
    if (n >= 2
        && ((head[0] == (byte) 0xFF && head[1] == (byte) 0xFE)
            || (head[0] == (byte) 0xFE && head[1] == (byte) 0xFF))) {
      // Excel's "Unicode Text": UTF-16 with its byte order mark (the decoder reads and drops it).
      return StandardCharsets.UTF_16;
    }
    Charset unmarked = utf16WithoutMark(head, n);
    if (unmarked != null) {
      return unmarked;
    }
    if (utf8(Arrays.copyOf(head, n), n < head.length)) {
      return StandardCharsets.UTF_8;
    }
    int line = notWindows1252(head, n);
    if (line > 0) {
      throw new ApiException(
          415,
          "the CSV is neither UTF-8 nor Windows-1252 (Excel's \"CSV\" on a Mac writes Mac Roman):"
              + " save it as \"CSV UTF-8\", or name its charset (text/csv; charset=x-MacRoman, or"
              + " charset=windows-1252 to read it as Windows-1252 anyway); nothing was imported",
          new FieldError(
              "Content-Type",
              "no charset named, and line "
                  + line
                  + " has bytes that are no UTF-8 and read as no text in Windows-1252"));
    }
    return WINDOWS_1252;
  }

  /**
   * UTF-16 written without a byte order mark, told by its first line (a header: ASCII, so every
   * other byte is zero): UTF-16LE when the zeros are the odd bytes, UTF-16BE when the even ones;
   * else null. Read as UTF-8 or Windows-1252, every other character of the file was a NUL and every
   * row was rejected with its columns garbled.
   */
  static Charset utf16WithoutMark(byte[] head, int n) {
    int span = Math.min(n, 512);
    for (int i = 0; i < span; i++) {
      if (head[i] == '\n') {
        span = i; // the header line only: the rows may hold any script
        break;
      }
    }
    span &= ~1;
    if (span < 4) {
      return null;
    }
    int evenZeros = 0;
    int oddZeros = 0;
    for (int i = 0; i < span; i++) {
      if (head[i] == 0) {
        if (i % 2 == 0) {
          evenZeros++;
        } else {
          oddZeros++;
        }
      }
    }
    int pairs = span / 2;
    if (evenZeros == 0 && oddZeros * 4 >= pairs * 3) {
      return StandardCharsets.UTF_16LE;
    }
    if (oddZeros == 0 && evenZeros * 4 >= pairs * 3) {
      return StandardCharsets.UTF_16BE;
    }
    return null;
  }

  /** Characters of Windows-1252's 0x80-0x9F and 0xA7/0xB6 that no word has between two letters. */
  private static final String NEVER_INSIDE_A_WORD =
      "\u201A\u0192\u201E\u2020\u2021\u02C6\u2030" + "\u2039\u203A\u2022\u02DC\u2122\u00A7\u00B6";

  /**
   * Windows-1252's capitals of 0x80-0x9F (\u0160 \u0152 \u017D \u0178): no word has one inside
   * before a lower case letter.
   */
  private static final String NO_CAPITAL_INSIDE_A_WORD = "\u0160\u0152\u017D\u0178";

  /**
   * The line (from 1) of the first sign that these bytes, no UTF-8, are no Windows-1252 text
   * either, or 0: a byte Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D), or what
   * another single-byte charset's letters read as in it, a symbol between two letters or a capital
   * inside a word. Mac Roman's (Excel's "CSV" on a Mac) "J\u00fcrgen M\u00fcller", "B\u00e4ckerei
   * Gr\u00f6\u00dfe" read as "J\u0178rgen M\u0178ller", "B\u0160ckerei Gr\u0161\u00a7e": enrolled
   * and sent so, while the rows with an undefined byte were refused.
   */
  static int notWindows1252(byte[] head, int n) {
    int line = 1;
    for (int i = 0; i < n; i++) {
      int b = head[i] & 0xFF;
      if (b == '\n') {
        line++;
      } else if (b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D) {
        return line;
      } else if (i > 0 && i + 1 < n && signInsideAWord(head[i - 1], head[i], head[i + 1])) {
        return line;
      }
    }
    return 0;
  }

  /** Whether the middle byte, in Windows-1252 between two letters, is a sign of another charset. */
  private static boolean signInsideAWord(byte before, byte middle, byte after) {
    if ((middle & 0x80) == 0) {
      return false;
    }
    String text = new String(new byte[] {before, middle, after}, WINDOWS_1252);
    char c = text.charAt(1);
    char next = text.charAt(2);
    return Character.isLetter(text.charAt(0))
        && Character.isLetter(next)
        && (NEVER_INSIDE_A_WORD.indexOf(c) >= 0
            || (NO_CAPITAL_INSIDE_A_WORD.indexOf(c) >= 0 && Character.isLowerCase(next)));
  }

  /** The charset the Content-Type names, or null; one Java does not know is 415 naming it. */
  static Charset named(String contentType) {
    if (contentType == null) {
      return null;
    }
    for (String part : contentType.split(";")) {
      String p = part.trim();
      if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
        String name = p.substring("charset=".length()).trim().replace("\"", "");
        try {
          return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
          throw new ApiException(
              415,
              "the CSV's charset is not one this service reads: send UTF-8 or name the file's"
                  + " charset (windows-1252, ISO-8859-1...)",
              new FieldError(
                  "Content-Type",
                  "unknown charset: " + com.salesagent.api.http.JsonBodies.shown(cut(name))));
        }
      }
    }
    return null;
  }

  /**
   * Whether these bytes read as UTF-8; {@code whole}: they are the whole body, else a sequence cut
   * at their end is no error.
   */
  static boolean utf8(byte[] bytes, boolean whole) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    if (whole) {
      try {
        decoder.decode(ByteBuffer.wrap(bytes));
        return true;
      } catch (CharacterCodingException e) {
        return false;
      }
    }
    return !decoder
        .decode(ByteBuffer.wrap(bytes), CharBuffer.allocate(bytes.length + 1), false)
        .isError();
  }

  private static String cut(String s) {
    return ReadableText.length(s) > 40 ? ReadableText.cut(s, 40) + "..." : s;
  }
}
