package com.salesagent.api.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.salesagent.activities.Phones;
import com.salesagent.temporal.Ports;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local WhatsApp Business Cloud API emulator, on its own port so the worker reaches it over
 * real HTTP exactly as it reaches graph.facebook.com. It serves {@code POST
 * /{version}/{phone-number-id}/messages} in Meta's format (bearer token checked, wamid returned),
 * and calls our webhook back with correctly signed status callbacks (sent, delivered, read) and
 * inbound replies, as its {@link EmulatorBehaviour} says. It accepts text, template, image and
 * audio messages (images, template image headers and audio checked by {@link EmulatorImageChecks}).
 * Free text or an image to a recipient who has not written in the last 24 hours fails with 131047,
 * as the real API does. It serves several business numbers ({@link EmulatorNumbers}), each with its
 * own token; callbacks name the number the message went out on. Media endpoints (URL, download,
 * upload) are served by {@link EmulatorMedia}.
 */
public final class WhatsAppEmulator implements Managed {
  /** The JDK HTTP server's switch for TCP_NODELAY on the connections it accepts. */
  static final String NO_DELAY = "sun.net.httpserver.nodelay";

  static {
    // The JDK's server sends an answer's headers and its body as two writes. Without TCP_NODELAY
    // the body waits for the client's delayed ACK of the headers (40 ms on Linux): every Cloud API
    // call to the emulator was answered ~40 ms late. The JDK reads the switch once, when its
    // server is first used, so it is set before this class starts one (unless set already).
    if (System.getProperty(NO_DELAY) == null) {
      System.setProperty(NO_DELAY, "true");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(WhatsAppEmulator.class);

  private final int port;
  private final String phoneNumberId;
  private final String accessToken;
  private final EmulatorNumbers numbers;
  private final EmulatorThroughput throughput;
  private final EmulatorMedia media;
  private final Map<String, AtomicInteger> acceptedByNumber = new ConcurrentHashMap<>();
  private final String appSecret;
  private final String verifyToken;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong counter = new AtomicLong();
  private volatile EmulatorBehaviour behaviour;
  private volatile EmulatorFaults faults = EmulatorFaults.none();
  private final Map<String, AtomicInteger> acceptedByKey = new ConcurrentHashMap<>();
  private volatile Random random;
  private volatile BiConsumer<String, String> sendListener = (waId, wamid) -> {};
  private HttpServer server;
  private ExecutorService executor;
  private ScheduledExecutorService callbacks;
  private final EmulatorWebhooks webhooks;
  private final EmulatorRecipients people;

  public WhatsAppEmulator(
      int port,
      String phoneNumberId,
      String accessToken,
      String appSecret,
      String verifyToken,
      EmulatorBehaviour behaviour) {
    this.port = port == 0 ? Ports.freePort() : port;
    this.phoneNumberId = orGenerated(phoneNumberId, "1" + EmulatorHttp.digits(14));
    this.accessToken = orGenerated(accessToken, "emulator-token-" + hex(16));
    this.numbers = new EmulatorNumbers(this.phoneNumberId, this.accessToken);
    this.throughput = new EmulatorThroughput();
    this.media = new EmulatorMedia(numbers, baseUrl(), Clock.systemUTC());
    this.appSecret = orGenerated(appSecret, hex(16));
    this.verifyToken = orGenerated(verifyToken, "verify-" + hex(8));
    this.webhooks = new EmulatorWebhooks(json, this.appSecret, () -> faults);
    this.people = new EmulatorRecipients(webhooks, media, counter, () -> this.behaviour);
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

  /** Every number served, the first being {@link #phoneNumberId()}. */
  public EmulatorNumbers numbers() {
    return numbers;
  }

  /** The media store behind the media endpoints. */
  public EmulatorMedia media() {
    return media;
  }

  /** Serves one more business number (generated id and token). */
  public EmulatorNumbers.Number addNumber() {
    return numbers.addGenerated();
  }

  /** A further number with this id and token (kept from an earlier start). */
  public EmulatorNumbers.Number addNumber(String phoneNumberId, String accessToken) {
    return numbers.addKept(phoneNumberId, accessToken);
  }

  /** Meta's per-number throughput limit, when a number is given one, and what each number sent. */
  public EmulatorThroughput throughput() {
    return throughput;
  }

  /** Messages accepted from this business number. */
  public int acceptedFrom(String phoneNumberId) {
    AtomicInteger n = acceptedByNumber.get(phoneNumberId);
    return n == null ? 0 : n.get();
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
  public void setSendListener(BiConsumer<String, String> listener) {
    this.sendListener = listener;
  }

  public void setFaults(EmulatorFaults faults) {
    this.faults = faults;
  }

  public EmulatorFaults faults() {
    return faults;
  }

  /**
   * Idempotency keys (biz_opaque_callback_data) the emulator accepted more than once: a message the
   * lead got twice.
   */
  public Map<String, Integer> duplicateKeys() {
    Map<String, Integer> out = new TreeMap<>();
    acceptedByKey.forEach(
        (k, n) -> {
          if (n.get() > 1) {
            out.put(k, n.get());
          }
        });
    return out;
  }

  /** Messages accepted for recipients after their STOP had reached the webhook. */
  public int acceptedAfterOptOut() {
    return people.all().stream().mapToInt(r -> r.acceptedAfterOptOut.get()).sum();
  }

  /** Every message accepted, all recipients. */
  public int acceptedTotal() {
    return people.all().stream().mapToInt(r -> r.accepted.get()).sum();
  }

  /**
   * The recipient wrote to the business (outside the emulator's own replies, e.g. a webhook a test
   * posted): their 24 h customer-service window is open, free text reaches them.
   */
  public void recipientWrote(String waId) {
    people.of(EmulatorRecipients.digits(waId)).lastInbound = Instant.now();
  }

  /** The last free-text body the recipient got, or null. */
  public String lastTextFor(String waId) {
    EmulatorRecipients.Recipient r = people.find(waId);
    return r == null ? null : r.lastText;
  }

  /**
   * The last template accepted for them: its name, then its body's parameters in order (what Meta
   * renders into the approved template), or null.
   */
  public List<String> lastTemplateFor(String waId) {
    EmulatorRecipients.Recipient r = people.find(waId);
    return r == null ? null : r.lastTemplate;
  }

  /**
   * The type ("text", "template", "image", "audio") of the last message accepted for them, or null.
   */
  public String lastMessageType(String waId) {
    EmulatorRecipients.Recipient r = people.find(waId);
    return r == null ? null : r.lastType;
  }

  /**
   * The media id of the last message accepted for them (an image message's or a template's image
   * header), or null if it had none or named its image by link.
   */
  public String lastMediaId(String waId) {
    EmulatorRecipients.Recipient r = people.find(waId);
    return r == null ? null : r.lastMediaId;
  }

  /**
   * The bytes the emulator downloaded for the last message's media link (as Meta downloads one), or
   * null: no link, or it could not be fetched (the message then failed with 131053).
   */
  public byte[] lastLinkedMedia(String waId) {
    EmulatorRecipients.Recipient r = people.find(waId);
    return r == null || r.lastLinkBytes == null ? null : r.lastLinkBytes.clone();
  }

  /** Whether the last message accepted for them was audio sent as a voice note. */
  public boolean lastWasVoiceNote(String waId) {
    EmulatorRecipients.Recipient r = people.find(waId);
    return r != null && r.lastVoice;
  }

  /** How many messages the emulator accepted for this recipient (wa_id digits): what they got. */
  public int acceptedFor(String waId) {
    EmulatorRecipients.Recipient r = people.find(waId);
    return r == null ? 0 : r.accepted.get();
  }

  /** Where callbacks go: set once the API's port is known. */
  public void setWebhookUrl(String webhookUrl) {
    webhooks.setUrl(webhookUrl);
  }

  @Override
  public void start() throws IOException {
    Ports.requireFree(port, "WhatsApp emulator", "WHATSAPP_EMULATOR_PORT");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    executor = Executors.newFixedThreadPool(8, named("whatsapp-emulator-"));
    callbacks = Executors.newScheduledThreadPool(2, named("whatsapp-emulator-callbacks-"));
    webhooks.start(callbacks);
    server.setExecutor(executor);
    guarded(server.createContext("/health", ex -> respond(ex, 200, "{\"status\":\"ok\"}")));
    guarded(server.createContext("/emulator/behaviour", this::behaviourEndpoint));
    guarded(server.createContext("/emulator/media/", media::download));
    guarded(
        server.createContext(
            "/emulator/replay",
            new EmulatorReplay(
                    json,
                    media,
                    webhooks::hasUrl,
                    body -> callbacks.execute(() -> webhooks.deliver(body, 1, null)),
                    this::recipientWrote)
                ::handle));
    guarded(server.createContext("/", this::messages));
    server.start();
  }

  /**
   * Loopback is no wall against the browser on this machine: a web page elsewhere could post a
   * "recorded" payload to {@code /emulator/replay} (text/plain needs no preflight), which the
   * emulator signs with the app secret and delivers as Meta would (a forged STOP, a forged reply),
   * or read the emulator under a name rebound to 127.0.0.1. A browser's request is refused (403):
   * the app, curl and the tests send no {@code Origin} and no {@code Sec-Fetch-Site}.
   */
  private com.sun.net.httpserver.HttpContext guarded(com.sun.net.httpserver.HttpContext context) {
    context
        .getFilters()
        .add(
            new com.sun.net.httpserver.Filter() {
              @Override
              public void doFilter(HttpExchange ex, Chain chain) throws IOException {
                String problem =
                    com.salesagent.api.http.AdminBrowserGuard.problem(
                        ex.getRequestHeaders()::getFirst);
                if (problem == null) {
                  chain.doFilter(ex);
                  return;
                }
                respond(
                    ex,
                    403,
                    error("The emulator answers no web page: " + problem, "OAuthException", 10));
              }

              @Override
              public String description() {
                return "refuses a web page's request";
              }
            });
    return context;
  }

  /** Threads named for what they are (a profile tells the stand-in for Meta from the product). */
  private static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(false);
      return t;
    };
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
      callbacks.shutdownNow();
      executor.shutdownNow();
    }
  }

  /**
   * GET shows the recipients' behaviour, PUT replaces it whole. A body it cannot read is a 400
   * naming the field (or the body) and changes nothing: it closed the connection without an answer.
   */
  private void behaviourEndpoint(HttpExchange ex) throws IOException {
    if ("PUT".equals(ex.getRequestMethod())) {
      EmulatorBehaviour given;
      try {
        given = json.readValue(ex.getRequestBody(), EmulatorBehaviour.class);
      } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
        String field =
            e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(java.util.stream.Collectors.joining("."));
        String problem =
            e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException
                ? "unknown field "
                    + field
                    + "; PUT the whole JSON that GET /emulator/behaviour shows"
                : field.isEmpty()
                    ? "the body is not the JSON that GET /emulator/behaviour shows"
                    : "field " + field + " is not of its type (see GET /emulator/behaviour)";
        respond(ex, 400, error(problem, "OAuthException", 100, field.isEmpty() ? "body" : field));
        return;
      } catch (IOException e) {
        respond(
            ex,
            400,
            error(
                "the body is not JSON: PUT the whole JSON that GET /emulator/behaviour shows",
                "OAuthException",
                100,
                "body"));
        return;
      }
      if (given == null) {
        respond(
            ex,
            400,
            error("no behaviour given: PUT the whole JSON", "OAuthException", 100, "body"));
        return;
      }
      setBehaviour(given);
    }
    respond(ex, 200, json.writeValueAsString(behaviour));
  }

  private void messages(HttpExchange ex) throws IOException {
    if (media.handles(ex)) {
      media.handle(ex);
      return;
    }
    String path = ex.getRequestURI().getPath();
    String[] parts = path.split("/");
    if (!"POST".equals(ex.getRequestMethod())
        || parts.length != 4
        || !"messages".equals(parts[3])) {
      respond(ex, 404, error("Unknown path components: " + path, "OAuthException", 2500));
      return;
    }
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    EmulatorNumbers.Number from = numbers.get(parts[2]);
    if (auth == null
        || !auth.equals("Bearer " + (from == null ? accessToken : from.accessToken()))) {
      respond(ex, 401, error("Invalid OAuth access token.", "OAuthException", 190));
      return;
    }
    if (from == null) {
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
    EmulatorSendChecks.Refusal refusal = EmulatorSendChecks.refusal(body, media);
    if (refusal != null) {
      respond(
          ex, 400, error(refusal.message(), "OAuthException", refusal.code(), refusal.details()));
      return;
    }
    EmulatorFaults f = faults;
    if (f.roll(EmulatorFaults.HTTP_500)) {
      respond(ex, 500, error("An unknown error occurred", "OAuthException", 131000));
      return;
    }
    if (f.roll(EmulatorFaults.RATE_LIMIT)) {
      respond(ex, 400, error("(#130429) Rate limit hit", "OAuthException", 130429));
      return;
    }
    if (f.roll(EmulatorFaults.PAIR_LIMIT)) {
      respond(
          ex,
          400,
          error(
              "(#131056) (Business Account, Consumer Account) pair rate limit hit",
              "OAuthException",
              131056));
      return;
    }
    if (!throughput.admit(from.phoneNumberId())) {
      respond(ex, 400, error("(#130429) Rate limit hit", "OAuthException", 130429));
      return;
    }
    String waId = to.startsWith("+") ? to.substring(1) : to;
    String callbackData = body.path("biz_opaque_callback_data").asText(null);
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
    EmulatorRecipients.Recipient recipient = people.of(waId);
    recipient.accepted.incrementAndGet();
    if ("text".equals(type)) {
      recipient.lastText = body.path("text").path("body").asText();
    }
    if ("template".equals(type)) {
      List<String> template = new java.util.ArrayList<>();
      template.add(body.path("template").path("name").asText());
      for (JsonNode component : body.path("template").path("components")) {
        if ("body".equals(component.path("type").asText())) {
          component.path("parameters").forEach(p -> template.add(p.path("text").asText()));
        }
      }
      recipient.lastTemplate = List.copyOf(template);
    }
    recipient.lastType = type;
    recipient.lastMediaId = EmulatorImageChecks.mediaId(body);
    recipient.lastVoice = "audio".equals(type) && body.path("audio").path("voice").asBoolean(false);
    if (recipient.optOutDelivered != null) {
      recipient.acceptedAfterOptOut.incrementAndGet();
      LOG.warn("accepted a message for {} after its STOP was delivered", Phones.mask(waId));
    }
    if (callbackData != null) {
      acceptedByKey.computeIfAbsent(callbackData, k -> new AtomicInteger()).incrementAndGet();
    }
    acceptedByNumber
        .computeIfAbsent(from.phoneNumberId(), k -> new AtomicInteger())
        .incrementAndGet();
    sendListener.accept(waId, wamid);
    String link = EmulatorImageChecks.link(body);
    byte[] linked = link == null ? null : EmulatorImageChecks.download(link);
    recipient.lastLinkBytes = linked;
    if (link != null && linked == null) {
      // Meta downloads a media link after accepting the send; a link it cannot fetch fails the
      // message with 131053 in a status webhook.
      webhooks.later(
          behaviour.sentDelayMillis(),
          () -> webhooks.status(from, waId, wamid, "failed", 131053, callbackData));
    } else {
      people.react(
          random,
          from,
          waId,
          wamid,
          type,
          "template".equals(type) ? body.path("template").path("name").asText() : null,
          callbackData);
    }
    if (f.roll(EmulatorFaults.RESET_AFTER_ACCEPT)) {
      ex.close(); // accepted, and the connection drops without an answer
      return;
    }
    if (f.roll(EmulatorFaults.TIMEOUT_AFTER_ACCEPT)) {
      try {
        Thread.sleep(20_000); // longer than any sane client waits
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    respond(ex, 200, json.writeValueAsString(answer));
  }

  /**
   * Hidden truth for simulations: the probability that this recipient replies to this message
   * (template name, null for free text), or null to use the behaviour's own reply probability.
   */
  @FunctionalInterface
  public interface ReplyModel {
    /** The reply that shows interest when the model gives an interest probability. */
    String INTERESTED_REPLY = "Sounds interesting, tell me more";

    /**
     * The polite no otherwise: the triage reads it {@code not_interested} (no "not now" snooze), so
     * it ends the lead.
     */
    String POLITE_NO = "No thanks, not interested.";

    Double replyProbability(String waId, String templateName);

    /**
     * The probability that a reply of this recipient to this message (not an opt-out) shows
     * interest ({@link #INTERESTED_REPLY}, else {@link #POLITE_NO}), or null (the default) for the
     * behaviour's own reply texts. Drawn only when given, so seeded runs without it replay
     * unchanged.
     */
    default Double interestProbability(String waId, String templateName) {
      return null;
    }
  }

  /** Installs (or, with null, removes) the simulation's reply model. */
  public void setReplyModel(ReplyModel replyModel) {
    people.setReplyModel(replyModel);
  }

  private String error(String message, String type, int code) {
    return error(message, type, code, null);
  }

  private static String error(String message, String type, int code, String details) {
    return EmulatorHttp.error(message, type, code, details);
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    EmulatorHttp.respond(ex, status, body);
  }

  private static String orGenerated(String value, String generated) {
    return value == null || value.isBlank() ? generated : value;
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
