package com.salesagent.activities.whatsapp;

import java.util.Set;

/**
 * A send the Cloud API did not accept, classified by what it proves about the message: only {@link
 * Kind#NOT_SENT} and Meta's own error answers prove nothing went out; {@link Kind#AMBIGUOUS} may
 * have been delivered and must never be resent blindly.
 */
public class WhatsAppApiException extends RuntimeException {
  /** What the failure proves. */
  public enum Kind {
    /** The request never reached Meta (DNS, connection refused, TLS handshake): safe to resend. */
    NOT_SENT,
    /**
     * The request may have reached Meta: a timeout after it was written, a reset connection, an
     * answer without a wamid, a gateway error without Meta's error body. Reconcile, never resend.
     */
    AMBIGUOUS,
    /** Meta refused it for now (throttling, temporary errors): nothing was sent; try later. */
    RETRYABLE,
    /** Meta refused it because of the business account (token, lock, payment): pause the number. */
    ACCOUNT,
    /** Meta refused this message for good (bad number, template, parameter, opted out...). */
    PERMANENT
  }

  /** Throttling: 4, 80007 (app/account), 130429 (throughput), 131056 (pair rate). */
  public static final Set<Integer> RATE_LIMIT_CODES = Set.of(4, 80007, 130429, 131056);

  /** Temporary: 1, 2 (API), 131000 (something went wrong), 131016 (service unavailable). */
  public static final Set<Integer> TEMPORARY_CODES = Set.of(1, 2, 131000, 131016);

  /**
   * The business account, not the lead: 190 access token expired or invalid, 131031 account locked,
   * 131042 payment problem, 131045 certificate, 368 temporarily blocked for policy.
   */
  public static final Set<Integer> ACCOUNT_CODES = Set.of(190, 131031, 131042, 131045, 368);

  private final int httpStatus;
  private final int code;
  private final Kind kind;
  private final Integer subcode;
  private final String details;
  private final String fbtraceId;

  public WhatsAppApiException(
      String message,
      int httpStatus,
      int code,
      Kind kind,
      Integer subcode,
      String details,
      String fbtraceId) {
    super(message);
    this.httpStatus = httpStatus;
    this.code = code;
    this.kind = kind;
    this.subcode = subcode;
    this.details = details;
    this.fbtraceId = fbtraceId;
  }

  public WhatsAppApiException(String message, int httpStatus, int code, Kind kind) {
    this(message, httpStatus, code, kind, null, null, null);
  }

  /** The kind of an error answer of Meta's with this code. */
  public static Kind kindOf(int code) {
    if (RATE_LIMIT_CODES.contains(code) || TEMPORARY_CODES.contains(code)) {
      return Kind.RETRYABLE;
    }
    return ACCOUNT_CODES.contains(code) ? Kind.ACCOUNT : Kind.PERMANENT;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public int code() {
    return code;
  }

  public Kind kind() {
    return kind;
  }

  /** Whether sending the same message again is safe and may succeed. */
  public boolean retryable() {
    return kind == Kind.NOT_SENT || kind == Kind.RETRYABLE;
  }

  public Integer subcode() {
    return subcode;
  }

  /** Meta's {@code error_data.details}: the specific reason (which parameter, which limit). */
  public String details() {
    return details;
  }

  /** Meta's trace id for a support ticket. */
  public String fbtraceId() {
    return fbtraceId;
  }
}
