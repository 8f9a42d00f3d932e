package com.salesagent.api.senders;

import com.fasterxml.jackson.databind.JsonNode;
import com.salesagent.activities.lead.WaitingLeads;
import com.salesagent.activities.mongo.Senders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The business numbers this deployment serves, for the webhook: the configured one and every number
 * of the {@code senders} pool (re-read at most every few seconds, so a number added through the API
 * or by another process is served without a restart). It also applies Meta's number-level
 * notifications to the pool:
 *
 * <ul>
 *   <li>{@code phone_number_quality_update} ({@code value.display_phone_number}, {@code
 *       value.event}, {@code value.current_limit}; see Meta's webhook reference,
 *       developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/phone_number_quality_update):
 *       FLAGGED (quality dropped to low) and DOWNGRADE (messaging limit lowered) pause the number;
 *       UNFLAGGED and UPGRADE resume a quality pause; THROUGHPUT_UPGRADE (or current_limit
 *       TIER_UNLIMITED) raises its tier to 1,000 messages/s. The notification names the display
 *       number, so the pool learns each number's display number from the metadata of its message
 *       webhooks.
 *   <li>{@code account_update} (WhatsApp Business Account level: {@code entry.id} is the account,
 *       {@code value.event}, {@code value.phone_number} for some events): DISABLED_UPDATE with a
 *       ban, ACCOUNT_RESTRICTION, ACCOUNT_VIOLATION, ACCOUNT_OFFBOARDED and ACCOUNT_DELETED pause
 *       the account's numbers (the named one, or all when none is named); ACCOUNT_RECONNECTED and a
 *       REINSTATE ban state resume them.
 * </ul>
 *
 * A number these notifications make usable again (a pause they ended: a redelivery or a number
 * still paused for another cause is not) is handed to {@code usableAgain}, which wakes the leads
 * waiting for it as an operator's resume does ({@link WaitingLeads#inBackground}: off the webhook's
 * thread, so Meta's POST is answered without waiting for the signals).
 */
public final class SenderDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(SenderDirectory.class);
  private static final Duration REFRESH = Duration.ofSeconds(5);
  private static final Pattern DIGITS = Pattern.compile("[0-9]{5,20}");
  private static final Pattern WORD = Pattern.compile("[A-Z_]{1,64}");

  private static final Set<String> QUALITY_DROP = Set.of("FLAGGED", "DOWNGRADE");
  private static final Set<String> QUALITY_BACK = Set.of("UNFLAGGED", "UPGRADE");
  private static final Set<String> ACCOUNT_STOP =
      Set.of("ACCOUNT_RESTRICTION", "ACCOUNT_VIOLATION", "ACCOUNT_OFFBOARDED", "ACCOUNT_DELETED");
  private static final Set<String> ACCOUNT_BACK = Set.of("ACCOUNT_RECONNECTED");

  private final Senders senders;
  private final String primaryId;
  private final Clock clock;
  private final Consumer<String> usableAgain;
  private final Set<String> knownDisplay = ConcurrentHashMap.newKeySet();
  private volatile Set<String> served = Set.of();
  private volatile Instant readAt = Instant.EPOCH;

  public SenderDirectory(Senders senders, String primaryId, Clock clock) {
    this(senders, primaryId, clock, id -> {});
  }

  /** {@code usableAgain}: told each phone-number id a notification made usable again. */
  public SenderDirectory(
      Senders senders, String primaryId, Clock clock, Consumer<String> usableAgain) {
    this.senders = senders;
    this.primaryId = primaryId;
    this.clock = clock;
    this.usableAgain = usableAgain;
  }

  public String primaryId() {
    return primaryId;
  }

  /** Whether webhooks of this phone-number id are ours. */
  public boolean serves(String phoneNumberId) {
    if (phoneNumberId.equals(primaryId)) {
      return true;
    }
    Instant now = clock.instant();
    if (now.isAfter(readAt.plus(REFRESH)) || !served.contains(phoneNumberId)) {
      refresh(now);
    }
    return served.contains(phoneNumberId);
  }

  private synchronized void refresh(Instant now) {
    if (!now.isAfter(readAt.plus(Duration.ofMillis(200)))) {
      return; // another thread just read it
    }
    Set<String> ids = new HashSet<>();
    senders.all().forEach(d -> ids.add(String.valueOf(d.get("_id"))));
    served = Set.copyOf(ids);
    readAt = now;
  }

  /** The display number of a served number, from a message webhook's metadata. */
  public void learn(String phoneNumberId, String displayNumber) {
    if (displayNumber == null
        || !DIGITS.matcher(displayNumber).matches()
        || !knownDisplay.add(phoneNumberId + "=" + displayNumber)) {
      return;
    }
    senders.learnDisplayNumber(phoneNumberId, displayNumber);
  }

  /**
   * Applies one change of a notification when it is a number-level one; false when the change is of
   * another field (messages: the inbox's).
   */
  public boolean apply(String wabaId, JsonNode change) {
    String field = change.path("field").asText("");
    JsonNode value = change.path("value");
    Instant now = clock.instant();
    if ("phone_number_quality_update".equals(field)) {
      quality(value, now);
      return true;
    }
    if ("account_update".equals(field)) {
      account(value, now);
      return true;
    }
    return false;
  }

  private void quality(JsonNode value, Instant now) {
    String display = value.path("display_phone_number").asText("");
    String event = value.path("event").asText("");
    if (!DIGITS.matcher(display).matches() || !WORD.matcher(event).matches()) {
      LOG.warn("phone_number_quality_update without a display number or event: ignored");
      return;
    }
    List<String> ids = senders.idsByDisplayNumber(display);
    if (ids.isEmpty()) {
      LOG.warn("phone_number_quality_update {} for a display number we do not know yet", event);
      return;
    }
    String limit = value.path("current_limit").asText("");
    for (String id : ids) {
      if (QUALITY_DROP.contains(event)) {
        senders.pauseForQuality(
            id, "RED", "phone_number_quality_update " + event + limitNote(limit), now);
        LOG.warn("number {} paused: Meta reports its quality dropped ({})", id, event);
      } else if (QUALITY_BACK.contains(event)) {
        if (senders.qualityRecovered(id, "GREEN", now)) {
          LOG.info("number {}: quality recovered ({}); sends resume", id, event);
          usableAgain.accept(id);
        }
      }
      if ("THROUGHPUT_UPGRADE".equals(event) || "TIER_UNLIMITED".equals(limit)) {
        senders.setTier(id, Senders.HIGH_TIER);
        LOG.info("number {}: throughput upgraded to {} messages/s", id, Senders.HIGH_TIER);
      }
    }
  }

  private void account(JsonNode value, Instant now) {
    String event = value.path("event").asText("");
    if (!WORD.matcher(event).matches()) {
      return;
    }
    String banState = value.path("ban_info").path("waba_ban_state").asText("");
    boolean stop =
        ACCOUNT_STOP.contains(event)
            || ("DISABLED_UPDATE".equals(event)
                && !banState.toUpperCase(Locale.ROOT).contains("REINSTATE"));
    boolean back =
        ACCOUNT_BACK.contains(event)
            || ("DISABLED_UPDATE".equals(event)
                && banState.toUpperCase(Locale.ROOT).contains("REINSTATE"));
    if (!stop && !back) {
      return;
    }
    String named = value.path("phone_number").asText("");
    List<String> ids =
        DIGITS.matcher(named).matches()
            ? senders.idsByDisplayNumber(named)
            : senders.sending().stream().map(d -> String.valueOf(d.get("_id"))).toList();
    for (String id : ids) {
      if (stop) {
        senders.pause(id, 0, "account_update " + event, now);
        LOG.warn("number {} paused: account_update {}", id, event);
      } else if (senders.resume(id, now)) {
        LOG.info("number {} resumed: account_update {}", id, event);
        usableAgain.accept(id);
      }
    }
  }

  private static String limitNote(String limit) {
    return limit.isEmpty() || !WORD.matcher(limit).matches() ? "" : " (limit " + limit + ")";
  }
}
