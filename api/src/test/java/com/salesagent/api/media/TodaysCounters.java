package com.salesagent.api.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.variants.VariantStats;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/** A variant's counters of today, checked against their recomputation from the history. */
final class TodaysCounters {
  private TodaysCounters() {}

  static Map<String, Long> of(MongoDatabase db, String variantId) {
    VariantStats stats = new VariantStats(db);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Map<VariantStats.Key, Map<String, Long>> counters = stats.stored(today, today);
    assertThat(stats.recompute(today, today))
        .as("the counters agree with the history")
        .isEqualTo(counters);
    return counters.entrySet().stream()
        .filter(e -> e.getKey().variantId().equals(variantId))
        .findFirst()
        .orElseThrow()
        .getValue();
  }
}
