package com.salesagent.activities.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.salesagent.activities.http.WholeAnswer;
import com.salesagent.activities.whatsapp.WhatsAppApiException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;

/**
 * {@code POST /{version}/{phone-number-id}/messages} of the WhatsApp Business Cloud API, in Meta's
 * request and response format: template and text messages; {@code messages[0].id} is the wamid and
 * {@code contacts[0].wa_id} the id WhatsApp knows the recipient by. Each send carries its
 * idempotency key as {@code biz_opaque_callback_data}, which Meta echoes in the message's status
 * webhooks: a send whose answer was lost can be recognised when its statuses arrive.
 */
public class WhatsAppClient {
  /** What the Cloud API accepted: the message's wamid and the recipient's wa_id. */
  public record Accepted(String wamid, String waId) {}

  private final WhatsAppSettings settings;
  private final HttpClient http;
  private final Duration timeout;
  private final ObjectMapper json = new ObjectMapper();

  /** Meta's answer to a send is a few hundred bytes; a longer one is not Meta's. */
  static final long MAX_ANSWER_BYTES = 256 * 1024;

  public WhatsAppClient(WhatsAppSettings settings) {
    this(settings, Duration.ofSeconds(15));
  }

  /** {@code timeout}: how long to wait for Meta's answer once the request is written. */
  public WhatsAppClient(WhatsAppSettings settings, Duration timeout) {
    this(settings, timeout, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }

  /** One client per business number of a pool, sharing {@code http}'s connections. */
  public WhatsAppClient(WhatsAppSettings settings, Duration timeout, HttpClient http) {
    this.settings = settings;
    this.timeout = timeout;
    this.http = http;
  }

  public String phoneNumberId() {
    return settings.phoneNumberId();
  }

  /** Media of this number (download of what leads send): same token, same connections. */
  public CloudMedia media() {
    return new CloudMedia(settings, http);
  }

  /** A pre-approved template with positional body parameters ({{1}}, {{2}}, ...). */
  public Accepted sendTemplate(
      String toE164, String name, String language, List<String> params, String callbackData) {
    return sendTemplate(toE164, name, language, params, callbackData, null);
  }

  /**
   * A template whose approved header is an image: {@code headerImageId} (a Cloud API media id) as
   * the header's parameter; null for a template without one.
   */
  public Accepted sendTemplate(
      String toE164,
      String name,
      String language,
      List<String> params,
      String callbackData,
      String headerImageId) {
    ObjectNode body = envelope(toE164, "template", callbackData);
    ObjectNode template = body.putObject("template");
    template.put("name", name);
    template.putObject("language").put("code", language);
    if (headerImageId != null) {
      ObjectNode header = template.putArray("components").addObject();
      header.put("type", "header");
      header
          .putArray("parameters")
          .addObject()
          .put("type", "image")
          .set("image", media(headerImageId));
    }
    if (!params.isEmpty()) {
      ArrayNode components =
          template.has("components")
              ? (ArrayNode) template.get("components")
              : template.putArray("components");
      ObjectNode component = components.addObject();
      component.put("type", "body");
      ArrayNode parameters = component.putArray("parameters");
      params.forEach(p -> parameters.addObject().put("type", "text").put("text", p));
    }
    return send(body);
  }

  /**
   * An image (a Cloud API media id) with the text as its caption (at most 1,024 characters): like
   * free text, only inside the 24 h customer-service window.
   */
  public Accepted sendImage(String toE164, String mediaId, String caption, String callbackData) {
    ObjectNode body = envelope(toE164, "image", callbackData);
    ObjectNode image = media(mediaId);
    body.set("image", image);
    if (caption != null && !caption.isBlank()) {
      // Never more than WhatsApp takes, never half an emoji: counted as OutboundMedia decides.
      image.put("caption", WhatsAppLimits.cut(caption, WhatsAppLimits.CAPTION));
    }
    return send(body);
  }

  /**
   * Audio (a Cloud API media id) as a voice note ({@code voice: true}: Ogg Opus, shown with the
   * microphone icon, downloaded automatically, transcribed on the lead's phone when they allow it).
   * Audio takes no caption; like free text, only inside the 24 h customer-service window.
   */
  public Accepted sendVoiceNote(String toE164, String mediaId, String callbackData) {
    ObjectNode body = envelope(toE164, "audio", callbackData);
    body.set("audio", media(mediaId).put("voice", true));
    return send(body);
  }

  /** Free text: only inside the 24 h customer-service window. */
  public Accepted sendText(String toE164, String text, String callbackData) {
    ObjectNode body = envelope(toE164, "text", callbackData);
    body.putObject("text").put("preview_url", false).put("body", text);
    return send(body);
  }

  /** A media object: {@code link} for an http(s) URL (Meta downloads it), else {@code id}. */
  private ObjectNode media(String ref) {
    ObjectNode media = json.createObjectNode();
    boolean link = ref.startsWith("https://") || ref.startsWith("http://");
    return media.put(link ? "link" : "id", ref);
  }

  private ObjectNode envelope(String toE164, String type, String callbackData) {
    ObjectNode body = json.createObjectNode();
    body.put("messaging_product", "whatsapp");
    body.put("recipient_type", "individual");
    body.put("to", toE164.startsWith("+") ? toE164.substring(1) : toE164);
    body.put("type", type);
    if (callbackData != null) {
      body.put("biz_opaque_callback_data", callbackData);
    }
    return body;
  }

  private Accepted send(ObjectNode body) {
    HttpResponse<byte[]> response;
    try {
      // The request's timeout ends with the headers; the whole answer (an answer whose body
      // stalls after its headers held this thread, and its activity slot, for good) gets the
      // connect time and the timeout, and at most MAX_ANSWER_BYTES.
      response =
          WholeAnswer.send(
              http,
              HttpRequest.newBuilder(URI.create(settings.messagesUrl()))
                  .timeout(timeout)
                  .header("Authorization", "Bearer " + settings.accessToken())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                  .build(),
              http.connectTimeout().orElse(Duration.ZERO).plus(timeout),
              MAX_ANSWER_BYTES);
    } catch (IOException e) {
      throw transportFailure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // Interrupted while waiting: the request may be out.
      throw new WhatsAppApiException("interrupted while sending", 0, 0, Kind.AMBIGUOUS);
    }
    return parse(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
  }

  /**
   * Only failures before the request could be written prove nothing was sent: the connection was
   * never made (refused, no route, DNS, connect timeout) or TLS never completed. Everything else (a
   * timeout waiting for the answer, a reset, an early close) may follow Meta's acceptance.
   */
  static WhatsAppApiException transportFailure(IOException e) {
    boolean neverSent =
        e instanceof HttpConnectTimeoutException
            || e instanceof ConnectException
            || e instanceof UnknownHostException
            || e instanceof SSLHandshakeException
            || e.getCause() instanceof ConnectException
            || e.getCause() instanceof UnknownHostException;
    return new WhatsAppApiException(
        (neverSent ? "Cloud API unreachable: " : "no answer from the Cloud API: ")
            + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : " " + e.getMessage()),
        0,
        0,
        neverSent ? Kind.NOT_SENT : Kind.AMBIGUOUS);
  }

  /** Maps a Cloud API answer to what was accepted, or to a classified error. */
  Accepted parse(int status, String responseBody) {
    JsonNode tree;
    try {
      tree = json.readTree(responseBody == null || responseBody.isBlank() ? "{}" : responseBody);
    } catch (IOException e) {
      tree = json.createObjectNode();
    }
    if (status / 100 == 2) {
      String wamid = tree.path("messages").path(0).path("id").asText("");
      if (wamid.isEmpty()) {
        // Meta answered success without saying what: the message may well be out.
        throw new WhatsAppApiException(
            "Cloud API answer without messages[0].id (HTTP " + status + ")",
            status,
            0,
            Kind.AMBIGUOUS);
      }
      String waId = tree.path("contacts").path(0).path("wa_id").asText("");
      return new Accepted(wamid, waId.isEmpty() ? null : waId);
    }
    JsonNode error = tree.path("error");
    if (!error.isObject() || !error.has("code")) {
      // Not Meta's error shape: a proxy or load balancer answered; whether Meta acted is unknown
      // for 5xx (a gateway timeout) and known for 4xx (refused before it).
      return failNonMeta(status);
    }
    int code = error.path("code").asInt(0);
    Kind kind = status == 429 ? Kind.RETRYABLE : WhatsAppApiException.kindOf(code);
    String details = error.path("error_data").path("details").asText(null);
    throw new WhatsAppApiException(
        "Cloud API error "
            + code
            + ": "
            + error.path("message").asText("HTTP " + status)
            + (details == null ? "" : " (" + details + ")"),
        status,
        code,
        kind,
        error.has("error_subcode") ? error.path("error_subcode").asInt() : null,
        details,
        error.path("fbtrace_id").asText(null));
  }

  private static Accepted failNonMeta(int status) {
    throw new WhatsAppApiException(
        "Cloud API answered HTTP " + status + " without an error body",
        status,
        0,
        status >= 500 ? Kind.AMBIGUOUS : status == 429 ? Kind.RETRYABLE : Kind.PERMANENT);
  }
}
