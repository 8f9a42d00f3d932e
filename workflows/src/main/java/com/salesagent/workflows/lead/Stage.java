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
  REPLIED,
  OPTED_OUT,
  NO_RESPONSE,
  FAILED,
  STOPPED;

  public boolean terminal() {
    return this == REPLIED
        || this == OPTED_OUT
        || this == NO_RESPONSE
        || this == FAILED
        || this == STOPPED;
  }

  /** The lower-case name used in MongoDB, the API and search attributes. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
