package com.salesagent.workflows.lead;

import io.temporal.activity.ActivityInterface;

/** Sends through the WhatsApp Business Cloud API, exactly once per idempotency key. */
@ActivityInterface
public interface MessagingActivities {
  /** Error type of a send WhatsApp refused for good (bad number, bad template, auth). */
  String PERMANENT_ERROR = "WhatsAppPermanentError";

  SendResult send(SendRequest request);
}
