package com.salesagent.api.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.MutableClock;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.notify.Notifications;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lead events as signed outbound webhooks against a local receiver: signed like Meta signs (the
 * receiver checks the HMAC), queued once per lead and event whatever the retries, retried with
 * back-off when the receiver fails, dead-lettered after the last attempt, never sent twice at once
 * by two dispatchers; no phone number or name in the body.
 */
class NotificationDispatcherTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();
  private static final String SECRET = "shared-secret";

  private HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> signatures = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
  private Notifications notifications;

  @BeforeEach
  void setUp() throws Exception {
    MongoSchema.ensure(MONGO.database());
    MONGO.database().getCollection(Notifications.COLLECTION).deleteMany(new Document());
    notifications = new Notifications(MONGO.database(), clock);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hooks",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          bodies.add(new String(body, StandardCharsets.UTF_8));
          signatures.add(exchange.getRequestHeaders().getFirst("X-Signature-256"));
          int status = failuresLeft.getAndDecrement() > 0 ? 500 : 204;
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
  }

  private final java.util.concurrent.CountDownLatch closing =
      new java.util.concurrent.CountDownLatch(1);

  @AfterEach
  void tearDown() {
    closing.countDown();
    server.stop(0);
  }

  private NotificationDispatcher dispatcher(int maxAttempts) {
    return new NotificationDispatcher(
        MONGO.database(),
        new NotificationDispatcher.Settings(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks"),
            SECRET,
            maxAttempts,
            Duration.ofSeconds(10),
            Duration.ofHours(1)),
        clock);
  }

  private Document stored(String id) {
    return MONGO
        .database()
        .getCollection(Notifications.COLLECTION)
        .find(Filters.eq("_id", id))
        .first();
  }

  @Test
  void anEventIsDeliveredOnceSignedWithTheSharedSecret() throws Exception {
    notifications.emit("lead.converted", "L-1", "c-1", "converted", "converted by maria: signed");
    notifications.emit("lead.converted", "L-1", "c-1", "converted", "a retry queues nothing");

    assertThat(dispatcher(8).deliverDue()).isEqualTo(1);
    assertThat(dispatcher(8).deliverDue()).isZero();

    assertThat(bodies).hasSize(1);
    JsonNode body = new ObjectMapper().readTree(bodies.get(0));
    assertThat(body.path("type").asText()).isEqualTo("lead.converted");
    assertThat(body.path("leadId").asText()).isEqualTo("L-1");
    assertThat(body.path("reason").asText()).isEqualTo("converted by maria: signed");
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(
        new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected =
        "sha256="
            + java.util.HexFormat.of()
                .formatHex(mac.doFinal(bodies.get(0).getBytes(StandardCharsets.UTF_8)));
    assertThat(signatures.get(0)).isEqualTo(expected);
    assertThat(stored("L-1:lead.converted").getString("status")).isEqualTo(Notifications.DELIVERED);
  }

  @Test
  void aFailingReceiverIsTriedAgainWithBackOffThenTheEventIsDeadLettered() throws Exception {
    notifications.emit("lead.interested", "L-2", "c-1", "interested", null);
    NotificationDispatcher dispatcher = dispatcher(3);
    failuresLeft.set(100);

    assertThat(dispatcher.deliverDue()).isEqualTo(1);
    assertThat(dispatcher.deliverDue()).as("not due again for 10 s").isZero();
    clock.advance(Duration.ofSeconds(10));
    assertThat(dispatcher.deliverDue()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(19));
    assertThat(dispatcher.deliverDue()).as("the second retry waits 20 s").isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(dispatcher.deliverDue()).isEqualTo(1);

    Document dead = stored("L-2:lead.interested");
    assertThat(dead.getString("status")).isEqualTo(Notifications.DEAD);
    assertThat(dead.getInteger("attempts")).isEqualTo(3);
    assertThat(dead.getString("lastError")).isEqualTo("HTTP 500");
    clock.advance(Duration.ofDays(1));
    assertThat(dispatcher.deliverDue()).isZero();
    assertThat(bodies).hasSize(3);
  }

  @Test
  void aReceiverThatStallsItsAnswerAfterTheHeadersIsCutAtTheTimeoutAndTriedAgain()
      throws Exception {
    // 200, a declared length, two bytes, then a minute of nothing: the request's timeout ended
    // with the headers, so the one dispatcher thread (and every later notification) waited.
    server.createContext(
        "/stalls",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, 100);
          exchange.getResponseBody().write("ok".getBytes(StandardCharsets.UTF_8));
          exchange.getResponseBody().flush();
          try {
            closing.await(60, java.util.concurrent.TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    notifications.emit("lead.interested", "L-9", "c-1", "interested", null);
    NotificationDispatcher dispatcher =
        new NotificationDispatcher(
            MONGO.database(),
            new NotificationDispatcher.Settings(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/stalls"),
                SECRET,
                3,
                Duration.ofSeconds(10),
                Duration.ofHours(1)),
            clock);

    long started = System.nanoTime();
    assertThat(dispatcher.deliverDue()).isEqualTo(1);

    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isLessThan(NotificationDispatcher.TIMEOUT.plusSeconds(10))
        .as("an attempt ends before its 60 s lease, so no other process sends it meanwhile")
        .isLessThan(NotificationDispatcher.LEASE);
    Document pending = stored("L-9:lead.interested");
    assertThat(pending.getString("status")).isNotEqualTo(Notifications.DELIVERED);
    assertThat(pending.getString("lastError")).contains("HttpTimeoutException");
  }

  @Test
  void aReceiverBackAfterAFailureGetsTheEventWithTheSameId() throws Exception {
    notifications.emit("lead.lost", "L-3", "c-1", "lost", null);
    NotificationDispatcher dispatcher = dispatcher(8);
    failuresLeft.set(1);

    dispatcher.deliverDue();
    clock.advance(Duration.ofSeconds(10));
    dispatcher.deliverDue();

    assertThat(stored("L-3:lead.lost").getString("status")).isEqualTo(Notifications.DELIVERED);
    assertThat(stored("L-3:lead.lost").getInteger("attempts")).isEqualTo(2);
    assertThat(bodies)
        .extracting(b -> new ObjectMapper().readTree(b).path("id").asText())
        .containsExactly("L-3:lead.lost", "L-3:lead.lost");
  }

  @Test
  void twoDispatchersNeverSendOneEventTwice() throws Exception {
    for (int i = 0; i < 40; i++) {
      notifications.emit("lead.replied", "L-" + (100 + i), "c-1", "replied", null);
    }
    NotificationDispatcher a = dispatcher(8);
    NotificationDispatcher b = dispatcher(8);
    AtomicInteger sent = new AtomicInteger();
    Thread t1 =
        new Thread(
            () -> {
              try {
                sent.addAndGet(a.deliverDue());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    t1.start();
    sent.addAndGet(b.deliverDue());
    t1.join();

    assertThat(sent.get()).isEqualTo(40);
    assertThat(bodies).hasSize(40);
    assertThat(bodies.stream().distinct()).hasSize(40);
  }

  @Test
  void onlyInterestedAndOutcomesAreEventsAndTheSecretIsRequired() {
    assertThat(Notifications.eventType("interested", "interested")).isEqualTo("lead.interested");
    assertThat(Notifications.eventType("outcome", "opted_out")).isEqualTo("lead.opted_out");
    assertThat(Notifications.eventType("message_sent", "awaiting_response")).isNull();
    assertThat(Notifications.eventType("outcome", "awaiting_response")).isNull();
    assertThatThrownBy(
            () ->
                new NotificationDispatcher(
                    MONGO.database(),
                    NotificationDispatcher.Settings.of("https://crm.example/hooks", " "),
                    clock))
        .hasMessageContaining("NOTIFY_WEBHOOK_SECRET");
    assertThatThrownBy(
            () ->
                new NotificationDispatcher(
                    MONGO.database(),
                    NotificationDispatcher.Settings.of("file:///etc/passwd", "s"),
                    clock))
        .hasMessageContaining("http(s)");
  }
}
