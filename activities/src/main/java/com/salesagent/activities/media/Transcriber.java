package com.salesagent.activities.media;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.compose.LlmSettings;
import com.salesagent.activities.http.WholeAnswer;
import com.salesagent.activities.whatsapp.CloudMedia;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A voice note as text. Offline there is none (the reply stays {@code needs_review} for a person);
 * with {@code LLM_PROVIDER=openai} the provider's speech-to-text endpoint ({@code POST
 * {base}/audio/transcriptions}, multipart: the Ogg Opus file and {@code TRANSCRIPTION_MODEL},
 * whisper-1 by default) with the same key, at most 25 MB (the provider's limit), one minute; with
 * {@code LLM_PROVIDER=gemini} the model itself (audio is one of its inputs), see {@link Gemini}.
 * Failures are {@link CloudMedia.Unavailable} (try again later) or {@link CloudMedia.Refused} (will
 * not change).
 */
public interface Transcriber {
  String transcribe(byte[] audio, String contentType);

  /** Who transcribed, for the audit ("openai/whisper-1"). */
  String label();

  long MAX_BYTES = 25L * 1024 * 1024;

  /** The configured transcriber, or null offline (or with a provider that has no such endpoint). */
  static Transcriber from(LlmSettings llm, String model) {
    if (llm == null || llm.apiKey() == null || llm.apiKey().isBlank()) {
      return null;
    }
    if ("gemini".equals(llm.provider())) {
      String base =
          llm.baseUrl() == null || llm.baseUrl().isBlank()
              ? "https://generativelanguage.googleapis.com/v1beta"
              : llm.baseUrl();
      String m = model != null && !model.isBlank() ? model : llm.model();
      return new Gemini(
          base, llm.apiKey(), m == null || m.isBlank() ? "gemini-2.5-flash" : m, null);
    }
    if (!"openai".equals(llm.provider())) {
      return null;
    }
    String base =
        llm.baseUrl() == null || llm.baseUrl().isBlank()
            ? "https://api.openai.com/v1"
            : llm.baseUrl();
    return new OpenAi(
        base, llm.apiKey(), model == null || model.isBlank() ? "whisper-1" : model, null);
  }

  /** Sends a request; a busy or unreachable provider is Unavailable, any other refusal Refused. */
  static HttpResponse<String> call(HttpClient http, HttpRequest request) {
    HttpResponse<String> response;
    try {
      // The request's timeout ends with the headers: the whole answer gets the connect time and
      // it, and at most MAX_ANSWER_BYTES (an answer that stalled after its headers held the
      // activity's thread for good).
      HttpResponse<byte[]> whole =
          WholeAnswer.send(
              http,
              request,
              http.connectTimeout()
                  .orElse(Duration.ZERO)
                  .plus(request.timeout().orElse(Duration.ofMinutes(1))),
              MAX_ANSWER_BYTES);
      response = new Decoded(whole);
    } catch (IOException e) {
      throw new CloudMedia.Unavailable(
          "transcription unreachable: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CloudMedia.Unavailable("interrupted");
    }
    int status = response.statusCode();
    if (status == 429 || status >= 500 || status == 408) {
      throw new CloudMedia.Unavailable("transcription: HTTP " + status);
    }
    if (status / 100 != 2) {
      throw new CloudMedia.Refused("transcription: HTTP " + status);
    }
    return response;
  }

  /** A transcription or description answer: a few KiB of JSON. */
  static final long MAX_ANSWER_BYTES = 1024 * 1024;

  /** An answer read whole as bytes, seen as text (what the providers' parsers take). */
  record Decoded(HttpResponse<byte[]> raw) implements HttpResponse<String> {
    @Override
    public int statusCode() {
      return raw.statusCode();
    }

    @Override
    public HttpRequest request() {
      return raw.request();
    }

    @Override
    public java.util.Optional<HttpResponse<String>> previousResponse() {
      return java.util.Optional.empty();
    }

    @Override
    public java.net.http.HttpHeaders headers() {
      return raw.headers();
    }

    @Override
    public String body() {
      return new String(raw.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
      return raw.sslSession();
    }

    @Override
    public java.net.URI uri() {
      return raw.uri();
    }

    @Override
    public HttpClient.Version version() {
      return raw.version();
    }
  }

  /** The transcript stripped, at most 4,096 characters (code points: never half an emoji). */
  static String capped(String text) {
    String t = text.strip();
    return t.length() > 4096 && t.codePointCount(0, t.length()) > 4096
        ? t.substring(0, t.offsetByCodePoints(0, 4096))
        : t;
  }

  static HttpClient client(HttpClient http) {
    return http != null
        ? http
        : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * Gemini's {@code models/{model}:generateContent} with the media inline (base64; the request is
   * capped at 20 MB, so a voice note at 14 MB) and an instruction: transcribe a voice note verbatim
   * ({@link #INSTRUCTION}), or describe an image ({@link ImageDescriber}). The key goes in the
   * {@code x-goog-api-key} header, never in the URL (which proxies log).
   */
  final class Gemini implements Transcriber {
    static final long MAX_INLINE_BYTES = 14L * 1024 * 1024;
    static final String INSTRUCTION =
        "Transcribe this WhatsApp voice note verbatim, in the language spoken. Answer with the"
            + " transcript only; if nothing is said, answer with nothing.";

    private final String url;
    private final String key;
    private final String model;
    private final HttpClient http;
    private final String instruction;
    private final long maxBytes;
    private final ObjectMapper json = new ObjectMapper();

    public Gemini(String baseUrl, String key, String model, HttpClient http) {
      this(baseUrl, key, model, http, INSTRUCTION, MAX_INLINE_BYTES);
    }

    public Gemini(
        String baseUrl,
        String key,
        String model,
        HttpClient http,
        String instruction,
        long maxBytes) {
      this.url = baseUrl.replaceAll("/+$", "") + "/models/" + model + ":generateContent";
      this.key = key;
      this.model = model;
      this.http = client(http);
      this.instruction = instruction;
      this.maxBytes = maxBytes;
    }

    @Override
    public String label() {
      return "gemini/" + model;
    }

    @Override
    public String transcribe(byte[] media, String contentType) {
      if (media.length > maxBytes) {
        throw new CloudMedia.Refused(
            "media over the inline limit of " + maxBytes / (1024 * 1024) + " MB");
      }
      String mime = contentType == null ? "audio/ogg" : contentType.replaceAll(";.*", "").strip();
      var body = json.createObjectNode();
      var parts = body.putArray("contents").addObject().putArray("parts");
      parts.addObject().put("text", instruction);
      parts
          .addObject()
          .putObject("inline_data")
          .put("mime_type", mime.equals("audio/opus") ? "audio/ogg" : mime)
          .put("data", java.util.Base64.getEncoder().encodeToString(media));
      body.putObject("generationConfig").put("temperature", 0);
      HttpResponse<String> response =
          call(
              http,
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(Duration.ofMinutes(1))
                  .header("x-goog-api-key", key)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build());
      try {
        StringBuilder text = new StringBuilder();
        for (var part :
            json.readTree(response.body())
                .path("candidates")
                .path(0)
                .path("content")
                .path("parts")) {
          text.append(part.path("text").asText(""));
        }
        return capped(text.toString());
      } catch (IOException e) {
        throw new CloudMedia.Unavailable("the provider's answer is not JSON");
      }
    }
  }

  /** OpenAI's (or a compatible server's) {@code /audio/transcriptions}. */
  final class OpenAi implements Transcriber {
    private final String url;
    private final String key;
    private final String model;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    public OpenAi(String baseUrl, String key, String model, HttpClient http) {
      this.url = baseUrl.replaceAll("/+$", "") + "/audio/transcriptions";
      this.key = key;
      this.model = model;
      this.http = client(http);
    }

    @Override
    public String label() {
      return "openai/" + model;
    }

    @Override
    public String transcribe(byte[] audio, String contentType) {
      if (audio.length > MAX_BYTES) {
        throw new CloudMedia.Refused("voice note over the transcription limit of 25 MB");
      }
      String boundary = "----sales-agent-" + Long.toHexString(System.nanoTime());
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n"
                  + model
                  + "\r\n--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\"file\";"
                  + " filename=\"voice-note.ogg\"\r\nContent-Type: "
                  + (contentType == null ? "audio/ogg" : contentType)
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      body.writeBytes(audio);
      body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      HttpResponse<String> response =
          call(
              http,
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(Duration.ofMinutes(1))
                  .header("Authorization", "Bearer " + key)
                  .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                  .build());
      try {
        return capped(json.readTree(response.body()).path("text").asText(""));
      } catch (IOException e) {
        throw new CloudMedia.Unavailable("transcription answer is not JSON");
      }
    }
  }
}
