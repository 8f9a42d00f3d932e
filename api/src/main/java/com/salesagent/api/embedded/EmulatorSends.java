package com.salesagent.api.embedded;

import static com.salesagent.api.embedded.EmulatorHttp.respond;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.salesagent.activities.Phones;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /{version}/{phone-number-id}/messages}, as Meta serves it (media paths aside, which
 * go to {@link EmulatorMedia}): the number's bearer token, the body's checks ({@link
 * EmulatorSendChecks}), the faults and throughput limit, then the send accepted (a wamid), kept for
 * its recipient and counted, and the recipient's phone set to react ({@link EmulatorRecipients}).
 */
final class EmulatorSends {
  /** The emulator's logger, as before this endpoint had a class of its own. */
  private static final Logger LOG =
      LoggerFactory.getLogger("com.salesagent.api.embedded.WhatsAppEmulator");

  private final String accessToken;
  private final EmulatorNumbers numbers;
  private final EmulatorThroughput throughput;
  private final EmulatorMedia media;
  private final EmulatorWebhooks webhooks;
  private final EmulatorRecipients people;
  private final ObjectMapper json;
  private final AtomicLong counter;
  private final Map<String, AtomicInteger> acceptedByNumber;
  private final Map<String, AtomicInteger> acceptedByKey;
  private final Supplier<EmulatorFaults> faults;
  private final Supplier<EmulatorBehaviour> behaviour;
  private final Supplier<Random> random;
  private final Supplier<BiConsumer<String, String>> sendListener;

  EmulatorSends(
      String accessToken,
      EmulatorNumbers numbers,
      EmulatorThroughput throughput,
      EmulatorMedia media,
      EmulatorWebhooks webhooks,
      EmulatorRecipients people,
      ObjectMapper json,
      AtomicLong counter,
      Map<String, AtomicInteger> acceptedByNumber,
      Map<String, AtomicInteger> acceptedByKey,
      Supplier<EmulatorFaults> faults,
      Supplier<EmulatorBehaviour> behaviour,
      Supplier<Random> random,
      Supplier<BiConsumer<String, String>> sendListener) {
    this.accessToken = accessToken;
    this.numbers = numbers;
    this.throughput = throughput;
    this.media = media;
    this.webhooks = webhooks;
    this.people = people;
    this.json = json;
    this.counter = counter;
    this.acceptedByNumber = acceptedByNumber;
    this.acceptedByKey = acceptedByKey;
    this.faults = faults;
    this.behaviour = behaviour;
    this.random = random;
    this.sendListener = sendListener;
  }

  void handle(HttpExchange ex) throws IOException {
    if (media.handles(ex)) {
      media.handle(ex);
      return;
    }
    String path = ex.getRequestURI().getPath();
    String[] parts = path.split("/");
    if (!"POST".equals(ex.getRequestMethod())
        || parts.length != 4
        || !"messages".equals(parts[3])) {
      respond(ex, 404, error("Unknown path components: " + path, "OAuthException", 2500));
      return;
    }
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    EmulatorNumbers.Number from = numbers.get(parts[2]);
    if (auth == null
        || !auth.equals("Bearer " + (from == null ? accessToken : from.accessToken()))) {
      respond(ex, 401, error("Invalid OAuth access token.", "OAuthException", 190));
      return;
    }
    if (from == null) {
      respond(
          ex,
          400,
          error("Object with ID '" + parts[2] + "' does not exist", "GraphMethodException", 100));
      return;
    }
    JsonNode body;
    try (InputStream in = ex.getRequestBody()) {
      body = json.readTree(in);
    } catch (IOException e) {
      respond(ex, 400, error("Invalid JSON", "OAuthException", 100));
      return;
    }
    String to = body.path("to").asText("");
    String type = body.path("type").asText("");
    EmulatorSendChecks.Refusal refusal = EmulatorSendChecks.refusal(body, media);
    if (refusal != null) {
      respond(
          ex, 400, error(refusal.message(), "OAuthException", refusal.code(), refusal.details()));
      return;
    }
    EmulatorFaults f = faults.get();
    if (f.roll(EmulatorFaults.HTTP_500)) {
      respond(ex, 500, error("An unknown error occurred", "OAuthException", 131000));
      return;
    }
    if (f.roll(EmulatorFaults.RATE_LIMIT)) {
      respond(ex, 400, error("(#130429) Rate limit hit", "OAuthException", 130429));
      return;
    }
    if (f.roll(EmulatorFaults.PAIR_LIMIT)) {
      respond(
          ex,
          400,
          error(
              "(#131056) (Business Account, Consumer Account) pair rate limit hit",
              "OAuthException",
              131056));
      return;
    }
    if (!throughput.admit(from.phoneNumberId())) {
      respond(ex, 400, error("(#130429) Rate limit hit", "OAuthException", 130429));
      return;
    }
    String waId = to.startsWith("+") ? to.substring(1) : to;
    String callbackData = body.path("biz_opaque_callback_data").asText(null);
    String wamid =
        "wamid.EMU"
            + HexFormat.of()
                .formatHex(
                    (waId + ":" + counter.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
    ObjectNode answer = json.createObjectNode();
    answer.put("messaging_product", "whatsapp");
    answer.putArray("contacts").addObject().put("input", to).put("wa_id", waId);
    ObjectNode message = answer.putArray("messages").addObject().put("id", wamid);
    if ("template".equals(type)) {
      message.put("message_status", "accepted");
    }
    EmulatorRecipients.Recipient recipient = people.of(waId);
    recipient.accepted.incrementAndGet();
    if ("text".equals(type)) {
      recipient.lastText = body.path("text").path("body").asText();
    }
    if ("template".equals(type)) {
      List<String> template = new java.util.ArrayList<>();
      template.add(body.path("template").path("name").asText());
      for (JsonNode component : body.path("template").path("components")) {
        if ("body".equals(component.path("type").asText())) {
          component.path("parameters").forEach(p -> template.add(p.path("text").asText()));
        }
      }
      recipient.lastTemplate = List.copyOf(template);
    }
    recipient.lastType = type;
    recipient.lastMediaId = EmulatorImageChecks.mediaId(body);
    recipient.lastVoice = "audio".equals(type) && body.path("audio").path("voice").asBoolean(false);
    if (recipient.optOutDelivered != null) {
      recipient.acceptedAfterOptOut.incrementAndGet();
      LOG.warn("accepted a message for {} after its STOP was delivered", Phones.mask(waId));
    }
    if (callbackData != null) {
      acceptedByKey.computeIfAbsent(callbackData, k -> new AtomicInteger()).incrementAndGet();
    }
    acceptedByNumber
        .computeIfAbsent(from.phoneNumberId(), k -> new AtomicInteger())
        .incrementAndGet();
    sendListener.get().accept(waId, wamid);
    String link = EmulatorImageChecks.link(body);
    byte[] linked = link == null ? null : EmulatorImageChecks.download(link);
    recipient.lastLinkBytes = linked;
    if (link != null && linked == null) {
      // Meta downloads a media link after accepting the send; a link it cannot fetch fails the
      // message with 131053 in a status webhook.
      webhooks.later(
          behaviour.get().sentDelayMillis(),
          () -> webhooks.status(from, waId, wamid, "failed", 131053, callbackData));
    } else {
      people.react(
          random.get(),
          from,
          waId,
          wamid,
          type,
          "template".equals(type) ? body.path("template").path("name").asText() : null,
          callbackData);
    }
    if (f.roll(EmulatorFaults.RESET_AFTER_ACCEPT)) {
      ex.close(); // accepted, and the connection drops without an answer
      return;
    }
    if (f.roll(EmulatorFaults.TIMEOUT_AFTER_ACCEPT)) {
      try {
        Thread.sleep(20_000); // longer than any sane client waits
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    respond(ex, 200, json.writeValueAsString(answer));
  }

  private String error(String message, String type, int code) {
    return error(message, type, code, null);
  }

  private static String error(String message, String type, int code, String details) {
    return EmulatorHttp.error(message, type, code, details);
  }
}
