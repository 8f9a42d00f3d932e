package com.salesagent.api.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.media.CardRenderer;
import com.salesagent.activities.media.GeneratedBackgrounds;
import com.salesagent.activities.media.OutboundMedia;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.sun.net.httpserver.HttpServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Image cards on a generated background, against a local stand-in for OpenAI's image endpoint and
 * the embedded S3 server: the send never waits for the provider, the prompt holds the offer only,
 * the background is made once per offer, and an answer that is not an image is never used.
 */
class GeneratedBackgroundsTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();
  @RegisterExtension static final EmbeddedS3Extension S3 = new EmbeddedS3Extension("backgrounds");

  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicReference<String> auth = new AtomicReference<>();
  private final AtomicReference<String> answer = new AtomicReference<>();
  private OutboundMedia media;

  static String png() throws Exception {
    BufferedImage image = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(20, 160, 90));
    g.fillRect(0, 0, 96, 64);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return Base64.getEncoder().encodeToString(out.toByteArray());
  }

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/images/generations",
        ex -> {
          auth.set(ex.getRequestHeaders().getFirst("Authorization"));
          requests.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    media =
        new OutboundMedia(S3.storage(), MONGO.database())
            .withBackgrounds(
                new GeneratedBackgrounds(
                    S3.storage(),
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
                    "sk-img",
                    "gpt-image-1",
                    null));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void theFirstCardGoesOfflineAndTheNextOnesOnTheBackgroundMadeOnceForTheOffer() throws Exception {
    answer.set("{\"data\":[{\"b64_json\":\"" + png() + "\"}]}");
    CardRenderer.Card card = new CardRenderer.Card("Acme Retail", "opened 3 stores", "Save 20 %");

    Document first = media.card(card);
    assertThat(first.getString("madeBy")).isEqualTo(CardRenderer.MADE_BY);
    assertThat(first.getString("background")).isNull();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> requests.size() == 1);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> media.card(card).getString("background") != null);

    Document second = media.card(new CardRenderer.Card("Other Co", "hired a CTO", "Save 20 %"));
    assertThat(second.getString("madeBy")).isEqualTo("card-renderer on openai/gpt-image-1");
    assertThat(second.getString("background")).startsWith("media/generated/");
    assertThat(second.getString("sha256")).isNotEqualTo(first.getString("sha256"));
    byte[] drawn = S3.storage().get(second.getString("url").replaceFirst("^s3://[^/]+/", ""));
    BufferedImage out = ImageIO.read(new java.io.ByteArrayInputStream(drawn));
    assertThat(out.getWidth()).isEqualTo(CardRenderer.WIDTH);
    assertThat(out.getHeight()).isEqualTo(CardRenderer.HEIGHT);
    // One request for the offer, whatever the leads; the prompt names the offer, no lead.
    assertThat(requests).hasSize(1);
    var sent = new ObjectMapper().readTree(requests.get(0));
    assertThat(sent.path("model").asText()).isEqualTo("gpt-image-1");
    assertThat(sent.path("prompt").asText()).contains("Save 20 %").doesNotContain("Acme");
    assertThat(sent.path("prompt").asText()).contains("No text");
    assertThat(auth.get()).isEqualTo("Bearer sk-img");
  }

  @Test
  void anAnswerThatIsNotAnImageIsNeverUsedNorAskedForAgainAtOnce() throws Exception {
    answer.set(
        "{\"data\":[{\"b64_json\":\""
            + Base64.getEncoder().encodeToString("<script>alert(1)</script>".getBytes())
            + "\"}]}");
    CardRenderer.Card card = new CardRenderer.Card("Acme", "a fact", "Free audit");
    media.card(card);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> requests.size() == 1);
    Thread.sleep(300);
    Document again = media.card(card);
    assertThat(again.getString("madeBy")).isEqualTo(CardRenderer.MADE_BY);
    assertThat(again.getString("background")).isNull();
    Thread.sleep(300);
    assertThat(requests).as("a failed prompt waits before it is tried again").hasSize(1);
  }
}
