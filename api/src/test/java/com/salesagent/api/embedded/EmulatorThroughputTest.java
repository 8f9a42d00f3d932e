package com.salesagent.api.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Meta's per-number throughput limit in the emulator: a number given a limit accepts that many
 * messages in any one second and answers the rest with 130429; others are unlimited; the most
 * accepted in one second is counted.
 */
class EmulatorThroughputTest {
  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final EmulatorThroughput throughput = new EmulatorThroughput(now::get);

  @Test
  void aNumberAcceptsItsLimitInAnyOneSecondAndRefusesTheRest() {
    throughput.limit("A", 3);
    List<Boolean> answers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      answers.add(throughput.admit("A"));
      now.addAndGet(100_000_000L); // 0.1 s apart: 4 within one second
    }
    assertThat(answers).containsExactly(true, true, true, false);
    // The window slides: a second after the first, one slot is free again, not three.
    now.set(5_000_000_000L + 1_000_000_000L);
    assertThat(throughput.admit("A")).isTrue();
    assertThat(throughput.admit("A")).isFalse();
    assertThat(throughput.figures("A")).isEqualTo(new EmulatorThroughput.Figures(3, 4, 2, 3));
    // Without a limit everything is accepted, and counted.
    for (int i = 0; i < 50; i++) {
      assertThat(throughput.admit("B")).isTrue();
    }
    assertThat(throughput.figures("B").maxInOneSecond()).isEqualTo(50);
  }

  @Test
  void theEmulatorAnswers130429BeyondANumbersLimit() throws Exception {
    WhatsAppEmulator emulator =
        new WhatsAppEmulator(0, null, null, null, null, EmulatorBehaviour.acknowledgingOnly());
    emulator.start();
    try {
      emulator.throughput().limit(emulator.phoneNumberId(), 2);
      HttpClient http = HttpClient.newHttpClient();
      List<Integer> statuses = new ArrayList<>();
      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String body =
            """
            {"messaging_product":"whatsapp","to":"+5511998765%03d","type":"template",
             "template":{"name":"intro","language":{"code":"en"}}}"""
                .formatted(i);
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            emulator.baseUrl()
                                + "/v24.0/"
                                + emulator.phoneNumberId()
                                + "/messages"))
                    .header("Authorization", "Bearer " + emulator.accessToken())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        statuses.add(r.statusCode());
        bodies.add(r.body());
      }
      assertThat(statuses).containsExactly(200, 200, 400);
      assertThat(new ObjectMapper().readTree(bodies.get(2)).at("/error/code").asInt())
          .isEqualTo(130429);
      assertThat(emulator.acceptedFrom(emulator.phoneNumberId())).isEqualTo(2);
      assertThat(emulator.throughput().figures(emulator.phoneNumberId()).refused()).isEqualTo(1);
    } finally {
      emulator.stop();
    }
  }
}
