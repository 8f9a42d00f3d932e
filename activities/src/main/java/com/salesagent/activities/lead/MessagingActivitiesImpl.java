package com.salesagent.activities.lead;

import com.salesagent.activities.media.OutboundMedia;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.SenderRates;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.variants.Assisted;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.activities.whatsapp.SendThrottle;
import com.salesagent.activities.whatsapp.SenderClients;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.activities.whatsapp.WhatsAppSettings;
import com.salesagent.workflows.lead.MessagingActivities;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;
import org.bson.Document;

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
 *
 * <p>One attempt's checks, claim and call are {@link SendAttempt}'s; what a send that does not go
 * answers, {@link UnsentSends}'s; this class wires them and counts each attempt's result.
 */
public class MessagingActivitiesImpl implements MessagingActivities {
  private final LeadStore store;
  private final Clock clock;
  private final Assisted assisted;
  private final SendAcceptance acceptance;
  private final SendAttempt attempt;
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
    FunnelStats funnel = new FunnelStats(store.database());
    this.assisted = new Assisted(store.database());
    Suppressions suppressions = new Suppressions(store.database());
    Senders senders = new Senders(store.database());
    SenderChoice choice =
        new SenderChoice(
            store,
            senders,
            clients.primaryId(),
            d -> clients.resolves(String.valueOf(d.get("_id")), d.getString("tokenRef")));
    SendPacing pacing =
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
    this.attempt =
        new SendAttempt(
            store,
            clients,
            choice,
            pacing,
            clock,
            funnel,
            suppressions,
            senders,
            acceptance,
            new SendFailures(store, clock, senders, suppressions, funnel),
            resendActivity);
  }

  /**
   * With media: a message composed with an image card carries it (a template's image header, or an
   * image with the text as caption inside the 24 h window), uploaded from S3 when it is sent.
   */
  public MessagingActivitiesImpl withMedia(OutboundMedia media) {
    attempt.withMedia(media);
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
      result = attempt.send(request, alive, read);
    } catch (RuntimeException e) {
      // Not sent, left to Temporal's retries (Meta's 5xx, the network, MongoDB): counted, or an
      // alert on the sends' results saw nothing while every send was failing.
      SendRecords.count(request, read[0], SendRecords.RETRYING);
      throw RetriedSends.quieted(e, request.idempotencyKey());
    }
    SendRecords.count(request, read[0], result.outcome());
    return result;
  }

  /** Error type: the lead's erasure was accepted, nothing is sent to it. */
  static final String LEAD_ERASING = "LeadErasing";

  @Override
  public SendResult reconcile(String leadId, String idempotencyKey) {
    // One read today; under the send's heartbeat timeout, it beats if it ever takes longer.
    try (KeepAlive alive = KeepAlive.start()) {
      Document message = store.messages().messageByKey(idempotencyKey);
      if (message != null && message.getString("wamid") != null) {
        if (SendRecords.byPerson(message)) {
          // A person's message whose send answer was lost went all the same: as accepted() does.
          Instant at = UnsentSends.acceptedAt(message);
          // No acceptance time known: the mark's own time, never compared with a reply's.
          boolean known = !Instant.EPOCH.equals(at);
          assisted.mark(leadId, known ? at : clock.instant(), known);
        }
        return SendResult.sent(message.getString("wamid"), UnsentSends.acceptedAt(message), false);
      }
      if (message != null
          && message.get("unknown") instanceof Document unknown
          && Boolean.TRUE.equals(unknown.getBoolean("operatorOnly"))) {
        // No attempt can resend it safely: held for an operator, whatever the resend policy.
        return SendResult.notSent(SendResult.UNKNOWN, null, SendResult.NEEDS_OPERATOR);
      }
      return SendResult.notSent(SendResult.UNKNOWN, null, "no status webhook carried this key");
    }
  }
}
