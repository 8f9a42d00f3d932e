package com.salesagent.api.webhook;

import com.salesagent.activities.Phones;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Never after stop, at the webhook's edge: a STOP is suppressed before the webhook answers Meta,
 * and the answer waits for the sends to its number already in their call (the fence below), so no
 * message can be accepted by Meta after the STOP was delivered to us.
 */
final class StopFence {
  private static final Logger LOG = LoggerFactory.getLogger(StopFence.class);

  private final LeadStore store;
  private final Suppressions suppressions;

  StopFence(LeadStore store) {
    this.store = store;
    this.suppressions = new Suppressions(store.database());
  }

  /**
   * A STOP (a keyword reply, Meta's marketing preference) suppresses its number before the webhook
   * answers: from the moment Meta has delivered it, no send passes the suppression check, even
   * while the event waits for its turn to be processed.
   */
  void suppressThenFence(MetaNotification.Parsed parsed, Instant now) {
    List<String> stopped = new ArrayList<>();
    for (MetaNotification.Item item : parsed.items()) {
      boolean keyword =
          MetaNotification.MESSAGE.equals(item.kind()) && InboundItem.saysStop(item.payload());
      boolean preference =
          MetaNotification.PREFERENCE.equals(item.kind())
              && "stop".equalsIgnoreCase(item.payload().getString("value"));
      if (keyword || preference) {
        suppressions.suppress(
            List.of("+" + item.partitionKey()),
            keyword ? Suppressions.KEYWORD : Suppressions.USER_PREFERENCES,
            now,
            item.eventKey());
        if (!stopped.contains(item.partitionKey())) {
          stopped.add(item.partitionKey());
        }
      }
    }
    // A message refused for its shape (a text past 8,192 characters: a person may send 65,536)
    // is a dead letter, never processed; one that says stop still suppresses its sender, when
    // the sender is a wa_id, or the stop was lost with it.
    for (MetaNotification.Invalid bad : parsed.invalid()) {
      Document item = bad.payload();
      Object from = item.get("from");
      if (MetaNotification.MESSAGE.equals(bad.kind())
          && from instanceof String waId
          && WA_ID.matcher(waId).matches()
          && saysStop(item)) {
        suppressions.suppress(List.of("+" + waId), Suppressions.KEYWORD, now, bad.eventKey());
        if (!stopped.contains(waId)) {
          stopped.add(waId);
        }
      }
    }
    for (String waId : stopped) {
      awaitSendsInFlight(waId, now);
    }
  }

  private static final java.util.regex.Pattern WA_ID =
      java.util.regex.Pattern.compile("[0-9]{5,20}");

  /** Whether a refused item says stop; an item of the wrong shape reads as not. */
  private static boolean saysStop(Document item) {
    try {
      return InboundItem.saysStop(item);
    } catch (ClassCastException e) {
      return false;
    }
  }

  /**
   * How long a send's call to the Cloud API may last (the client's 5 s connect and 15 s answer
   * deadlines) with room for the clocks of the worker and this process to differ: a claim older
   * than this is an attempt that stopped mid-call, not a call under way.
   */
  static final Duration CALL_WINDOW = Duration.ofSeconds(30);

  /** How long a STOP's answer waits at most for the calls already under way to its number. */
  static final Duration STOP_FENCE = Duration.ofSeconds(5);

  private Duration stopFence = STOP_FENCE;

  /** Tests: a shorter wait for calls that never end. */
  void fence(Duration fence) {
    this.stopFence = fence;
  }

  /**
   * The STOP's fence. A send claims its message, then checks the suppressions, then calls Meta
   * (MessagingActivitiesImpl). A send that checked just before the suppression above was stored may
   * still be in its call; were the webhook answered now, Meta could accept that message after the
   * STOP was delivered. So the answer waits until no message of the number's leads is claimed by a
   * call under way (a send that claims after this look sees the suppression), at most {@link
   * #stopFence}: a call that outlasts it is logged, and the STOP is answered all the same (it is
   * stored and the number suppressed; only that one call was already out).
   */
  private void awaitSendsInFlight(String waId, Instant now) {
    List<String> leadIds = store.byWhatsAppId().allLeadIdsByWhatsAppId(waId);
    if (leadIds.isEmpty()) {
      return;
    }
    Instant since = now.minus(CALL_WINDOW);
    long deadline = System.nanoTime() + stopFence.toNanos();
    long inFlight;
    while ((inFlight = store.messages().sendsInFlight(leadIds, since)) > 0) {
      if (System.nanoTime() >= deadline) {
        LOG.warn(
            "STOP from {} answered with {} send(s) to it still in their call after {}",
            Phones.mask("+" + waId),
            inFlight,
            stopFence);
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
