package com.salesagent.api.crm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HubSpot misbehaving, as the network or a broken release can: an answer too long to read, a body
 * dripped slowly past the deadline, and list paging that never ends. Each call fails in bounded
 * time and memory instead of holding an operator's request forever.
 */
class HubSpotClientLimitsTest {
  private HttpServer server;
  private volatile Handler handler;
  private final AtomicInteger requests = new AtomicInteger();

  interface Handler {
    void handle(HttpExchange ex) throws IOException;
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        ex -> {
          requests.incrementAndGet();
          try {
            handler.handle(ex);
          } catch (IOException e) {
            // the client hung up: what the tests expect of it
          } finally {
            ex.close();
          }
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** The page cap of these tests (the product's, 1,000, is the same code path). */
  private static final int PAGES = 25;

  private HubSpotClient client(Duration deadline) {
    return new HubSpotClient(
        "http://127.0.0.1:" + server.getAddress().getPort(), "pat-test", deadline, PAGES);
  }

  private static void json(HttpExchange ex, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(200, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  @Test
  void anAnswerLongerThanTheCapIsRefusedWithoutReadingItAll() {
    handler =
        ex -> {
          ex.sendResponseHeaders(200, 0);
          OutputStream out = ex.getResponseBody();
          byte[] chunk = new byte[64 * 1024];
          java.util.Arrays.fill(chunk, (byte) ' ');
          for (int i = 0; i < 1_000; i++) { // 64 MiB, far past the 4 MiB cap
            out.write(chunk);
          }
        };
    IOException e =
        catchThrowableOfType(
            () -> client(Duration.ofSeconds(10)).listMembers("1", null), IOException.class);
    assertThat(e).hasMessageContaining("longer than " + HubSpotClient.MAX_ANSWER_BYTES);
  }

  @Test
  void aBodyDrippedPastTheDeadlineFailsTheCall() {
    handler =
        ex -> {
          ex.sendResponseHeaders(200, 0);
          OutputStream out = ex.getResponseBody();
          out.write("{\"results\":[".getBytes(StandardCharsets.UTF_8));
          out.flush();
          for (int i = 0; i < 100; i++) { // 20 s of a byte every 200 ms
            out.write(' ');
            out.flush();
            try {
              Thread.sleep(200);
            } catch (InterruptedException interrupted) {
              return;
            }
          }
        };
    long started = System.nanoTime();
    HttpTimeoutException e =
        catchThrowableOfType(
            () -> client(Duration.ofSeconds(1)).listMembers("1", null), HttpTimeoutException.class);
    assertThat(e).hasMessageContaining("not whole within 1000 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void listPagingThatNamesAPageAgainStops() {
    handler =
        ex ->
            json(
                ex,
                "{\"results\":[{\"recordId\":\"1\"}],\"paging\":{\"next\":{\"after\":\"same\"}}}");
    HubSpotClient.PagingException e =
        catchThrowableOfType(
            () -> client(Duration.ofSeconds(10)).allMembers("1", 10_000),
            HubSpotClient.PagingException.class);
    assertThat(e).hasMessageContaining("cursor again");
    assertThat(requests.get()).isEqualTo(2);
  }

  @Test
  void listPagingOfEmptyPagesThatNeverEndsStopsAtThePageCap() throws Exception {
    AtomicInteger page = new AtomicInteger();
    handler =
        ex ->
            json(
                ex,
                "{\"results\":[],\"paging\":{\"next\":{\"after\":\"p"
                    + page.incrementAndGet()
                    + "\"}}}");
    HubSpotClient.PagingException e =
        catchThrowableOfType(
            () -> client(Duration.ofSeconds(10)).allMembers("1", 10_000),
            HubSpotClient.PagingException.class);
    assertThat(e).hasMessageContaining("past " + PAGES + " pages");
    assertThat(requests.get()).isEqualTo(PAGES);
  }

  @Test
  void aListIsReadWholeAndStopsOnceItHasMoreThanTheCallerTakes() throws Exception {
    AtomicInteger page = new AtomicInteger();
    handler =
        ex -> {
          int n = page.incrementAndGet();
          json(
              ex,
              "{\"results\":[{\"recordId\":\"a"
                  + n
                  + "\"},{\"recordId\":\"b"
                  + n
                  + "\"}]"
                  + (n < 3 ? ",\"paging\":{\"next\":{\"after\":\"p" + n + "\"}}" : "")
                  + "}");
        };
    assertThat(client(Duration.ofSeconds(10)).allMembers("1", 100))
        .containsExactly("a1", "b1", "a2", "b2", "a3", "b3");
    page.set(0);
    assertThat(client(Duration.ofSeconds(10)).allMembers("1", 2)).hasSize(4);
  }
}
