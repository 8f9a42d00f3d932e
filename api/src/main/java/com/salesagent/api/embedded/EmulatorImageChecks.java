package com.salesagent.api.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.salesagent.activities.whatsapp.WhatsAppLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * How the emulator checks images in sends, as Meta's Cloud API does: an {@code image} object names
 * either an uploaded media {@code id} (which must be one the emulator stores, else 131053) or an
 * https {@code link} (not fetched), and a caption of at most 1,024 characters (counted as {@link
 * WhatsAppLimits} counts them, an emoji is one; else 100). The same media check applies to a
 * template's image header parameter.
 */
final class EmulatorImageChecks {
  static final int MAX_CAPTION = WhatsAppLimits.CAPTION;

  /** A refusal: Meta's error code, message and details. */
  record Problem(int code, String message, String details) {}

  private EmulatorImageChecks() {}

  /** What is wrong with the send's images (image message or template header), or null. */
  static Problem problem(JsonNode body, EmulatorMedia media) {
    if ("image".equals(body.path("type").asText())) {
      return imageProblem(body.path("image"), "image", media);
    }
    if ("audio".equals(body.path("type").asText())) {
      return audioProblem(body.path("audio"), media);
    }
    for (JsonNode image : templateHeaderImages(body)) {
      Problem p = imageProblem(image, "template['components'][header]['image']", media);
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  /**
   * The media id of the send's image: an image message's, else the first template header image's;
   * null for images by link and for sends without an image.
   */
  static String mediaId(JsonNode body) {
    if ("image".equals(body.path("type").asText()) || "audio".equals(body.path("type").asText())) {
      return body.path(body.path("type").asText()).path("id").asText(null);
    }
    List<JsonNode> headers = templateHeaderImages(body);
    return headers.isEmpty() ? null : headers.get(0).path("id").asText(null);
  }

  private static List<JsonNode> templateHeaderImages(JsonNode body) {
    List<JsonNode> images = new ArrayList<>();
    if (!"template".equals(body.path("type").asText())) {
      return images;
    }
    for (JsonNode component : body.path("template").path("components")) {
      if (!"header".equals(component.path("type").asText())) {
        continue;
      }
      for (JsonNode parameter : component.path("parameters")) {
        if ("image".equals(parameter.path("type").asText())) {
          images.add(parameter.path("image"));
        }
      }
    }
    return images;
  }

  private static Problem imageProblem(JsonNode image, String field, EmulatorMedia media) {
    if (!image.isObject()) {
      return invalid("Param " + field + " must be an object");
    }
    String id = image.path("id").asText("");
    String link = image.path("link").asText("");
    if (id.isEmpty() == link.isEmpty()) {
      return invalid("Param " + field + " requires exactly one of 'id' or 'link'");
    }
    if (!link.isEmpty() && !validLink(link)) {
      return invalid("Param " + field + "['link'] must be a valid https URL");
    }
    if (!WhatsAppLimits.fits(image.path("caption").asText(""), MAX_CAPTION)) {
      return invalid(
          "Param " + field + "['caption'] must be at most " + MAX_CAPTION + " characters long");
    }
    if (!id.isEmpty() && media.bytes(id) == null) {
      return new Problem(
          131053, "(#131053) Media upload error", "Media ID " + id + " does not exist or expired");
    }
    return null;
  }

  /**
   * An audio message: exactly one of a stored media {@code id} (of an audio type) or an https
   * {@code link}; audio takes no caption; {@code voice} is a boolean.
   */
  private static Problem audioProblem(JsonNode audio, EmulatorMedia media) {
    if (!audio.isObject()) {
      return invalid("Param audio must be an object");
    }
    if (audio.has("caption")) {
      return invalid("Param audio['caption'] is not a valid parameter");
    }
    if (audio.has("voice") && !audio.path("voice").isBoolean()) {
      return invalid("Param audio['voice'] must be a boolean");
    }
    String id = audio.path("id").asText("");
    String link = audio.path("link").asText("");
    if (id.isEmpty() == link.isEmpty()) {
      return invalid("Param audio requires exactly one of 'id' or 'link'");
    }
    if (!link.isEmpty() && !validLink(link)) {
      return invalid("Param audio['link'] must be a valid https URL");
    }
    if (!id.isEmpty()) {
      String type = media.mimeType(id);
      if (type == null) {
        return new Problem(
            131053,
            "(#131053) Media upload error",
            "Media ID " + id + " does not exist or expired");
      }
      if (!type.startsWith("audio/")) {
        return new Problem(
            131053,
            "(#131053) Media upload error",
            "Media ID " + id + " is " + type + ", not audio");
      }
    }
    return null;
  }

  /**
   * An https URL, or (the embedded stack's S3 server, which serves plain http) an http URL on the
   * loopback interface: the only links the emulator downloads.
   */
  static boolean validLink(String link) {
    return link.matches("(?i)https://[^\\s/]+\\S*")
        || link.matches("(?i)http://(127\\.0\\.0\\.1|localhost)(:\\d+)?/\\S*");
  }

  /** The media link of an image, audio or template header image send, or null. */
  static String link(JsonNode body) {
    String type = body.path("type").asText();
    if ("image".equals(type) || "audio".equals(type)) {
      return body.path(type).path("link").asText(null);
    }
    List<JsonNode> headers = templateHeaderImages(body);
    return headers.isEmpty() ? null : headers.get(0).path("link").asText(null);
  }

  /**
   * Downloads a media link as Meta would (10 s, at most 100 MB): the bytes, or null when it answers
   * anything but 200. Hosts other than the loopback one are not contacted (the emulator works
   * offline): their links count as downloaded with no bytes.
   */
  static byte[] download(String link) {
    if (!link.matches("(?i)https?://(127\\.0\\.0\\.1|localhost)(:\\d+)?/\\S*")) {
      return new byte[0];
    }
    try {
      var response =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(java.net.URI.create(link))
                      .timeout(java.time.Duration.ofSeconds(10))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofInputStream());
      try (var in = response.body()) {
        if (response.statusCode() != 200) {
          return null;
        }
        byte[] bytes = in.readNBytes(100 * 1024 * 1024 + 1);
        return bytes.length > 100 * 1024 * 1024 ? null : bytes;
      }
    } catch (java.io.IOException | IllegalArgumentException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static Problem invalid(String details) {
    return new Problem(100, "(#100) Invalid parameter", details);
  }
}
