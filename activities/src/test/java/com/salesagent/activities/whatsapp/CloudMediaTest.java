package com.salesagent.activities.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Media calls to the Cloud API: the whole answer within a deadline, at most a size. */
class CloudMediaTest {
  private StubCloudApi api;
  private CloudMedia media;

  @BeforeEach
  void start() throws Exception {
    api = new StubCloudApi();
    media =
        new WhatsAppClient(
                new WhatsAppSettings(api.baseUrl(), "v21.0", "1234567890", "tok"),
                Duration.ofSeconds(1),
                HttpClient.newHttpClient())
            .media();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void mediaInfoWhoseBodyStallsAfterItsHeadersIsUnavailableAtItsDeadline() {
    // Headers and half an answer, then a minute of nothing: the request's timeout ended with the
    // headers, so the activity's thread waited for the rest as long as the peer liked.
    api.slowFor(Duration.ofSeconds(60)).fault(StubCloudApi.Fault.STALL_BODY);

    long started = System.nanoTime();
    assertThatThrownBy(() -> media.info("123"))
        .isInstanceOf(CloudMedia.Unavailable.class)
        .hasMessageContaining("HttpTimeoutException");
    // INFO_TIMEOUT (15 s) covers the whole answer now.
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isLessThan(CloudMedia.INFO_TIMEOUT.plusSeconds(10));
  }

  @Test
  void mediaInfoLongerThanItsCapIsRefused() {
    api.answer(200, "{\"url\":\"" + "x".repeat(70_000) + "\"}");

    assertThatThrownBy(() -> media.info("123"))
        .isInstanceOf(CloudMedia.Refused.class)
        .hasMessageContaining("media info larger than 65536 bytes");
  }
}
