package com.salesagent.api.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The emulator's reading of a {@code multipart/form-data} upload, by hand and bounded (at most 16
 * parts, the body read up to a cap): what {@link EmulatorMedia}'s upload endpoint parses.
 */
final class EmulatorMultipart {
  static final Pattern PARAM_NAME = Pattern.compile("(?i)(?:^|;)\\s*name=\"([^\"]*)\"");
  static final int MAX_PARTS = 16;
  static final int MAX_FIELD_BYTES = 1024;

  private EmulatorMultipart() {}

  record Part(String filename, String contentType, byte[] bytes) {
    String text() {
      return new String(bytes, StandardCharsets.UTF_8).trim();
    }
  }

  static String boundary(String contentType) {
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      return null;
    }
    for (String p : contentType.split(";")) {
      p = p.trim();
      if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
        String b = p.substring("boundary=".length());
        if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
          b = b.substring(1, b.length() - 1);
        }
        return b.isEmpty() || b.length() > 70 ? null : b;
      }
    }
    return null;
  }

  /**
   * Parts by field name (RFC 7578), or null if the body is not well-formed multipart. Fields other
   * than {@code file} are capped at {@value #MAX_FIELD_BYTES} bytes, parts at {@value #MAX_PARTS}.
   */
  static Map<String, Part> parseMultipart(byte[] body, String boundary) {
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    byte[] headersEnd = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    Map<String, Part> parts = new HashMap<>();
    int pos = indexOf(body, delimiter, 0, body.length);
    if (pos < 0) {
      return null;
    }
    pos += delimiter.length;
    for (int count = 0; ; count++) {
      if (startsWith(body, pos, "--")) {
        return parts; // the close delimiter
      }
      if (count >= MAX_PARTS) {
        return null;
      }
      while (pos < body.length && (body[pos] == ' ' || body[pos] == '\t')) {
        pos++; // transport padding
      }
      if (!startsWith(body, pos, "\r\n")) {
        return null;
      }
      pos += 2;
      int end = indexOf(body, headersEnd, pos, body.length);
      if (end < 0) {
        return null;
      }
      String name = null;
      String filename = null;
      String contentType = null;
      for (String line : new String(body, pos, end - pos, StandardCharsets.UTF_8).split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).trim();
        if ("content-disposition".equals(header)) {
          Matcher m = PARAM_NAME.matcher(value);
          name = m.find() ? m.group(1) : null;
          Matcher f = Pattern.compile("(?i);\\s*filename=\"([^\"]*)\"").matcher(value);
          filename = f.find() ? f.group(1) : null;
        } else if ("content-type".equals(header)) {
          contentType = value;
        }
      }
      int contentStart = end + headersEnd.length;
      int contentEnd = indexOf(body, next, contentStart, body.length);
      while (contentEnd >= 0 && !delimiterEnds(body, contentEnd + next.length)) {
        contentEnd = indexOf(body, next, contentEnd + 1, body.length); // "--b" inside "--bx"
      }
      if (contentEnd < 0 || name == null) {
        return null;
      }
      if (!"file".equals(name) && contentEnd - contentStart > MAX_FIELD_BYTES) {
        return null;
      }
      parts.putIfAbsent(
          name,
          new Part(
              filename, contentType, java.util.Arrays.copyOfRange(body, contentStart, contentEnd)));
      pos = contentEnd + next.length;
    }
  }

  /** After a boundary: the close delimiter, or padding and a line break. */
  private static boolean delimiterEnds(byte[] body, int pos) {
    if (startsWith(body, pos, "--")) {
      return true;
    }
    while (pos < body.length && (body[pos] == ' ' || body[pos] == '\t')) {
      pos++;
    }
    return startsWith(body, pos, "\r\n");
  }

  private static boolean startsWith(byte[] body, int pos, String prefix) {
    if (pos + prefix.length() > body.length) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (body[pos + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static int indexOf(byte[] haystack, byte[] needle, int from, int to) {
    outer:
    for (int i = from; i <= to - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  // ---------------------------------------------------------------- helpers

  /** Reads at most {@code max} bytes; null if the stream holds more. */
  static byte[] readCapped(InputStream in, long max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > max) {
        return null;
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
