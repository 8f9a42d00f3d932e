package com.salesagent.api.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.http.WholeAnswer;
import com.salesagent.activities.notify.Notifications;
import io.dropwizard.lifecycle.Managed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bson.Document;

/**
 * Delivers the outbox ({@link Notifications}) to the configured URL as signed webhooks, the way
 * Meta signs its own: the JSON body, {@code X-Signature-256: sha256=<hex HMAC-SHA256 of the body
 * with the shared secret>}, and {@code X-Event-Id} (the same on every attempt, so the receiver can
 * drop duplicates). A 2xx is delivered; anything else (a status, a timeout, a refused connection)
 * is tried again after 10 s, doubling to at most an hour, and after {@code maxAttempts} the event
 * is dead-lettered ({@code status: dead}, with the last error). Each event is claimed with a lease
 * in MongoDB before its attempt, so several API processes never send it at once.
 */
public final class NotificationDispatcher implements Managed {
  static final Duration LEASE = OutboxConsumer.LEASE;

  /** One attempt, connect to the last byte of the receiver's answer. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Where and how: the receiver's URL and secret, the retry schedule. */
  public record Settings(
      URI url, String secret, int maxAttempts, Duration firstRetry, Duration maxRetry) {
    public static Settings of(String url, String secret) {
      return new Settings(URI.create(url), secret, 8, Duration.ofSeconds(10), Duration.ofHours(1));
    }
  }

  private final Settings settings;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final OutboxConsumer consumer;

  public NotificationDispatcher(MongoDatabase db, Settings settings, Clock clock) {
    if (settings.secret() == null || settings.secret().isBlank()) {
      throw new IllegalArgumentException(
          "NOTIFY_WEBHOOK_SECRET is required with NOTIFY_WEBHOOK_URL (the webhooks are signed)");
    }
    String scheme = settings.url().getScheme();
    if (!"https".equals(scheme) && !"http".equals(scheme)) {
      throw new IllegalArgumentException("NOTIFY_WEBHOOK_URL must be an http(s) URL");
    }
    this.settings = settings;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.consumer =
        new OutboxConsumer(
            db.getCollection(Notifications.COLLECTION),
            "",
            settings.maxAttempts(),
            settings.firstRetry(),
            settings.maxRetry(),
            clock,
            "notification-dispatcher",
            this::post);
  }

  @Override
  public void start() {
    consumer.start();
  }

  @Override
  public void stop() throws InterruptedException {
    consumer.stop();
  }

  /** Attempts every event due now, one claim at a time; returns how many were attempted. */
  public int deliverDue() throws InterruptedException {
    return consumer.deliverDue();
  }

  private OutboxConsumer.Outcome post(Document event, int attempt) throws InterruptedException {
    try {
      byte[] body = body(event, attempt);
      // The whole answer within TIMEOUT: the request's own timeout ends with the headers, and a
      // receiver that drips its body after them held this one dispatcher thread (every later
      // notification waited) for as long as it liked.
      HttpResponse<Void> response =
          WholeAnswer.send(
              http,
              HttpRequest.newBuilder(settings.url())
                  .timeout(TIMEOUT)
                  .header("Content-Type", "application/json")
                  .header("User-Agent", "sales-agent-notifications")
                  .header("X-Event-Id", event.getString("_id"))
                  .header("X-Signature-256", "sha256=" + sign(body))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.discarding(),
              TIMEOUT);
      return response.statusCode() / 100 == 2
          ? new OutboxConsumer.Outcome.Delivered()
          : new OutboxConsumer.Outcome.Retry("HTTP " + response.statusCode(), null);
    } catch (java.io.IOException e) {
      return new OutboxConsumer.Outcome.Retry(
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
          null);
    }
  }

  /** 10 s, 20 s, 40 s... at most {@code maxRetry}. */
  Duration backoff(int attempt) {
    return consumer.backoff(attempt);
  }

  private byte[] body(Document event, int attempt) throws java.io.IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", event.getString("_id"));
    out.put("type", event.getString("type"));
    out.put("leadId", event.getString("leadId"));
    out.put("campaignId", event.getString("campaignId"));
    out.put("stage", event.getString("stage"));
    out.put("reason", event.getString("reason"));
    if (event.getString("ownerId") != null) {
      out.put("ownerId", event.getString("ownerId"));
    }
    out.put("at", event.getDate("at").toInstant().toString());
    out.put("attempt", attempt);
    return json.writeValueAsBytes(out);
  }

  /** The hex HMAC-SHA256 of the body with the shared secret. */
  String sign(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(settings.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
