package com.salesagent.activities.lead;

import com.salesagent.activities.Phones;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.whatsapp.WhatsAppApiException;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.workflows.lead.MessagingActivities;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a composed message exactly once per idempotency key: the key's document exists before the
 * API call, a claim stops two attempts from calling at once, and a retry that finds the recorded
 * wamid returns it instead of sending again. The one window left: the API accepted the message but
 * the process died before the wamid was written; the claim then expires and the retry sends again
 * (Meta's API takes no idempotency key).
 */
public class MessagingActivitiesImpl implements MessagingActivities {
  private static final Logger LOG = LoggerFactory.getLogger(MessagingActivitiesImpl.class);
  private static final Duration CLAIM = Duration.ofSeconds(45);

  private final LeadStore store;
  private final WhatsAppClient whatsapp;
  private final Clock clock;
  private final com.salesagent.activities.mongo.FunnelStats funnel;
  private final com.salesagent.activities.variants.VariantStats stats;
  private final Suppressions suppressions;

  public MessagingActivitiesImpl(LeadStore store, WhatsAppClient whatsapp, Clock clock) {
    this.store = store;
    this.funnel = new com.salesagent.activities.mongo.FunnelStats(store.database());
    this.stats = new com.salesagent.activities.variants.VariantStats(store.database());
    this.whatsapp = whatsapp;
    this.clock = clock;
    this.suppressions = new Suppressions(store.database());
  }

  @Override
  public SendResult send(SendRequest request) {
    Instant now = clock.instant();
    Document contact = store.contact(request.leadId());
    if (contact == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no contact for lead " + request.leadId(), PERMANENT_ERROR);
    }
    if (contact.getBoolean("doNotContact", false)) {
      return new SendResult(null, now, true, false);
    }
    Document message = store.messageByKey(request.idempotencyKey());
    if (message == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "nothing composed under " + request.idempotencyKey(), PERMANENT_ERROR);
    }
    if (message.getString("wamid") != null) {
      return new SendResult(
          message.getString("wamid"),
          message.get("statusAt", Document.class).getDate("accepted").toInstant(),
          false,
          true);
    }
    if (!store.claimSend(request.idempotencyKey(), now, now.plus(CLAIM))) {
      throw ApplicationFailure.newFailure(
          "another attempt is sending " + request.idempotencyKey(), "SendInProgress");
    }
    java.util.Optional<Suppressions.Entry> suppressed =
        suppressions.active(LeadStore.numbersOf(contact));
    if (suppressed.isPresent()) {
      // The number said stop (under this lead or any other): checked right before the call.
      store.releaseClaim(request.idempotencyKey());
      store.setContactFields(
          request.leadId(),
          new Document("doNotContact", true)
              .append("doNotContactSource", suppressed.get().source()));
      LOG.info(
          "send {} not made: number suppressed ({})",
          request.idempotencyKey(),
          suppressed.get().source());
      return new SendResult(null, now, true, false);
    }
    String phone = contact.getString("phone");
    WhatsAppClient.Accepted accepted;
    try {
      if (request.template()) {
        Document template = message.get("template", Document.class);
        accepted =
            whatsapp.sendTemplate(
                phone,
                template.getString("name"),
                template.getString("language"),
                template.getList("parameters", String.class, List.of()),
                request.idempotencyKey());
      } else {
        String text =
            request.useEditedText() && message.getString("editedText") != null
                ? message.getString("editedText")
                : message.getString("text");
        accepted = whatsapp.sendText(phone, text, request.idempotencyKey());
      }
    } catch (WhatsAppApiException e) {
      store.releaseClaim(request.idempotencyKey());
      LOG.warn(
          "send {} to {} refused: {}",
          request.idempotencyKey(),
          Phones.mask(phone),
          e.getMessage());
      if (e.retryable()) {
        throw ApplicationFailure.newFailure(e.getMessage(), "WhatsAppRetryable");
      }
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), PERMANENT_ERROR);
    }
    Instant acceptedAt = clock.instant();
    String wamid = accepted.wamid();
    store.markAccepted(
        request.idempotencyKey(),
        wamid,
        accepted.waId(),
        request.template() ? "template" : "text",
        acceptedAt);
    store.addWhatsAppId(request.leadId(), accepted.waId());
    store.recordInteraction(
        request.leadId(),
        contact.getString("campaignId"),
        message.getString("variantId"),
        "message_sent",
        wamid,
        (request.template() ? "template " : "text ") + "step " + request.step(),
        acceptedAt);
    funnel.reach(request.leadId(), "sent", acceptedAt);
    stats.increment(
        message.getString("variantId"), contact.getString("segment"), "sent", acceptedAt);
    LOG.info("sent {} to {} as {}", request.idempotencyKey(), Phones.mask(phone), wamid);
    return new SendResult(wamid, acceptedAt, false, false);
  }
}
