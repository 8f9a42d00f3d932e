package com.salesagent.api.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * README's recipe turns the emulator's chance replies off with a {@code PUT /emulator/behaviour}: a
 * body it cannot read (a misspelt field, a word for a number, no JSON) is a 400 naming what is
 * wrong, and the behaviour stays as it was.
 */
class EmulatorBehaviourEndpointTest {
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private EmulatorRig rig;
  private WhatsAppEmulator emulator;

  @BeforeEach
  void start() throws IOException {
    rig = EmulatorRig.start(value -> {}, 0.25);
    emulator = rig.emulator;
  }

  @AfterEach
  void stop() {
    rig.close();
  }

  private HttpResponse<String> put(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/emulator/behaviour"))
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aBodyItCannotReadIs400NamingTheFieldAndChangesNothing() throws Exception {
    HttpResponse<String> misspelt = put("{\"replyProb\":0}");
    HttpResponse<String> word = put("{\"replyProbability\":\"none\"}");
    HttpResponse<String> notJson = put("replyProbability=0");

    assertThat(misspelt.statusCode()).as(misspelt.body()).isEqualTo(400);
    JsonNode error = json.readTree(misspelt.body()).path("error");
    assertThat(error.path("message").asText()).contains("replyProb");
    assertThat(error.path("error_data").path("details").asText()).contains("replyProb");
    assertThat(word.statusCode()).as(word.body()).isEqualTo(400);
    assertThat(json.readTree(word.body()).path("error").path("message").asText())
        .contains("replyProbability");
    assertThat(notJson.statusCode()).as(notJson.body()).isEqualTo(400);
    assertThat(emulator.behaviour().replyProbability()).isEqualTo(0.25);
  }

  @Test
  void aWholeBehaviourIsTakenAsBefore() throws Exception {
    HttpResponse<String> ok =
        put(json.writeValueAsString(emulator.behaviour()).replace("0.25", "0.0"));

    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(json.readTree(ok.body()).path("replyProbability").asDouble()).isEqualTo(0.0);
    assertThat(emulator.behaviour().replyProbability()).isEqualTo(0.0);
  }
}
