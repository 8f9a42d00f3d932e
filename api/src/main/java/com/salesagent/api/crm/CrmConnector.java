package com.salesagent.api.crm;

import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.notify.Notifications;
import com.salesagent.api.notify.OutboxConsumer;
import java.time.Clock;
import java.time.Duration;

/**
 * A CRM the lead events are written to (HubSpot today: {@link HubSpotSync}). The lead's workflow
 * never calls it: the events it records go to the notifications outbox once, and the connector's
 * own consumer delivers them, with its progress under {@code crm.} beside the outbound webhook's,
 * retries with back-off (10 s doubling to 1 h), dead letters after 8 attempts and a lease so
 * several API processes never write one event twice. A connector must be idempotent per event: an
 * attempt that died after the CRM's answer is tried again (keep the CRM's ids, search before you
 * create). It answers {@link OutboxConsumer.Outcome.Retry} for what may pass (unreachable,
 * throttled: with the wait the CRM asks for) and {@link OutboxConsumer.Outcome.Dead} for what will
 * not (a request the CRM refuses as invalid).
 */
public interface CrmConnector extends OutboxConsumer.Delivery {
  /** A short name for logs and the consumer's thread ({@code crm-<name>}). */
  String name();

  int MAX_ATTEMPTS = 8;

  /** The outbox consumer that runs the connector. */
  static OutboxConsumer consumer(MongoDatabase db, CrmConnector connector, Clock clock) {
    return new OutboxConsumer(
        db.getCollection(Notifications.COLLECTION),
        "crm.",
        MAX_ATTEMPTS,
        Duration.ofSeconds(10),
        Duration.ofHours(1),
        clock,
        "crm-" + connector.name(),
        connector);
  }
}
