package com.salesagent.api.suppressions;

import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ReadableText;

/** The reason given with a suppression, a lift or an upload, as checked and kept. */
final class SuppressionReasons {
  private SuppressionReasons() {}

  /** The suppression's detail: the reason as kept, else who suppressed it. */
  static String reason(String reason, Operator operator) {
    String r = kept(reason);
    return r == null ? "by " + operator.name() : r;
  }

  /**
   * A reason as kept (in the suppression and the audit log): at most 500 characters (never half an
   * emoji), or null.
   */
  static String kept(String reason) {
    String r = reason == null ? "" : reason.strip();
    r = ReadableText.cut(r, 500);
    return r.isEmpty() ? null : r;
  }

  static String stripped(String text) {
    return text == null ? null : text.strip();
  }
}
