package com.salesagent.activities.lead;

import static com.salesagent.workflows.lead.MessagingActivities.PERMANENT_ERROR;

import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a send that does not go now answers, read from its message: sent already (its wamid), held
 * unknown, or claimed by an earlier attempt that never finished (held unknown then, {@link
 * com.salesagent.activities.mongo.Messages#markUnknown}); and its acceptance time. Used by {@link
 * SendAttempt} and {@link MessagingActivitiesImpl#reconcile}. Split from {@link
 * MessagingActivitiesImpl}, behaviour unchanged.
 */
final class UnsentSends {
  private static final Logger LOG = LoggerFactory.getLogger(MessagingActivitiesImpl.class);

  private final LeadStore store;
  private final Clock clock;

  UnsentSends(LeadStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * A send that does not go now (its number busy or paused, or not claimed) reads its message: one
   * already sent answers its wamid, one held unknown answers so, as when the send read its message
   * first (before any of these checks); null for one still to send. The message is given to the
   * metric ({@code read}).
   */
  SendResult settled(SendRequest request, Document[] read) {
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
  SendResult notClaimed(SendRequest request, Document[] read, String resendOf) {
    String key = request.idempotencyKey();
    SendResult settled = settled(request, read);
    if (settled != null) {
      return settled;
    }
    // An earlier attempt claimed it and never finished: it may have reached Meta. A resend finding
    // another resend's claim whose holder is provably over holds the send again on its behalf.
    if (store
            .messages()
            .markUnknown(
                key,
                "an earlier attempt stopped during the call",
                clock.instant(),
                request.resendUnknown(),
                resendOf)
        || (request.resendUnknown()
            && store.messages().markUnknownLeft(key, resendOf, clock.instant()))) {
      SendRecords.ambiguous(SendRecords.CLAIM_LEFT);
    }
    LOG.warn("send {}: an earlier attempt left its claim; the delivery is unknown", key);
    return SendResult.notSent(SendResult.UNKNOWN, null, "an earlier attempt stopped mid-call");
  }

  /** When Meta accepted the message (its {@code accepted} status), else the epoch. */
  static Instant acceptedAt(Document message) {
    Document at = message.get("statusAt", Document.class);
    Date accepted = at == null ? null : at.getDate("accepted");
    return accepted == null ? Instant.EPOCH : accepted.toInstant();
  }
}
