package com.salesagent.activities.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.salesagent.activities.compose.LlmSettings;
import com.salesagent.activities.whatsapp.CloudMedia;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Speech to text against a local stand-in for the provider's transcription endpoint. */
class TranscriberTest {
  private HttpServer server;
  private final AtomicReference<String> auth = new AtomicReference<>();
  private final AtomicReference<byte[]> body = new AtomicReference<>();
  private final AtomicInteger status = new AtomicInteger(200);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/audio/transcriptions",
        ex -> {
          auth.set(ex.getRequestHeaders().getFirst("Authorization"));
          body.set(ex.getRequestBody().readAllBytes());
          byte[] answer =
              (status.get() == 200 ? "{\"text\":\" Not now, talk to me next month \"}" : "{}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status.get(), answer.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(answer);
          }
        });
    server.createContext(
        "/v1beta/models/gemini-2.5-flash:generateContent",
        ex -> {
          auth.set(ex.getRequestHeaders().getFirst("x-goog-api-key"));
          query.set(ex.getRequestURI().getRawQuery());
          body.set(ex.getRequestBody().readAllBytes());
          byte[] answer =
              (status.get() == 200
                      ? "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" Stop, \"},"
                          + "{\"text\":\"please remove me \"}]}}]}"
                      : "{}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status.get(), answer.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(answer);
          }
        });
    server.start();
  }

  private final AtomicReference<String> query = new AtomicReference<>();

  private Transcriber gemini() {
    return Transcriber.from(
        new LlmSettings(
            "gemini",
            null,
            "g-key",
            "http://127.0.0.1:" + server.getAddress().getPort() + "/v1beta",
            Duration.ofSeconds(5),
            1),
        null);
  }

  @Test
  void geminiGetsTheVoiceNoteInlineWithTheKeyInAHeaderNotTheUrl() throws Exception {
    byte[] ogg = MediaTypesTest.oggOpus();

    String text = gemini().transcribe(ogg, "audio/opus");

    assertThat(text).isEqualTo("Stop, please remove me");
    assertThat(auth.get()).isEqualTo("g-key");
    assertThat(query.get()).isNull();
    var sent = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body.get());
    var parts = sent.path("contents").path(0).path("parts");
    assertThat(parts.path(0).path("text").asText()).contains("Transcribe");
    assertThat(parts.path(1).path("inline_data").path("mime_type").asText()).isEqualTo("audio/ogg");
    assertThat(
            java.util.Base64.getDecoder()
                .decode(parts.path(1).path("inline_data").path("data").asText()))
        .isEqualTo(ogg);
    assertThat(gemini().label()).isEqualTo("gemini/gemini-2.5-flash");
    status.set(503);
    assertThatThrownBy(() -> gemini().transcribe(ogg, "audio/opus"))
        .isInstanceOf(CloudMedia.Unavailable.class);
    status.set(403);
    assertThatThrownBy(() -> gemini().transcribe(ogg, "audio/opus"))
        .isInstanceOf(CloudMedia.Refused.class);
    assertThatThrownBy(
            () ->
                gemini()
                    .transcribe(
                        new byte[(int) Transcriber.Gemini.MAX_INLINE_BYTES + 1], "audio/opus"))
        .isInstanceOf(CloudMedia.Refused.class);
  }

  private final java.util.concurrent.CountDownLatch closing =
      new java.util.concurrent.CountDownLatch(1);

  @AfterEach
  void stop() {
    closing.countDown();
    server.stop(0);
  }

  @Test
  void aProviderAnswerThatStallsAfterItsHeadersIsUnavailableAtTheRequestsTimeout() {
    // 200, a declared length, two bytes, then a minute of nothing: the request's timeout ended
    // with the headers, so the activity's thread waited for the rest as long as the peer liked.
    server.createContext(
        "/stalls",
        ex -> {
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(200, 100);
          ex.getResponseBody().write("{\"".getBytes(StandardCharsets.UTF_8));
          ex.getResponseBody().flush();
          try {
            closing.await(60, java.util.concurrent.TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.close();
        });
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/stalls"))
            .timeout(Duration.ofSeconds(1))
            .GET()
            .build();

    long started = System.nanoTime();
    assertThatThrownBy(() -> Transcriber.call(java.net.http.HttpClient.newHttpClient(), request))
        .isInstanceOf(CloudMedia.Unavailable.class)
        .hasMessageContaining("HttpTimeoutException");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  private Transcriber openAi() {
    return Transcriber.from(
        new LlmSettings(
            "openai",
            "gpt-4o-mini",
            "sk-test",
            "http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
            Duration.ofSeconds(5),
            1),
        null);
  }

  @Test
  void theVoiceNoteGoesAsAMultipartFileWithTheModelAndTheKey() {
    byte[] ogg = MediaTypesTest.oggOpus();

    String text = openAi().transcribe(ogg, "audio/opus");

    assertThat(text).isEqualTo("Not now, talk to me next month");
    assertThat(auth.get()).isEqualTo("Bearer sk-test");
    String sent = new String(body.get(), StandardCharsets.ISO_8859_1);
    assertThat(sent)
        .contains("name=\"model\"\r\n\r\nwhisper-1")
        .contains("filename=\"voice-note.ogg\"");
    assertThat(sent).contains(new String(ogg, StandardCharsets.ISO_8859_1));
    assertThat(openAi().label()).isEqualTo("openai/whisper-1");
  }

  @Test
  void aBusyProviderIsTriedAgainAndARefusalIsNot() {
    status.set(429);
    assertThatThrownBy(() -> openAi().transcribe(new byte[10], "audio/opus"))
        .isInstanceOf(CloudMedia.Unavailable.class);
    status.set(400);
    assertThatThrownBy(() -> openAi().transcribe(new byte[10], "audio/opus"))
        .isInstanceOf(CloudMedia.Refused.class);
    assertThatThrownBy(
            () -> openAi().transcribe(new byte[(int) Transcriber.MAX_BYTES + 1], "audio/opus"))
        .isInstanceOf(CloudMedia.Refused.class);
  }

  @Test
  void offlineOrAProviderWithoutSpeechToTextHasNoTranscriber() {
    assertThat(Transcriber.from(new LlmSettings("none", null, null, null, null, 0), null)).isNull();
    assertThat(
            Transcriber.from(
                new LlmSettings("ollama", "llama3", "k", "http://x", Duration.ofSeconds(1), 0),
                null))
        .isNull();
  }

  /** A transcript is capped at 4,096 characters counted in code points, never cut in an emoji. */
  @Test
  void aTranscriptIsCappedInCodePointsNeverHalfAnEmoji() {
    String emoji = new String(Character.toChars(0x1F600));

    assertThat(Transcriber.capped(emoji.repeat(4096))).isEqualTo(emoji.repeat(4096));
    assertThat(Transcriber.capped("a" + emoji.repeat(4100))).isEqualTo("a" + emoji.repeat(4095));
    assertThat(Transcriber.capped("x".repeat(5000))).isEqualTo("x".repeat(4096));
  }
}
