package com.salesagent.workflows.lead;

import io.temporal.activity.ActivityInterface;

/** Sends through the WhatsApp Business Cloud API, at most once per idempotency key. */
@ActivityInterface
public interface MessagingActivities {
  /** Error type of a send that cannot be made for good (no contact, nothing composed). */
  String PERMANENT_ERROR = "WhatsAppPermanentError";

  SendResult send(SendRequest request);

  /**
   * What is known now of a send whose fate was unknown: SENT with its wamid when a status webhook
   * (Meta echoes the key) or a late answer bound it, UNKNOWN otherwise.
   */
  SendResult reconcile(String leadId, String idempotencyKey);
}
