package com.salesagent.api.leads;

import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
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
 * refused, naming the field.
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
    return utf8(Arrays.copyOf(head, n), n < head.length) ? StandardCharsets.UTF_8 : WINDOWS_1252;
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
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
