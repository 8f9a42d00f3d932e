package com.salesagent.activities.lead;

import static com.salesagent.activities.lead.SendCalls.call;
import static com.salesagent.activities.lead.SendCalls.text;

import com.salesagent.activities.media.OutboundMedia;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.SenderRates;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.variants.Assisted;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.activities.whatsapp.CloudMedia;
import com.salesagent.activities.whatsapp.SendThrottle;
import com.salesagent.activities.whatsapp.SenderClients;
import com.salesagent.activities.whatsapp.WhatsAppApiException;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.activities.whatsapp.WhatsAppSettings;
import com.salesagent.workflows.lead.MessagingActivities;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a composed message at most once per idempotency key. Before the call, the attempt claims
 * the key; the claim is released only when the failure proves the request never reached Meta (no
 * connection, or Meta's own refusal), so only then may another attempt call. An answer that was
 * lost (a timeout after the request went out, a reset, an attempt that died mid-call and left its
 * claim) makes the message {@code unknown}: the workflow reconciles it through the status webhooks,
 * which carry the key as biz_opaque_callback_data, and never resends it on its own.
 *
 * <p>With several business numbers, each lead's conversation stays on the number chosen at its
 * first send ({@link SenderChoice}); each send waits for a free slot of that number's throughput
 * and of the 6 s spacing to its recipient ({@link SendPacing}) before it claims its key.
 */
public class MessagingActivitiesImpl implements MessagingActivities {
  private static final Logger LOG = LoggerFactory.getLogger(MessagingActivitiesImpl.class);

  private final LeadStore store;
  private final SenderClients clients;
  private final SenderChoice choice;
  private final SendPacing pacing;
  private final Clock clock;
  private final FunnelStats funnel;
  private final Assisted assisted;
  private final Suppressions suppressions;
  private final Senders senders;
  private volatile OutboundMedia media;
  private final SendAcceptance acceptance;
  private final SendFailures failures;
  private final ResendActivity resendActivity = new ResendActivity();

  /** The configured number alone (its token from the settings), sends paced at 80 % of 80/s. */
  public MessagingActivitiesImpl(
      LeadStore store, WhatsAppClient whatsapp, WhatsAppSettings settings, Clock clock) {
    this(
        store,
        new SenderClients(settings, whatsapp, System::getenv),
        DEFAULT_THROUGHPUT_SHARE,
        clock,
        d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000));
  }

  /** The share of a number's tier that sends may use: Meta counts inbound messages too. */
  public static final double DEFAULT_THROUGHPUT_SHARE = 0.8;

  public MessagingActivitiesImpl(
      LeadStore store,
      SenderClients clients,
      double throughputShare,
      Clock clock,
      SendPacing.Sleeper sleeper) {
    this.store = store;
    this.funnel = new FunnelStats(store.database());
    this.assisted = new Assisted(store.database());
    this.suppressions = new Suppressions(store.database());
    this.senders = new Senders(store.database());
    this.clients = clients;
    this.choice =
        new SenderChoice(
            store,
            senders,
            clients.primaryId(),
            d -> clients.resolves(String.valueOf(d.get("_id")), d.getString("tokenRef")));
    this.pacing =
        new SendPacing(new SendThrottle(store.database()), throughputShare, clock, sleeper);
    this.clock = clock;
    this.acceptance =
        new SendAcceptance(
            store,
            clock,
            funnel,
            new VariantStats(store.database()),
            assisted,
            senders,
            new SenderRates(store.database()));
    this.failures = new SendFailures(store, clock, senders, suppressions, funnel);
  }

  /**
   * With media: a message composed with an image card carries it (a template's image header, or an
   * image with the text as caption inside the 24 h window), uploaded from S3 when it is sent.
   */
  public MessagingActivitiesImpl withMedia(OutboundMedia media) {
    this.media = media;
    return this;
  }

  /**
   * Told the phone-number id when a send ended its number's pause (a probe that Meta accepted, or a
   * send under way when an account pause began): the worker wakes the leads waiting for that number
   * ({@link WaitingLeads#inBackground}). Called on the send's thread, after the acceptance is
   * recorded, so it must only queue the work; whatever it throws is logged, never the send's.
   */
  public MessagingActivitiesImpl whenNumberBack(Consumer<String> numberBack) {
    acceptance.whenNumberBack(numberBack);
    return this;
  }

  /** Tests: this instance's attempts are of the scheduled activity {@code activity}. */
  MessagingActivitiesImpl asActivity(String activity) {
    resendActivity.named(activity);
    return this;
  }

  @Override
  public SendResult send(SendRequest request) {
    SendResult result;
    Document[] read = new Document[1];
    try (KeepAlive alive = KeepAlive.start()) {
      result = sendOnce(request, alive, read);
    } catch (RuntimeException e) {
      // Not sent, left to Temporal's retries (Meta's 5xx, the network, MongoDB): counted, or an
      // alert on the sends' results saw nothing while every send was failing.
      SendRecords.count(request, read[0], SendRecords.RETRYING);
      throw RetriedSends.quieted(e, request.idempotencyKey());
    }
    SendRecords.count(request, read[0], result.outcome());
    return result;
  }

  /**
   * The attempt heartbeats throughout (KeepAlive), so a dead worker's attempt is retried after the
   * send's heartbeat timeout instead of its whole start-to-close timeout; an attempt Temporal gave
   * up on stops before its claim (the next one may be calling already).
   */
  /** {@code read}: given the message the send read, for the metric. */
  private SendResult sendOnce(SendRequest request, KeepAlive alive, Document[] read) {
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
      SendResult settled = settled(request, read);
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
      SendResult settled = settled(request, read);
      if (settled != null) {
        return settled;
      }
      return SendResult.notSent(
          SendResult.ACCOUNT_PAUSED, paused.getInteger("code"), paused.getString("detail"));
    }
    SendResult busy = pacing.await(senderId, SenderChoice.tier(sender), contact.getString("phone"));
    if (busy != null) {
      SendResult settled = settled(request, read);
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
      return notClaimed(request, read, resendOf);
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
        return notClaimed(request, read, resendOf);
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
   * A send that does not go now (its number busy or paused, or not claimed) reads its message: one
   * already sent answers its wamid, one held unknown answers so, as when the send read its message
   * first (before any of these checks); null for one still to send. The message is given to the
   * metric ({@code read}).
   */
  private SendResult settled(SendRequest request, Document[] read) {
    String key = request.idempotencyKey();
    Document message = store.messages().messageByKey(key);
    read[0] = message;
    if (message == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "nothing composed under " + key, PERMANENT_ERROR);
    }
    if (message.getString("wamid") != null) {
      return SendResult.sent(message.getString("wamid"), acceptedAt(message), true);
    }
    if ("unknown".equals(message.getString("status")) && !request.resendUnknown()) {
      return SendResult.notSent(SendResult.UNKNOWN, null, "reconciling");
    }
    return null;
  }

  /**
   * The claim was not taken: the message is read to say why. Nothing composed (the attempt fails
   * for good), sent already (its wamid), held unknown while it is reconciled, or claimed by an
   * earlier attempt that never finished: that one may have reached Meta, so the message is held
   * unknown (a resend's, only over a claim of its own activity: {@code resendOf}).
   */
  private SendResult notClaimed(SendRequest request, Document[] read, String resendOf) {
    String key = request.idempotencyKey();
    SendResult settled = settled(request, read);
    if (settled != null) {
      return settled;
    }
    // An earlier attempt claimed it and never finished: it may have reached Meta.
    if (store
        .messages()
        .markUnknown(
            key,
            "an earlier attempt stopped during the call",
            clock.instant(),
            request.resendUnknown(),
            resendOf)) {
      SendRecords.ambiguous(SendRecords.CLAIM_LEFT);
    }
    LOG.warn("send {}: an earlier attempt left its claim; the delivery is unknown", key);
    return SendResult.notSent(SendResult.UNKNOWN, null, "an earlier attempt stopped mid-call");
  }

  /**
   * The number said stop, or the lead is being erased: the call is not made. The erasure is looked
   * up here, right before the call, not in the contact the send read first: a step already running
   * when the erasure was accepted composed a message its request could not mark. A lead being
   * erased fails the attempt (retryable: its workflow is terminated by the erasure; an erasure that
   * did not start takes its mark back and a retry sends), with nothing recorded on the lead.
   */
  private SendResult refusedBeforeCalling(SendRequest request, Document contact, String token) {
    if (store.erasingNow(request.leadId())) {
      store.messages().releaseClaim(request.idempotencyKey(), token);
      LOG.info("send {} not made: its lead is being erased", request.idempotencyKey());
      throw ApplicationFailure.newFailure(
          "not sent: the lead is being erased on request", LEAD_ERASING);
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

  /** Error type: the lead's erasure was accepted, nothing is sent to it. */
  static final String LEAD_ERASING = "LeadErasing";

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

  @Override
  public SendResult reconcile(String leadId, String idempotencyKey) {
    // One read today; under the send's heartbeat timeout, it beats if it ever takes longer.
    try (KeepAlive alive = KeepAlive.start()) {
      Document message = store.messages().messageByKey(idempotencyKey);
      if (message != null && message.getString("wamid") != null) {
        if (SendRecords.byPerson(message)) {
          // A person's message whose send answer was lost went all the same: as accepted() does.
          Instant at = acceptedAt(message);
          // No acceptance time known: the mark's own time, never compared with a reply's.
          boolean known = !Instant.EPOCH.equals(at);
          assisted.mark(leadId, known ? at : clock.instant(), known);
        }
        return SendResult.sent(message.getString("wamid"), acceptedAt(message), false);
      }
      return SendResult.notSent(SendResult.UNKNOWN, null, "no status webhook carried this key");
    }
  }

  private static Instant acceptedAt(Document message) {
    Document at = message.get("statusAt", Document.class);
    Date accepted = at == null ? null : at.getDate("accepted");
    return accepted == null ? Instant.EPOCH : accepted.toInstant();
  }
}
