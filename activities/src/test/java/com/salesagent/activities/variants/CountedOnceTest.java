package com.salesagent.activities.variants;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Variant counters counted once per event in sharded documents, against the embedded MongoDB-wire
 * server: each inbox partition writes its own shard, readers sum the shards, a retry is counted
 * once, and what the version before shards left (documents, ledger entries, the unique index) goes
 * on counting once.
 */
class CountedOnceTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant AT = Instant.parse("2026-12-03T10:00:00Z");
  private static final LocalDate DAY = LocalDate.of(2026, 12, 3);

  private MongoDatabase db;
  private MongoCollection<Document> stats;
  private CountedOnce counted;
  private VariantStats variantStats;

  @BeforeEach
  void setUp() {
    db = MONGO.database();
    MongoSchema.ensure(db);
    stats = db.getCollection(VariantStats.COLLECTION);
    counted = new CountedOnce(db);
    variantStats = new VariantStats(db);
  }

  private static CountedOnce.Count delivered(String eventKey) {
    return new CountedOnce.Count(eventKey, "v-1", "smb", "delivered", AT);
  }

  private long deliveredInAll() {
    return variantStats.totals("smb").get("v-1").get("delivered");
  }

  @Test
  void eachPartitionCountsIntoItsOwnShardAndReadersSumThem() {
    counted.incrementAll(List.of(delivered("e-1"), delivered("e-2")), 1);
    counted.incrementAll(List.of(delivered("e-3")), 2);
    variantStats.increment("v-1", "smb", "sent", AT);

    assertThat(stats.countDocuments(Filters.eq("shard", 1))).isEqualTo(1);
    assertThat(stats.countDocuments(Filters.eq("shard", 2))).isEqualTo(1);
    assertThat(stats.countDocuments(Filters.exists("shard", false)))
        .as("the unguarded increments keep to the unsharded document")
        .isEqualTo(1);
    assertThat(deliveredInAll()).isEqualTo(3);
    assertThat(variantStats.stored(DAY, DAY))
        .containsEntry(
            new VariantStats.Key("v-1", "smb", "2026-12-03"),
            java.util.Map.of("delivered", 3L, "sent", 1L));
  }

  @Test
  void aRetriedEventIsCountedOnceWhateverItIsGroupedWith() {
    counted.incrementAll(List.of(delivered("e-1"), delivered("e-2")), 3);
    // The relay of e-1 comes with a new event, in the same partition.
    counted.incrementAll(List.of(delivered("e-1"), delivered("e-4")), 3);
    counted.incrementAll(List.of(delivered("e-1")), 3);

    assertThat(deliveredInAll()).isEqualTo(3);
    Document shard = stats.find(Filters.eq("shard", 3)).first();
    assertThat(shard.getList("batches", String.class)).hasSize(2);
  }

  @Test
  void aShardKeepsABoundedListOfItsBatches() {
    for (int i = 0; i < CountedOnce.KEEP + 20; i++) {
      counted.incrementAll(List.of(delivered("e-" + i)), 5);
    }
    Document shard = stats.find(Filters.eq("shard", 5)).first();
    assertThat(shard.getList("batches", String.class)).hasSize(CountedOnce.KEEP);
    assertThat(deliveredInAll()).isEqualTo(CountedOnce.KEEP + 20);
  }

  /**
   * A ledger entry written before shards: its batch is looked for (and applied once) in the
   * document of then, never in a shard.
   */
  @Test
  void anEventCountedBeforeShardsIsNotCountedAgainWhenItIsRelayed() {
    db.getCollection(CountedOnce.LEDGER)
        .insertMany(List.of(legacyEntry("e-old", "b-applied"), legacyEntry("e-half", "b-missing")));
    stats.insertOne(
        new Document("variantId", "v-1")
            .append("segment", "smb")
            .append("day", "2026-12-03")
            .append("delivered", 1L)
            .append("batches", new ArrayList<>(List.of("b-applied"))));

    counted.incrementAll(List.of(delivered("e-old"), delivered("e-new")), 4);
    counted.incrementAll(List.of(delivered("e-half")), 4);

    // e-old was in the old document already; e-half's batch had not reached it: now it has, once.
    assertThat(deliveredInAll()).isEqualTo(3);
    Document old = stats.find(Filters.exists("shard", false)).first();
    assertThat(old.getLong("delivered")).isEqualTo(2);
    assertThat(stats.find(Filters.eq("shard", 4)).first().getLong("delivered")).isEqualTo(1);
    counted.incrementAll(List.of(delivered("e-half")), 4);
    assertThat(deliveredInAll()).isEqualTo(3);
  }

  private static Document legacyEntry(String eventKey, String batch) {
    return new Document("_id", eventKey)
        .append("batch", batch)
        .append("variantId", "v-1")
        .append("segment", "smb")
        .append("day", "2026-12-03")
        .append("counter", "delivered")
        .append("at", new Date());
  }

  @Test
  void theSchemaReplacesTheUniqueKeyOfBeforeShardsAndKeepsItsDocuments() {
    // The collection as the version before shards made it.
    stats.drop();
    MongoDatabase fresh = db;
    MongoCollection<Document> old = fresh.getCollection(VariantStats.COLLECTION);
    old.createIndex(
        Indexes.ascending("variantId", "segment", "day"), new IndexOptions().unique(true));
    old.insertOne(
        new Document("variantId", "v-1")
            .append("segment", "smb")
            .append("day", "2026-12-03")
            .append("delivered", 2L));

    MongoSchema.ensure(fresh);
    MongoSchema.ensure(fresh); // a second process starting: nothing left to drop

    List<String> names = new ArrayList<>();
    old.listIndexes().forEach(i -> names.add(i.getString("name")));
    assertThat(names)
        .contains("variantId_1_segment_1_day_1_shard_1")
        .doesNotContain("variantId_1_segment_1_day_1");
    new CountedOnce(fresh).incrementAll(List.of(delivered("e-1")), 1);
    assertThat(new VariantStats(fresh).totals("smb").get("v-1")).containsEntry("delivered", 3L);
  }
}
