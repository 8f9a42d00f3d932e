package com.salesagent.api.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** The emulator's {@code POST /emulator/replay}: recorded Meta payloads delivered as Meta would. */
final class EmulatorReplay {
  private final ObjectMapper json;
  private final EmulatorMedia media;
  private final BooleanSupplier hasWebhook;
  private final Consumer<byte[]> deliver;
  private final Consumer<String> wrote;

  /**
   * {@code deliver}: signs the exact bytes and posts them to the webhook, retried like Meta; {@code
   * wrote}: a recipient wrote to the business (their 24 h window opens).
   */
  EmulatorReplay(
      ObjectMapper json,
      EmulatorMedia media,
      BooleanSupplier hasWebhook,
      Consumer<byte[]> deliver,
      Consumer<String> wrote) {
    this.json = json;
    this.media = media;
    this.hasWebhook = hasWebhook;
    this.deliver = deliver;
    this.wrote = wrote;
  }

  /** The largest recorded payload {@code /emulator/replay} takes (Meta's are a few KB). */
  static final int MAX_REPLAY_BYTES = 1024 * 1024;

  private static final java.util.Set<String> MEDIA_TYPES =
      java.util.Set.of("image", "audio", "video", "document", "sticker");

  /**
   * {@code POST /emulator/replay}: a recorded Meta webhook payload (the {@code
   * whatsapp_business_account} envelope), delivered to the app's webhook as Meta would (the exact
   * bytes, signed with the app secret, retried until accepted). Every media in its messages that
   * the emulator did not create (an id and a {@code mime_type}) is served from then on as a
   * generated sample of the declared type, so the app's download, type check and storage run as
   * against Meta, and each message's sender has written (their 24 h window opens). Answers 202 with
   * the media ids and whether a sample is served for each; 400 naming what is wrong with the
   * payload; 413 over 1 MB.
   */
  void handle(HttpExchange ex) throws IOException {
    try {
      if (!"POST".equals(ex.getRequestMethod())) {
        EmulatorHttp.respond(ex, 405, error("Use POST", "OAuthException", 100));
        return;
      }
      byte[] body = EmulatorMultipart.readCapped(ex.getRequestBody(), MAX_REPLAY_BYTES);
      if (body == null) {
        EmulatorHttp.respond(
            ex, 413, error("A replayed payload is at most 1 MB", "OAuthException", 100));
        return;
      }
      JsonNode payload;
      try {
        payload = json.readTree(body);
      } catch (IOException e) {
        EmulatorHttp.respond(ex, 400, error("The payload is not JSON", "OAuthException", 100));
        return;
      }
      if (payload == null
          || !"whatsapp_business_account".equals(payload.path("object").asText())
          || !payload.path("entry").isArray()) {
        EmulatorHttp.respond(
            ex,
            400,
            error(
                "Not a WhatsApp webhook payload: object must be whatsapp_business_account, with"
                    + " entry[]",
                "OAuthException",
                100));
        return;
      }
      ArrayNode served = json.createArrayNode();
      for (JsonNode entry : payload.path("entry")) {
        for (JsonNode change : entry.path("changes")) {
          for (JsonNode message : change.path("value").path("messages")) {
            String type = message.path("type").asText();
            JsonNode item = message.path(type);
            if (MEDIA_TYPES.contains(type) && item.hasNonNull("id")) {
              String id = item.path("id").asText();
              String declared = item.path("mime_type").asText("");
              boolean sample = media.expect(id, declared);
              served
                  .addObject()
                  .put("id", id)
                  .put("mime_type", declared)
                  .put("served", sample || media.mimeType(id) != null);
            }
          }
        }
      }
      if (!hasWebhook.getAsBoolean()) {
        EmulatorHttp.respond(
            ex, 503, error("The emulator has no webhook to deliver to yet", "OAuthException", 2));
        return;
      }
      // What the recipients wrote opens their window, as Meta's would: free text reaches them.
      for (JsonNode entry : payload.path("entry")) {
        for (JsonNode change : entry.path("changes")) {
          for (JsonNode message : change.path("value").path("messages")) {
            String from = message.path("from").asText("");
            if (from.matches("\\d{6,15}")) {
              wrote.accept(from);
            }
          }
        }
      }
      deliver.accept(body);
      ObjectNode answer = json.createObjectNode();
      answer.put("accepted", true);
      answer.set("media", served);
      EmulatorHttp.respond(ex, 202, json.writeValueAsString(answer));
    } finally {
      ex.close();
    }
  }

  private static String error(String message, String type, int code) {
    return EmulatorHttp.error(message, type, code, null);
  }
}
