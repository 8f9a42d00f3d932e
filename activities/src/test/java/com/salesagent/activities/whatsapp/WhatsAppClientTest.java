package com.salesagent.activities.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Cloud API wire format against a local stub: request shape, response and error mapping. */
class WhatsAppClientTest {
  private StubCloudApi api;
  private WhatsAppClient client;

  @BeforeEach
  void start() throws Exception {
    api = new StubCloudApi();
    client = new WhatsAppClient(new WhatsAppSettings(api.baseUrl(), "v21.0", "1234567890", "tok"));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void aTemplateMessageHasMetasShapeAndReturnsTheWamid() throws Exception {
    String wamid =
        client.sendTemplate("+5511998765432", "intro_cost", "en", List.of("Ana", "Acme"));

    assertThat(wamid).isEqualTo("wamid.STUB1");
    StubCloudApi.Request request = api.requests.get(0);
    assertThat(request.path()).isEqualTo("/v21.0/1234567890/messages");
    assertThat(request.authorization()).isEqualTo("Bearer tok");
    JsonNode body = new ObjectMapper().readTree(request.body());
    assertThat(body.path("messaging_product").asText()).isEqualTo("whatsapp");
    assertThat(body.path("to").asText()).isEqualTo("5511998765432");
    assertThat(body.path("type").asText()).isEqualTo("template");
    assertThat(body.at("/template/name").asText()).isEqualTo("intro_cost");
    assertThat(body.at("/template/language/code").asText()).isEqualTo("en");
    assertThat(body.at("/template/components/0/type").asText()).isEqualTo("body");
    assertThat(body.at("/template/components/0/parameters/1/text").asText()).isEqualTo("Acme");
  }

  @Test
  void aTextMessageCarriesTheBody() throws Exception {
    client.sendText("+5511998765432", "Olá, tudo bem? ✓");

    JsonNode body = new ObjectMapper().readTree(api.requests.get(0).body());
    assertThat(body.path("type").asText()).isEqualTo("text");
    assertThat(body.at("/text/body").asText()).isEqualTo("Olá, tudo bem? ✓");
    assertThat(body.at("/text/preview_url").asBoolean()).isFalse();
  }

  @Test
  void throttlingAndServerErrorsAreRetryable() {
    api.answer(
        400,
        "{\"error\":{\"message\":\"Rate limit hit\",\"type\":\"OAuthException\",\"code\":130429}}");
    assertThatThrownBy(() -> client.sendText("+5511998765432", "x"))
        .isInstanceOfSatisfying(
            WhatsAppApiException.class,
            e -> {
              assertThat(e.retryable()).isTrue();
              assertThat(e.code()).isEqualTo(130429);
            });

    api.answer(503, "upstream unavailable");
    assertThatThrownBy(() -> client.sendText("+5511998765432", "x"))
        .isInstanceOfSatisfying(
            WhatsAppApiException.class, e -> assertThat(e.retryable()).isTrue());
  }

  @Test
  void permanentErrorsAreNotRetryable() {
    api.answer(
        401,
        "{\"error\":{\"message\":\"Invalid OAuth access token.\",\"type\":\"OAuthException\",\"code\":190}}");
    assertThatThrownBy(() -> client.sendText("+5511998765432", "x"))
        .isInstanceOfSatisfying(
            WhatsAppApiException.class,
            e -> {
              assertThat(e.retryable()).isFalse();
              assertThat(e.getMessage()).contains("190").contains("Invalid OAuth");
            });

    api.answer(
        400, "{\"error\":{\"message\":\"(#131026) Message undeliverable\",\"code\":131026}}");
    assertThatThrownBy(() -> client.sendText("+5511998765432", "x"))
        .isInstanceOfSatisfying(
            WhatsAppApiException.class, e -> assertThat(e.retryable()).isFalse());
  }

  @Test
  void anAnswerWithoutAWamidIsAnError() {
    api.answer(200, "{\"messaging_product\":\"whatsapp\"}");
    assertThatThrownBy(() -> client.sendText("+5511998765432", "x"))
        .isInstanceOf(WhatsAppApiException.class)
        .hasMessageContaining("messages[0].id");
  }

  @Test
  void anUnreachableApiIsRetryable() {
    api.close();
    assertThatThrownBy(() -> client.sendText("+5511998765432", "x"))
        .isInstanceOfSatisfying(
            WhatsAppApiException.class, e -> assertThat(e.retryable()).isTrue());
  }
}
