package com.salesagent.activities.lead;

import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.whatsapp.WhatsAppApiException;
import com.salesagent.workflows.lead.MetaErrors;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A send Meta did not accept, for {@link MessagingActivitiesImpl}: the claim kept (unknown) or
 * released, and the failure retried or answered (throttled, account paused, marketing limit or
 * stop, rejected).
 */
final class SendFailures {
  /** The send's lines keep the logger they always had. */
  private static final Logger LOG = LoggerFactory.getLogger(MessagingActivitiesImpl.class);

  private final LeadStore store;
  private final Clock clock;
  private final Senders senders;
  private final Suppressions suppressions;
  private final FunnelStats funnel;

  SendFailures(
      LeadStore store,
      Clock clock,
      Senders senders,
      Suppressions suppressions,
      FunnelStats funnel) {
    this.store = store;
    this.clock = clock;
    this.senders = senders;
    this.suppressions = suppressions;
    this.funnel = funnel;
  }

  /** What the failure proves decides: release and retry, keep and reconcile, or report. */
  SendResult failed(
      String senderId,
      SendRequest request,
      Document contact,
      String token,
      String phone,
      WhatsAppApiException e) {
    String key = request.idempotencyKey();
    Instant now = clock.instant();
    String line = SendRecords.failureLine(key, phone, e);
    if (e.kind() == WhatsAppApiException.Kind.AMBIGUOUS) {
      LOG.warn("{}", line);
      if (store.messages().markUnknownAfterCall(key, token, e.getMessage(), now)) {
        SendRecords.ambiguous(SendRecords.NO_ANSWER);
      }
      return SendResult.notSent(SendResult.UNKNOWN, null, e.getMessage());
    }
    store.messages().releaseClaim(key, token);
    int code = e.code();
    // Throttling, whatever code it carries: Meta's rate-limit codes, or an HTTP 429 (a gateway's
    // without Meta's error body, or another code). It was thrown to Temporal's retries, which
    // called the throttled number again within seconds and failed the lead after 14 attempts.
    boolean throttled = MetaErrors.RATE_LIMITS.contains(code) || e.httpStatus() == 429;
    if (e.kind() == WhatsAppApiException.Kind.NOT_SENT
        || (e.kind() == WhatsAppApiException.Kind.RETRYABLE && !throttled)) {
      // Nothing went out and trying again is safe: Temporal's retries (backing off for an hour).
      // The line is the failure's message, number masked: a retried attempt logs it once
      // (RetriedSends), the last one with the SDK's trace.
      throw ApplicationFailure.newFailure(line, "WhatsAppUnavailable");
    }
    LOG.warn("{}", line);
    store.messages().markRefused(key, SendRecords.error(e, now));
    if (throttled) {
      return SendResult.notSent(SendResult.RATE_LIMITED, code, e.details());
    }
    if (e.kind() == WhatsAppApiException.Kind.ACCOUNT) {
      senders.pause(senderId, code, e.getMessage(), now);
      return SendResult.notSent(SendResult.ACCOUNT_PAUSED, code, e.getMessage());
    }
    if (code == MetaErrors.MARKETING_LIMIT) {
      return SendResult.notSent(SendResult.RETRY_LATER, code, e.details());
    }
    if (code == MetaErrors.MARKETING_STOPPED) {
      suppressions.suppress(LeadStore.numbersOf(contact), Suppressions.MARKETING_STOPPED, now, key);
      store.markDoNotContact(List.of(request.leadId()), Suppressions.MARKETING_STOPPED, now);
      // It ends opted_out: the campaign's funnel counts it once, as the sweep counts the number's
      // other leads (not the variant's opt-out rate: Meta's stop need not answer this message).
      funnel.reach(request.leadId(), "opted_out", now);
      return SendResult.notSent(
          SendResult.DO_NOT_CONTACT, code, "131050: the user stopped marketing messages");
    }
    return SendResult.notSent(
        SendResult.REJECTED, code, e.details() == null ? e.getMessage() : e.details());
  }
}
