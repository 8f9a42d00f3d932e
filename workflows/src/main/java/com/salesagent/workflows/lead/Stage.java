package com.salesagent.workflows.lead;

import java.util.Locale;

/** The lead's stage, shown as the LeadStage search attribute and in MongoDB. */
public enum Stage {
  ENROLLED,
  RESEARCHING,
  ASSIGNED,
  WAITING_SEND_WINDOW,
  AWAITING_APPROVAL,
  /** A send's fate is unknown: reconciling through status webhooks, then an operator decides. */
  DELIVERY_UNKNOWN,
  /** Sending is paused for the business number (token, account, payment): the lead waits. */
  WAITING_SENDER,
  AWAITING_RESPONSE,
  PAUSED,
  SNOOZED,
  /**
   * The lead replied with interest: the workflow goes on (re-engagement if it does not convert in
   * its segment's window) until an operator sets the outcome.
   */
  INTERESTED,
  /** Interested and assigned to a sales rep who has not acted yet (the SLA runs). */
  HANDED_OFF,
  /** Interested, and a person (its owner, an operator) has taken the conversation. */
  IN_CONVERSATION,
  /** Interested, with a meeting booked (by its owner, an operator or a booking tool). */
  MEETING_BOOKED,
  REPLIED,
  /** Set by an operator (or a CRM, a booking): the lead became a customer. */
  CONVERTED,
  /** Set by an operator, or an interested lead not converted after its re-engagements. */
  LOST,
  OPTED_OUT,
  NO_RESPONSE,
  FAILED,
  STOPPED;

  public boolean terminal() {
    return this == REPLIED
        || this == CONVERTED
        || this == LOST
        || this == OPTED_OUT
        || this == NO_RESPONSE
        || this == FAILED
        || this == STOPPED;
  }

  /**
   * The lead has an outcome for measurement: terminal, or interested (it replied; its workflow goes
   * on until converted or lost). Simulations and benchmarks wait for this.
   */
  public boolean settled() {
    return terminal() || interested();
  }

  /** Interested, whether or not a person has it yet. */
  public boolean interested() {
    return this == INTERESTED
        || this == HANDED_OFF
        || this == IN_CONVERSATION
        || this == MEETING_BOOKED;
  }

  /** The lower-case name used in MongoDB, the API and search attributes. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The stage of a {@link #key()}; null for none or one this build does not know. */
  public static Stage of(String key) {
    if (key == null) {
      return null;
    }
    try {
      return valueOf(key.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
