package com.salesagent.api.embedded;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The emulator's media store, serving Meta's WhatsApp Cloud API media endpoints:
 *
 * <ul>
 *   <li>{@code GET /{version}/{media-id}} with the bearer token of any served number: the media's
 *       metadata and a download URL that expires {@link #URL_LIFETIME} after it was issued. A
 *       well-formed id of a recorded Meta payload replayed through the emulator ({@code POST
 *       /emulator/replay}) is served as a sample of the type the payload declared ({@link
 *       #expect}); any other id it never stored is answered with a generated sample PNG ({@link
 *       #samplePng(String)}), the same bytes every time.
 *   <li>{@code GET /emulator/media/{media-id}/download?expires=...} with the bearer token of any
 *       served number: the bytes, with the media's Content-Type.
 *   <li>{@code POST /{version}/{phone-number-id}/media}, multipart/form-data with {@code
 *       messaging_product=whatsapp}, {@code type} and {@code file}, with that number's token:
 *       stores the file and answers its new id. Types and sizes are checked against Meta's limits
 *       (131053 otherwise); the body read is capped at {@link
 *       EmulatorMediaEndpoints#MAX_BODY_BYTES}.
 * </ul>
 *
 * <p>Stored media are kept in memory by {@link EmulatorMediaStore}, oldest evicted once they total
 * more than {@link EmulatorMediaStore#MAX_STORED_BYTES}; the endpoints are served by {@link
 * EmulatorMediaEndpoints}.
 *
 * <p>Recipients' voice notes are the fixture {@code /emulator/voice-note.ogg}, a real Ogg Opus file
 * (1.5 s of a 440 Hz tone, about 2.7 KB) generated with {@code ffmpeg -f lavfi -i
 * "sine=frequency=440:duration=1.5" -ac 1 -ar 16000 -c:a libopus -b:a 12k -map_metadata -1 -fflags
 * +bitexact -flags:a +bitexact voice-note.ogg}. The other samples under {@code /emulator/} were
 * made the same way: {@code sample.webp} (a 96x96 green square, libwebp), {@code sample.mp3},
 * {@code sample.m4a} and {@code sample.aac} (one second of 440 Hz; AAC without noise substitution),
 * {@code sample.mp4} (one second of ffmpeg's test pattern at 96x64, H.264 baseline with AAC, brand
 * mp42).
 */
public final class EmulatorMedia {
  /** How long a download URL stays valid after it was issued, as on Meta's side. */
  public static final Duration URL_LIFETIME = EmulatorMediaEndpoints.URL_LIFETIME;

  /** Mime type of the voice notes recipients send. */
  public static final String VOICE_NOTE_MIME = "audio/ogg; codecs=opus";

  private final EmulatorMediaStore store = new EmulatorMediaStore();
  private final EmulatorMediaEndpoints endpoints;
  private final AtomicLong replies = new AtomicLong();
  private volatile byte[] voiceNote;
  private volatile Clock clock;

  EmulatorMedia(EmulatorNumbers numbers, String baseUrl, Clock clock) {
    this.endpoints = new EmulatorMediaEndpoints(numbers, baseUrl, store);
    this.clock = clock;
  }

  /** Tests move time with this: URLs issued and checked against this clock. */
  void setClock(Clock clock) {
    this.clock = clock;
  }

  // ---------------------------------------------------------------- Java API

  /** Stores media and returns its new id (numeric-looking, as Meta's). */
  public String put(String mimeType, byte[] bytes) {
    return store.put(mimeType, bytes);
  }

  /**
   * A media id the emulator did not create, declared with this type in a webhook replayed through
   * it ({@code POST /emulator/replay}): from now on it serves a generated sample of that type
   * ({@link EmulatorSamples#of}) under the id, as Meta would serve the lead's file. False when the
   * id is not well formed, is stored already, or the type is one the emulator cannot make a sample
   * of.
   */
  public boolean expect(String mediaId, String declaredType) {
    if (mediaId == null
        || declaredType == null
        || !EmulatorMediaEndpoints.MEDIA_ID.matcher(mediaId).matches()) {
      return false;
    }
    byte[] bytes = EmulatorSamples.of(declaredType, mediaId);
    if (bytes == null) {
      return false;
    }
    return store.putNew(mediaId, declaredType, bytes);
  }

  /** The declared type of a stored media id, or null. */
  public String mimeType(String mediaId) {
    EmulatorMediaStore.Stored s = store.stored(mediaId);
    return s == null ? null : s.mimeType();
  }

  /** The bytes of stored media, or null if the emulator did not store this id. */
  public byte[] bytes(String mediaId) {
    EmulatorMediaStore.Stored s = store.stored(mediaId);
    return s == null ? null : s.bytes().clone();
  }

  /** How many media are stored. */
  int storedCount() {
    return store.count();
  }

  /** How many times this media was downloaded successfully. */
  public int downloads(String mediaId) {
    EmulatorMediaStore.Counters c = store.counters(mediaId, false);
    return c == null ? 0 : c.downloads.get();
  }

  /** How many times this media's URL was asked for successfully ({@code GET /{version}/{id}}). */
  public int urlRequests(String mediaId) {
    EmulatorMediaStore.Counters c = store.counters(mediaId, false);
    return c == null ? 0 : c.urlRequests.get();
  }

  /**
   * A 320x200 PNG with the seed written on it, colours derived from the seed: the same bytes for
   * the same seed every time ({@link EmulatorSamples#png}).
   */
  public static byte[] samplePng(String seed) {
    return EmulatorSamples.png(seed);
  }

  static String sha256(byte[] bytes) {
    return EmulatorMediaStore.sha256(bytes);
  }

  // ---------------------------------------------------------------- replies

  /**
   * Turns an inbound message into a media reply: every other one an image (the reply text its
   * caption), the others a voice note (no text).
   */
  void mediaReply(ObjectNode message, String text) {
    long n = replies.getAndIncrement();
    if (n % 2 == 0) {
      byte[] png = samplePng("reply " + n);
      message.put("type", "image");
      message
          .putObject("image")
          .put("caption", text)
          .put("mime_type", "image/png")
          .put("sha256", sha256(png))
          .put("id", put("image/png", png));
    } else {
      byte[] ogg = voiceNote();
      message.put("type", "audio");
      message
          .putObject("audio")
          .put("mime_type", VOICE_NOTE_MIME)
          .put("sha256", sha256(ogg))
          .put("id", put(VOICE_NOTE_MIME, ogg))
          .put("voice", true);
    }
  }

  /** The voice-note fixture's bytes. */
  byte[] voiceNote() {
    byte[] v = voiceNote;
    if (v == null) {
      try (InputStream in = EmulatorMedia.class.getResourceAsStream("/emulator/voice-note.ogg")) {
        if (in == null) {
          throw new IllegalStateException("emulator/voice-note.ogg missing from the classpath");
        }
        v = EmulatorMultipart.readCapped(in, 1024 * 1024);
        if (v == null) {
          throw new IllegalStateException("emulator/voice-note.ogg larger than 1 MB");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      voiceNote = v;
    }
    return v;
  }

  // ---------------------------------------------------------------- HTTP

  /**
   * Whether a request reaching the emulator's root context is for media: {@code GET
   * /{version}/{media-id}} or {@code POST /{version}/{phone-number-id}/media}.
   */
  boolean handles(HttpExchange ex) {
    return endpoints.handles(ex);
  }

  /** Serves a request {@link #handles(HttpExchange)} accepted. */
  void handle(HttpExchange ex) throws IOException {
    endpoints.handle(ex, clock);
  }

  /** {@code GET /emulator/media/{media-id}/download?expires=...}. */
  void download(HttpExchange ex) throws IOException {
    endpoints.download(ex, clock);
  }
}
