package com.salesagent.workflows.variants;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** What the variant workflows read and write in MongoDB. */
@ActivityInterface
public interface VariantActivities {
  /** Up to {@code limit} ids of leads still running on the variant, after {@code afterLeadId}. */
  List<String> inFlightLeads(String variantId, String afterLeadId, int limit);

  /** The audit record of a finished kill-switch. */
  void recordKillSwitch(String variantId, String operator, int signalled, int ended);

  /** One arm-guard check over every segment; returns how many arms it took out. */
  int checkArms();
}
