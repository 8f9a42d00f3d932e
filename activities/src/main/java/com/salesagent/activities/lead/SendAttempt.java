package com.salesagent.activities.lead;

import static com.salesagent.activities.lead.SendCalls.call;
import static com.salesagent.activities.lead.SendCalls.text;
import static com.salesagent.workflows.lead.MessagingActivities.PERMANENT_ERROR;

import com.salesagent.activities.media.OutboundMedia;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.whatsapp.CloudMedia;
import com.salesagent.activities.whatsapp.SenderClients;
import com.salesagent.activities.whatsapp.WhatsAppApiException;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of a send ({@link MessagingActivitiesImpl#send}): the checks before its claim (the
 * contact, its number's token, pause and pacing), the claim its message is read through, the image
 * card's upload, the checks right before the call (an erasure, a suppression) and the call, whose
 * answer {@link SendAcceptance} or {@link SendFailures} records. A send that does not go is
 * answered by {@link UnsentSends}. Split from {@link MessagingActivitiesImpl}, behaviour unchanged.
 */
final class SendAttempt {
  private static final Logger LOG = LoggerFactory.getLogger(MessagingActivitiesImpl.class);

  private final LeadStore store;
  private final SenderClients clients;
  private final SenderChoice choice;
  private final SendPacing pacing;
  private final Clock clock;
  private final FunnelStats funnel;
  private final Suppressions suppressions;
  private final Senders senders;
  private final SendAcceptance acceptance;
  private final SendFailures failures;
  private final ResendActivity resendActivity;
  private final UnsentSends answers;
  private volatile OutboundMedia media;

  SendAttempt(
      LeadStore store,
      SenderClients clients,
      SenderChoice choice,
      SendPacing pacing,
      Clock clock,
      FunnelStats funnel,
      Suppressions suppressions,
      Senders senders,
      SendAcceptance acceptance,
      SendFailures failures,
      ResendActivity resendActivity) {
    this.store = store;
    this.clients = clients;
    this.choice = choice;
    this.pacing = pacing;
    this.clock = clock;
    this.funnel = funnel;
    this.suppressions = suppressions;
    this.senders = senders;
    this.acceptance = acceptance;
    this.failures = failures;
    this.resendActivity = resendActivity;
    this.answers = new UnsentSends(store, clock);
  }

  /** See {@link MessagingActivitiesImpl#withMedia}. */
  void withMedia(OutboundMedia media) {
    this.media = media;
  }

  /**
   * The attempt heartbeats throughout (KeepAlive), so a dead worker's attempt is retried after the
   * send's heartbeat timeout instead of its whole start-to-close timeout; an attempt Temporal gave
   * up on stops before its claim (the next one may be calling already). {@code read}: given the
   * message the send read, for the metric.
   */
  SendResult send(SendRequest request, KeepAlive alive, Document[] read) {
    Instant now = clock.instant();
    String key = request.idempotencyKey();
    Document contact = store.contactForSteps(request.leadId());
    if (contact == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no contact for lead " + request.leadId(), PERMANENT_ERROR);
    }
    if (contact.getBoolean("doNotContact", false)) {
      return SendResult.notSent(
          SendResult.DO_NOT_CONTACT, null, contact.getString("doNotContactSource"));
    }
    SenderChoice.Chosen chosen = choice.choose(contact);
    String senderId = chosen.senderId();
    Document sender = chosen.sender() != null ? chosen.sender() : senders.get(senderId);
    WhatsAppClient whatsapp =
        clients.client(senderId, sender == null ? null : sender.getString("tokenRef"));
    if (whatsapp == null) {
      // Not the lead's fault and not Meta's answer: this worker lacks the number's token.
      LOG.warn("send {}: no access token for number {} in this worker", key, senderId);
      SendResult settled = answers.settled(request, read);
      if (settled != null) {
        return settled;
      }
      return SendResult.notSent(
          SendResult.ACCOUNT_PAUSED,
          null,
          "this worker has no access token for number "
              + senderId
              + " (set the variable its tokenRef names)");
    }
    Document paused = senders.pausedNow(senderId, sender, now);
    if (paused != null) {
      SendResult settled = answers.settled(request, read);
      if (settled != null) {
        return settled;
      }
      return SendResult.notSent(
          SendResult.ACCOUNT_PAUSED, paused.getInteger("code"), paused.getString("detail"));
    }
    SendResult busy = pacing.await(senderId, SenderChoice.tier(sender), contact.getString("phone"));
    if (busy != null) {
      SendResult settled = answers.settled(request, read);
      return settled != null ? settled : busy;
    }
    String phone = contact.getString("phone");
    String token = UUID.randomUUID().toString();
    String resendOf = resendActivity.of(request);
    alive.checkAlive();
    // The message is read through its claim (one command where a read and the claim were two): a
    // message already sent, held unknown or claimed by an earlier attempt is not claimed, and is
    // read then to say which. The claim carries the time it is made, not the send's start (its
    // turn above, an upload below may take seconds): its age tells the STOP's fence (StopFence)
    // and a variant's reach a call under way from a dead attempt's.
    Document message =
        store
            .messages()
            .claimSendReading(key, token, clock.instant(), request.resendUnknown(), resendOf);
    if (message == null) {
      return answers.notClaimed(request, read, resendOf);
    }
    read[0] = message;
    String mediaId = null;
    Supplier<WhatsAppClient.Accepted> call;
    boolean held = true;
    try {
      if (media != null && message.get("media") instanceof Document) {
        // A card or a voice note is uploaded before the claim, as it always was: an upload that
        // fails, or a worker that stops during it, leaves nothing ambiguous (nothing was sent).
        store.messages().releaseClaim(key, token);
        held = false;
        mediaId = mediaIdFor(request, message, senderId, whatsapp, now);
      }
      // A message that cannot be sent (a template send without its template) fails here, its
      // claim given back, so its retry fails the same way instead of finding a claim and holding
      // as unknown a message that never left.
      call = call(whatsapp, request, message, phone, mediaId);
    } catch (RuntimeException e) {
      if (held) {
        try {
          store.messages().releaseClaim(key, token);
        } catch (RuntimeException notReleased) {
          e.addSuppressed(notReleased);
        }
      }
      throw e;
    }
    if (!held) {
      alive.checkAlive();
      if (store
              .messages()
              .claimSendReading(key, token, clock.instant(), request.resendUnknown(), resendOf)
          == null) {
        return answers.notClaimed(request, read, resendOf);
      }
    }
    SendResult refusal;
    try {
      refusal = refusedBeforeCalling(request, contact, token);
    } catch (ApplicationFailure e) {
      throw e; // the lead is being erased: its claim was given back
    } catch (RuntimeException e) {
      // MongoDB failed between the claim and the call: nothing went, the claim goes back, so the
      // retry sends rather than holding the message as unknown.
      try {
        store.messages().releaseClaim(key, token);
      } catch (RuntimeException notReleased) {
        e.addSuppressed(notReleased);
      }
      throw e;
    }
    if (refusal != null) {
      return refusal;
    }
    try {
      WhatsAppClient.Accepted accepted = call.get();
      return acceptance.accepted(senderId, request, contact, message, accepted, mediaId);
    } catch (WhatsAppApiException e) {
      return failures.failed(senderId, request, contact, token, phone, e);
    }
  }

  /**
   * The number said stop, or the lead is being erased: the call is not made. The erasure is looked
   * up here, right before the call, not in the contact the send read first: a step already running
   * when the erasure was accepted composed a message its request could not mark. A lead being
   * erased fails the attempt (retryable: its workflow is terminated by the erasure; an erasure that
   * did not start takes its mark back and a retry sends), with nothing recorded on the lead.
   */
  private SendResult refusedBeforeCalling(SendRequest request, Document contact, String token) {
    if (store.erasures().erasingNow(request.leadId())) {
      store.messages().releaseClaim(request.idempotencyKey(), token);
      LOG.info("send {} not made: its lead is being erased", request.idempotencyKey());
      throw ApplicationFailure.newFailure(
          "not sent: the lead is being erased on request", MessagingActivitiesImpl.LEAD_ERASING);
    }
    var suppressed = suppressions.active(LeadStore.numbersOf(contact));
    if (suppressed.isPresent()) {
      store.messages().releaseClaim(request.idempotencyKey(), token);
      store.setContactFields(
          request.leadId(),
          new Document("doNotContact", true)
              .append("doNotContactSource", suppressed.get().source()));
      // It ends opted_out: counted once in the campaign's funnel, as the suppression's sweep
      // would have counted it had it come first.
      funnel.reach(request.leadId(), "opted_out", clock.instant());
      LOG.info(
          "send {} not made: number suppressed ({})",
          request.idempotencyKey(),
          suppressed.get().source());
      return SendResult.notSent(SendResult.DO_NOT_CONTACT, null, suppressed.get().source());
    }
    return null;
  }

  /** The Cloud API media id of the message's image card for this send ({@link OutboundMedia}). */
  private String mediaIdFor(
      SendRequest request,
      Document message,
      String senderId,
      WhatsAppClient whatsapp,
      Instant now) {
    OutboundMedia outbound = media;
    if (outbound == null) {
      return null;
    }
    try {
      return outbound.forSend(
          message, request.template(), text(request, message), senderId, whatsapp.media(), now);
    } catch (CloudMedia.Unavailable e) {
      throw ApplicationFailure.newFailure("media upload: " + e.getMessage(), "WhatsAppUnavailable");
    } catch (CloudMedia.Refused e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "media refused by the Cloud API: " + e.getMessage(), PERMANENT_ERROR);
    }
  }
}
