package com.salesagent.activities.lead;

import static com.salesagent.activities.lead.SendCalls.isVoiceNote;

import com.mongodb.client.model.Updates;
import com.salesagent.activities.Phones;
import com.salesagent.activities.media.OutboundMedia;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.Interactions;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.SenderRates;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.variants.Assisted;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link MessagingActivitiesImpl} writes when Meta accepted a send: the message bound to its
 * wamid, its card's fate, the funnel's "sent", the number's rate and pause, the history line and
 * the variant's counts.
 */
final class SendAcceptance {
  /** The send's lines keep the logger they always had. */
  private static final Logger LOG = LoggerFactory.getLogger(MessagingActivitiesImpl.class);

  private final LeadStore store;
  private final Clock clock;
  private final FunnelStats funnel;
  private final VariantStats stats;
  private final Assisted assisted;
  private final Senders senders;
  private final SenderRates rates;
  private volatile Consumer<String> numberBack = id -> {};

  SendAcceptance(
      LeadStore store,
      Clock clock,
      FunnelStats funnel,
      VariantStats stats,
      Assisted assisted,
      Senders senders,
      SenderRates rates) {
    this.store = store;
    this.clock = clock;
    this.funnel = funnel;
    this.stats = stats;
    this.assisted = assisted;
    this.senders = senders;
    this.rates = rates;
  }

  /** See {@link MessagingActivitiesImpl#whenNumberBack}. */
  void whenNumberBack(Consumer<String> numberBack) {
    this.numberBack = numberBack;
  }

  /**
   * The acceptance's writes. What the contact read before the send shows done already is not
   * written again: a follow-up's lead has its wa_id and its funnel's "sent" (both only ever added).
   */
  SendResult accepted(
      String senderId,
      SendRequest request,
      Document contact,
      Document message,
      WhatsAppClient.Accepted accepted,
      String mediaId) {
    Instant at = clock.instant();
    String wamid = accepted.wamid();
    Document card = mediaId == null ? null : message.get("media", Document.class);
    boolean voice = isVoiceNote(message);
    // What went, as the lead's conversation and the lead page read it: a voice note is "audio",
    // as a lead's voice note is recorded (a rep's and a variant's alike), not "text".
    boolean boundHere =
        store
            .messages()
            .markAccepted(
                request.idempotencyKey(),
                wamid,
                accepted.waId(),
                request.template() ? "template" : card != null && voice ? "audio" : "text",
                at);
    if (card != null) {
      boolean link = OutboundMedia.isLink(mediaId); // a presigned URL: not kept (it grants access)
      store
          .messages()
          .setMessageFields(
              request.idempotencyKey(),
              new Document(
                      link ? "media.delivery" : "media.mediaId", link ? "presigned_link" : mediaId)
                  .append(
                      "media.sentAs",
                      voice ? "voice_note" : request.template() ? "template_header" : "image"));
    } else if (voice) {
      mediaNotSent(
          request, "a template went (outside the 24 h window): WhatsApp has no audio template");
    } else if (message.get("media") instanceof Document image
        && "image".equals(image.getString("kind"))) {
      // The card was made but did not go: the lead page must not show it as sent.
      Document approved = message.get("template", Document.class);
      mediaNotSent(
          request,
          request.template()
              ? "the template "
                  + (approved == null ? "" : approved.getString("name") + " ")
                  + "is not approved with an image header: its text went alone"
              : "the text is over 1,024 characters, WhatsApp's caption limit: it went alone");
    }
    // The wa_id and the funnel's "sent" in one write when both are new (a lead's first message).
    boolean newWaId = LeadStore.isNewWaId(contact, accepted.waId());
    if (!FunnelStats.reached(contact, "sent")) {
      Bson learned = newWaId ? Updates.addToSet("waIds", accepted.waId()) : null;
      funnel.reachWith(request.leadId(), "sent", at, learned);
    } else if (newWaId) {
      store.addWhatsAppId(request.leadId(), accepted.waId());
    }
    // Unconditional: an account pause that began during this send ends with its success.
    if (senders.active(senderId, at)) {
      numberIsBack(senderId);
    }
    rates.countSent(senderId, at);
    Document sent =
        Interactions.interaction(
            request.leadId(),
            contact.getString("campaignId"),
            message.getString("variantId"),
            "message_sent",
            wamid,
            SendRecords.whose(message)
                + (request.template()
                    ? "template "
                    : card != null ? (voice ? "voice note " : "image ") : "text ")
                + "step "
                + request.step(),
            at);
    if (card != null) {
      sent.append("media_url", card.getString("url"))
          .append("contentType", card.getString("contentType"))
          .append("size", card.get("size"))
          .append("sha256", card.getString("sha256"))
          .append("madeBy", card.getString("madeBy"));
    }
    // A status webhook that overtook this answer bound the wamid and counted the send already.
    if (boundHere) {
      // With the wording the lead counts for (WordingStats), as its other variant events.
      store
          .interactions()
          .recordInteractions(
              List.of(com.salesagent.activities.variants.WordingStats.withRevision(sent, contact)));
      stats.increment(
          SendRecords.countedVariant(message), contact.getString("segment"), "sent", at);
    }
    String sentAs = card == null ? null : VariantStats.sentAs(card.getString("contentType"));
    if (sentAs != null) {
      stats.increment(
          SendRecords.countedVariant(message), contact.getString("segment"), sentAs, at);
    }
    if (SendRecords.byPerson(message) && !FunnelStats.reached(contact, "replied")) {
      // A person wrote to a lead that has not replied: its reply is no evidence for the variant.
      // Only here (never on the sequence's sends): one conditional update, idempotent.
      assisted.mark(request.leadId(), at);
    }
    if (request.step() > 0) {
      SendRecords.recordLateness(contact, at);
    }
    LOG.info(
        "sent {} to {} as {}",
        request.idempotencyKey(),
        Phones.mask(contact.getString("phone")),
        Phones.wamid(wamid));
    return SendResult.sent(wamid, at, false);
  }

  /** The message's media was made but did not go: the lead page must not show it as sent. */
  private void mediaNotSent(SendRequest request, String because) {
    store
        .messages()
        .setMessageFields(
            request.idempotencyKey(),
            new Document("media.sentAs", "not_sent").append("media.notSentBecause", because));
  }

  /**
   * This send ended its number's pause: the leads waiting for it are woken (queued, off this
   * thread). The send is accepted already; nothing here may fail it: they keep their own check.
   */
  private void numberIsBack(String senderId) {
    LOG.info("number {} sends again (a probe was accepted): waking its waiting leads", senderId);
    try {
      numberBack.accept(senderId);
    } catch (RuntimeException e) {
      LOG.warn("waking the leads of number {} not queued: {}", senderId, e.toString());
    }
  }
}
