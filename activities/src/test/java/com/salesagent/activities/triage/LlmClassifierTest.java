package com.salesagent.activities.triage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.compose.ChatModels;
import com.salesagent.activities.compose.LlmSettings;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The LLM triage against a local stub of each provider: structured output asked, answer checked.
 */
class LlmClassifierTest {
  private static final LocalDate TODAY = LocalDate.of(2026, 11, 25);
  private HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private volatile String answer = "";
  private volatile int status = 200;
  private final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          byte[] out = answer.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(status, out.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private LlmClassifier classifier(String provider, String path, String model) {
    String base = "http://127.0.0.1:" + server.getAddress().getPort() + path;
    LlmSettings s = new LlmSettings(provider, model, "k", base, Duration.ofSeconds(5), 0);
    return new LlmClassifier(ChatModels.build(s), s.label());
  }

  private void openAiSays(String content) throws Exception {
    answer =
        "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{"
            + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + json.writeValueAsString(content)
            + "},\"finish_reason\":\"stop\"}]}";
  }

  @Test
  void openAiIsAskedForTheJsonSchemaAndItsAnswerIsUsed() throws Exception {
    openAiSays(
        "{\"intent\":\"objection\",\"objection\":\"competitor\",\"sentiment\":\"neutral\","
            + "\"keywords\":[\"hubspot\",\"Contract\"],\"notBefore\":\"\"}");

    Triage t =
        classifier("openai", "/v1", "gpt-4o-mini")
            .classify("Ya usamos HubSpot, gracias", false, TODAY);

    assertThat(t.intent()).isEqualTo("objection");
    assertThat(t.objection()).isEqualTo("competitor");
    assertThat(t.keywords()).containsExactly("hubspot", "contract");
    assertThat(t.classifier()).isEqualTo("llm:openai/gpt-4o-mini");
    JsonNode body = json.readTree(bodies.get(0));
    assertThat(body.at("/response_format/type").asText()).isEqualTo("json_schema");
    JsonNode schema = body.at("/response_format/json_schema/schema");
    assertThat(schema.at("/properties/intent/enum").toString())
        .contains("not_now")
        .contains("wrong_person");
    assertThat(body.at("/messages/1/content").asText()).isEqualTo("Ya usamos HubSpot, gracias");
  }

  @Test
  void aNotNowWithADateSnoozesUntilThatDate() throws Exception {
    openAiSays(
        "{\"intent\":\"not_now\",\"objection\":\"none\",\"sentiment\":\"neutral\","
            + "\"keywords\":[],\"notBefore\":\"2027-01-10\"}");

    Triage t =
        classifier("openai", "/v1", "m").classify("after the January kick-off", false, TODAY);

    assertThat(t.intent()).isEqualTo("not_now");
    assertThat(t.objection()).isNull();
    assertThat(t.notBefore()).isEqualTo(LocalDate.of(2027, 1, 10));
  }

  @Test
  void theKeywordBackstopOptsOutWithoutAskingTheModel() {
    Triage t = classifier("openai", "/v1", "m").classify("no más, por favor", true, TODAY);

    assertThat(t.intent()).isEqualTo("opt_out");
    assertThat(t.classifier()).isEqualTo(LexiconClassifier.NAME);
    assertThat(bodies).isEmpty();
  }

  /**
   * A reply the lexicon reads as a closing ("Ok, thanks. Bye") stays one without asking the model,
   * which would call it other (a person to answer): the lexicon's rule is narrow, the whole reply
   * thanks, bye or ok.
   */
  @Test
  void aClosingIsAClosingWithoutAskingTheModel() throws Exception {
    openAiSays(
        "{\"intent\":\"other\",\"objection\":\"none\",\"sentiment\":\"positive\","
            + "\"keywords\":[],\"notBefore\":\"\"}");

    Triage t = classifier("openai", "/v1", "m").classify("Ok, thanks. Bye 👍", false, TODAY);

    assertThat(t.intent()).isEqualTo(Triage.CLOSING);
    assertThat(t.classifier()).isEqualTo(LexiconClassifier.NAME);
    assertThat(bodies).isEmpty();
  }

  @Test
  void theModelAloneNeverOptsALeadOut() throws Exception {
    openAiSays(
        "{\"intent\":\"opt_out\",\"objection\":\"none\",\"sentiment\":\"negative\","
            + "\"keywords\":[],\"notBefore\":\"\"}");

    Triage t = classifier("openai", "/v1", "m").classify("meh, not for us", false, TODAY);

    assertThat(t.intent()).isEqualTo("other");
    assertThat(t.classifier()).contains("suggested opt_out");
  }

  @Test
  void anAnswerOutsideTheSchemaFallsBackToTheLexicon() throws Exception {
    openAiSays("{\"intent\":\"maybe\"}");

    Triage t = classifier("openai", "/v1", "m").classify("Sounds great, let's talk", false, TODAY);

    assertThat(t.classifier()).isEqualTo(LexiconClassifier.NAME);
    assertThat(t.intent()).isEqualTo("interested");
  }

  @Test
  void aProviderFailureFallsBackToTheLexicon() {
    status = 500;
    answer = "{\"error\":{\"message\":\"down\"}}";

    Triage t =
        classifier("openai", "/v1", "m").classify("Too expensive for our budget", false, TODAY);

    assertThat(t.classifier()).isEqualTo(LexiconClassifier.NAME);
    assertThat(t.intent()).isEqualTo("objection");
    assertThat(t.objection()).isEqualTo("cost");
  }

  @Test
  void geminiGetsAResponseSchema() throws Exception {
    answer =
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":"
            + json.writeValueAsString(
                "{\"intent\":\"interested\",\"objection\":\"none\",\"sentiment\":\"positive\","
                    + "\"keywords\":[\"demo\"],\"notBefore\":\"\"}")
            + "}],\"role\":\"model\"},\"finishReason\":\"STOP\"}]}";

    Triage t =
        classifier("gemini", "", "gemini-2.0-flash").classify("Sim, quero uma demo", false, TODAY);

    assertThat(t.intent()).isEqualTo("interested");
    assertThat(t.sentiment()).isEqualTo("positive");
    JsonNode config = json.readTree(bodies.get(0)).path("generationConfig");
    assertThat(config.path("responseMimeType").asText()).isEqualTo("application/json");
    assertThat(config.toString()).contains("wrong_person");
  }

  @Test
  void ollamaGetsTheSchemaAsItsFormat() throws Exception {
    answer =
        "{\"model\":\"llama3.1\",\"created_at\":\"2026-11-25T10:00:00Z\",\"message\":{\"role\":"
            + "\"assistant\",\"content\":"
            + json.writeValueAsString(
                "{\"intent\":\"wrong_person\",\"objection\":\"none\",\"sentiment\":\"neutral\","
                    + "\"keywords\":[],\"notBefore\":\"\"}")
            + "},\"done\":true,\"done_reason\":\"stop\"}";

    Triage t = classifier("ollama", "", "llama3.1").classify("Falsches Team, sorry", false, TODAY);

    assertThat(t.intent()).isEqualTo("wrong_person");
    assertThat(json.readTree(bodies.get(0)).path("format").toString()).contains("not_now");
  }

  /**
   * A lead who names someone else to talk to is a referral a person follows up: a model that calls
   * it wrong person (which ends the lead with nobody to answer) is overruled as the lexicon reads
   * it, other with the keyword referral first.
   */
  @Test
  void aReferralTheModelCallsWrongPersonGoesToAPerson() throws Exception {
    openAiSays(
        "{\"intent\":\"wrong_person\",\"objection\":\"none\",\"sentiment\":\"neutral\","
            + "\"keywords\":[\"colleague\"],\"notBefore\":\"\"}");

    Triage t =
        classifier("openai", "/v1", "m").classify("Fale com o João, ele cuida disso", false, TODAY);

    assertThat(t.intent()).isEqualTo("other");
    assertThat(t.keywords()).first().isEqualTo("referral");
    assertThat(t.keywords()).contains("colleague");
    assertThat(t.classifier()).isEqualTo("llm:openai/m (suggested wrong_person, a referral)");
  }
}
