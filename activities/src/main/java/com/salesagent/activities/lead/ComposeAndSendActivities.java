package com.salesagent.activities.lead;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.salesagent.activities.Phones;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.lead.ComposeActivities;
import com.salesagent.workflows.lead.ComposeRequest;
import com.salesagent.workflows.lead.ComposedMessage;
import com.salesagent.workflows.lead.DispatchActivities;
import com.salesagent.workflows.lead.Dispatched;
import com.salesagent.workflows.lead.MessagingActivities;
import com.salesagent.workflows.lead.SendRequest;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compose, then send at once what the quality gate approved, in one activity: the same composer and
 * send activity the workflow calls one by one, so every guarantee of each holds (the stored text is
 * reused by a retry; the send claims its key, so a retry after an attempt that may have reached
 * Meta reports it unknown instead of calling again). Composition failures fail the activity
 * (retried as composing is); the send is tried once and anything it throws comes back as {@link
 * Dispatched#SEND_FAILED} for the workflow's send activity to retry under its own policy.
 */
public class ComposeAndSendActivities implements DispatchActivities {
  private static final Logger LOG = LoggerFactory.getLogger(ComposeAndSendActivities.class);

  private final ComposeActivities composer;
  private final MessagingActivities messaging;
  private final LeadStore store;

  private final LeadSegments segments;

  public ComposeAndSendActivities(
      ComposeActivities composer, MessagingActivities messaging, LeadStore store) {
    this.composer = composer;
    this.messaging = messaging;
    this.store = store;
    this.segments = new LeadSegments(store);
  }

  @Override
  public Dispatched composeAndSendInSegment(ComposeRequest request, String segment) {
    try (KeepAlive alive = KeepAlive.start()) {
      Document contact = store.contactForSteps(request.leadId());
      // No contact: the composer fails the activity as it always has.
      String now =
          contact == null
              ? segment
              : segments.rematch(
                  contact, store.persona(request.leadId()), segment, segments.snapshot());
      return composeAndSend(request, alive).inSegment(now);
    }
  }

  @Override
  public Dispatched composeAndSend(ComposeRequest request) {
    try (KeepAlive alive = KeepAlive.start()) {
      return composeAndSend(request, alive);
    }
  }

  /**
   * The attempt heartbeats throughout, so a dead worker's attempt is retried after the heartbeat
   * timeout; one Temporal gave up on (a pause longer than that timeout) stops before its send, as
   * the next attempt may be sending already (the send's claim keeps it to one call either way).
   */
  private Dispatched composeAndSend(ComposeRequest request, KeepAlive alive) {
    ComposedMessage composed = composer.compose(request);
    if (!ComposedMessage.APPROVE.equals(composed.decision())) {
      return Dispatched.notSent(composed, Dispatched.NOT_APPROVED);
    }
    if (!enabled(request.variantId())) {
      // Switched off by an operator since the lead was assigned; its signal may still be on the
      // way to the workflow: the text is not sent, the workflow replaces the variant.
      return Dispatched.notSent(composed, Dispatched.VARIANT_DISABLED);
    }
    alive.checkAlive();
    try {
      return Dispatched.sent(
          composed,
          messaging.send(
              new SendRequest(
                  request.leadId(),
                  request.idempotencyKey(),
                  request.step(),
                  request.template(),
                  false,
                  false)));
    } catch (RuntimeException e) {
      LOG.info(
          "send {} left to the send activity's retries: {}",
          request.idempotencyKey(),
          Phones.scrub(String.valueOf(e.getMessage())));
      return Dispatched.notSent(composed, Dispatched.SEND_FAILED);
    }
  }

  private boolean enabled(String variantId) {
    Document variant =
        store
            .database()
            .getCollection(Collections.PROMPT_VARIANTS)
            .find(Filters.eq("variantId", variantId))
            .projection(Projections.include("enabled"))
            .first();
    return variant == null || variant.getBoolean("enabled", true);
  }
}
