package com.salesagent.activities.media;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.activities.whatsapp.WhatsAppLimits;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Card backgrounds from a configured image-generation model (CARD_IMAGE_MODEL, with LLM_PROVIDER
 * openai: {@code POST {base}/images/generations}, the answer's {@code b64_json}). One illustration
 * per offer, never per lead: the prompt holds only the variant's offer, which an operator wrote (no
 * lead's name, company or research goes to the provider), and the image is stored in S3 under the
 * checksum of model and prompt ({@code media/generated/<sha256>.png}), so it is made once.
 *
 * <p>A send never waits for it: on a miss the card is drawn offline now and the generation runs in
 * the background (one at a time, one per prompt); the cards composed after it is stored use it. A
 * failure is logged and remembered for {@link #RETRY_AFTER}, and the offline card goes out.
 */
public final class GeneratedBackgrounds {
  private static final Logger LOG = LoggerFactory.getLogger(GeneratedBackgrounds.class);
  static final String PREFIX = "media/generated/";
  static final Duration RETRY_AFTER = Duration.ofMinutes(10);

  /** The provider answers in 10-60 s; the answer is at most a few MB of base64. */
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  static final int MAX_ANSWER_CHARS = 24 * 1024 * 1024;

  /** The most of an offer a prompt quotes, in code points (never half an emoji). */
  static final int MAX_OFFER = 200;

  private final ObjectStorage storage;
  private final String url;
  private final String key;
  private final String model;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final ExecutorService generator =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "card-backgrounds");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, Long> inFlightOrFailedAt = new ConcurrentHashMap<>();

  /** The connection's deadline, added to the request's timeout for the whole answer's. */
  static final Duration CONNECT = Duration.ofSeconds(5);

  private final Duration timeout;

  public GeneratedBackgrounds(
      ObjectStorage storage, String baseUrl, String key, String model, HttpClient http) {
    this(storage, baseUrl, key, model, http, TIMEOUT);
  }

  GeneratedBackgrounds(
      ObjectStorage storage,
      String baseUrl,
      String key,
      String model,
      HttpClient http,
      Duration timeout) {
    this.timeout = timeout;
    this.storage = storage;
    this.url = baseUrl.replaceAll("/+$", "") + "/images/generations";
    this.key = key;
    this.model = model;
    this.http = http != null ? http : HttpClient.newBuilder().connectTimeout(CONNECT).build();
  }

  /** Who made the background, for the message's {@code madeBy}. */
  public String label() {
    return "openai/" + model;
  }

  /** The prompt for an offer: an illustration without words, faces or logos. */
  static String prompt(String offer) {
    String o = offer == null || offer.isBlank() ? "a business offer" : offer.strip();
    return "A calm, professional abstract illustration for a business message card about: "
        + WhatsAppLimits.cut(o, MAX_OFFER)
        + ". Soft shapes and gradients, wide landscape format. No text, no letters, no numbers,"
        + " no logos, no faces.";
  }

  /** The S3 key of the background for this offer. */
  String keyFor(String offer) {
    return PREFIX
        + InboundMediaActivitiesImpl.sha256(
            (model + "\n" + prompt(offer)).getBytes(StandardCharsets.UTF_8))
        + ".png";
  }

  /**
   * The stored background for this offer, with its key; empty when there is none yet (its
   * generation is started in the background, unless one runs or failed recently).
   */
  public Optional<Stored> background(String offer) {
    String objectKey = keyFor(offer);
    if (storage.exists(objectKey)) {
      try {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(storage.get(objectKey)));
        if (image != null) {
          return Optional.of(new Stored(objectKey, image));
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("card background {} unreadable: {}", objectKey, e.getMessage());
      }
    }
    long now = System.nanoTime();
    Long since = inFlightOrFailedAt.get(objectKey);
    if (since == null || now - since > RETRY_AFTER.toNanos()) {
      inFlightOrFailedAt.put(objectKey, now);
      generator.submit(() -> generate(offer, objectKey));
    }
    return Optional.empty();
  }

  /** A background and where it is stored. */
  public record Stored(String key, BufferedImage image) {}

  /** Generates and stores the background for this offer; true once it is stored. */
  boolean generate(String offer, String objectKey) {
    try {
      var body =
          json.createObjectNode()
              .put("model", model)
              .put("prompt", prompt(offer))
              .put("size", "1536x1024")
              .put("n", 1);
      // The whole answer within the deadline and the cap: the request's timeout ends with the
      // headers, and an answer that stalled after them held the one generating thread for good
      // (no card background generated again); a longer one is not read (WholeAnswer.TooLarge).
      HttpResponse<byte[]> response =
          com.salesagent.activities.http.WholeAnswer.send(
              http,
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(timeout)
                  .header("Authorization", "Bearer " + key)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              CONNECT.plus(timeout),
              MAX_ANSWER_CHARS);
      if (response.statusCode() / 100 != 2) {
        LOG.warn("card background not generated: HTTP {}", response.statusCode());
        return false;
      }
      String b64 = json.readTree(response.body()).path("data").path(0).path("b64_json").asText("");
      byte[] png = Base64.getDecoder().decode(b64);
      // Stored only if it is an image (sniffed, then decoded): never whatever the answer held.
      if (!"image/png".equals(MediaTypes.sniff(png))
          || ImageIO.read(new ByteArrayInputStream(png)) == null) {
        LOG.warn("card background not generated: the answer is not a PNG image");
        return false;
      }
      storage.put(objectKey, png, "image/png");
      inFlightOrFailedAt.remove(objectKey);
      LOG.info("card background generated by {} ({} bytes)", label(), png.length);
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warn("card background not generated: {}", e.getClass().getSimpleName());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
