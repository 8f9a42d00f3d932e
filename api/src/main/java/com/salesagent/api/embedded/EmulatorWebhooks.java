package com.salesagent.api.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.salesagent.api.webhook.WebhookSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulator's calls to our webhook, as Meta makes them: a change value in Meta's envelope, the
 * exact bytes signed with the app secret ({@code X-Hub-Signature-256}), delivery retried with
 * back-off until the webhook answers 200, and the faults' extra delays and duplicates. Status
 * callbacks (sent, delivered, read, failed) are built here; the recipients' replies by {@link
 * WhatsAppEmulator}.
 */
final class EmulatorWebhooks {
  private static final Logger LOG = LoggerFactory.getLogger(EmulatorWebhooks.class);

  private final ObjectMapper json;
  private final String appSecret;
  private final Supplier<EmulatorFaults> faults;
  private final HttpClient http = HttpClient.newHttpClient();
  private volatile String url;
  private volatile ScheduledExecutorService callbacks;

  EmulatorWebhooks(ObjectMapper json, String appSecret, Supplier<EmulatorFaults> faults) {
    this.json = json;
    this.appSecret = appSecret;
    this.faults = faults;
  }

  /** The threads callbacks run on, from the emulator's start. */
  void start(ScheduledExecutorService callbacks) {
    this.callbacks = callbacks;
  }

  /** Where callbacks go: set once the API's port is known. */
  void setUrl(String url) {
    this.url = url;
  }

  boolean hasUrl() {
    return url != null;
  }

  void later(long millis, Runnable action) {
    millis += faults.get().extraDelayMillis();
    callbacks.schedule(
        () -> {
          try {
            action.run();
          } catch (RuntimeException e) {
            LOG.warn("emulator callback failed: {}", e.getMessage());
          }
        },
        millis,
        TimeUnit.MILLISECONDS);
  }

  void status(
      EmulatorNumbers.Number from,
      String waId,
      String wamid,
      String status,
      Integer errorCode,
      String callbackData) {
    ObjectNode value = value(from);
    ObjectNode s = value.putArray("statuses").addObject();
    s.put("id", wamid);
    s.put("status", status);
    s.put("timestamp", String.valueOf(Instant.now().getEpochSecond()));
    s.put("recipient_id", waId);
    if (callbackData != null) {
      // Meta echoes the send's biz_opaque_callback_data in its status webhooks.
      s.put("biz_opaque_callback_data", callbackData);
    }
    if (errorCode != null) {
      ObjectNode e = s.putArray("errors").addObject();
      e.put("code", errorCode);
      e.put("title", "Re-engagement message");
      e.put("message", "Re-engagement message");
      e.putObject("error_data")
          .put("details", "Message failed to send because more than 24 hours have passed");
    }
    post(value, null);
  }

  ObjectNode value(EmulatorNumbers.Number from) {
    ObjectNode value = json.createObjectNode();
    value.put("messaging_product", "whatsapp");
    value
        .putObject("metadata")
        .put("display_phone_number", from.displayNumber())
        .put("phone_number_id", from.phoneNumberId());
    return value;
  }

  /**
   * Wraps a change value in Meta's envelope, signs the exact bytes and posts them; like Meta,
   * delivery is retried with back-off (1 s doubling to 30 s, for up to ten minutes) until the
   * webhook answers 200, and a duplicate fault delivers it twice. {@code delivered} runs once the
   * webhook has accepted it.
   */
  void post(ObjectNode value, Runnable delivered) {
    ObjectNode envelope = json.createObjectNode();
    envelope.put("object", "whatsapp_business_account");
    ArrayNode entries = envelope.putArray("entry");
    ObjectNode entry = entries.addObject().put("id", "emulator-waba");
    entry.putArray("changes").addObject().put("field", "messages").set("value", value);
    byte[] body;
    try {
      body = json.writeValueAsBytes(envelope);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    deliver(body, 1, delivered);
    if (faults.get().roll(EmulatorFaults.WEBHOOK_DUPLICATE)) {
      later(500, () -> deliver(body, 1, null));
    }
  }

  private static final int MAX_DELIVERY_ATTEMPTS = 25;

  void deliver(byte[] body, int attempt, Runnable delivered) {
    String url = this.url;
    if (url == null) {
      return;
    }
    String signature = new WebhookSignature(appSecret).sign(body);
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .header("X-Hub-Signature-256", signature)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() == 200) {
        if (delivered != null) {
          delivered.run();
        }
        return;
      }
    } catch (IOException e) {
      LOG.debug("webhook delivery attempt {} failed: {}", attempt, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (attempt < MAX_DELIVERY_ATTEMPTS && !callbacks.isShutdown()) {
      long delay = Math.min(30_000, 1000L << Math.min(5, attempt - 1));
      callbacks.schedule(() -> deliver(body, attempt + 1, delivered), delay, TimeUnit.MILLISECONDS);
    }
  }
}
