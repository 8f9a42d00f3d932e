package com.salesagent.api.embedded;

import static com.salesagent.api.embedded.EmulatorBrowserGuard.guarded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.temporal.Ports;
import com.sun.net.httpserver.HttpServer;
import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.net.InetSocketAddress;
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
  private final EmulatorSends sends;

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
    this.sends =
        new EmulatorSends(
            this.accessToken,
            numbers,
            throughput,
            media,
            webhooks,
            people,
            json,
            counter,
            acceptedByNumber,
            acceptedByKey,
            () -> faults,
            () -> this.behaviour,
            () -> random,
            () -> sendListener);
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
    guarded(
        server.createContext(
            "/health", ex -> EmulatorHttp.respond(ex, 200, "{\"status\":\"ok\"}")));
    guarded(
        server.createContext(
            "/emulator/behaviour",
            new EmulatorBehaviourEndpoint(json, () -> behaviour, this::setBehaviour)::handle));
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
    guarded(server.createContext("/", sends::handle));
    server.start();
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

  private static String orGenerated(String value, String generated) {
    return value == null || value.isBlank() ? generated : value;
  }

  private static String hex(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
