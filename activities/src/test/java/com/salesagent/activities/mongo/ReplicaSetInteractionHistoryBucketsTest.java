package com.salesagent.activities.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoDatabase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * How interaction_history buckets on a real MongoDB 7: with the meta field the lead alone and
 * granularity hours, a lead's events days apart share a bucket, so buckets grow with leads, not
 * with events. Extra coverage where Docker exists; the shape itself is tested everywhere
 * (LeadStoreContract).
 */
@Testcontainers(disabledWithoutDocker = true)
class ReplicaSetInteractionHistoryBucketsTest {
  @RegisterExtension
  static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.replicaSet("mongo:7.0");

  @Test
  void bucketsGrowWithLeadsNotWithEvents() {
    MongoDatabase db = MONGO.database();
    MongoSchema.ensure(db);
    LeadStore store = new LeadStore(db);
    int leads = 50;
    int events = 10;
    Instant start = Instant.parse("2026-10-01T09:00:00Z");
    String[] types = {"assigned", "message_sent", "delivered", "read", "approved"};
    for (int e = 0; e < events; e++) {
      // Two days apart: ten events span eighteen days, within one hours-granularity bucket.
      Instant at = start.plus(Duration.ofDays(2L * e)).plus(Duration.ofMinutes(e * 7L));
      for (int l = 0; l < leads; l++) {
        String type = types[(l + e) % types.length];
        boolean approval = "approved".equals(type);
        store
            .interactions()
            .recordInteraction(
                "L-" + l,
                approval ? null : "c-" + (l % 3),
                approval ? null : "v-" + (l % 2),
                type,
                null,
                null,
                at.plusSeconds(l));
      }
    }

    long buckets =
        db.getCollection("system.buckets." + Collections.INTERACTION_HISTORY).countDocuments();

    assertThat(db.getCollection(Collections.INTERACTION_HISTORY).countDocuments())
        .isEqualTo((long) leads * events);
    // Per-event meta and granularity seconds gave ~ one bucket per event (500 here).
    assertThat(buckets)
        .as("buckets for %d leads x %d events", leads, events)
        .isBetween((long) leads, (long) (leads * 1.5));
  }
}
