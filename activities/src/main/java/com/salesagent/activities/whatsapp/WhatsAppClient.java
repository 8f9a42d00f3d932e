package com.salesagent.activities.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /{version}/{phone-number-id}/messages} of the WhatsApp Business Cloud API, in Meta's
 * request and response format: template and text messages; {@code messages[0].id} is the wamid.
 */
public class WhatsAppClient {
  /**
   * Meta codes worth retrying: throttling (4, 80007, 130429, 131056) and temporary (1, 2, 131000).
   */
  private static final Set<Integer> RETRYABLE_CODES =
      Set.of(1, 2, 4, 80007, 130429, 131000, 131056);

  private final WhatsAppSettings settings;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  public WhatsAppClient(WhatsAppSettings settings) {
    this.settings = settings;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** A pre-approved template with positional body parameters ({{1}}, {{2}}, ...). */
  public String sendTemplate(String toE164, String name, String language, List<String> params) {
    ObjectNode body = envelope(toE164, "template");
    ObjectNode template = body.putObject("template");
    template.put("name", name);
    template.putObject("language").put("code", language);
    if (!params.isEmpty()) {
      ObjectNode component = template.putArray("components").addObject();
      component.put("type", "body");
      ArrayNode parameters = component.putArray("parameters");
      params.forEach(p -> parameters.addObject().put("type", "text").put("text", p));
    }
    return send(body);
  }

  /** Free text: only inside the 24 h customer-service window. */
  public String sendText(String toE164, String text) {
    ObjectNode body = envelope(toE164, "text");
    body.putObject("text").put("preview_url", false).put("body", text);
    return send(body);
  }

  private ObjectNode envelope(String toE164, String type) {
    ObjectNode body = json.createObjectNode();
    body.put("messaging_product", "whatsapp");
    body.put("recipient_type", "individual");
    body.put("to", toE164.startsWith("+") ? toE164.substring(1) : toE164);
    body.put("type", type);
    return body;
  }

  private String send(ObjectNode body) {
    HttpResponse<String> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(URI.create(settings.messagesUrl()))
                  .timeout(Duration.ofSeconds(15))
                  .header("Authorization", "Bearer " + settings.accessToken())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new WhatsAppApiException("Cloud API unreachable: " + e.getMessage(), 0, 0, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WhatsAppApiException("interrupted", 0, 0, true);
    }
    return parse(response.statusCode(), response.body());
  }

  /** Maps a Cloud API answer to the wamid or to a retryable / final error. */
  String parse(int status, String responseBody) {
    JsonNode tree;
    try {
      tree = json.readTree(responseBody == null || responseBody.isBlank() ? "{}" : responseBody);
    } catch (IOException e) {
      throw new WhatsAppApiException(
          "unreadable Cloud API answer (HTTP " + status + ")", status, 0, status >= 500);
    }
    if (status / 100 == 2) {
      String wamid = tree.path("messages").path(0).path("id").asText("");
      if (wamid.isEmpty()) {
        throw new WhatsAppApiException("Cloud API answer without messages[0].id", status, 0, false);
      }
      return wamid;
    }
    JsonNode error = tree.path("error");
    int code = error.path("code").asInt(0);
    String message = error.path("message").asText("HTTP " + status);
    boolean retryable = status == 429 || status >= 500 || RETRYABLE_CODES.contains(code);
    throw new WhatsAppApiException(
        "Cloud API error " + code + ": " + message, status, code, retryable);
  }
}
