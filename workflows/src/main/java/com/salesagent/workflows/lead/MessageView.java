package com.salesagent.workflows.lead;

import java.time.Instant;

/** One outbound message as the workflow sees it. Status timestamps are set once, never undone. */
public record MessageView(
    int step,
    String wamid,
    String kind,
    String variantId,
    Instant sentAt,
    Instant deliveredAt,
    Instant readAt,
    Instant failedAt,
    Integer errorCode) {

  /** Kind of a message a person sent (free text): not part of the automated sequence. */
  public static final String OWNER_TEXT = "owner_text";

  public static boolean isOwners(String kind) {
    return kind != null && kind.startsWith("owner_");
  }

  /**
   * Applies a status callback. Each timestamp keeps the earliest value seen and "read" implies
   * "delivered", so duplicates and any arrival order give the same result.
   */
  public MessageView withStatus(String status, Instant at, Integer code) {
    return switch (status) {
      case "delivered" ->
          new MessageView(
              step,
              wamid,
              kind,
              variantId,
              sentAt,
              min(deliveredAt, at),
              readAt,
              failedAt,
              errorCode);
      case "read" ->
          new MessageView(
              step,
              wamid,
              kind,
              variantId,
              sentAt,
              min(deliveredAt, at),
              min(readAt, at),
              failedAt,
              errorCode);
      case "failed" ->
          failedAt != null
              ? this
              : new MessageView(
                  step, wamid, kind, variantId, sentAt, deliveredAt, readAt, at, code);
      default -> this;
    };
  }

  private static Instant min(Instant current, Instant candidate) {
    if (candidate == null) {
      return current;
    }
    return current == null || candidate.isBefore(current) ? candidate : current;
  }

  /** The furthest status reached: read > delivered > sent; failed wins only if never read. */
  public String status() {
    if (readAt != null) {
      return "read";
    }
    if (failedAt != null) {
      return "failed";
    }
    if (deliveredAt != null) {
      return "delivered";
    }
    return "sent";
  }
}
