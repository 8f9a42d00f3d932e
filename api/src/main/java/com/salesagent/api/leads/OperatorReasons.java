package com.salesagent.api.leads;

import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;

/** An operator's reason given with a request (a stop, an erasure), checked and kept as one line. */
final class OperatorReasons {
  private OperatorReasons() {}

  /**
   * An operator's reason given as {@code ?reason=} (a stop, an erasure), as the timeline and the
   * audit log keep it, else {@code fallback}: at most {@link LeadOutcomes#MAX_REASON} characters of
   * one readable line, or 400 naming {@code reason}. It was cut to 200 characters without a word,
   * and a reason of control characters alone was stored as none.
   */
  static String operatorReason(String reason, String fallback) {
    if (reason == null || reason.isBlank()) {
      return fallback;
    }
    java.util.List<FieldError> errors = new java.util.ArrayList<>();
    if (ReadableText.length(reason) > LeadOutcomes.MAX_REASON) {
      errors.add(new FieldError("reason", "at most " + LeadOutcomes.MAX_REASON + " characters"));
    } else {
      com.salesagent.api.http.ReadableText.checkLine(errors, "reason", reason.strip());
    }
    String line = errors.isEmpty() ? LeadValidator.line(reason) : null;
    if (errors.isEmpty() && line == null) {
      errors.add(new FieldError("reason", "has no letters or digits"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(400, "bad reason", errors);
    }
    return line;
  }
}
