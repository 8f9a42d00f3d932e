package com.salesagent.api.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.triage.LexiconClassifier;
import com.salesagent.activities.triage.OptOutDetector;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulation's hidden truth in the emulator ({@link WhatsAppEmulator.ReplyModel}): a reply
 * probability per recipient and template, and optionally the probability that a reply shows
 * interest. Without the latter a seeded emulator draws exactly as before (the recipients who reply
 * and what they say replay from the seed); with it a reply is the interested text or a polite no,
 * and only interest is followed by a question.
 */
class EmulatorReplyModelTest {
  private static final List<String> TEXTS =
      List.of("Sounds interesting, tell me more", "Who is this?", "Can you send me pricing?");
  private static final int RECIPIENTS = 40;
  private static final long SEED = 4242;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, List<String>> inbound = new ConcurrentHashMap<>();
  private WhatsAppEmulator emulator;
  private HttpServer webhook;

  @BeforeEach
  void start() throws Exception {
    emulator =
        new WhatsAppEmulator(0, null, null, null, null, EmulatorBehaviour.acknowledgingOnly());
    emulator.start();
    webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext(
        "/webhook",
        ex -> {
          JsonNode value =
              json.readTree(ex.getRequestBody().readAllBytes())
                  .path("entry")
                  .path(0)
                  .path("changes")
                  .path(0)
                  .path("value");
          for (JsonNode m : value.path("messages")) {
            inbound
                .computeIfAbsent(m.path("from").asText(), k -> new CopyOnWriteArrayList<>())
                .add(m.path("text").path("body").asText());
          }
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    webhook.start();
    emulator.setWebhookUrl("http://127.0.0.1:" + webhook.getAddress().getPort() + "/webhook");
  }

  @AfterEach
  void stop() {
    emulator.stop();
    webhook.stop(0);
  }

  /** Probabilities below 1 so that every draw matters; no delays. */
  private static EmulatorBehaviour behaviour(double questionShare) {
    return new EmulatorBehaviour(
            EmulatorBehaviour.REALISTIC,
            0.9,
            0.8,
            0.0,
            0.2,
            0,
            0,
            0,
            0,
            0,
            TEXTS,
            List.of("STOP"),
            SEED)
        .withQuestionShare(questionShare);
  }

  private static String recipient(int i) {
    return String.format("5511977%06d", i);
  }

  /** Sends the template to every recipient, one after another (the draws' order). */
  private void sendToAll() throws Exception {
    for (int i = 0; i < RECIPIENTS; i++) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          emulator.baseUrl() + "/v21.0/" + emulator.phoneNumberId() + "/messages"))
                  .header("Authorization", "Bearer " + emulator.accessToken())
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          ("{\"messaging_product\":\"whatsapp\",\"to\":\"+%s\",\"type\":\"template\","
                                  + "\"template\":{\"name\":\"intro\",\"language\":{\"code\":\"en\"}}}")
                              .formatted(recipient(i))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
  }

  /** What arrived, once {@code expected} messages did and nothing more came for a second. */
  private Map<String, List<String>> received(int expected) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (count() < expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Thread.sleep(1_500); // a question comes a second after its reply; anything extra shows here
    return new TreeMap<>(inbound);
  }

  private int count() {
    return inbound.values().stream().mapToInt(List::size).sum();
  }

  @Test
  void aSeededEmulatorWithoutInterestRatesDrawsExactlyAsBefore() throws Exception {
    emulator.setBehaviour(behaviour(0));
    emulator.setReplyModel((waId, template) -> "intro".equals(template) ? 0.6 : 0.0);

    sendToAll();

    // The draws of the emulator before interest rates, in its order: delivered, read, reply,
    // opt-out, then the reply's text.
    Random rnd = new Random(SEED);
    Map<String, List<String>> expected = new TreeMap<>();
    for (int i = 0; i < RECIPIENTS; i++) {
      boolean delivered = rnd.nextDouble() < 0.9;
      boolean read = delivered && rnd.nextDouble() < 0.8;
      boolean reply = read && rnd.nextDouble() < 0.6;
      boolean optOut = reply && rnd.nextDouble() < 0.2;
      if (reply) {
        expected.put(
            recipient(i),
            List.of(optOut ? List.of("STOP").get(rnd.nextInt(1)) : TEXTS.get(rnd.nextInt(3))));
      }
    }
    assertThat(expected).hasSizeGreaterThan(5);
    assertThat(received(expected.size())).isEqualTo(expected);
  }

  @Test
  void withAnInterestRateAReplyIsTheInterestedTextOrAPoliteNoAndOnlyInterestAsksAQuestion()
      throws Exception {
    emulator.setBehaviour(behaviour(1.0));
    emulator.setReplyModel(
        new WhatsAppEmulator.ReplyModel() {
          @Override
          public Double replyProbability(String waId, String templateName) {
            return "intro".equals(templateName) ? 0.6 : 0.0;
          }

          @Override
          public Double interestProbability(String waId, String templateName) {
            return 0.5;
          }
        });

    sendToAll();

    Map<String, List<String>> got = received(1);
    List<String> interested = new ArrayList<>();
    List<String> politeNo = new ArrayList<>();
    got.forEach(
        (waId, texts) -> {
          String first = texts.get(0);
          if (first.equals(WhatsAppEmulator.ReplyModel.INTERESTED_REPLY)) {
            interested.add(waId);
            // questionShare 1: every interested reply is followed by one question
            assertThat(texts).as(waId).hasSize(2);
            assertThat(EmulatorBehaviour.QUESTIONS).contains(texts.get(1));
          } else if (first.equals(WhatsAppEmulator.ReplyModel.POLITE_NO)) {
            politeNo.add(waId);
            assertThat(texts).as("a polite no asks nothing after: %s", waId).hasSize(1);
          } else {
            assertThat(texts).as(waId).containsExactly("STOP");
          }
        });
    // 40 recipients, ~0.43 of them answer without an opt-out, half of those with interest: the
    // seed gives both kinds.
    assertThat(interested).isNotEmpty();
    assertThat(politeNo).isNotEmpty();
  }

  @Test
  void theTriageReadsTheInterestedTextAsInterestAndThePoliteNoAsANoThatEndsTheLead() {
    LocalDate today = LocalDate.of(2026, 12, 5);
    assertThat(
            LexiconClassifier.classify(WhatsAppEmulator.ReplyModel.INTERESTED_REPLY, false, today)
                .intent())
        .isEqualTo("interested");
    // not_interested ends the lead (LeadReopening.ENDING_INTENTS); a "not now" would snooze it
    assertThat(
            LexiconClassifier.classify(WhatsAppEmulator.ReplyModel.POLITE_NO, false, today)
                .intent())
        .isEqualTo("not_interested");
    assertThat(OptOutDetector.isOptOut(WhatsAppEmulator.ReplyModel.POLITE_NO)).isFalse();
  }
}
