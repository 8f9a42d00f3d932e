package com.salesagent.activities.whatsapp;

/**
 * An error answer of the Cloud API ({"error": {"code", "message", ...}}) or a transport failure.
 * {@code retryable}: throttling, server errors and connection problems; everything else is final.
 */
public class WhatsAppApiException extends RuntimeException {
  private final int httpStatus;
  private final int code;
  private final boolean retryable;

  public WhatsAppApiException(String message, int httpStatus, int code, boolean retryable) {
    super(message);
    this.httpStatus = httpStatus;
    this.code = code;
    this.retryable = retryable;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public int code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }
}
