package com.salesagent.workflows.lead;

import com.salesagent.temporal.LeadSearchAttributes;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The lead's stage and next action, kept in three places at once: the run's state, the search
 * attributes of the Web UI, and MongoDB (the contact and its timeline) through an activity.
 */
final class Stages {
  private final LeadRun run;
  private final LeadActivities leads;

  Stages(LeadRun run, LeadActivities leads) {
    this.run = run;
    this.leads = leads;
  }

  /** A wake-up that changes nothing (a duplicate or "delivered" status) records nothing. */
  void set(Stage next, String action, Instant at, String eventType, String detail) {
    setAsync(next, action, at, eventType, detail).get();
  }

  /** {@link #set} whose timeline event names a message (the lead's reply it is about). */
  void set(Stage next, String action, Instant at, String eventType, String detail, String wamid) {
    setAsync(next, action, at, eventType, detail, wamid).get();
  }

  /**
   * {@link #set} whose MongoDB record runs while the workflow goes on: the caller waits for the
   * promise before the lead's next record, which keeps the timeline in order.
   */
  Promise<Void> setAsync(Stage next, String action, Instant at, String eventType, String detail) {
    return setAsync(next, action, at, eventType, detail, null);
  }

  private Promise<Void> setAsync(
      Stage next, String action, Instant at, String eventType, String detail, String wamid) {
    if (eventType == null
        && next == run.stage
        && Objects.equals(action, run.nextAction)
        && Objects.equals(at, run.nextActionAt)) {
      return Workflow.newPromise(null);
    }
    run.stage = next;
    run.nextAction = action;
    run.nextActionAt = at;
    List<SearchAttributeUpdate<?>> updates = new ArrayList<>();
    updates.add(LeadSearchAttributes.LEAD_STAGE.valueSet(next.key()));
    updates.add(
        at == null
            ? LeadSearchAttributes.NEXT_ACTION_AT.valueUnset()
            : LeadSearchAttributes.NEXT_ACTION_AT.valueSet(
                OffsetDateTime.ofInstant(at, ZoneOffset.UTC)));
    Workflow.upsertTypedSearchAttributes(updates.toArray(new SearchAttributeUpdate<?>[0]));
    return Async.procedure(
        leads::record,
        new LeadEvent(
            run.leadId,
            run.campaignId,
            eventType,
            next.key(),
            run.segment,
            run.variantId,
            wamid,
            action,
            at,
            detail,
            now()));
  }

  /** A timeline event that leaves the stage as it is. */
  void record(String type, String wamid, String detail) {
    recordAsync(type, wamid, detail).get();
  }

  /** {@link #record} running while the workflow goes on (see {@link #setAsync}). */
  Promise<Void> recordAsync(String type, String wamid, String detail) {
    return Async.procedure(
        leads::record,
        new LeadEvent(
            run.leadId,
            run.campaignId,
            type,
            run.stage.key(),
            run.segment,
            run.variantId,
            wamid,
            run.nextAction,
            run.nextActionAt,
            detail,
            now()));
  }

  void finish(Stage outcome, String reason) {
    run.outcomeReason = reason;
    set(outcome, null, null, "outcome", reason);
  }

  /** Records the outcome the signals asked for (opt-out, reply, stop); true once terminal. */
  boolean finishIfEnded() {
    if (run.stage.terminal()) {
      return true;
    }
    // An opt-out outranks everything; between a reply and a stop, the first to arrive.
    if (run.optedOut) {
      finish(Stage.OPTED_OUT, "opted out");
    } else if (run.endedBy == Stage.STOPPED || (run.stopped && !run.replied)) {
      finish(
          Stage.STOPPED, run.outcomeReason == null ? "stopped by an operator" : run.outcomeReason);
    } else if (run.requestedOutcome != null) {
      finish(run.requestedOutcome, run.outcomeReason);
    } else if (run.replied) {
      finish(Stage.REPLIED, "replied");
    }
    return run.stage.terminal();
  }

  void variant(String variantId) {
    run.variantId = variantId;
    Workflow.upsertTypedSearchAttributes(LeadSearchAttributes.VARIANT_ID.valueSet(variantId));
  }

  Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
