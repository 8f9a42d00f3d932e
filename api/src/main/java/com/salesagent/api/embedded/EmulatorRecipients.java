package com.salesagent.api.embedded;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The emulator's recipients: what each got, when each last wrote (WhatsApp's 24 h window), and what
 * their phones and they themselves do after a send, as the behaviour (and a simulation's {@link
 * WhatsAppEmulator.ReplyModel}) says: sent, delivered and read statuses, replies, opt-outs, media
 * replies and follow-up questions, posted to our webhook signed.
 */
final class EmulatorRecipients {
  private static final Duration WINDOW = Duration.ofHours(24);

  static final class Recipient {
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger acceptedAfterOptOut = new AtomicInteger();

    /** When our STOP for this recipient reached the webhook (200): nothing may come after. */
    volatile Instant optOutDelivered;

    volatile String lastText;
    volatile String lastType;

    /** The last template's name and body parameters, in order: what Meta renders to them. */
    volatile List<String> lastTemplate;

    volatile String lastMediaId;
    volatile boolean lastVoice;
    volatile byte[] lastLinkBytes;
    volatile int received;
    volatile Instant lastInbound;
    volatile boolean optedOut;
  }

  private final Map<String, Recipient> recipients = new ConcurrentHashMap<>();
  private final EmulatorWebhooks webhooks;
  private final EmulatorMedia media;
  private final AtomicLong counter;
  private final Supplier<EmulatorBehaviour> behaviour;
  private volatile WhatsAppEmulator.ReplyModel replyModel;

  EmulatorRecipients(
      EmulatorWebhooks webhooks,
      EmulatorMedia media,
      AtomicLong counter,
      Supplier<EmulatorBehaviour> behaviour) {
    this.webhooks = webhooks;
    this.media = media;
    this.counter = counter;
    this.behaviour = behaviour;
  }

  /** A wa_id's digits ({@code +5511...} or {@code 5511...}). */
  static String digits(String waId) {
    return waId.startsWith("+") ? waId.substring(1) : waId;
  }

  /** The recipient (wa_id digits), made on first use. */
  Recipient of(String waId) {
    return recipients.computeIfAbsent(waId, k -> new Recipient());
  }

  /** The recipient ({@code +} optional), or null when nothing was sent to or heard from them. */
  Recipient find(String waId) {
    return recipients.get(digits(waId));
  }

  Collection<Recipient> all() {
    return recipients.values();
  }

  void setReplyModel(WhatsAppEmulator.ReplyModel replyModel) {
    this.replyModel = replyModel;
  }

  /** Schedules what the recipient's phone and the recipient do after a send. */
  void react(
      Random random,
      EmulatorNumbers.Number from,
      String waId,
      String wamid,
      String type,
      String templateName,
      String callbackData) {
    Recipient r = of(waId);
    EmulatorBehaviour b = behaviour.get();
    Instant now = Instant.now();
    // only a template opens a conversation: free text and images need the 24 h window
    if (!"template".equals(type)
        && (r.lastInbound == null || now.isAfter(r.lastInbound.plus(WINDOW)))) {
      webhooks.later(
          b.sentDelayMillis(),
          () -> webhooks.status(from, waId, wamid, "failed", 131047, callbackData));
      return;
    }
    r.received++;
    webhooks.later(
        b.sentDelayMillis(), () -> webhooks.status(from, waId, wamid, "sent", null, callbackData));
    Random rnd = random;
    boolean delivered;
    boolean read;
    boolean reply;
    boolean optOut;
    boolean asMedia;
    Boolean interested;
    synchronized (rnd) {
      delivered = rnd.nextDouble() < b.deliverProbability();
      read = delivered && !b.ackOnly() && rnd.nextDouble() < b.readProbability();
      boolean scheduled = b.replyAfterMessages() > 0 && r.received == b.replyAfterMessages();
      WhatsAppEmulator.ReplyModel model = replyModel;
      Double modelled = model == null ? null : model.replyProbability(waId, templateName);
      double p = modelled != null ? modelled : b.replyProbability();
      reply =
          read
              && !r.optedOut
              && (scheduled || (b.replyAfterMessages() == 0 && rnd.nextDouble() < p));
      optOut = reply && rnd.nextDouble() < b.optOutProbability();
      // drawn only when media replies are on, so seeded runs without them replay unchanged
      asMedia =
          reply && !optOut && b.mediaReplyShare() > 0 && rnd.nextDouble() < b.mediaReplyShare();
      // drawn only when the model gives an interest probability, likewise
      Double interest =
          reply && !optOut && model != null ? model.interestProbability(waId, templateName) : null;
      interested = interest == null ? null : rnd.nextDouble() < interest;
    }
    if (delivered) {
      webhooks.later(
          b.deliveredDelayMillis(),
          () -> webhooks.status(from, waId, wamid, "delivered", null, callbackData));
    }
    if (read) {
      webhooks.later(
          b.readDelayMillis(),
          () -> webhooks.status(from, waId, wamid, "read", null, callbackData));
    }
    if (reply) {
      String text;
      if (interested != null) {
        text =
            interested
                ? WhatsAppEmulator.ReplyModel.INTERESTED_REPLY
                : WhatsAppEmulator.ReplyModel.POLITE_NO;
      } else {
        synchronized (rnd) {
          text =
              optOut
                  ? b.optOutTexts().get(rnd.nextInt(b.optOutTexts().size()))
                  : b.replyTexts().get(rnd.nextInt(b.replyTexts().size()));
        }
      }
      if (optOut) {
        r.optedOut = true;
      }
      boolean stop = optOut;
      boolean withMedia = asMedia;
      webhooks.later(b.replyDelayMillis(), () -> inbound(from, waId, wamid, text, stop, withMedia));
      // drawn only when questions are on, so seeded runs without them replay unchanged
      String question = null;
      boolean showsInterest = interested != null ? interested : EmulatorBehaviour.interested(text);
      if (!optOut && b.questionShare() > 0 && showsInterest) {
        synchronized (rnd) {
          if (rnd.nextDouble() < b.questionShare()) {
            question =
                EmulatorBehaviour.QUESTIONS.get(rnd.nextInt(EmulatorBehaviour.QUESTIONS.size()));
          }
        }
      }
      if (question != null) {
        String asked = question;
        webhooks.later(
            b.replyDelayMillis() * 2 + 1000, () -> inbound(from, waId, wamid, asked, false, false));
      }
    }
  }

  private void inbound(
      EmulatorNumbers.Number from,
      String waId,
      String contextWamid,
      String text,
      boolean stop,
      boolean withMedia) {
    of(waId).lastInbound = Instant.now();
    ObjectNode value = webhooks.value(from);
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
    if (withMedia) {
      media.mediaReply(m, text);
    } else {
      m.put("type", "text");
      m.putObject("text").put("body", text);
    }
    m.putObject("context").put("from", from.displayNumber()).put("id", contextWamid);
    Recipient r = of(waId);
    webhooks.post(value, stop ? () -> r.optOutDelivered = Instant.now() : null);
  }
}
