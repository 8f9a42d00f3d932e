package com.salesagent.api.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The emulator signs what {@code /emulator/replay} is given with the app secret: a web page in the
 * operator's browser (loopback is reachable from any page; text/plain needs no preflight) must not
 * be able to deliver a forged STOP or reply through it; curl and the tests still replay.
 */
class EmulatorBrowserGuardTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> delivered = new CopyOnWriteArrayList<>();
  private EmulatorRig rig;
  private WhatsAppEmulator emulator;

  @BeforeEach
  void start() throws IOException {
    rig =
        EmulatorRig.start(
            value -> value.path("messages").forEach(m -> delivered.add(m.path("id").asText())));
    emulator = rig.emulator;
  }

  @AfterEach
  void stop() {
    rig.close();
  }

  private static String stopFrom(String waId, String wamid) {
    return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"w\",\"changes\":[{"
        + "\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
        + "\"metadata\":{\"phone_number_id\":\"1\"},\"messages\":[{\"from\":\""
        + waId
        + "\",\"id\":\""
        + wamid
        + "\",\"timestamp\":\"1764064800\",\"type\":\"text\",\"text\":{\"body\":\"STOP\"}}]}}]}]}";
  }

  private HttpResponse<String> replay(String body, String origin, String site) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(emulator.baseUrl() + "/emulator/replay"))
            .header("Content-Type", "text/plain")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (origin != null) {
      request.header("Origin", origin);
    }
    if (site != null) {
      request.header("Sec-Fetch-Site", site);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aWebPageCannotReplayASignedPayloadButCurlCan() throws Exception {
    HttpResponse<String> page =
        replay(stopFrom("4915112345101", "wamid.forged"), "https://attacker.example", null);
    HttpResponse<String> fetched =
        replay(
            stopFrom("4915112345102", "wamid.forged-2"), "https://attacker.example", "cross-site");
    HttpResponse<String> rebound =
        replay(
            stopFrom("4915112345103", "wamid.forged-3"),
            "http://rebound.example:" + URI.create(emulator.baseUrl()).getPort(),
            "same-origin");

    assertThat(page.statusCode()).as(page.body()).isEqualTo(403);
    assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(403);
    assertThat(rebound.statusCode()).as(rebound.body()).isEqualTo(403);

    HttpResponse<String> curl = replay(stopFrom("4915112345104", "wamid.curl"), null, null);
    assertThat(curl.statusCode()).as(curl.body()).isEqualTo(202);
    Awaitility.await("the curl replay delivered")
        .atMost(Duration.ofSeconds(10))
        .until(() -> delivered.contains("wamid.curl"));
    assertThat(delivered).doesNotContain("wamid.forged", "wamid.forged-2", "wamid.forged-3");
  }
}
