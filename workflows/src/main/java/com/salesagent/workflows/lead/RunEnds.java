package com.salesagent.workflows.lead;

import com.salesagent.temporal.LeadSearchAttributes;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A lead's run and its end: a new run started by a message from a lead whose run had ended ({@link
 * LeadReopening}), and the messages a run takes in while it ends.
 */
final class RunEnds {
  /**
   * Version 1: a message from the lead that lands while the run is ending (its outcome being
   * recorded) is acted on before the run ends, as the webhook acts on one that finds the run ended
   * ({@link LeadReopening}): the run reopens in place, or the team is told (replied_again). Before,
   * the ending run took the signal in and ended: the message was stored and nothing followed. A
   * message taken in with an operator's stop (the stop first) is told too.
   */
  static final String MESSAGE_AFTER_END = "message-after-end";

  /**
   * Version 1: a closing (thanks, bye, ok alone: {@link InboundMessageSignal#closing}) that lands
   * while the run is ending leaves it ended ({@link LeadReopening#staysEnded}) and tells nobody, as
   * the webhook does with one that finds the run ended. Before, it was a reply like any other: it
   * reopened a lead that had said no and made work for a person.
   */
  static final String CLOSING_AFTER_END = "closing-after-end";

  /**
   * Version 1: a message from the lead taken in once an operator's outcome (converted, lost) waits
   * to be recorded (the outcome and the message in one workflow task, the outcome first: the
   * operator and the lead at the same moment) is acted on as one that lands while the run ends
   * ({@link #MESSAGE_AFTER_END}): the outcome is recorded, then the message reopens the run in
   * place or is told (replied_again). Before, the outcome outranked it and the run ended with the
   * message unhandled. Nothing acts on a message taken in while an outcome waits ({@code
   * AfterTheReply.replyStands} is false, and the loop ends the run before a snooze), so none is
   * acted on twice.
   */
  static final String MESSAGE_WITH_OUTCOME = "message-with-outcome";

  /** Messages kept while an outcome waits, at most (a runaway sender; the webhook stores all). */
  static final int MAX_WITH_OUTCOME = 50;

  private final LeadRun run;
  private final Stages stages;

  /** The stage the lead had ended in, when a message from it made this run live again. */
  private Stage reopenedFrom;

  RunEnds(LeadRun run, Stages stages) {
    this.run = run;
    this.stages = stages;
  }

  /** A run started with an ended run's state (the lead wrote again): made live. */
  void reopenAtStart() {
    if (run.stage.terminal()) {
      reopenedFrom = RunStarts.reopen(run);
    }
  }

  /** A new run from an ended one: its search attributes, and a record of why it began. */
  void recordReopened() {
    if (reopenedFrom == null) {
      return;
    }
    if (run.segment != null) {
      Workflow.upsertTypedSearchAttributes(LeadSearchAttributes.SEGMENT.valueSet(run.segment));
    }
    if (run.variantId != null) {
      stages.variant(run.variantId);
    }
    stages.record("reopened", null, "the lead wrote again after it ended " + reopenedFrom.key());
  }

  /**
   * A message the run takes in: kept when the run is ending, for {@link #reopenedInPlace}; kept too
   * while an operator's outcome waits, for {@link #takenWithTheOutcome}.
   */
  void taken(InboundMessageSignal message) {
    if (message == null || !message.endsSequence()) {
      return;
    }
    if (run.stage.terminal()) {
      run.afterEnd.add(message);
    } else if (run.requestedOutcome != null) {
      run.withOutcome.add(message);
      if (run.withOutcome.size() > MAX_WITH_OUTCOME) {
        run.withOutcome.remove(0);
      }
    }
  }

  /**
   * Version 1: the lead's reply that an operator's outcome outranked (the reply, then the outcome,
   * both taken in before the lifecycle could act on the reply) is acted on once the outcome is
   * recorded, as one taken in after it ({@link #MESSAGE_WITH_OUTCOME}): it reopens the run in place
   * or is told (replied_again). Before, the run ended with the reply unhandled. A reply the
   * lifecycle acted on no longer stands (its step clears it), so none is acted on twice.
   */
  static final String MESSAGE_BEFORE_OUTCOME = "message-before-outcome";

  /**
   * The run ended with the operator's outcome: the reply it outranked ({@link
   * #MESSAGE_BEFORE_OUTCOME}) and the messages taken in while it waited are acted on as messages
   * after the end ({@link #MESSAGE_WITH_OUTCOME}), in that order, before those that land while it
   * ends; one message told twice (a voice note's announcement, then its triage) counts once, as its
   * latest signal.
   */
  void takenWithTheOutcome() {
    boolean outcomeStands =
        run.requestedOutcome != null && run.stage == run.requestedOutcome && !run.stopped;
    if (!run.withOutcome.isEmpty()) {
      List<InboundMessageSignal> taken = new ArrayList<>();
      for (InboundMessageSignal m : run.withOutcome) {
        taken.removeIf(t -> t.messageId() != null && t.messageId().equals(m.messageId()));
        taken.add(m);
      }
      run.withOutcome.clear();
      if (outcomeStands
          && Workflow.getVersion(MESSAGE_WITH_OUTCOME, Workflow.DEFAULT_VERSION, 1)
              != Workflow.DEFAULT_VERSION) {
        run.afterEnd.addAll(0, taken);
      }
    }
    InboundMessageSignal outranked = run.lastReply;
    if (outcomeStands
        && outranked != null
        && run.replied
        && run.endedBy == Stage.REPLIED
        && !run.optedOut
        && outranked.messageId() != null
        && outranked.messageId().equals(run.lastReplyMessageId)
        && run.afterEnd.stream()
            .noneMatch(
                m ->
                    outranked.messageId().equals(m.messageId())
                        && !InboundMessageSignal.AWAITING_TRANSCRIPT.equals(m.intent()))
        && Workflow.getVersion(MESSAGE_BEFORE_OUTCOME, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION) {
      run.afterEnd.add(0, outranked);
    }
  }

  /**
   * The messages that landed while the run was ending ({@link #MESSAGE_AFTER_END}): one that would
   * reopen the ended run ({@link LeadReopening#reopens}) reopens it here, with every such message
   * applied in order as a live run applies them (true: the lifecycle goes on); otherwise each is
   * recorded as replied_again (its owner and the CRM are told) and the run ends as it was.
   */
  boolean reopenedInPlace() {
    while (!run.afterEnd.isEmpty()) {
      if (Workflow.getVersion(MESSAGE_AFTER_END, Workflow.DEFAULT_VERSION, 1)
          == Workflow.DEFAULT_VERSION) {
        return false;
      }
      List<InboundMessageSignal> late = new ArrayList<>(run.afterEnd);
      run.afterEnd.clear();
      Stage ended = run.stage;
      List<InboundMessageSignal> weighed = late;
      if (late.stream().anyMatch(m -> LeadReopening.staysEnded(ended, m))
          && Workflow.getVersion(CLOSING_AFTER_END, Workflow.DEFAULT_VERSION, 1) == 1) {
        weighed = late.stream().filter(m -> !LeadReopening.staysEnded(ended, m)).toList();
      }
      if (weighed.stream().anyMatch(m -> LeadReopening.reopens(ended, m))) {
        reopenedFrom = RunStarts.reopen(run);
        recordReopened();
        Instant now = stages.now();
        // Every message in order, a closing too: a live run takes one in as other.
        late.forEach(m -> Signals.inbound(run, m, now));
        return true;
      }
      for (InboundMessageSignal m : weighed) {
        stages.record("replied_again", m.messageId(), "wrote after the lead ended " + ended.key());
      }
    }
    return false;
  }

  /**
   * An operator's stop and a message from the lead taken in together, the stop first: the run ends
   * stopped (the operator's decision stands) and, from version 1 of {@link #MESSAGE_AFTER_END},
   * records the message as replied_again, so its owner and the CRM are told, as when the message
   * finds the run ended. Before, nobody was.
   */
  void repliedAfterTheStop() {
    if (run.stage == Stage.STOPPED
        && run.endedBy == Stage.STOPPED
        && run.replied
        && run.lastReplyMessageId != null
        && Workflow.getVersion(MESSAGE_AFTER_END, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION) {
      stages.record("replied_again", run.lastReplyMessageId, "wrote after the lead ended stopped");
    }
  }
}
