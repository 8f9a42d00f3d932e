package com.salesagent.api.webhook;

import com.salesagent.activities.Phones;
import com.salesagent.activities.knowledge.HeldDrafts;
import com.salesagent.activities.logging.LogContext;
import com.salesagent.activities.mongo.AfterEndReplies;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Messages;
import com.salesagent.activities.variants.CountedOnce;
import com.salesagent.activities.variants.SegmentMoves;
import com.salesagent.activities.variants.VariantStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A status of one of our messages (sent, delivered, read, failed): the message document moves
 * forward, the timeline and counters get it once, and the lead's workflow is told when the status
 * changes its next action (read, failed) or its send's fate was unknown. A person's answer to a
 * lead whose run ended that failed puts the lead back on the "wrote after the end" list ({@link
 * AfterEndReplies#failed}), and any person's answer that failed puts back the drafts it superseded
 * ({@link HeldDrafts#answerFailed}). A status may arrive before its send's answer was stored, or
 * for a send whose answer was lost: Meta echoes the send's idempotency key
 * (biz_opaque_callback_data), which binds the wamid to its message; without it, the event stays
 * pending for {@code grace} (the sweep retries it) before it is given up.
 */
final class StatusProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(StatusProcessor.class);

  /** Meta's "this user stopped marketing messages from you": suppress like an opt-out. */
  static final int MARKETING_STOPPED = 131050;

  /** Most statuses in one coalesced signal (a cap on the signal's payload). */
  static final int MAX_PER_SIGNAL = 100;

  static final String READ = "read";
  static final String FAILED = "failed";

  /** The outcome of a status applied to MongoDB that the workflow does not need. */
  static final String STORED = "stored";

  /** The outcome of a status of a message whose lead is being erased: it has no effect. */
  static final String ERASED_LEAD = "erased_lead";

  private final LeadStore store;
  private final FunnelStats funnel;
  private final VariantStats stats;
  private final CountedOnce counted;
  private final StatusEffects effects;
  private final StatusBatch batch;
  private final Clock clock;
  private final Duration grace;

  StatusProcessor(
      LeadStore store, LeadSignaller signaller, OptOuts optOuts, Clock clock, Duration grace) {
    this.store = store;
    this.funnel = new FunnelStats(store.database());
    this.stats = new VariantStats(store.database());
    this.counted = new CountedOnce(store.database());
    this.effects = new StatusEffects(store, signaller, optOuts);
    this.batch = new StatusBatch(store, funnel, counted, effects, signaller);
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
    store
        .interactions()
        .recordInteraction(
            leadId,
            message.getString("campaignId"),
            message.getString("variantId"),
            "message_sent",
            wamid,
            "reconciled by its status webhook",
            at);
    funnel.reach(leadId, "sent", at);
    stats.increment(countedVariant(message), SegmentMoves.of(contact, at), "sent", at);
  }

  /**
   * A person's message (a rep's text or voice note, {@code composer: person}) that failed: the
   * lead's campaign funnel and its variant's counters are the sequence's, which reached the lead or
   * not on its own messages, so a rep's failed answer to a lead that was delivered, read and
   * replied does not count the lead {@code failed} there (the QA walk saw "failed 2" beside
   * "delivered 30" and no failed lead). The message, the timeline and the failed-answer handling
   * still record it.
   */
  static boolean personsFailure(Document message, String status) {
    return FAILED.equals(status)
        && (com.salesagent.workflows.lead.OwnerReply.TEXT.equals(message.getString("purpose"))
            || "person".equals(message.getString("composer"))
            // The re-engagement template a rep asked for (the workflow's requestedBy).
            || message.getString("requestedBy") != null);
  }

  /**
   * The variant whose counters a status of the message moves: its own, except for a re-engagement
   * template a rep asked for ({@code requestedBy}: a person's message, not the sequence's).
   */
  static String countedVariant(Document message) {
    return message.getString("requestedBy") != null ? null : message.getString("variantId");
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
    Document message = store.messages().applyStatus(wamid, status, at, code, title);
    boolean boundNow = false;
    if (message == null
        && key != null
        && store.messages().bindWamid(key, wamid, item.getString("recipient_id"), at)) {
      LOG.info("send {} reconciled by its status webhook: {}", key, Phones.wamid(wamid));
      message = store.messages().applyStatus(wamid, status, at, code, title);
      if (!LeadStore.erasing(message)) {
        countSent(message, wamid, at);
      }
      boundNow = true;
    }
    if (message == null) {
      if (event.receivedAt().plus(grace).isAfter(clock.instant())) {
        return null;
      }
      LOG.warn(
          "status {} for unknown wamid {} given up after {}", status, Phones.wamid(wamid), grace);
      return "unknown_wamid";
    }
    if (LeadStore.erasing(message)) {
      return effects.erasedLead(event);
    }
    String leadId = message.getString("leadId");
    LogContext.lead(leadId);
    if (!event.effectsApplied()) {
      Document contact = store.contact(leadId);
      // "sent" is counted by the send activity when the Cloud API accepts the message.
      if (!"sent".equals(status) && !personsFailure(message, status)) {
        funnel.reach(leadId, status, at);
        counted.incrementAll(
            List.of(
                new CountedOnce.Count(
                    event.eventKey(),
                    countedVariant(message),
                    // The segment the lead was in when it happened, as the recount counts it.
                    SegmentMoves.of(contact, at),
                    status,
                    at)));
      }
      store
          .interactions()
          .recordInteraction(
              leadId,
              message.getString("campaignId"),
              message.getString("variantId"),
              status,
              wamid,
              code == null ? null : code + " " + title,
              at);
      if (FAILED.equals(status)) {
        failureCounted(code);
        effects.answerFailed(wamid);
      }
      event.markApplied().run();
    }
    return effects.afterEffects(event, message, code, boundNow);
  }

  /**
   * sales_agent_messages_failed_total{code}: our messages WhatsApp reported failed, by Meta's error
   * code (131026 undeliverable, 131049 the marketing limit, 131047 outside the window...; {@code
   * none} without one): an SRE alerts on a code's rate. At most {@value #MAX_FAILURE_CODES} codes
   * are tags; the rest count as {@code other}.
   */
  static final String FAILED_METRIC = "sales_agent.messages.failed";

  static final int MAX_FAILURE_CODES = 100;

  private static final java.util.Set<String> FAILURE_CODES =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  static void failureCounted(Integer code) {
    String tag = code == null ? "none" : String.valueOf(code);
    if (!FAILURE_CODES.contains(tag)) {
      if (FAILURE_CODES.size() >= MAX_FAILURE_CODES) {
        tag = "other";
      } else {
        FAILURE_CODES.add(tag);
      }
    }
    io.micrometer.core.instrument.Metrics.counter(FAILED_METRIC, "code", tag).increment();
  }

  /** One event's end in {@link #processBatch}: its outcome, or the failure of its signal. */
  record Done(String outcome, RuntimeException failure) {}

  List<Done> processBatch(List<InboxEvent> events) {
    return processBatch(events, CountedOnce.OUTSIDE);
  }

  /**
   * Applies a run of one inbox partition's statuses together ({@link StatusBatch}); their variant
   * counts go to that partition's counter documents ({@code shard}: see CountedOnce).
   */
  List<Done> processBatch(List<InboxEvent> events, int shard) {
    return batch.processBatch(events, shard);
  }

  /**
   * Whether the lead's workflow needs this status: a failure decides a resend or the end; a read
   * moves the follow-up to the read-no-reply delay, but a workflow that looks its reads up
   * (ReadReceipts, marked {@code readsLookedUp} on its messages) finds a read in MongoDB at its
   * look, so only a read after that look ({@code readSignal}, set by the look; the batch checks for
   * it after its own write) and the reads of runs recorded before that version are signalled.
   * {@code sent} and {@code delivered} change nothing it decides on (it keeps only their
   * timestamps), so for a message whose send was accepted they stay in MongoDB and never wake it.
   */
  static boolean changesNextAction(String status, Document message) {
    return FAILED.equals(status)
        || READ.equals(status)
            && (!message.getBoolean(Messages.READS_LOOKED_UP, false)
                || message.getBoolean(Messages.READ_SIGNAL, false));
  }

  /**
   * A message whose send was ambiguous (its answer lost, or bound by a status webhook): the
   * workflow may be waiting for any status that echoes its key (it reconciles on the first one), so
   * every status of such a message is signalled, {@code sent} and {@code delivered} included. A
   * late answer that arrives after the send was marked unknown removes {@code unknown} but not
   * {@code ambiguous}.
   */
  static boolean wasAmbiguous(Document message) {
    return message.getBoolean(Messages.AMBIGUOUS, false)
        || message.containsKey("unknown")
        || message.containsKey("reconciledBy")
        || "unknown".equals(message.getString("status"));
  }
}
