package com.salesagent.activities.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.salesagent.activities.whatsapp.CloudMedia;
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

/** The speech provider's call against a local stand-in for its endpoint. */
class SpeechProvidersTest {
  private HttpServer server;
  private final CountDownLatch closing = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/audio/speech",
        ex -> {
          ex.getRequestBody().readAllBytes();
          // 200, a declared length, a few bytes of Ogg, then nothing for a minute.
          ex.sendResponseHeaders(200, 10_000);
          ex.getResponseBody().write("OggS".getBytes(StandardCharsets.US_ASCII));
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
   * Found by the security walk: the request's timeout ends when the headers arrive, so an answer
   * that stalled after them held the voice-note activity's thread for as long as the peer liked.
   * The whole answer now has the connection's 5 s plus the request's timeout.
   */
  @Test
  void anAnswerThatStallsAfterItsHeadersIsUnavailableAtItsDeadline() {
    var speech =
        new SpeechProviders.OpenAiSpeech(
            "http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
            "key",
            "tts-1",
            null,
            Duration.ofSeconds(1));

    long started = System.nanoTime();
    assertThatThrownBy(() -> speech.speak("Olá, tudo bem?"))
        .isInstanceOf(CloudMedia.Unavailable.class)
        .hasMessageContaining("HttpTimeoutException");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
  }
}
