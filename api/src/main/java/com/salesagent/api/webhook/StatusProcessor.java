package com.salesagent.api.webhook;

import com.salesagent.activities.Phones;
import com.salesagent.activities.logging.LogContext;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.workflows.lead.MessageStatusSignal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A status of one of our messages (sent, delivered, read, failed): the message document moves
 * forward, the timeline and counters get it once, and the lead's workflow is told. A status may
 * arrive before its send's answer was stored, or for a send whose answer was lost: Meta echoes the
 * send's idempotency key (biz_opaque_callback_data), which binds the wamid to its message; without
 * it, the event stays pending for {@code grace} (the sweep retries it) before it is given up.
 */
final class StatusProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(StatusProcessor.class);

  /** Meta's "this user stopped marketing messages from you": suppress like an opt-out. */
  static final int MARKETING_STOPPED = 131050;

  private final LeadStore store;
  private final FunnelStats funnel;
  private final VariantStats stats;
  private final LeadSignaller signaller;
  private final OptOuts optOuts;
  private final Clock clock;
  private final Duration grace;

  StatusProcessor(
      LeadStore store, LeadSignaller signaller, OptOuts optOuts, Clock clock, Duration grace) {
    this.store = store;
    this.funnel = new FunnelStats(store.database());
    this.stats = new VariantStats(store.database());
    this.signaller = signaller;
    this.optOuts = optOuts;
    this.clock = clock;
    this.grace = grace;
  }

  /**
   * A send whose answer was lost was accepted after all: counted as sent here, once (the binding is
   * conditional), since the send activity never saw it accepted.
   */
  private void countSent(Document message, String wamid, Instant at) {
    String leadId = message.getString("leadId");
    LogContext.lead(leadId);
    Document contact = store.contact(leadId);
    store.addWhatsAppId(leadId, message.getString("waId"));
    store.recordInteraction(
        leadId,
        message.getString("campaignId"),
        message.getString("variantId"),
        "message_sent",
        wamid,
        "reconciled by its status webhook",
        at);
    funnel.reach(leadId, "sent", at);
    stats.increment(
        message.getString("variantId"),
        contact == null ? null : contact.getString("segment"),
        "sent",
        at);
  }

  /** The outcome, or null while the status waits for its message (kept pending). */
  String process(InboxEvent event) {
    Document item = event.item();
    String wamid = item.getString("id");
    String status = item.getString("status");
    String key = item.getString("biz_opaque_callback_data");
    Instant at = event.at("timestamp");
    Integer code = null;
    String title = null;
    List<Document> errors = item.getList("errors", Document.class, List.of());
    if (!errors.isEmpty()) {
      code = errors.get(0).getInteger("code");
      title = errors.get(0).getString("title");
    }
    Document message = store.applyStatus(wamid, status, at, code, title);
    if (message == null
        && key != null
        && store.bindWamid(key, wamid, item.getString("recipient_id"), at)) {
      LOG.info("send {} reconciled by its status webhook: {}", key, wamid);
      message = store.applyStatus(wamid, status, at, code, title);
      countSent(message, wamid, at);
    }
    if (message == null) {
      if (event.receivedAt().plus(grace).isAfter(clock.instant())) {
        return null;
      }
      LOG.warn("status {} for unknown wamid {} given up after {}", status, wamid, grace);
      return "unknown_wamid";
    }
    String leadId = message.getString("leadId");
    LogContext.lead(leadId);
    if (!event.effectsApplied()) {
      Document contact = store.contact(leadId);
      // "sent" is counted by the send activity when the Cloud API accepts the message.
      if (!"sent".equals(status)) {
        funnel.reach(leadId, status, at);
        stats.increment(
            message.getString("variantId"),
            contact == null ? null : contact.getString("segment"),
            status,
            at);
      }
      store.recordInteraction(
          leadId,
          message.getString("campaignId"),
          message.getString("variantId"),
          status,
          wamid,
          code == null ? null : code + " " + title,
          at);
      event.markApplied().run();
    }
    if (code != null && code == MARKETING_STOPPED) {
      LOG.info(
          "{} stopped marketing messages (131050)", Phones.mask(item.getString("recipient_id")));
      optOuts.optOut(
          event, item.getString("recipient_id"), Suppressions.MARKETING_STOPPED, at, null);
    }
    return signaller.status(
        leadId,
        new MessageStatusSignal(wamid, status, at, code, message.getString("idempotencyKey")));
  }
}
