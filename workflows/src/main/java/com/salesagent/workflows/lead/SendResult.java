package com.salesagent.workflows.lead;

import java.time.Instant;

/**
 * What a send did, as the lead sees it. {@code outcome}:
 *
 * <ul>
 *   <li>{@link #SENT} / {@link #REPLAYED}: the Cloud API accepted it ({@code wamid}, {@code
 *       acceptedAt}); replayed when a retry found it recorded;
 *   <li>{@link #DO_NOT_CONTACT}: nothing was sent: the number is suppressed;
 *   <li>{@link #UNKNOWN}: the request may have reached Meta (a timeout or reset after it was
 *       written, or an attempt that died mid-call): never resent blindly, reconciled instead;
 *   <li>{@link #RATE_LIMITED}: Meta throttled it ({@code errorCode} 130429, 131056, 4, 80007);
 *       nothing was sent: the workflow backs off durably;
 *   <li>{@link #ACCOUNT_PAUSED}: sending is paused for the business number (token expired, account
 *       locked, payment; {@code errorCode}): the lead waits, it has done nothing wrong;
 *   <li>{@link #RETRY_LATER}: Meta's per-user marketing limit (131049): try this lead another day;
 *   <li>{@link #SENDER_BUSY}: nothing was sent: the lead's business number has no free send slot
 *       soon (its throughput tier, or the 6 s spacing to one recipient); try again after {@code
 *       retryAfterMillis}. Not a failure: it consumes no retry;
 *   <li>{@link #REJECTED}: refused for good ({@code errorCode}, {@code detail}); 131047 asks for a
 *       template instead.
 * </ul>
 *
 * Histories recorded before {@code outcome} existed carry only the first four fields: {@link
 * #outcomeOrLegacy()} reads them; those before the sender pool have no {@code retryAfterMillis}
 * (null).
 */
public record SendResult(
    String wamid,
    Instant acceptedAt,
    boolean doNotContact,
    boolean replayed,
    String outcome,
    Integer errorCode,
    String detail,
    Long retryAfterMillis) {
  public static final String SENT = "sent";
  public static final String REPLAYED = "replayed";
  public static final String DO_NOT_CONTACT = "do_not_contact";
  public static final String UNKNOWN = "unknown";
  public static final String RATE_LIMITED = "rate_limited";
  public static final String ACCOUNT_PAUSED = "account_paused";
  public static final String RETRY_LATER = "retry_later";
  public static final String REJECTED = "rejected";
  public static final String SENDER_BUSY = "sender_busy";

  /**
   * The {@code detail} of an {@link #UNKNOWN} that no attempt can resend safely (a claim a dead
   * attempt of a worker from before resends named their activity left, which only that attempt
   * could hold again): an operator decides it (assume sent, or stop), whatever the resend policy.
   */
  public static final String NEEDS_OPERATOR = "needs_operator";

  public SendResult(String wamid, Instant acceptedAt, boolean doNotContact, boolean replayed) {
    this(wamid, acceptedAt, doNotContact, replayed, null, null, null, null);
  }

  public SendResult(
      String wamid,
      Instant acceptedAt,
      boolean doNotContact,
      boolean replayed,
      String outcome,
      Integer errorCode,
      String detail) {
    this(wamid, acceptedAt, doNotContact, replayed, outcome, errorCode, detail, null);
  }

  /** No free send slot on the lead's number within the activity's wait: try after {@code wait}. */
  public static SendResult senderBusy(java.time.Duration wait, String detail) {
    return new SendResult(
        null, null, false, false, SENDER_BUSY, null, detail, Math.max(1L, wait.toMillis()));
  }

  public static SendResult sent(String wamid, Instant at, boolean replayed) {
    return new SendResult(wamid, at, false, replayed, replayed ? REPLAYED : SENT, null, null);
  }

  public static SendResult notSent(String outcome, Integer code, String detail) {
    return new SendResult(null, null, DO_NOT_CONTACT.equals(outcome), false, outcome, code, detail);
  }

  public String outcomeOrLegacy() {
    if (outcome != null) {
      return outcome;
    }
    return doNotContact ? DO_NOT_CONTACT : replayed ? REPLAYED : SENT;
  }

  public boolean accepted() {
    String o = outcomeOrLegacy();
    return SENT.equals(o) || REPLAYED.equals(o);
  }
}
