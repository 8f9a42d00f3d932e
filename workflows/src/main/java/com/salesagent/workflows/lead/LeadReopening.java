package com.salesagent.workflows.lead;

import java.util.Set;

/**
 * A lead whose workflow has ended writes again. The message is always stored (feedback, timeline,
 * the leads list's last reply); whether it also starts a new run of the lead's workflow is decided
 * here, outside workflow code, by whoever delivers it (the webhook's signaller, with
 * signal-with-start so two messages at once start one run).
 *
 * <p>A new run goes on from the ended run's whole state ({@link LeadState#ended}, made live by the
 * run itself: {@code RunStarts.reopen}) when the lead ended without a decision of ours that a
 * message should not undo: {@code replied} (a "no", a wrong person, a conversation that went
 * quiet), {@code no_response} (the late reply) and {@code lost} (interested, then quiet through its
 * re-engagements). Not for {@code opted_out} (the person asked for no more), {@code stopped} (an
 * operator's decision), {@code converted} (a customer: their owner reads it, no sales sequence) or
 * {@code failed}. Not for a reaction, nor for a reply that would end the new run at once (not
 * interested, wrong person), nor for a closing (thanks, bye or ok alone: the webhook does not ask
 * for a new run for one, and tells a live run it as other, so no workflow code reads that intent).
 * A voice note being transcribed opens the run as a reply a person listens to ({@link #opening});
 * its transcript's triage reaches the new run later and decides again, as a second reply would.
 */
public final class LeadReopening {
  /** Stages a new message from the lead may start a new run from. */
  public static final Set<Stage> REOPENABLE = Set.of(Stage.REPLIED, Stage.NO_RESPONSE, Stage.LOST);

  /** Intents that end a lead by themselves: a new run would end at once. */
  static final Set<String> ENDING_INTENTS = Set.of("not_interested", "wrong_person");

  private LeadReopening() {}

  /** Whether this message from a lead whose run ended in {@code ended} starts a new run. */
  public static boolean reopens(Stage ended, InboundMessageSignal message) {
    return ended != null
        && REOPENABLE.contains(ended)
        && message != null
        && message.endsSequence()
        && !ENDING_INTENTS.contains(message.intent());
  }

  /**
   * Whether a closing (thanks, bye, ok alone) that lands while a run ends leaves it ended, as the
   * webhook leaves a run that ended ({@code MessageProcessor}): not for a lead that never answered
   * the sequence ({@code no_response}), whose "ok" is its first word to us.
   */
  static boolean staysEnded(Stage ended, InboundMessageSignal message) {
    return message.closing() && ended != Stage.NO_RESPONSE;
  }

  /** The intent of a reply only a person can read yet (a voice note). */
  static final String NEEDS_REVIEW = "needs_review";

  /**
   * The message the new run starts with: as it came, but a voice note still being transcribed is a
   * reply for a person (the ended run's wait for its transcript did not carry over).
   */
  public static InboundMessageSignal opening(InboundMessageSignal message) {
    return InboundMessageSignal.AWAITING_TRANSCRIPT.equals(message.intent())
        ? new InboundMessageSignal(
            message.messageId(),
            message.contextWamid(),
            message.type(),
            message.at(),
            NEEDS_REVIEW,
            message.snoozeUntil())
        : message;
  }

  /**
   * The new run's input: the ended run's whole state when its result carries it, else (a result of
   * a run before results carried it) what its view carried, as runs of the first version did.
   */
  public static LeadInput input(String campaignId, LeadState ended) {
    return ended.ended() != null
        ? new LeadInput(ended.leadId(), campaignId, null, ended.ended())
        : new LeadInput(ended.leadId(), campaignId, ended);
  }
}
