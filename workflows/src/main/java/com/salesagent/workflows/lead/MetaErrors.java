package com.salesagent.workflows.lead;

import java.util.Set;

/** The WhatsApp Cloud API error codes the lifecycle acts on (statuses and send answers). */
public final class MetaErrors {
  /** Free text outside the 24 h customer-service window: send an approved template instead. */
  public static final int RE_ENGAGEMENT_REQUIRED = 131047;

  /** The message could not be delivered (not on WhatsApp, blocked...): final. */
  public static final int UNDELIVERABLE = 131026;

  /** Cloud API throughput reached for the number. */
  public static final int THROUGHPUT_LIMIT = 130429;

  /** Too many messages to the same user in a short time (at least 6 s between two). */
  public static final int PAIR_RATE_LIMIT = 131056;

  /** The user's per-business marketing message limit: try another day. */
  public static final int MARKETING_LIMIT = 131049;

  /** The user stopped marketing messages from the business: an opt-out. */
  public static final int MARKETING_STOPPED = 131050;

  public static final Set<Integer> RATE_LIMITS =
      Set.of(THROUGHPUT_LIMIT, PAIR_RATE_LIMIT, 4, 80007);

  /** Token expired (190), account locked (131031), payment (131042), certificate, policy block. */
  public static final Set<Integer> ACCOUNT = Set.of(190, 131031, 131042, 131045, 368);

  private MetaErrors() {}
}
