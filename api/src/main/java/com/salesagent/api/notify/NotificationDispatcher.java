package com.salesagent.api.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.notify.Notifications;
import io.dropwizard.lifecycle.Managed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);
  static final Duration LEASE = Duration.ofSeconds(60);

  /** Where and how: the receiver's URL and secret, the retry schedule. */
  public record Settings(
      URI url, String secret, int maxAttempts, Duration firstRetry, Duration maxRetry) {
    public static Settings of(String url, String secret) {
      return new Settings(URI.create(url), secret, 8, Duration.ofSeconds(10), Duration.ofHours(1));
    }
  }

  private final MongoCollection<Document> outbox;
  private final Settings settings;
  private final Clock clock;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private volatile boolean running;
  private Thread thread;

  public NotificationDispatcher(MongoDatabase db, Settings settings, Clock clock) {
    if (settings.secret() == null || settings.secret().isBlank()) {
      throw new IllegalArgumentException(
          "NOTIFY_WEBHOOK_SECRET is required with NOTIFY_WEBHOOK_URL (the webhooks are signed)");
    }
    String scheme = settings.url().getScheme();
    if (!"https".equals(scheme) && !"http".equals(scheme)) {
      throw new IllegalArgumentException("NOTIFY_WEBHOOK_URL must be an http(s) URL");
    }
    this.outbox = db.getCollection(Notifications.COLLECTION);
    this.settings = settings;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Override
  public void start() {
    running = true;
    thread = new Thread(this::loop, "notification-dispatcher");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void stop() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.interrupt();
      thread.join(5_000);
    }
  }

  private void loop() {
    while (running) {
      try {
        if (deliverDue() == 0) {
          Thread.sleep(500);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.warn("notifications: {}", e.toString());
        try {
          Thread.sleep(2_000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Attempts every event due now, one claim at a time; returns how many were attempted. */
  public int deliverDue() throws InterruptedException {
    int attempted = 0;
    Document event;
    while ((event = claim()) != null) {
      attempt(event);
      attempted++;
    }
    return attempted;
  }

  private Document claim() {
    Date now = Date.from(clock.instant());
    return outbox.findOneAndUpdate(
        Filters.and(
            Filters.eq("status", Notifications.PENDING),
            Filters.lte("nextAttemptAt", now),
            Filters.or(Filters.exists("leaseUntil", false), Filters.lt("leaseUntil", now))),
        Updates.set("leaseUntil", Date.from(clock.instant().plus(LEASE))),
        new FindOneAndUpdateOptions()
            .sort(Sorts.ascending("nextAttemptAt"))
            .returnDocument(ReturnDocument.AFTER));
  }

  private void attempt(Document event) throws InterruptedException {
    int attempt = event.getInteger("attempts", 0) + 1;
    String error;
    try {
      byte[] body = body(event, attempt);
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(settings.url())
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .header("User-Agent", "sales-agent-notifications")
                  .header("X-Event-Id", event.getString("_id"))
                  .header("X-Signature-256", "sha256=" + sign(body))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 == 2) {
        outbox.updateOne(
            Filters.eq("_id", event.get("_id")),
            Updates.combine(
                Updates.set("status", Notifications.DELIVERED),
                Updates.set("attempts", attempt),
                Updates.set("deliveredAt", Date.from(clock.instant())),
                Updates.unset("leaseUntil")));
        return;
      }
      error = "HTTP " + response.statusCode();
    } catch (java.io.IOException e) {
      error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    boolean dead = attempt >= settings.maxAttempts();
    Instant next = clock.instant().plus(backoff(attempt));
    outbox.updateOne(
        Filters.eq("_id", event.get("_id")),
        Updates.combine(
            Updates.set("status", dead ? Notifications.DEAD : Notifications.PENDING),
            Updates.set("attempts", attempt),
            Updates.set("lastError", error),
            Updates.set("nextAttemptAt", Date.from(next)),
            Updates.unset("leaseUntil")));
    if (dead) {
      LOG.warn(
          "notification {} dead-lettered after {} attempts: {}",
          event.getString("type"),
          attempt,
          error);
    }
  }

  /** 10 s, 20 s, 40 s... at most {@code maxRetry}. */
  Duration backoff(int attempt) {
    Duration d = settings.firstRetry().multipliedBy(1L << Math.min(20, attempt - 1));
    return d.compareTo(settings.maxRetry()) > 0 ? settings.maxRetry() : d;
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
