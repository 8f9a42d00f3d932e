package com.salesagent.activities.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.http.WholeAnswer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * The Cloud API's media of a business number, as Meta serves it: {@code GET /{version}/{media-id}}
 * answers a URL valid for five minutes with the declared type, size and sha256; the bytes are
 * fetched from that URL with the same bearer token. The token goes only to the configured Graph API
 * host or to Meta's media host ({@code *.fbsbx.com} over HTTPS): a URL elsewhere is refused,
 * whatever the answer said. Every call has a deadline and every body a size cap.
 */
public final class CloudMedia {
  /** What {@code GET /{media-id}} said. */
  public record Info(String url, String mimeType, String sha256, long fileSize) {}

  /** A failure worth trying again later (unreachable, 5xx, 429, a URL that expired). */
  public static final class Unavailable extends RuntimeException {
    public Unavailable(String message) {
      super(message);
    }
  }

  /** A failure that will not change (unknown media, too large, a host we do not trust). */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message);
    }
  }

  static final Duration INFO_TIMEOUT = Duration.ofSeconds(15);
  static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(60);

  /** The whole of a download (the activity has 3 minutes). */
  static final Duration DOWNLOAD_DEADLINE = Duration.ofMinutes(2);

  private static final int MAX_INFO_BYTES = 64 * 1024;

  private final WhatsAppSettings settings;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  CloudMedia(WhatsAppSettings settings, HttpClient http) {
    this.settings = settings;
    this.http = http;
  }

  public Info info(String mediaId) {
    if (mediaId == null || !mediaId.matches("[0-9A-Za-z_.-]{1,128}")) {
      throw new Refused("not a media id");
    }
    String url =
        settings.baseUrl().replaceAll("/+$", "") + "/" + settings.apiVersion() + "/" + mediaId;
    HttpResponse<byte[]> response =
        get(URI.create(url), INFO_TIMEOUT, MAX_INFO_BYTES, "media info");
    byte[] body = response.body();
    if (response.statusCode() / 100 != 2) {
      throw failure(response.statusCode(), "media info", false);
    }
    JsonNode tree;
    try {
      tree = json.readTree(body);
    } catch (IOException e) {
      throw new Unavailable("media info is not JSON");
    }
    String mediaUrl = tree.path("url").asText("");
    if (mediaUrl.isEmpty()) {
      throw new Unavailable("media info without a url");
    }
    return new Info(
        mediaUrl,
        tree.path("mime_type").asText(null),
        tree.path("sha256").asText(null),
        tree.path("file_size").asLong(-1));
  }

  /** The bytes at {@code url} (from {@link #info}), at most {@code maxBytes}. */
  public byte[] download(String url, long maxBytes) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new Refused("media url is not a URL");
    }
    if (!trusted(uri)) {
      throw new Refused("media url on a host the token is not sent to: " + uri.getHost());
    }
    HttpResponse<byte[]> response = get(uri, DOWNLOAD_DEADLINE, maxBytes, "media");
    if (response.statusCode() / 100 != 2) {
      throw failure(response.statusCode(), "media download", true);
    }
    return response.body();
  }

  /**
   * {@code POST /{version}/{phone-number-id}/media} (multipart: messaging_product, type, file): the
   * id Meta keeps the media under for 30 days. Nothing is sent to anyone by an upload, so any
   * failure is worth retrying, apart from Meta refusing the media itself (131053, a 4xx).
   */
  public String upload(byte[] bytes, String contentType) {
    String boundary = "----sales-agent-" + Long.toHexString(System.nanoTime());
    String type = contentType == null ? "application/octet-stream" : contentType;
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\n"
                + "whatsapp\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n"
                + type
                + "\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; "
                + "filename=\"media\"\r\nContent-Type: "
                + type
                + "\r\n\r\n")
            .getBytes(utf8));
    body.writeBytes(bytes);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(utf8));
    String url =
        settings.baseUrl().replaceAll("/+$", "")
            + "/"
            + settings.apiVersion()
            + "/"
            + settings.phoneNumberId()
            + "/media";
    HttpResponse<byte[]> response =
        call(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(DOWNLOAD_TIMEOUT)
                .header("Authorization", "Bearer " + settings.accessToken())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build(),
            DOWNLOAD_TIMEOUT,
            MAX_INFO_BYTES,
            "media upload answer",
            "Cloud API media upload unreachable: ");
    byte[] answer = response.body();
    if (response.statusCode() / 100 != 2) {
      throw failure(response.statusCode(), "media upload", false);
    }
    try {
      String id = json.readTree(answer).path("id").asText("");
      if (id.isEmpty()) {
        throw new Unavailable("media upload answered without an id");
      }
      return id;
    } catch (IOException e) {
      throw new Unavailable("media upload answer is not JSON");
    }
  }

  /** The token goes to the Graph API host we are configured with, or Meta's media CDN. */
  boolean trusted(URI uri) {
    URI base = URI.create(settings.baseUrl());
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    boolean sameAsBase =
        host.equalsIgnoreCase(base.getHost())
            && uri.getPort() == base.getPort()
            && String.valueOf(uri.getScheme()).equalsIgnoreCase(base.getScheme());
    boolean metaCdn =
        "https".equalsIgnoreCase(uri.getScheme())
            && (host.equals("lookaside.fbsbx.com") || host.endsWith(".fbsbx.com"));
    return sameAsBase || metaCdn;
  }

  private HttpResponse<byte[]> get(URI uri, Duration deadline, long max, String what) {
    return call(
        HttpRequest.newBuilder(uri)
            .timeout(deadline)
            .header("Authorization", "Bearer " + settings.accessToken())
            .GET()
            .build(),
        deadline,
        max,
        what,
        "Cloud API media unreachable: ");
  }

  /**
   * The whole answer, at most {@code max} bytes, within the connect time and {@code deadline}: the
   * request's own timeout ends with the headers, and a body that stalled after them held the
   * activity's thread for good.
   */
  private HttpResponse<byte[]> call(
      HttpRequest request, Duration deadline, long max, String what, String unreachable) {
    try {
      return WholeAnswer.send(
          http, request, http.connectTimeout().orElse(Duration.ZERO).plus(deadline), max);
    } catch (WholeAnswer.TooLarge e) {
      throw new Refused(what + " larger than " + max + " bytes");
    } catch (IOException e) {
      throw new Unavailable(unreachable + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted");
    }
  }

  private static RuntimeException failure(int status, String what, boolean download) {
    if (status == 429 || status >= 500 || status == 401 || status == 403) {
      // 401/403: a token being rotated, or a URL that expired between the two calls.
      return new Unavailable(what + ": HTTP " + status);
    }
    if (download && (status == 404 || status == 410)) {
      return new Unavailable(what + ": HTTP " + status + " (an expired URL; asked again)");
    }
    return new Refused(what + ": HTTP " + status);
  }
}
