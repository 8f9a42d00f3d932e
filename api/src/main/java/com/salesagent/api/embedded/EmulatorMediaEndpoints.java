package com.salesagent.api.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulator's media endpoints over HTTP, as Meta's: a media id's metadata and download URL, the
 * download, and the multipart upload with Meta's type and size checks ({@link EmulatorMediaTypes}).
 * Each request's token is checked as Meta checks it.
 */
final class EmulatorMediaEndpoints {
  /** The log category of the media store, as before the endpoints had a class of their own. */
  private static final Logger LOG =
      LoggerFactory.getLogger("com.salesagent.api.embedded.EmulatorMedia");

  /** How long a download URL stays valid after it was issued, as on Meta's side. */
  static final Duration URL_LIFETIME = Duration.ofMinutes(5);

  /** The most of an upload's body read: the largest file Meta takes (100 MB) and some headers. */
  static final long MAX_BODY_BYTES = 101L * 1024 * 1024;

  static final Pattern MEDIA_ID = Pattern.compile("[0-9A-Za-z_.-]{1,128}");
  private static final Pattern VERSION = Pattern.compile("v[0-9]{1,3}(\\.[0-9]{1,3})?");
  private static final Pattern DOWNLOAD_PATH =
      Pattern.compile("/emulator/media/([^/]{1,200})/download/?");
  private static final long MB = 1024L * 1024;

  private final EmulatorNumbers numbers;
  private final String baseUrl;
  private final EmulatorMediaStore store;
  private final ObjectMapper json = new ObjectMapper();
  private final Semaphore uploads = new Semaphore(2);

  EmulatorMediaEndpoints(EmulatorNumbers numbers, String baseUrl, EmulatorMediaStore store) {
    this.numbers = numbers;
    this.baseUrl = baseUrl;
    this.store = store;
  }

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

  /** Serves a request {@link #handles(HttpExchange)} accepted; URLs issued by {@code clock}. */
  void handle(HttpExchange ex, Clock clock) throws IOException {
    try {
      String[] parts = ex.getRequestURI().getPath().split("/");
      if (parts.length == 3) {
        metadata(ex, parts[2], clock);
      } else {
        upload(ex, parts[2]);
      }
    } finally {
      ex.close();
    }
  }

  private void metadata(HttpExchange ex, String mediaId, Clock clock) throws IOException {
    if (!anyToken(ex)) {
      respond(ex, 401, error("Invalid OAuth access token.", "OAuthException", 190, null));
      return;
    }
    if (!MEDIA_ID.matcher(mediaId).matches()) {
      respond(ex, 400, error("(#100) Invalid parameter", "OAuthException", 100, null));
      return;
    }
    EmulatorMediaStore.Stored s = store.stored(mediaId);
    String mime = s == null ? "image/png" : s.mimeType();
    byte[] bytes = s == null ? EmulatorSamples.png(mediaId) : s.bytes();
    String sha = s == null ? EmulatorMediaStore.sha256(bytes) : s.sha256();
    long expires = clock.instant().plus(URL_LIFETIME).getEpochSecond();
    ObjectNode answer = json.createObjectNode();
    answer.put("messaging_product", "whatsapp");
    answer.put("url", baseUrl + "/emulator/media/" + mediaId + "/download?expires=" + expires);
    answer.put("mime_type", mime);
    answer.put("sha256", sha);
    answer.put("file_size", bytes.length);
    answer.put("id", mediaId);
    EmulatorMediaStore.Counters c = s == null ? store.counters(mediaId, true) : s.counters();
    if (c != null) {
      c.urlRequests.incrementAndGet();
    }
    respond(ex, 200, json.writeValueAsString(answer));
  }

  /** {@code GET /emulator/media/{media-id}/download?expires=...}, checked against {@code clock}. */
  void download(HttpExchange ex, Clock clock) throws IOException {
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
      EmulatorMediaStore.Stored s = store.stored(mediaId);
      byte[] bytes = s == null ? EmulatorSamples.png(mediaId) : s.bytes();
      EmulatorMediaStore.Counters c = s == null ? store.counters(mediaId, true) : s.counters();
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
    String id = store.put(type.trim(), file.bytes());
    LOG.debug(
        "stored {} bytes of {} as media {} for number {}",
        file.bytes().length,
        type,
        id,
        number.phoneNumberId());
    respond(ex, 200, json.writeValueAsString(json.createObjectNode().put("id", id)));
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
}
