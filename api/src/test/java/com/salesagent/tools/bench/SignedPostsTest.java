package com.salesagent.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.api.webhook.WebhookSignature;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook bench's generator sends what Meta sends (a notification signed with the app secret)
 * and reads every kind of answer to its end on a kept-alive connection: a sized body, a chunked
 * one, and one after which the server closes (the next request goes on a new connection).
 */
class SignedPostsTest {
  private final WebhookSignature signature = new WebhookSignature("bench-secret");
  private final List<JsonNode> received = new CopyOnWriteArrayList<>();
  private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
  private final AtomicInteger answered = new AtomicInteger();
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/webhooks/whatsapp",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          clientPorts.add(exchange.getRemoteAddress().getPort());
          boolean signed =
              signature.verify(body, exchange.getRequestHeaders().getFirst("X-Hub-Signature-256"));
          JsonNode json = new ObjectMapper().readTree(body);
          String id = json.at("/entry/0/changes/0/value/statuses/0/id").asText();
          if (!signed || id.equals("refused")) {
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
            return;
          }
          received.add(json);
          byte[] answer = "{\"accepted\":true}".getBytes(StandardCharsets.UTF_8);
          int n = answered.incrementAndGet();
          if (n % 10 == 5) {
            exchange.getResponseHeaders().add("Connection", "close");
          }
          // Every third answer chunked (length 0: the JDK server chunks it), the others sized.
          exchange.sendResponseHeaders(200, n % 3 == 0 ? 0 : answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void eachSignedNotificationArrivesWholeAndEveryAnswerIsReadToItsEnd() throws Exception {
    try (SignedPosts posts =
        new SignedPosts(
            "127.0.0.1",
            server.getAddress().getPort(),
            "/webhooks/whatsapp",
            signature,
            "106540352242922")) {
      for (int i = 0; i < 30; i++) {
        posts.post(
            posts.request(
                List.of(
                    "{\"id\":\"wamid." + i + "\",\"status\":\"sent\"}",
                    "{\"id\":\"wamid." + i + "\",\"status\":\"delivered\"}")));
      }
    }

    assertThat(received).hasSize(30);
    for (int i = 0; i < 30; i++) {
      JsonNode value = received.get(i).at("/entry/0/changes/0/value");
      assertThat(value.at("/metadata/phone_number_id").asText()).isEqualTo("106540352242922");
      assertThat(value.at("/statuses/0/id").asText()).isEqualTo("wamid." + i);
      assertThat(value.at("/statuses/1/status").asText()).isEqualTo("delivered");
    }
    // Kept alive: a new connection only after each of the three answers that closed one.
    assertThat(clientPorts).hasSize(4);
  }

  @Test
  void aRefusalStopsThePhaseWithItsStatus() throws Exception {
    try (SignedPosts posts =
        new SignedPosts(
            "127.0.0.1", server.getAddress().getPort(), "/webhooks/whatsapp", signature, "1")) {
      byte[] refused = posts.request(List.of("{\"id\":\"refused\",\"status\":\"sent\"}"));
      assertThatThrownBy(() -> posts.post(refused))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("webhook answered 401");
    }
  }
}
