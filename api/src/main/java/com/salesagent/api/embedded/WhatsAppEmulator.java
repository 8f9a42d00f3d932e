package com.salesagent.api.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.salesagent.api.webhook.WebhookSignature;
import com.salesagent.temporal.Ports;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local WhatsApp Business Cloud API emulator, on its own port so the worker reaches it over
 * real HTTP exactly as it reaches graph.facebook.com. It serves {@code POST
 * /{version}/{phone-number-id}/messages} in Meta's format (bearer token checked, wamid returned),
 * and calls our webhook back with correctly signed status callbacks (sent, delivered, read) and
 * inbound replies, as its {@link EmulatorBehaviour} says. Free text to a recipient who has not
 * written in the last 24 hours fails with 131047, as the real API does.
 */
public final class WhatsAppEmulator implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(WhatsAppEmulator.class);
  private static final Duration WINDOW = Duration.ofHours(24);

  private final int port;
  private final String phoneNumberId;
  private final String accessToken;
  private final String appSecret;
  private final String verifyToken;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, Recipient> recipients = new ConcurrentHashMap<>();
  private final AtomicLong counter = new AtomicLong();
  private volatile EmulatorBehaviour behaviour;
  private volatile Random random;
  private volatile String webhookUrl;
  private volatile java.util.function.BiConsumer<String, String> sendListener = (waId, wamid) -> {};
  private HttpServer server;
  private ExecutorService executor;
  private ScheduledExecutorService callbacks;

  private static final class Recipient {
    final java.util.concurrent.atomic.AtomicInteger accepted =
        new java.util.concurrent.atomic.AtomicInteger();
    volatile int received;
    volatile Instant lastInbound;
    volatile boolean optedOut;
  }

  public WhatsAppEmulator(
      int port,
      String phoneNumberId,
      String accessToken,
      String appSecret,
      String verifyToken,
      EmulatorBehaviour behaviour) {
    this.port = port == 0 ? Ports.freePort() : port;
    this.phoneNumberId = orGenerated(phoneNumberId, "1" + digits(14));
    this.accessToken = orGenerated(accessToken, "emulator-token-" + hex(16));
    this.appSecret = orGenerated(appSecret, hex(16));
    this.verifyToken = orGenerated(verifyToken, "verify-" + hex(8));
    setBehaviour(behaviour);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public String phoneNumberId() {
    return phoneNumberId;
  }

  public String accessToken() {
    return accessToken;
  }

  public String appSecret() {
    return appSecret;
  }

  public String verifyToken() {
    return verifyToken;
  }

  public EmulatorBehaviour behaviour() {
    return behaviour;
  }

  public void setBehaviour(EmulatorBehaviour behaviour) {
    this.behaviour = behaviour;
    this.random = new Random(behaviour.seed());
  }

  /** Told (recipient wa_id, wamid) of every accepted send: benchmarks time sends with it. */
  public void setSendListener(java.util.function.BiConsumer<String, String> listener) {
    this.sendListener = listener;
  }

  /** How many messages the emulator accepted for this recipient (wa_id digits): what they got. */
  public int acceptedFor(String waId) {
    Recipient r = recipients.get(waId.startsWith("+") ? waId.substring(1) : waId);
    return r == null ? 0 : r.accepted.get();
  }

  /** Where callbacks go: set once the API's port is known. */
  public void setWebhookUrl(String webhookUrl) {
    this.webhookUrl = webhookUrl;
  }

  @Override
  public void start() throws IOException {
    Ports.requireFree(port, "WhatsApp emulator", "WHATSAPP_EMULATOR_PORT");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    executor = Executors.newFixedThreadPool(8);
    callbacks = Executors.newScheduledThreadPool(2);
    server.setExecutor(executor);
    server.createContext("/health", ex -> respond(ex, 200, "{\"status\":\"ok\"}"));
    server.createContext("/emulator/behaviour", this::behaviourEndpoint);
    server.createContext("/", this::messages);
    server.start();
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
      callbacks.shutdownNow();
      executor.shutdownNow();
    }
  }

  private void behaviourEndpoint(HttpExchange ex) throws IOException {
    if ("PUT".equals(ex.getRequestMethod())) {
      setBehaviour(json.readValue(ex.getRequestBody(), EmulatorBehaviour.class));
    }
    respond(ex, 200, json.writeValueAsString(behaviour));
  }

  private void messages(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String[] parts = path.split("/");
    if (!"POST".equals(ex.getRequestMethod())
        || parts.length != 4
        || !"messages".equals(parts[3])) {
      respond(ex, 404, error("Unknown path components: " + path, "OAuthException", 2500));
      return;
    }
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth == null || !auth.equals("Bearer " + accessToken)) {
      respond(ex, 401, error("Invalid OAuth access token.", "OAuthException", 190));
      return;
    }
    if (!parts[2].equals(phoneNumberId)) {
      respond(
          ex,
          400,
          error("Object with ID '" + parts[2] + "' does not exist", "GraphMethodException", 100));
      return;
    }
    JsonNode body;
    try (InputStream in = ex.getRequestBody()) {
      body = json.readTree(in);
    } catch (IOException e) {
      respond(ex, 400, error("Invalid JSON", "OAuthException", 100));
      return;
    }
    String to = body.path("to").asText("");
    String type = body.path("type").asText("");
    boolean valid =
        "whatsapp".equals(body.path("messaging_product").asText())
            && to.matches("\\+?[1-9][0-9]{6,14}")
            && (("text".equals(type) && !body.path("text").path("body").asText("").isEmpty())
                || ("template".equals(type)
                    && !body.path("template").path("name").asText("").isEmpty()
                    && !body.path("template").path("language").path("code").asText("").isEmpty()));
    if (!valid) {
      respond(ex, 400, error("(#100) Invalid parameter", "OAuthException", 100));
      return;
    }
    String waId = to.startsWith("+") ? to.substring(1) : to;
    String wamid =
        "wamid.EMU"
            + HexFormat.of()
                .formatHex(
                    (waId + ":" + counter.incrementAndGet()).getBytes(StandardCharsets.UTF_8));
    ObjectNode answer = json.createObjectNode();
    answer.put("messaging_product", "whatsapp");
    answer.putArray("contacts").addObject().put("input", to).put("wa_id", waId);
    ObjectNode message = answer.putArray("messages").addObject().put("id", wamid);
    if ("template".equals(type)) {
      message.put("message_status", "accepted");
    }
    recipients.computeIfAbsent(waId, k -> new Recipient()).accepted.incrementAndGet();
    respond(ex, 200, json.writeValueAsString(answer));
    sendListener.accept(waId, wamid);
    react(
        waId,
        wamid,
        type,
        "template".equals(type) ? body.path("template").path("name").asText() : null);
  }

  /**
   * Hidden truth for simulations: the probability that this recipient replies to this message
   * (template name, null for free text), or null to use the behaviour's own reply probability.
   */
  @FunctionalInterface
  public interface ReplyModel {
    Double replyProbability(String waId, String templateName);
  }

  private volatile ReplyModel replyModel;

  /** Installs (or, with null, removes) the simulation's reply model. */
  public void setReplyModel(ReplyModel replyModel) {
    this.replyModel = replyModel;
  }

  /** Schedules what the recipient's phone and the recipient do after a send. */
  private void react(String waId, String wamid, String type, String templateName) {
    Recipient r = recipients.computeIfAbsent(waId, k -> new Recipient());
    EmulatorBehaviour b = behaviour;
    Instant now = Instant.now();
    if ("text".equals(type) && (r.lastInbound == null || now.isAfter(r.lastInbound.plus(WINDOW)))) {
      later(b.sentDelayMillis(), () -> status(waId, wamid, "failed", 131047));
      return;
    }
    r.received++;
    later(b.sentDelayMillis(), () -> status(waId, wamid, "sent", null));
    Random rnd = random;
    boolean delivered;
    boolean read;
    boolean reply;
    boolean optOut;
    synchronized (rnd) {
      delivered = rnd.nextDouble() < b.deliverProbability();
      read = delivered && !b.ackOnly() && rnd.nextDouble() < b.readProbability();
      boolean scheduled = b.replyAfterMessages() > 0 && r.received == b.replyAfterMessages();
      ReplyModel model = replyModel;
      Double modelled = model == null ? null : model.replyProbability(waId, templateName);
      double p = modelled != null ? modelled : b.replyProbability();
      reply =
          read
              && !r.optedOut
              && (scheduled || (b.replyAfterMessages() == 0 && rnd.nextDouble() < p));
      optOut = reply && rnd.nextDouble() < b.optOutProbability();
    }
    if (delivered) {
      later(b.deliveredDelayMillis(), () -> status(waId, wamid, "delivered", null));
    }
    if (read) {
      later(b.readDelayMillis(), () -> status(waId, wamid, "read", null));
    }
    if (reply) {
      String text;
      synchronized (rnd) {
        text =
            optOut
                ? b.optOutTexts().get(rnd.nextInt(b.optOutTexts().size()))
                : b.replyTexts().get(rnd.nextInt(b.replyTexts().size()));
      }
      if (optOut) {
        r.optedOut = true;
      }
      later(b.replyDelayMillis(), () -> inbound(waId, wamid, text));
    }
  }

  private void later(long millis, Runnable action) {
    callbacks.schedule(
        () -> {
          try {
            action.run();
          } catch (RuntimeException e) {
            LOG.warn("emulator callback failed: {}", e.getMessage());
          }
        },
        millis,
        TimeUnit.MILLISECONDS);
  }

  private void status(String waId, String wamid, String status, Integer errorCode) {
    ObjectNode value = value();
    ObjectNode s = value.putArray("statuses").addObject();
    s.put("id", wamid);
    s.put("status", status);
    s.put("timestamp", String.valueOf(Instant.now().getEpochSecond()));
    s.put("recipient_id", waId);
    if (errorCode != null) {
      ObjectNode e = s.putArray("errors").addObject();
      e.put("code", errorCode);
      e.put("title", "Re-engagement message");
      e.put("message", "Re-engagement message");
      e.putObject("error_data")
          .put("details", "Message failed to send because more than 24 hours have passed");
    }
    post(value);
  }

  private void inbound(String waId, String contextWamid, String text) {
    recipients.computeIfAbsent(waId, k -> new Recipient()).lastInbound = Instant.now();
    ObjectNode value = value();
    value
        .putArray("contacts")
        .addObject()
        .put("wa_id", waId)
        .putObject("profile")
        .put("name", "Lead");
    ObjectNode m = value.putArray("messages").addObject();
    m.put("from", waId);
    m.put(
        "id",
        "wamid.IN"
            + HexFormat.of()
                .formatHex(
                    (waId + ":" + counter.incrementAndGet()).getBytes(StandardCharsets.UTF_8)));
    m.put("timestamp", String.valueOf(Instant.now().getEpochSecond()));
    m.put("type", "text");
    m.putObject("text").put("body", text);
    m.putObject("context").put("from", phoneNumberId).put("id", contextWamid);
    post(value);
  }

  private ObjectNode value() {
    ObjectNode value = json.createObjectNode();
    value.put("messaging_product", "whatsapp");
    value
        .putObject("metadata")
        .put("display_phone_number", "15550000000")
        .put("phone_number_id", phoneNumberId);
    return value;
  }

  /** Wraps a change value in Meta's envelope, signs the exact bytes and posts them. */
  private void post(ObjectNode value) {
    String url = webhookUrl;
    if (url == null) {
      return;
    }
    ObjectNode envelope = json.createObjectNode();
    envelope.put("object", "whatsapp_business_account");
    ArrayNode entries = envelope.putArray("entry");
    ObjectNode entry = entries.addObject().put("id", "emulator-waba");
    entry.putArray("changes").addObject().put("field", "messages").set("value", value);
    byte[] body;
    try {
      body = json.writeValueAsBytes(envelope);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    String signature = new WebhookSignature(appSecret).sign(body);
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("X-Hub-Signature-256", signature)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        LOG.debug("webhook delivery attempt {} failed: {}", attempt, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private String error(String message, String type, int code) {
    return "{\"error\":{\"message\":\""
        + message.replace("\"", "'")
        + "\",\"type\":\""
        + type
        + "\",\"code\":"
        + code
        + ",\"fbtrace_id\":\"emulator\"}}";
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String orGenerated(String value, String generated) {
    return value == null || value.isBlank() ? generated : value;
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String digits(int n) {
    SecureRandom r = new SecureRandom();
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(r.nextInt(10));
    }
    return s.toString();
  }
}
