package com.salesagent.api.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *       (131053 otherwise); the body read is capped at {@link #MAX_BODY_BYTES}.
 * </ul>
 *
 * <p>Stored media are kept in memory, oldest evicted once they total more than {@link
 * #MAX_STORED_BYTES}.
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
  private static final Logger LOG = LoggerFactory.getLogger(EmulatorMedia.class);

  /** How long a download URL stays valid after it was issued, as on Meta's side. */
  public static final Duration URL_LIFETIME = Duration.ofMinutes(5);

  /** The most of an upload's body read: the largest file Meta takes (100 MB) and some headers. */
  static final long MAX_BODY_BYTES = 101L * 1024 * 1024;

  /** Stored media beyond this total evict the oldest. */
  static final long MAX_STORED_BYTES = 512L * 1024 * 1024;

  /** Mime type of the voice notes recipients send. */
  public static final String VOICE_NOTE_MIME = "audio/ogg; codecs=opus";

  private static final Pattern MEDIA_ID = Pattern.compile("[0-9A-Za-z_.-]{1,128}");
  private static final Pattern VERSION = Pattern.compile("v[0-9]{1,3}(\\.[0-9]{1,3})?");
  private static final Pattern DOWNLOAD_PATH =
      Pattern.compile("/emulator/media/([^/]{1,200})/download/?");
  private static final long MB = 1024L * 1024;
  private static final int MAX_COUNTED_SAMPLES = 10_000;

  private final EmulatorNumbers numbers;
  private final String baseUrl;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Stored> stored = new LinkedHashMap<>();
  private final Map<String, Counters> sampleCounters = new ConcurrentHashMap<>();
  private final AtomicLong replies = new AtomicLong();
  private final Semaphore uploads = new Semaphore(2);
  private long storedBytes;
  private volatile Clock clock;
  private volatile byte[] voiceNote;

  private static final class Counters {
    final AtomicInteger downloads = new AtomicInteger();
    final AtomicInteger urlRequests = new AtomicInteger();
  }

  private record Stored(String mimeType, byte[] bytes, String sha256, Counters counters) {}

  EmulatorMedia(EmulatorNumbers numbers, String baseUrl, Clock clock) {
    this.numbers = numbers;
    this.baseUrl = baseUrl;
    this.clock = clock;
  }

  /** Tests move time with this: URLs issued and checked against this clock. */
  void setClock(Clock clock) {
    this.clock = clock;
  }

  // ---------------------------------------------------------------- Java API

  /** Stores media and returns its new id (numeric-looking, as Meta's). */
  public String put(String mimeType, byte[] bytes) {
    synchronized (stored) {
      String id;
      do {
        id = "10" + EmulatorHttp.digits(14);
      } while (stored.containsKey(id));
      return putAs(id, mimeType, bytes);
    }
  }

  /**
   * A media id the emulator did not create, declared with this type in a webhook replayed through
   * it ({@code POST /emulator/replay}): from now on it serves a generated sample of that type
   * ({@link EmulatorSamples#of}) under the id, as Meta would serve the lead's file. False when the
   * id is not well formed, is stored already, or the type is one the emulator cannot make a sample
   * of.
   */
  public boolean expect(String mediaId, String declaredType) {
    if (mediaId == null || declaredType == null || !MEDIA_ID.matcher(mediaId).matches()) {
      return false;
    }
    byte[] bytes = EmulatorSamples.of(declaredType, mediaId);
    if (bytes == null) {
      return false;
    }
    synchronized (stored) {
      if (stored.containsKey(mediaId)) {
        return false;
      }
      putAs(mediaId, declaredType, bytes);
      return true;
    }
  }

  private String putAs(String id, String mimeType, byte[] bytes) {
    Stored s = new Stored(mimeType, bytes.clone(), sha256(bytes), new Counters());
    synchronized (stored) {
      stored.put(id, s);
      storedBytes += bytes.length;
      Iterator<Map.Entry<String, Stored>> oldest = stored.entrySet().iterator();
      while (storedBytes > MAX_STORED_BYTES && oldest.hasNext()) {
        Map.Entry<String, Stored> e = oldest.next();
        if (e.getKey().equals(id)) {
          break;
        }
        storedBytes -= e.getValue().bytes().length;
        oldest.remove();
      }
      return id;
    }
  }

  /** The bytes of stored media, or null if the emulator did not store this id. */
  /** The declared type of a stored media id, or null. */
  public String mimeType(String mediaId) {
    Stored s = stored(mediaId);
    return s == null ? null : s.mimeType();
  }

  public byte[] bytes(String mediaId) {
    Stored s = stored(mediaId);
    return s == null ? null : s.bytes().clone();
  }

  /** How many media are stored. */
  int storedCount() {
    synchronized (stored) {
      return stored.size();
    }
  }

  /** How many times this media was downloaded successfully. */
  public int downloads(String mediaId) {
    Counters c = counters(mediaId, false);
    return c == null ? 0 : c.downloads.get();
  }

  /** How many times this media's URL was asked for successfully ({@code GET /{version}/{id}}). */
  public int urlRequests(String mediaId) {
    Counters c = counters(mediaId, false);
    return c == null ? 0 : c.urlRequests.get();
  }

  /**
   * A 320x200 PNG with the seed written on it, colours derived from the seed: the same bytes for
   * the same seed every time.
   */
  public static byte[] samplePng(String seed) {
    byte[] h = sha256Bytes(seed.getBytes(StandardCharsets.UTF_8));
    BufferedImage img = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(new Color(h[0] & 0xff, h[1] & 0xff, h[2] & 0xff));
      g.fillRect(0, 0, 320, 200);
      g.setColor(new Color(h[3] & 0xff, h[4] & 0xff, h[5] & 0xff));
      g.fillOval(200 + (h[6] & 0x3f), 10 + (h[7] & 0x3f), 60, 60);
      g.fillRect(10 + (h[8] & 0x3f), 140, 80, 40);
      g.setColor(Color.WHITE);
      g.fillRect(0, 40, 320, 24 + 18 * ((seed.length() + 31) / 32));
      g.setColor(Color.BLACK);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
      g.setFont(new Font(Font.MONOSPACED, Font.BOLD, 14));
      g.drawString("WhatsApp emulator media", 8, 58);
      g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 12));
      for (int i = 0, line = 0; i < seed.length(); i += 32, line++) {
        g.drawString(seed.substring(i, Math.min(seed.length(), i + 32)), 8, 76 + 18 * line);
      }
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
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
    String[] parts = ex.getRequestURI().getPath().split("/");
    String method = ex.getRequestMethod();
    return (parts.length == 3 && "GET".equals(method) && VERSION.matcher(parts[1]).matches())
        || (parts.length == 4
            && "POST".equals(method)
            && VERSION.matcher(parts[1]).matches()
            && "media".equals(parts[3]));
  }

  /** Serves a request {@link #handles(HttpExchange)} accepted. */
  void handle(HttpExchange ex) throws IOException {
    try {
      String[] parts = ex.getRequestURI().getPath().split("/");
      if (parts.length == 3) {
        metadata(ex, parts[2]);
      } else {
        upload(ex, parts[2]);
      }
    } finally {
      ex.close();
    }
  }

  private void metadata(HttpExchange ex, String mediaId) throws IOException {
    if (!anyToken(ex)) {
      respond(ex, 401, error("Invalid OAuth access token.", "OAuthException", 190, null));
      return;
    }
    if (!MEDIA_ID.matcher(mediaId).matches()) {
      respond(ex, 400, error("(#100) Invalid parameter", "OAuthException", 100, null));
      return;
    }
    Stored s = stored(mediaId);
    String mime = s == null ? "image/png" : s.mimeType();
    byte[] bytes = s == null ? samplePng(mediaId) : s.bytes();
    String sha = s == null ? sha256(bytes) : s.sha256();
    long expires = clock.instant().plus(URL_LIFETIME).getEpochSecond();
    ObjectNode answer = json.createObjectNode();
    answer.put("messaging_product", "whatsapp");
    answer.put("url", baseUrl + "/emulator/media/" + mediaId + "/download?expires=" + expires);
    answer.put("mime_type", mime);
    answer.put("sha256", sha);
    answer.put("file_size", bytes.length);
    answer.put("id", mediaId);
    Counters c = s == null ? counters(mediaId, true) : s.counters();
    if (c != null) {
      c.urlRequests.incrementAndGet();
    }
    respond(ex, 200, json.writeValueAsString(answer));
  }

  /** {@code GET /emulator/media/{media-id}/download?expires=...}. */
  void download(HttpExchange ex) throws IOException {
    try {
      Matcher path = DOWNLOAD_PATH.matcher(ex.getRequestURI().getPath());
      if (!"GET".equals(ex.getRequestMethod()) || !path.matches()) {
        respond(ex, 404, error("Not found", "OAuthException", 100, null));
        return;
      }
      if (!anyToken(ex)) {
        respond(ex, 401, error("Invalid OAuth access token.", "OAuthException", 190, null));
        return;
      }
      String mediaId = path.group(1);
      Long expires = expires(ex.getRequestURI().getRawQuery());
      long now = clock.instant().getEpochSecond();
      if (expires == null
          || expires < now
          || expires > now + URL_LIFETIME.getSeconds() + 1
          || !MEDIA_ID.matcher(mediaId).matches()) {
        respond(ex, 404, error("URL expired or unknown", "OAuthException", 100, null));
        return;
      }
      Stored s = stored(mediaId);
      byte[] bytes = s == null ? samplePng(mediaId) : s.bytes();
      Counters c = s == null ? counters(mediaId, true) : s.counters();
      if (c != null) {
        c.downloads.incrementAndGet();
      }
      ex.getResponseHeaders().add("Content-Type", s == null ? "image/png" : s.mimeType());
      ex.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    } finally {
      ex.close();
    }
  }

  private void upload(HttpExchange ex, String phoneNumberId) throws IOException {
    EmulatorNumbers.Number number = numbers.get(phoneNumberId);
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    String expected =
        "Bearer " + (number == null ? numbers.all().get(0).accessToken() : number.accessToken());
    if (auth == null || !constantTimeEquals(auth, expected)) {
      respond(ex, 401, error("Invalid OAuth access token.", "OAuthException", 190, null));
      return;
    }
    if (number == null) {
      respond(
          ex,
          400,
          error(
              "Object with ID '" + phoneNumberId + "' does not exist",
              "GraphMethodException",
              100,
              null));
      return;
    }
    String boundary = EmulatorMultipart.boundary(ex.getRequestHeaders().getFirst("Content-Type"));
    if (boundary == null) {
      respond(
          ex,
          400,
          error("(#100) Invalid parameter", "OAuthException", 100, "Expected multipart/form-data"));
      return;
    }
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null && parseLong(length, Long.MAX_VALUE) > MAX_BODY_BYTES) {
      respond(ex, 400, uploadError("Request body larger than " + MAX_BODY_BYTES / MB + " MB"));
      return;
    }
    byte[] body;
    try {
      if (!uploads.tryAcquire(30, TimeUnit.SECONDS)) {
        respond(ex, 503, error("Too many concurrent uploads", "OAuthException", 2, null));
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try (InputStream in = ex.getRequestBody()) {
      body = EmulatorMultipart.readCapped(in, MAX_BODY_BYTES);
    } finally {
      uploads.release();
    }
    if (body == null) {
      respond(ex, 400, uploadError("Request body larger than " + MAX_BODY_BYTES / MB + " MB"));
      return;
    }
    Map<String, EmulatorMultipart.Part> parts = EmulatorMultipart.parseMultipart(body, boundary);
    EmulatorMultipart.Part file = parts == null ? null : parts.get("file");
    EmulatorMultipart.Part product = parts == null ? null : parts.get("messaging_product");
    if (file == null
        || file.filename() == null
        || product == null
        || !"whatsapp".equals(product.text())) {
      respond(
          ex,
          400,
          error(
              "(#100) Invalid parameter",
              "OAuthException",
              100,
              "Expected the fields messaging_product=whatsapp, type and file"));
      return;
    }
    EmulatorMultipart.Part typePart = parts.get("type");
    String type = typePart != null ? typePart.text() : file.contentType();
    String problem = EmulatorMediaTypes.problem(type, file.bytes());
    if (problem != null) {
      respond(ex, 400, uploadError(problem));
      return;
    }
    String id = put(type.trim(), file.bytes());
    LOG.debug(
        "stored {} bytes of {} as media {} for number {}",
        file.bytes().length,
        type,
        id,
        number.phoneNumberId());
    respond(ex, 200, json.writeValueAsString(json.createObjectNode().put("id", id)));
  }

  private Stored stored(String mediaId) {
    synchronized (stored) {
      return stored.get(mediaId);
    }
  }

  private Counters counters(String mediaId, boolean create) {
    Stored s = stored(mediaId);
    if (s != null) {
      return s.counters();
    }
    Counters c = sampleCounters.get(mediaId);
    if (c == null && create && sampleCounters.size() < MAX_COUNTED_SAMPLES) {
      c = sampleCounters.computeIfAbsent(mediaId, k -> new Counters());
    }
    return c;
  }

  private boolean anyToken(HttpExchange ex) {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth == null) {
      return false;
    }
    boolean ok = false;
    for (EmulatorNumbers.Number n : numbers.all()) {
      ok |= constantTimeEquals(auth, "Bearer " + n.accessToken());
    }
    return ok;
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static Long expires(String rawQuery) {
    if (rawQuery == null) {
      return null;
    }
    for (String p : rawQuery.split("&")) {
      if (p.startsWith("expires=")) {
        long v = parseLong(p.substring("expires=".length()), -1);
        return v < 0 ? null : v;
      }
    }
    return null;
  }

  private static long parseLong(String s, long fallback) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private String uploadError(String details) {
    return error("(#131053) Media upload error", "OAuthException", 131053, details);
  }

  private static String error(String message, String type, int code, String details) {
    return EmulatorHttp.error(message, type, code, details);
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    EmulatorHttp.respond(ex, status, body);
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256Bytes(bytes));
  }

  private static byte[] sha256Bytes(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
