package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.erasure.LeadErasureActivitiesImpl;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.activities.variants.WordingRecount;
import com.salesagent.activities.variants.WordingStats;
import com.salesagent.workflows.erasure.ErasureRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Found in session 45 (the numbers walk): an operator's new segment took in-flight leads at their
 * next send (LeadSegments.rematch). The live counters had counted each lead's assignment, first
 * message, receipts and replies in the segment it was in then; the recount put every event of the
 * lead in its segment now, so the counter check disagreed on every moved lead (the old segment a
 * lead short per counter, the new one a lead too many) and a rebuild would have moved the old
 * segment's counts, and its per-wording rows, into the new one.
 */
class SegmentMoveRecountTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private MongoDatabase db;
  private LeadStore store;
  private VariantStats stats;
  private WordingStats wordings;
  private Instant before;
  private Instant after;

  @BeforeEach
  void setUp() {
    db = MONGO.database();
    MongoSchema.ensure(db);
    store = new LeadStore(db);
    stats = new VariantStats(db);
    wordings = new WordingStats(db);
    db.getCollection(Collections.PROMPT_VARIANTS)
        .insertOne(new Document("variantId", "v1").append("enabled", true).append("revision", 0));
    store.insertContact(
        new Document("leadId", "L-moved")
            .append("name", "Ana Souza")
            .append("phone", "+5511998765410")
            .append("segment", "smb")
            .append("variantId", "v1")
            .append("variantRevision", 0));
    before = Instant.now().minusSeconds(60);
    counted("assigned", "assigned", "smb", before);
    counted("message_sent", "sent", "smb", before.plusSeconds(1));
    counted("delivered", "delivered", "smb", before.plusSeconds(2));
    // The operator's new segment takes the lead at its next send.
    new LeadSegments(store).moveTo("L-moved", "smb", "retail-heads");
    after = Instant.now().plusSeconds(1);
    counted("message_sent", "sent", "retail-heads", after);
    counted("replied", "replied", "retail-heads", after.plusSeconds(1));
  }

  /** What the activities and the webhook inbox do: one history event, its counts. */
  private void counted(String type, String counter, String segment, Instant at) {
    store.interactions().recordInteraction("L-moved", "c1", "v1", type, null, null, at);
    stats.increment("v1", segment, counter, at);
    wordings.add("v1", 0, segment, counter, 1);
  }

  private LocalDate day(Instant at) {
    return at.atOffset(ZoneOffset.UTC).toLocalDate();
  }

  @Test
  void theRecountCountsAMovedLeadsEventsInTheSegmentTheyWereCountedIn() {
    LocalDate from = day(before);
    LocalDate to = day(after.plusSeconds(1));
    assertThat(stats.recompute(from, to)).isEqualTo(stats.stored(from, to));
    assertThat(new WordingRecount(db).check()).isEmpty();
  }

  @Test
  void anErasedMovedLeadsKeptCountsStayInTheirSegments() {
    store.erasures().markErasing("L-moved", Instant.now());
    LeadErasureActivitiesImpl erasure =
        new LeadErasureActivitiesImpl(
            store, new ObjectStorage(null, null, "media", "us-east-1"), null, Clock.systemUTC());
    ErasureRequest request = new ErasureRequest("L-moved", "ops", "asked", false, 0);
    erasure.erase(request, false);
    erasure.erase(request, true);

    assertThat(store.interactions().timeline("L-moved")).isEmpty();
    LocalDate from = day(before);
    LocalDate to = day(after.plusSeconds(1));
    assertThat(stats.recompute(from, to)).isEqualTo(stats.stored(from, to));
    assertThat(new WordingRecount(db).check()).isEmpty();
  }
}
