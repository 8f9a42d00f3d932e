package com.salesagent.activities.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The card background provider's call against a local stand-in for its endpoint. */
class GeneratedBackgroundsTest {
  private HttpServer server;
  private final CountDownLatch closing = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/images/generations",
        ex -> {
          ex.getRequestBody().readAllBytes();
          // 200, a declared length, a few bytes of Ogg, then nothing for a minute.
          ex.sendResponseHeaders(200, 10_000);
          ex.getResponseBody()
              .write("{\"data\":[{\"b64_json\":\"".getBytes(StandardCharsets.US_ASCII));
          ex.getResponseBody().flush();
          try {
            closing.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    closing.countDown();
    server.stop(0);
  }

  /**
   * The request's timeout ends when the headers arrive, so an answer that stalled after them held
   * the one thread that generates card backgrounds for as long as the peer liked (and no other
   * background was generated meanwhile). The whole answer now has the connection's 5 s plus the
   * request's timeout: the background is not generated, and the thread is free.
   */
  @Test
  void anAnswerThatStallsAfterItsHeadersEndsAtItsDeadline() {
    var backgrounds =
        new GeneratedBackgrounds(
            null,
            "http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
            "key",
            "gpt-image-1",
            null,
            Duration.ofSeconds(1));

    long started = System.nanoTime();
    assertThat(backgrounds.generate("cost savings", "media/generated/x.png")).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
  }

  /**
   * A prompt quotes at most 200 characters of the offer, counted in code points: an offer whose
   * 200th character is an emoji is quoted with the whole emoji, never half of its surrogate pair
   * (which the provider would get as an invalid character), and 200 emoji are quoted whole.
   */
  @Test
  void aPromptQuotesTheOfferCutNeverInsideAnEmoji() {
    String emoji = "\uD83D\uDE00";
    String head = "o".repeat(GeneratedBackgrounds.MAX_OFFER - 1);
    assertThat(GeneratedBackgrounds.prompt(head + emoji + " and more"))
        .contains("about: " + head + emoji + ". Soft shapes");
    assertThat(GeneratedBackgrounds.prompt(emoji.repeat(GeneratedBackgrounds.MAX_OFFER + 1)))
        .contains("about: " + emoji.repeat(GeneratedBackgrounds.MAX_OFFER) + ". Soft shapes");
  }
}
