package com.salesagent.api.webhook;

import com.salesagent.activities.Phones;
import com.salesagent.activities.knowledge.HeldDrafts;
import com.salesagent.activities.logging.LogContext;
import com.salesagent.activities.mongo.AfterEndReplies;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.Interactions;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Messages;
import com.salesagent.activities.mongo.StatusBatches;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.variants.CountedOnce;
import com.salesagent.activities.variants.SegmentMoves;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.workflows.lead.MessageStatusSignal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private final StatusBatches batches;
  private final FunnelStats funnel;
  private final VariantStats stats;
  private final CountedOnce counted;
  private final AfterEndReplies afterEnd;
  private final HeldDrafts drafts;
  private final LeadSignaller signaller;
  private final OptOuts optOuts;
  private final Clock clock;
  private final Duration grace;

  StatusProcessor(
      LeadStore store, LeadSignaller signaller, OptOuts optOuts, Clock clock, Duration grace) {
    this.store = store;
    this.batches = new StatusBatches(store.messages().collection());
    this.funnel = new FunnelStats(store.database());
    this.stats = new VariantStats(store.database());
    this.counted = new CountedOnce(store.database());
    this.afterEnd = new AfterEndReplies(store);
    this.drafts = new HeldDrafts(store.database());
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
   * A person's answer that failed: the lead back on the "wrote after the end" list, and the drafts
   * it superseded held again ({@link HeldDrafts#answerFailed}); neither for another message.
   */
  private void answerFailed(String wamid) {
    afterEnd.failed(wamid);
    drafts.answerFailed(wamid);
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
      return erasedLead(event);
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
        answerFailed(wamid);
      }
      event.markApplied().run();
    }
    return afterEffects(event, message, code, boundNow);
  }

  /**
   * A status of a message whose lead is being erased ({@link LeadStore#ERASURE}) changes nothing of
   * the lead: no funnel, counter, timeline or signal. Meta's 131050 still suppresses the number
   * (and reaches the person's other leads).
   */
  private String erasedLead(InboxEvent event) {
    Document item = event.item();
    Integer code = errorCode(item);
    if (code != null && code == MARKETING_STOPPED) {
      optOuts.optOut(
          event,
          item.getString("recipient_id"),
          Suppressions.MARKETING_STOPPED,
          event.at("timestamp"),
          null);
    }
    return ERASED_LEAD;
  }

  /** Meta's 131050 opts the number out; then the workflow is told if it needs to be. */
  private String afterEffects(InboxEvent event, Document message, Integer code, boolean boundNow) {
    MessageStatusSignal signal = signalFor(event, message, code, boundNow);
    return signal == null ? STORED : signaller.status(message.getString("leadId"), signal);
  }

  /**
   * Meta's 131050 opts the number out; answers the signal the lead's workflow needs for this
   * status, or null when MongoDB is enough.
   */
  private MessageStatusSignal signalFor(
      InboxEvent event, Document message, Integer code, boolean boundNow) {
    Document item = event.item();
    String wamid = item.getString("id");
    String status = item.getString("status");
    Instant at = event.at("timestamp");
    if (code != null && code == MARKETING_STOPPED) {
      LOG.info(
          "{} stopped marketing messages (131050)", Phones.mask(item.getString("recipient_id")));
      optOuts.optOut(
          event, item.getString("recipient_id"), Suppressions.MARKETING_STOPPED, at, null);
    }
    if (!changesNextAction(status, message) && !boundNow && !wasAmbiguous(message)) {
      return null;
    }
    return new MessageStatusSignal(wamid, status, at, code, message.getString("idempotencyKey"));
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

  private static Integer errorCode(Document item) {
    List<Document> errors = item.getList("errors", Document.class, List.of());
    return errors.isEmpty() ? null : errors.get(0).getInteger("code");
  }

  private static String errorTitle(Document item) {
    List<Document> errors = item.getList("errors", Document.class, List.of());
    return errors.isEmpty() ? null : errors.get(0).getString("title");
  }

  /**
   * Statuses of messages stored already, applied together: one query for the messages, one for
   * their contacts, one unordered bulk write for the messages (each status keeps its earliest time
   * and the status only moves forward, so order within the batch does not matter), one for the
   * variant counters, one insert for the timeline; the funnel stages of the contacts that have not
   * reached them in a few bulk writes ({@link FunnelStats#reachAll}). Then, in order, each event
   * that needs its workflow signals it. An event whose message is not found (a send bound by its
   * key, or a status still waiting) is left to {@link #process}, one at a time: its entry is null.
   * A MongoDB failure is thrown: nothing is marked applied, the sweep relays every event of the
   * batch.
   */
  /** What the batch reads of a message ({@link #signalFor}, {@link #wasAmbiguous} included). */
  static final List<String> MESSAGE_FIELDS =
      List.of(
          "wamid",
          "leadId",
          "campaignId",
          "variantId",
          "idempotencyKey",
          "purpose",
          "composer",
          "requestedBy",
          "status",
          "statusRank",
          Messages.AMBIGUOUS,
          "unknown",
          "reconciledBy",
          Messages.READS_LOOKED_UP,
          Messages.READ_SIGNAL,
          LeadStore.ERASURE);

  /** What the batch reads of a contact. */
  static final List<String> CONTACT_FIELDS =
      List.of("leadId", "campaignId", "segment", SegmentMoves.FIELD, "funnel");

  List<Done> processBatch(List<InboxEvent> events) {
    return processBatch(events, CountedOnce.OUTSIDE);
  }

  /**
   * Applies a run of one inbox partition's statuses together; their variant counts go to that
   * partition's counter documents ({@code shard}: see CountedOnce).
   */
  List<Done> processBatch(List<InboxEvent> events, int shard) {
    List<Done> out =
        java.util.Collections.synchronizedList(
            new ArrayList<>(java.util.Collections.nCopies(events.size(), null)));
    Set<String> wamids = new LinkedHashSet<>();
    events.forEach(e -> wamids.add(e.item().getString("id")));
    Map<String, Document> messages = store.messages().messagesByWamid(wamids, MESSAGE_FIELDS);
    List<Integer> found = new ArrayList<>();
    List<StatusBatches.Update> updates = new ArrayList<>();
    Set<String> leadIds = new LinkedHashSet<>();
    for (int i = 0; i < events.size(); i++) {
      InboxEvent e = events.get(i);
      Document item = e.item();
      Document message = messages.get(item.getString("id"));
      if (message == null) {
        continue;
      }
      if (LeadStore.erasing(message)) {
        try {
          out.set(i, new Done(erasedLead(e), null));
        } catch (RuntimeException failure) {
          out.set(i, new Done(null, failure));
        }
        continue;
      }
      found.add(i);
      updates.add(
          new StatusBatches.Update(
              item.getString("id"),
              item.getString("status"),
              e.at("timestamp"),
              errorCode(item),
              errorTitle(item)));
      // The contact serves the funnel and the counters, which "sent" does not touch: a batch of
      // "sent" statuses (one per message, the commonest event) does not read contacts.
      if (!e.effectsApplied() && !"sent".equals(item.getString("status"))) {
        leadIds.add(message.getString("leadId"));
      }
    }
    if (found.isEmpty()) {
      return out;
    }
    batches.apply(updates, messages);
    Map<String, Document> contacts =
        leadIds.isEmpty() ? Map.of() : store.contactsByLeadId(leadIds, CONTACT_FIELDS);
    List<Document> timeline = new ArrayList<>();
    List<CountedOnce.Count> counts = new ArrayList<>();
    List<FunnelStats.Reach> reaches = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (int i : found) {
      InboxEvent e = events.get(i);
      if (e.effectsApplied()) {
        continue;
      }
      Document item = e.item();
      String wamid = item.getString("id");
      String status = item.getString("status");
      Instant at = e.at("timestamp");
      Integer code = errorCode(item);
      Document message = messages.get(wamid);
      String leadId = message.getString("leadId");
      Document contact = contacts.get(leadId);
      // "sent" is counted by the send activity when the Cloud API accepts the message.
      if (!"sent".equals(status) && !personsFailure(message, status)) {
        if (contact != null && !FunnelStats.reached(contact, status)) {
          // With the stages it proves (a read message was delivered) the contact lacks.
          List<String> stages = new ArrayList<>(FunnelStats.implied(status));
          stages.add(status);
          for (String stage : stages) {
            if (!FunnelStats.reached(contact, stage)) {
              reaches.add(
                  new FunnelStats.Reach(leadId, contact.getString("campaignId"), stage, at));
              Document f = contact.get("funnel", Document.class);
              contact.put("funnel", (f == null ? new Document() : f).append(stage, at));
            }
          }
        }
        counts.add(
            new CountedOnce.Count(
                e.eventKey(),
                countedVariant(message),
                // The segment the lead was in when it happened, as the recount counts it.
                SegmentMoves.of(contact, at),
                status,
                at));
      }
      if (FAILED.equals(status)) {
        failureCounted(code);
        failed.add(wamid);
      }
      timeline.add(
          Interactions.interaction(
              leadId,
              message.getString("campaignId"),
              message.getString("variantId"),
              status,
              wamid,
              code == null ? null : code + " " + errorTitle(item),
              at));
    }
    funnel.reachAll(reaches);
    counted.incrementAll(counts, shard);
    store.interactions().recordInteractions(timeline);
    for (String wamid : failed) {
      answerFailed(wamid);
    }
    for (int i : found) {
      if (!events.get(i).effectsApplied()) {
        events.get(i).markApplied().run();
      }
    }
    signalCoalesced(events, found, messages, out);
    return out;
  }

  /**
   * The statuses of the batch that its workflows need, one signal per lead (in arrival order, at
   * most {@link #MAX_PER_SIGNAL} statuses each): a lead's events share their signal's outcome, or
   * its failure (the inbox relays them; their MongoDB effects are marked applied already).
   */
  private void signalCoalesced(
      List<InboxEvent> events,
      List<Integer> found,
      Map<String, Document> messages,
      List<Done> out) {
    Map<String, List<Integer>> byLead = new LinkedHashMap<>();
    Map<Integer, MessageStatusSignal> signals = new HashMap<>();
    for (int i : found) {
      InboxEvent e = events.get(i);
      Document message = messages.get(e.item().getString("id"));
      try {
        MessageStatusSignal signal = signalFor(e, message, errorCode(e.item()), false);
        if (signal == null) {
          out.set(i, new Done(STORED, null));
        } else {
          signals.put(i, signal);
          byLead.computeIfAbsent(message.getString("leadId"), l -> new ArrayList<>()).add(i);
        }
      } catch (RuntimeException failure) {
        out.set(i, new Done(null, failure));
      }
    }
    BatchSignals.sendAll(signaller, byLead, signals, out);
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
