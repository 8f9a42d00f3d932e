package com.salesagent.activities.media;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.apache.tika.Tika;
import org.apache.tika.mime.MimeTypeException;
import org.apache.tika.mime.MimeTypes;

/**
 * What WhatsApp delivers per message kind, and how big it may be (Meta's limits for media on the
 * Cloud API: images 5 MB, audio and video 16 MB, documents 100 MB, stickers 500 KB). The type is
 * what the bytes are (Apache Tika's magic-number detection), never what the webhook declared or a
 * file name says.
 */
public final class MediaTypes {
  private static final Tika TIKA = new Tika();

  private static final long MB = 1024L * 1024L;

  static final Map<String, Long> LIMITS =
      Map.of(
          "image", 5 * MB,
          "audio", 16 * MB,
          "video", 16 * MB,
          "document", 100 * MB,
          "sticker", 500 * 1024L);

  private static final Map<String, Set<String>> ACCEPTED =
      Map.of(
          "image", Set.of("image/jpeg", "image/png"),
          "sticker", Set.of("image/webp", "image/png"),
          "audio",
              Set.of(
                  "audio/ogg",
                  "audio/opus",
                  "audio/vorbis",
                  "audio/mpeg",
                  "audio/amr",
                  "audio/mp4",
                  "video/mp4",
                  "audio/aac",
                  "audio/x-aac"),
          "video", Set.of("video/mp4", "video/3gpp", "application/mp4", "video/quicktime"),
          "document",
              Set.of(
                  "application/pdf",
                  "text/plain",
                  "text/csv",
                  "application/rtf",
                  "application/msword",
                  "application/vnd.ms-excel",
                  "application/vnd.ms-powerpoint",
                  "application/x-tika-msoffice",
                  "application/x-tika-ooxml",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                  "image/jpeg",
                  "image/png"));

  private MediaTypes() {}

  /** The message kinds whose media is downloaded. */
  public static boolean isMedia(String kind) {
    return kind != null && LIMITS.containsKey(kind);
  }

  /** The largest object of this kind WhatsApp sends (and we keep). */
  public static long limit(String kind) {
    Long limit = LIMITS.get(kind);
    if (limit == null) {
      throw new IllegalArgumentException("not a media kind: " + kind);
    }
    return limit;
  }

  /** The content type of the bytes, by their magic numbers. */
  public static String sniff(byte[] bytes) {
    String type = TIKA.detect(bytes);
    return "application/ogg".equals(type) ? oggCodec(bytes) : type;
  }

  /**
   * tika-core names every Ogg stream application/ogg (its codec detector lives in the parsers); the
   * first page's packet says which codec it carries: Opus (a WhatsApp voice note) or Vorbis audio,
   * anything else (Theora video, ...) stays application/ogg and is not taken for audio.
   */
  static String oggCodec(byte[] bytes) {
    if (bytes.length >= 28 && bytes[26] >= 1) {
      int start = 27 + (bytes[26] & 0xff); // after the segment table
      if (startsWith(bytes, start, "OpusHead".getBytes(StandardCharsets.US_ASCII))) {
        return "audio/opus";
      }
      if (startsWith(bytes, start, "\u0001vorbis".getBytes(StandardCharsets.US_ASCII))) {
        return "audio/vorbis";
      }
    }
    return "application/ogg";
  }

  private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
    if (at < 0 || at + prefix.length > bytes.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether media of this kind may have this sniffed type. */
  public static boolean accepted(String kind, String sniffed) {
    return ACCEPTED.getOrDefault(kind, Set.of()).contains(sniffed);
  }

  /** The usual file extension of a type (".png"), or "" when it has none. */
  public static String extension(String type) {
    try {
      return MimeTypes.getDefaultMimeTypes().forName(type).getExtension();
    } catch (MimeTypeException e) {
      return "";
    }
  }
}
