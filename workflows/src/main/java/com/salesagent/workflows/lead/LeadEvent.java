package com.salesagent.workflows.lead;

import java.time.Instant;

/**
 * A change the workflow reports to MongoDB: the contact's stage and next action are updated and,
 * when {@code type} is set, an event is appended to interaction_history.
 */
public record LeadEvent(
    String leadId,
    String campaignId,
    String type,
    String stage,
    String segment,
    String variantId,
    String wamid,
    String nextAction,
    Instant nextActionAt,
    String detail,
    Instant at) {

  /**
   * Without the run's time: recorded whatever the contact holds (the first version's records).
   * {@code at}: the run's time when it decided this record; a record reaching MongoDB after one the
   * run decided later (an attempt of a workflow task that timed out, finishing late) leaves the
   * contact's stage to the later one.
   */
  public LeadEvent(
      String leadId,
      String campaignId,
      String type,
      String stage,
      String segment,
      String variantId,
      String wamid,
      String nextAction,
      Instant nextActionAt,
      String detail) {
    this(
        leadId,
        campaignId,
        type,
        stage,
        segment,
        variantId,
        wamid,
        nextAction,
        nextActionAt,
        detail,
        null);
  }
}
