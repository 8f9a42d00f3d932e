package com.salesagent.activities.media;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.whatsapp.CloudMedia;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A provider that speaks voice notes (OpenAI's speech endpoint), apart from {@link VoiceNotes}. */
public final class SpeechProviders {
  private SpeechProviders() {}

  /**
   * OpenAI's (or a compatible server's) {@code POST {base}/audio/speech} with {@code
   * response_format: opus}, which answers Ogg Opus; one minute, the key in the header.
   */
  public static final class OpenAiSpeech implements VoiceNotes.Speaker {
    private final String url;
    private final String key;
    private final String model;
    private final HttpClient http;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();

    /** How long the provider has to answer whole, from the connection (besides its 5 s). */
    static final Duration TIMEOUT = Duration.ofMinutes(1);

    /** The connection's deadline, added to {@link #TIMEOUT} for the whole answer's. */
    static final Duration CONNECT = Duration.ofSeconds(5);

    public OpenAiSpeech(String baseUrl, String key, String model, HttpClient http) {
      this(baseUrl, key, model, http, TIMEOUT);
    }

    OpenAiSpeech(String baseUrl, String key, String model, HttpClient http, Duration timeout) {
      this.timeout = timeout;
      this.url = baseUrl.replaceAll("/+$", "") + "/audio/speech";
      this.key = key;
      this.model = model;
      this.http = http != null ? http : HttpClient.newBuilder().connectTimeout(CONNECT).build();
    }

    @Override
    public String label() {
      return "openai/" + model;
    }

    @Override
    public byte[] speak(String text) {
      var body =
          json.createObjectNode()
              .put("model", model)
              .put("input", text)
              .put("voice", "alloy")
              .put("response_format", "opus");
      HttpResponse<byte[]> response;
      try {
        // The whole answer within the deadline (the request's timeout ends with the headers: a
        // body that stalled after them held the activity's thread for good), at most 16 MB read.
        response =
            com.salesagent.activities.http.WholeAnswer.send(
                http,
                HttpRequest.newBuilder(URI.create(url))
                    .timeout(timeout)
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build(),
                CONNECT.plus(timeout),
                VoiceNotes.MAX_BYTES);
      } catch (com.salesagent.activities.http.WholeAnswer.TooLarge e) {
        throw new CloudMedia.Refused("speech: the answer is over 16 MB");
      } catch (IOException e) {
        throw new CloudMedia.Unavailable("speech unreachable: " + e.getClass().getSimpleName());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CloudMedia.Unavailable("interrupted");
      }
      int status = response.statusCode();
      if (status == 429 || status == 408 || status >= 500) {
        throw new CloudMedia.Unavailable("speech: HTTP " + status);
      }
      if (status / 100 != 2) {
        throw new CloudMedia.Refused("speech: HTTP " + status);
      }
      if (response.body().length > VoiceNotes.MAX_BYTES) {
        throw new CloudMedia.Refused("speech: the answer is over 16 MB");
      }
      return response.body();
    }
  }
}
