package com.salesagent.activities.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.whatsapp.WhatsAppApiException.Kind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Cloud API wire format against a local stub: request shape, response, and what each failure
 * proves about whether the message went out.
 */
class WhatsAppClientTest {
  private StubCloudApi api;
  private WhatsAppClient client;

  @BeforeEach
  void start() throws Exception {
    api = new StubCloudApi();
    client =
        new WhatsAppClient(
            new WhatsAppSettings(api.baseUrl(), "v21.0", "1234567890", "tok"),
            Duration.ofMillis(800));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static void assertKind(Runnable send, Kind kind) {
    assertThatThrownBy(send::run)
        .isInstanceOfSatisfying(
            WhatsAppApiException.class,
            e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind));
  }

  @Test
  void aTemplateMessageHasMetasShapeAndReturnsTheWamidAndWaId() throws Exception {
    WhatsAppClient.Accepted accepted =
        client.sendTemplate(
            "+5511998765432", "intro_cost", "en", List.of("Ana", "Acme"), "lead-1-send-1");

    assertThat(accepted.wamid()).isEqualTo("wamid.STUB1");
    assertThat(accepted.waId()).isEqualTo("5511998765432");
    StubCloudApi.Request request = api.requests.get(0);
    assertThat(request.path()).isEqualTo("/v21.0/1234567890/messages");
    assertThat(request.authorization()).isEqualTo("Bearer tok");
    JsonNode body = new ObjectMapper().readTree(request.body());
    assertThat(body.path("messaging_product").asText()).isEqualTo("whatsapp");
    assertThat(body.path("to").asText()).isEqualTo("5511998765432");
    assertThat(body.path("type").asText()).isEqualTo("template");
    assertThat(body.path("biz_opaque_callback_data").asText()).isEqualTo("lead-1-send-1");
    assertThat(body.at("/template/name").asText()).isEqualTo("intro_cost");
    assertThat(body.at("/template/language/code").asText()).isEqualTo("en");
    assertThat(body.at("/template/components/0/type").asText()).isEqualTo("body");
    assertThat(body.at("/template/components/0/parameters/1/text").asText()).isEqualTo("Acme");
  }

  @Test
  void aTextMessageCarriesTheBody() throws Exception {
    client.sendText("+5511998765432", "Olá, tudo bem? ✓", "k");

    JsonNode body = new ObjectMapper().readTree(api.requests.get(0).body());
    assertThat(body.path("type").asText()).isEqualTo("text");
    assertThat(body.at("/text/body").asText()).isEqualTo("Olá, tudo bem? ✓");
    assertThat(body.at("/text/preview_url").asBoolean()).isFalse();
  }

  /**
   * An image's caption is at most 1,024 characters counted as the send decides to attach it (code
   * points, {@link WhatsAppLimits}): 1,024 emoji go whole (they were cut to 512), and a longer one
   * is cut at a whole emoji, never half of one (the cut at 1,024 UTF-16 chars left a lone
   * surrogate).
   */
  @Test
  void aCaptionIsCutInCodePointsNeverHalfAnEmoji() throws Exception {
    String emoji = new String(Character.toChars(0x1F680));
    client.sendImage("+5511998765432", "media-1", emoji.repeat(1024), "k1");
    client.sendImage("+5511998765432", "media-1", "a".repeat(1023) + emoji + "b", "k2");

    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(api.requests.get(0).body()).at("/image/caption").asText())
        .isEqualTo(emoji.repeat(1024));
    assertThat(json.readTree(api.requests.get(1).body()).at("/image/caption").asText())
        .isEqualTo("a".repeat(1023) + emoji);
  }

  @Test
  void metasThrottlingAndTemporaryErrorsAreRetryableAndKeepTheirDetails() {
    api.answer(
        400,
        "{\"error\":{\"message\":\"Rate limit hit\",\"type\":\"OAuthException\",\"code\":130429,"
            + "\"error_subcode\":2494055,\"error_data\":{\"details\":\"Cloud API message"
            + " throughput has been reached\"},\"fbtrace_id\":\"AbC123\"}}");
    assertThatThrownBy(() -> client.sendText("+5511998765432", "x", "k"))
        .isInstanceOfSatisfying(
            WhatsAppApiException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
              assertThat(e.retryable()).isTrue();
              assertThat(e.code()).isEqualTo(130429);
              assertThat(e.subcode()).isEqualTo(2494055);
              assertThat(e.details()).contains("throughput");
              assertThat(e.fbtraceId()).isEqualTo("AbC123");
            });

    api.answer(500, "{\"error\":{\"message\":\"Something went wrong\",\"code\":131000}}");
    assertKind(() -> client.sendText("+5511998765432", "x", "k"), Kind.RETRYABLE);
  }

  @Test
  void accountProblemsAreNotLeadFailures() {
    for (int code : List.of(190, 131031, 131042)) {
      api.answer(401, "{\"error\":{\"message\":\"account\",\"code\":" + code + "}}");
      assertKind(() -> client.sendText("+5511998765432", "x", "k"), Kind.ACCOUNT);
    }
  }

  @Test
  void messageProblemsArePermanent() {
    api.answer(
        400, "{\"error\":{\"message\":\"(#131026) Message undeliverable\",\"code\":131026}}");
    assertThatThrownBy(() -> client.sendText("+5511998765432", "x", "k"))
        .isInstanceOfSatisfying(
            WhatsAppApiException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage()).contains("131026");
            });
  }

  @Test
  void aSuccessWithoutAWamidMayHaveBeenSent() {
    api.answer(200, "{\"messaging_product\":\"whatsapp\"}");
    assertKind(() -> client.sendText("+5511998765432", "x", "k"), Kind.AMBIGUOUS);
  }

  @Test
  void aGatewayErrorWithoutMetasBodyMayHaveBeenSent() {
    api.answer(504, "<html>Gateway Timeout</html>");
    assertKind(() -> client.sendText("+5511998765432", "x", "k"), Kind.AMBIGUOUS);
  }

  @Test
  void aTimeoutAfterTheRequestWentOutIsAmbiguousNotRetryable() {
    api.fault(StubCloudApi.Fault.SLOW);

    assertThatThrownBy(() -> client.sendText("+5511998765432", "x", "k"))
        .isInstanceOfSatisfying(
            WhatsAppApiException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.AMBIGUOUS);
              assertThat(e.retryable()).isFalse();
            });
    assertThat(api.requests).hasSize(1);
  }

  @Test
  void anAnswerWhoseBodyStallsAfterItsHeadersIsCutAtTheDeadlineAsAmbiguous() {
    // Headers and half of Meta's answer, then 20 s of nothing: the request's timeout (800 ms)
    // ended with the headers, so the send waited for the rest as long as the peer liked.
    api.slowFor(Duration.ofSeconds(20)).fault(StubCloudApi.Fault.STALL_BODY);

    long started = System.nanoTime();
    assertKind(() -> client.sendText("+5511998765432", "x", "k"), Kind.AMBIGUOUS);
    // 5 s connect allowance + 800 ms; well under the stall.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertThat(api.requests).hasSize(1);
  }

  @Test
  void anAnswerLongerThanAnyOfMetasIsNotReadWholeAndIsAmbiguous() {
    api.answer(
        200, "{\"messages\":[{\"id\":\"wamid.X\"}],\"pad\":\"" + "x".repeat(300_000) + "\"}");

    assertKind(() -> client.sendText("+5511998765432", "x", "k"), Kind.AMBIGUOUS);
  }

  @Test
  void aConnectionClosedAfterTheRequestWentOutIsAmbiguous() {
    api.fault(StubCloudApi.Fault.CLOSE);

    assertKind(() -> client.sendText("+5511998765432", "x", "k"), Kind.AMBIGUOUS);
    assertThat(api.requests).hasSize(1);
  }

  @Test
  void anUnreachableApiProvesNothingWasSent() {
    api.close();
    assertKind(() -> client.sendText("+5511998765432", "x", "k"), Kind.NOT_SENT);
    WhatsAppClient unknownHost =
        new WhatsAppClient(
            new WhatsAppSettings("http://no-such-host.invalid", "v21.0", "1", "tok"));
    assertKind(() -> unknownHost.sendText("+5511998765432", "x", "k"), Kind.NOT_SENT);
  }
}
