package com.salesagent.workflows.lead;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the webhook tells a lead's workflow, applied to its state. Statuses are applied in any order
 * and any number of times with the same result (each timestamp keeps its earliest value); a status
 * for a wamid the workflow does not know yet waits in {@link LeadRun#earlyStatuses} until its
 * send's answer is applied, and one that carries the key of a send whose answer was lost (or
 * assumed) resolves it.
 */
final class Signals {
  private static final String ASSUMED = "unknown:";

  private Signals() {}

  static String assumedWamid(String idempotencyKey) {
    return ASSUMED + idempotencyKey;
  }

  static void status(LeadRun run, MessageStatusSignal status) {
    String key = status.idempotencyKey();
    for (int i = 0; i < run.messages.size(); i++) {
      MessageView m = run.messages.get(i);
      if (key != null && m.wamid().equals(assumedWamid(key))) {
        // Assumed sent by an operator; its real wamid shows up now.
        run.messages.set(
            i,
            new MessageView(
                m.step(),
                status.wamid(),
                m.kind(),
                m.variantId(),
                m.sentAt(),
                m.deliveredAt(),
                m.readAt(),
                m.failedAt(),
                m.errorCode()));
      }
    }
    boolean known = run.messages.stream().anyMatch(m -> m.wamid().equals(status.wamid()));
    if (!known) {
      run.earlyStatuses.computeIfAbsent(status.wamid(), w -> new ArrayList<>()).add(status);
      if (key != null && run.unknownSend != null && key.equals(run.unknownSend.idempotencyKey())) {
        run.changes++;
      }
      return;
    }
    apply(run, status);
  }

  /** Statuses that came before the wamid was known, applied once it is. */
  static void applyEarly(LeadRun run, String wamid) {
    List<MessageStatusSignal> early = run.earlyStatuses.remove(wamid);
    if (early != null) {
      early.forEach(s -> apply(run, s));
    }
  }

  /** A status received for the send with this key (its wamid unknown to the workflow), or null. */
  static MessageStatusSignal statusFor(LeadRun run, String idempotencyKey) {
    for (List<MessageStatusSignal> statuses : run.earlyStatuses.values()) {
      for (MessageStatusSignal s : statuses) {
        if (idempotencyKey.equals(s.idempotencyKey())) {
          return s;
        }
      }
    }
    return null;
  }

  private static void apply(LeadRun run, MessageStatusSignal status) {
    for (int i = 0; i < run.messages.size(); i++) {
      MessageView m = run.messages.get(i);
      if (m.wamid().equals(status.wamid())) {
        MessageView updated = m.withStatus(status.status(), status.at(), status.errorCode());
        if (!updated.equals(m)) {
          run.messages.set(i, updated);
          run.changes++;
        }
      }
    }
  }

  /**
   * Any message opens WhatsApp's 24 h window; a reaction is not a reply; a "not now" with a date
   * still ahead snoozes the sequence (a date already past counts as no date: a reply).
   */
  /** The triage of the voice note the lead is waiting for, or of one whose wait ended already. */
  private static boolean isVoiceNoteTriage(LeadRun run, InboundMessageSignal message) {
    return "audio".equals(message.type()) || message.messageId().equals(run.awaitingTranscript);
  }

  /** The voice note's wait is over (its triage came, or the wait timed out). */
  static void settled(LeadRun run, String messageId) {
    if (messageId.equals(run.awaitingTranscript)) {
      run.awaitingTranscript = null;
      run.awaitingTranscriptSince = null;
    }
    if (!run.settledTranscripts.contains(messageId)) {
      run.settledTranscripts.add(messageId);
      if (run.settledTranscripts.size() > 20) {
        run.settledTranscripts.remove(0);
      }
    }
  }

  static void inbound(LeadRun run, InboundMessageSignal message, Instant now) {
    if (run.lastInboundAt == null || message.at().isAfter(run.lastInboundAt)) {
      run.lastInboundAt = message.at();
    }
    String id = message.messageId();
    ReleaseOrder.told(run, id);
    if (InboundMessageSignal.AWAITING_TRANSCRIPT.equals(message.intent())) {
      // A voice note being transcribed: hold until its triage (unless that came first).
      if (run.awaitingTranscript == null
          && id != null
          && !run.settledTranscripts.contains(id)
          && !run.ended()) {
        run.awaitingTranscript = id;
        run.awaitingTranscriptSince = now;
        run.changes++;
      }
      return;
    }
    if (id != null && message.endsSequence() && isVoiceNoteTriage(run, message)) {
      settled(run, id);
    }
    if (!message.endsSequence()) {
      run.changes++;
    } else if (message.snoozeUntil() != null && message.snoozeUntil().isAfter(now)) {
      run.snoozeUntil = message.snoozeUntil();
      run.snoozeAnswered = false;
      run.changes++;
    } else {
      if (run.snoozeUntil != null) {
        run.snoozeAnswered = true; // the lifecycle decides (by its version) what that ends
      }
      run.replied = true;
      run.lastReplyIntent = message.intent();
      run.lastReplyMessageId = id;
      run.lastReply = message;
      if (run.endedBy == null) {
        run.endedBy = Stage.REPLIED;
      }
    }
  }
}
