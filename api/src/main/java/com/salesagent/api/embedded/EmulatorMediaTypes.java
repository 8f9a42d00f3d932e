package com.salesagent.api.embedded;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The media types Meta's Cloud API takes and their size limits, as the emulator's upload endpoint
 * checks them ({@code 131053} otherwise), and the file signatures it recognises.
 */
final class EmulatorMediaTypes {
  private EmulatorMediaTypes() {}

  private static final long MB = 1024L * 1024;

  /** Meta's media types and their size limits. */
  private static final Map<String, Long> LIMITS = limits();

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  /** Why Meta would refuse this type or size, or null if it takes it. */
  static String problem(String type, byte[] bytes) {
    if (type == null || type.isBlank()) {
      return "Missing media type";
    }
    String[] params = type.split(";");
    String base = params[0].trim().toLowerCase(Locale.ROOT);
    Long limit = LIMITS.get(base);
    if (limit == null) {
      return "Unsupported media type "
          + base
          + "; supported: "
          + String.join(", ", LIMITS.keySet());
    }
    if ("audio/ogg".equals(base)) {
      for (int i = 1; i < params.length; i++) {
        String p = params[i].trim().toLowerCase(Locale.ROOT).replace("\"", "");
        if (p.startsWith("codecs=") && !"codecs=opus".equals(p)) {
          return "OGG audio is only supported with the Opus codec";
        }
      }
      if (!isOggOpus(bytes)) {
        return "OGG audio is only supported with the Opus codec";
      }
    }
    if (bytes.length > limit) {
      return "File of "
          + bytes.length
          + " bytes exceeds the maximum of "
          + (limit >= MB ? limit / MB + " MB" : limit / 1024 + " KB")
          + " for "
          + base;
    }
    return null;
  }

  static boolean isOggOpus(byte[] bytes) {
    if (bytes.length < 36 || bytes[0] != 'O' || bytes[1] != 'g' || bytes[2] != 'g') {
      return false;
    }
    byte[] head = "OpusHead".getBytes(StandardCharsets.US_ASCII);
    return EmulatorMultipart.indexOf(bytes, head, 0, Math.min(bytes.length, 512)) >= 0;
  }

  private static Map<String, Long> limits() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String t : List.of("image/jpeg", "image/png")) {
      m.put(t, 5 * MB);
    }
    for (String t : List.of("audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg")) {
      m.put(t, 16 * MB);
    }
    for (String t : List.of("video/mp4", "video/3gp", "video/3gpp")) {
      m.put(t, 16 * MB);
    }
    for (String t :
        List.of(
            "text/plain",
            "application/pdf",
            "application/vnd.ms-powerpoint",
            "application/msword",
            "application/vnd.ms-excel",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")) {
      m.put(t, 100 * MB);
    }
    m.put("image/webp", 500 * 1024L);
    return java.util.Collections.unmodifiableMap(m);
  }

  static boolean isPng(byte[] bytes) {
    if (bytes == null || bytes.length < PNG_SIGNATURE.length) {
      return false;
    }
    for (int i = 0; i < PNG_SIGNATURE.length; i++) {
      if (bytes[i] != PNG_SIGNATURE[i]) {
        return false;
      }
    }
    return true;
  }
}
