package com.salesagent.api.webhook;

import static com.salesagent.api.webhook.StatusEffects.errorCode;
import static com.salesagent.api.webhook.StatusEffects.errorTitle;
import static com.salesagent.api.webhook.StatusProcessor.FAILED;
import static com.salesagent.api.webhook.StatusProcessor.STORED;
import static com.salesagent.api.webhook.StatusProcessor.countedVariant;
import static com.salesagent.api.webhook.StatusProcessor.failureCounted;
import static com.salesagent.api.webhook.StatusProcessor.personsFailure;

import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.Interactions;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Messages;
import com.salesagent.activities.mongo.StatusBatches;
import com.salesagent.activities.variants.CountedOnce;
import com.salesagent.activities.variants.SegmentMoves;
import com.salesagent.api.webhook.StatusProcessor.Done;
import com.salesagent.workflows.lead.MessageStatusSignal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * A run of statuses of messages stored already, applied together ({@link
 * StatusProcessor#processBatch}); an event whose message is not found is left to {@link
 * StatusProcessor#process}.
 */
final class StatusBatch {
  private final LeadStore store;
  private final StatusBatches batches;
  private final FunnelStats funnel;
  private final CountedOnce counted;
  private final StatusEffects effects;
  private final LeadSignaller signaller;

  StatusBatch(
      LeadStore store,
      FunnelStats funnel,
      CountedOnce counted,
      StatusEffects effects,
      LeadSignaller signaller) {
    this.store = store;
    this.batches = new StatusBatches(store.messages().collection());
    this.funnel = funnel;
    this.counted = counted;
    this.effects = effects;
    this.signaller = signaller;
  }

  /**
   * Statuses of messages stored already, applied together: one query for the messages, one for
   * their contacts, one unordered bulk write for the messages (each status keeps its earliest time
   * and the status only moves forward, so order within the batch does not matter), one for the
   * variant counters, one insert for the timeline; the funnel stages of the contacts that have not
   * reached them in a few bulk writes ({@link FunnelStats#reachAll}). Then, in order, each event
   * that needs its workflow signals it. An event whose message is not found (a send bound by its
   * key, or a status still waiting) is left to {@link StatusProcessor#process}, one at a time: its
   * entry is null. A MongoDB failure is thrown: nothing is marked applied, the sweep relays every
   * event of the batch.
   */
  /**
   * What the batch reads of a message ({@link StatusEffects#signalFor}, {@link
   * StatusProcessor#wasAmbiguous} included).
   */
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
          out.set(i, new Done(effects.erasedLead(e), null));
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
      effects.answerFailed(wamid);
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
   * most {@link StatusProcessor#MAX_PER_SIGNAL} statuses each): a lead's events share their
   * signal's outcome, or its failure (the inbox relays them; their MongoDB effects are marked
   * applied already).
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
        MessageStatusSignal signal = effects.signalFor(e, message, errorCode(e.item()), false);
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
}
