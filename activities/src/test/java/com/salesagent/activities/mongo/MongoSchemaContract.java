package com.salesagent.activities.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.TimeSeriesGranularity;
import com.mongodb.client.model.TimeSeriesOptions;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.salesagent.temporal.StartupException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The schema's behaviour, written once and run against every MongoDB the system supports: the
 * embedded server always, a real replica set where Docker exists.
 */
abstract class MongoSchemaContract {
  abstract MongoDatabaseExtension mongo();

  /** The embedded server silently makes a regular collection; real servers a time-series one. */
  abstract boolean expectsTimeSeries();

  private MongoDatabase db() {
    return mongo().database();
  }

  @Test
  void ensureIsIdempotentAndCreatesEveryCollection() {
    MongoCapabilities first = MongoSchema.ensure(db());
    MongoCapabilities second = MongoSchema.ensure(db());

    assertThat(second).isEqualTo(first);
    assertThat(db().listCollectionNames().into(new ArrayList<>()))
        .contains(
            Collections.CONTACTS,
            Collections.RESEARCH_RESULTS,
            Collections.PROMPT_VARIANTS,
            Collections.AGENT_CONFIGURATIONS,
            Collections.WORKFLOW_DEFINITIONS,
            Collections.PERSONAS,
            Collections.FEEDBACK,
            Collections.MESSAGES,
            Collections.INTERACTION_HISTORY,
            Collections.WEBHOOK_EVENTS);
  }

  @Test
  void capabilitiesMatchTheServer() {
    MongoCapabilities capabilities = MongoSchema.ensure(db());

    assertThat(capabilities.timeSeries()).isEqualTo(expectsTimeSeries());
    assertThat(capabilities.changeStreams()).isTrue();
    assertThat(capabilities.vectorSearch()).as("plain servers have no search indexes").isFalse();
    assertThat(capabilities.serverVersion()).matches("\\d+\\.\\d+.*");
  }

  @Test
  void aConflictingIndexStopsStartUpAtOnceNamingIt() {
    // An operator's index of the same name, without the unique option the schema needs.
    db().getCollection(Collections.CONTACTS)
        .createIndex(Indexes.ascending("leadId"), new IndexOptions().name("leadId_1"));

    long start = System.nanoTime();
    assertThatThrownBy(() -> MongoSchema.ensure(db()))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("leadId_1")
        .hasMessageContaining(Collections.CONTACTS)
        .hasMessageContaining("dropIndex")
        .hasMessageNotContaining("\n");
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(5);
  }

  @Test
  void duplicatesUnderAUniqueIndexStopStartUpNamingItWithoutTheirValues() {
    MongoCollection<Document> personas = db().getCollection(Collections.PERSONAS);
    personas.insertOne(new Document("leadId", "L-dup-4711"));
    personas.insertOne(new Document("leadId", "L-dup-4711"));

    assertThatThrownBy(() -> MongoSchema.ensure(db()))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("leadId_1")
        .hasMessageContaining(Collections.PERSONAS)
        .hasMessageContaining("duplicates")
        .hasMessageNotContaining("L-dup-4711");
  }

  @Test
  void everyCollectionTheLiveFeedPollsHasAnIndexLedByItsStoreTime() {
    MongoSchema.ensure(db());

    // The live feed's polling (PollingSource.tail): find(field >= t).sort(field), per collection.
    for (String[] polled :
        new String[][] {
          {Collections.MESSAGES, "updatedAt"},
          {Collections.FEEDBACK, "storedAt"},
          {Collections.CONTACTS, "enrolledAt"},
          {Collections.WEBHOOK_EVENTS, "receivedAt"}
        }) {
      assertThat(db().getCollection(polled[0]).listIndexes().into(new ArrayList<>()))
          .as("an index on %s led by %s", polled[0], polled[1])
          .anyMatch(i -> i.get("key", Document.class).keySet().iterator().next().equals(polled[1]));
    }
  }

  /**
   * The queries read at every refresh of an operator's screen have an index of their few documents
   * (before, each scanned its collection: every message for the approvals card's unknown
   * deliveries, every webhook event for the dead letters' list and count).
   */
  @Test
  void theApprovalsUnknownDeliveriesAndTheDeadLettersAreIndexed() {
    MongoSchema.ensure(db());

    for (String[] read :
        new String[][] {
          {Collections.MESSAGES, "delivery.status"}, {Collections.WEBHOOK_EVENTS, "deadLetter"}
        }) {
      assertThat(db().getCollection(read[0]).listIndexes().into(new ArrayList<>()))
          .as("an index on %s led by %s", read[0], read[1])
          .anyMatch(i -> i.get("key", Document.class).keySet().iterator().next().equals(read[1]));
    }
  }

  /**
   * Dead letters stay processed=false: in (processed, receivedAt) the relay's poll and the backlog
   * gauges walked every dead letter older than the oldest live event, at each poll and each scrape.
   * A partial index of the unprocessed events, deadLetter before receivedAt, gives them the live
   * ones alone.
   */
  @Test
  void theBacklogOfUnprocessedEventsIsIndexedWithoutItsDeadLetters() {
    MongoSchema.ensure(db());

    assertThat(db().getCollection(Collections.WEBHOOK_EVENTS).listIndexes().into(new ArrayList<>()))
        .anySatisfy(
            i -> {
              assertThat(new ArrayList<>(i.get("key", Document.class).keySet()))
                  .containsExactly("processed", "deadLetter", "receivedAt");
              assertThat(i.get("partialFilterExpression", Document.class).toBsonDocument())
                  .isEqualTo(Filters.eq("processed", false).toBsonDocument());
            });
  }

  /**
   * On a real MongoDB (where Docker exists; the embedded server has no query plans) the plan of the
   * backlog's count and of its oldest event reads no dead letter among two hundred older ones.
   */
  @Test
  void theBacklogsPlanReadsNoDeadLetter() {
    assumeTrue(!mongo().isEmbedded(), "explain() needs a real MongoDB");
    MongoSchema.ensure(db());
    MongoCollection<Document> events = db().getCollection(Collections.WEBHOOK_EVENTS);
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      docs.add(
          new Document("eventKey", "dead:" + i)
              .append("processed", false)
              .append("deadLetter", true)
              .append("receivedAt", new Date(1_000L + i)));
    }
    docs.add(
        new Document("eventKey", "live:a")
            .append("processed", false)
            .append("receivedAt", new Date(500_000L)));
    docs.add(
        new Document("eventKey", "live:b")
            .append("processed", false)
            .append("deadLetter", false)
            .append("receivedAt", new Date(600_000L)));
    events.insertMany(docs);
    org.bson.conversions.Bson waiting =
        Filters.and(Filters.eq("processed", false), Collections.NOT_DEAD_LETTER);
    for (Document command :
        List.of(
            new Document("count", Collections.WEBHOOK_EVENTS)
                .append("query", waiting)
                .append("limit", 10_000),
            new Document("find", Collections.WEBHOOK_EVENTS)
                .append("filter", waiting)
                .append("sort", new Document("receivedAt", 1))
                .append("limit", 1))) {
      Document stats =
          db().runCommand(new Document("explain", command).append("verbosity", "executionStats"))
              .get("executionStats", Document.class);
      assertThat(stats.get("totalKeysExamined", Number.class).longValue())
          .as(command.toJson())
          .isLessThanOrEqualTo(4);
      assertThat(stats.get("totalDocsExamined", Number.class).longValue())
          .as(command.toJson())
          .isLessThanOrEqualTo(2);
    }
  }

  @Test
  void aLeadIdIsUnique() {
    MongoSchema.ensure(db());
    MongoCollection<Document> contacts = db().getCollection(Collections.CONTACTS);
    contacts.insertOne(new Document("leadId", "L-1"));

    assertThatThrownBy(() -> contacts.insertOne(new Document("leadId", "L-1")))
        .isInstanceOfSatisfying(
            MongoWriteException.class,
            e -> assertThat(e.getError().getCategory()).isEqualTo(ErrorCategory.DUPLICATE_KEY));
  }

  @Test
  void anIdempotencyKeyIsUniqueButMessagesWithoutWamidCoexist() {
    MongoSchema.ensure(db());
    MongoCollection<Document> messages = db().getCollection(Collections.MESSAGES);
    messages.insertOne(new Document("idempotencyKey", "k-1"));
    messages.insertOne(new Document("idempotencyKey", "k-2"));

    assertThatThrownBy(() -> messages.insertOne(new Document("idempotencyKey", "k-1")))
        .isInstanceOf(MongoWriteException.class);
    assertThat(messages.countDocuments()).isEqualTo(2);
  }

  @Test
  void aDocumentRoundTrips() {
    MongoSchema.ensure(db());
    Date at = Date.from(Instant.parse("2026-11-25T10:00:00Z"));
    Document contact =
        new Document("leadId", "L-2")
            .append("name", "Zoë Ñúñez")
            .append("consent", new Document("whatsappOptIn", true).append("at", at))
            .append("tags", List.of("smb", "retail"));
    db().getCollection(Collections.CONTACTS).insertOne(contact);

    Document back =
        db().getCollection(Collections.CONTACTS).find(Filters.eq("leadId", "L-2")).first();

    assertThat(back).isNotNull();
    assertThat(back.getString("name")).isEqualTo("Zoë Ñúñez");
    assertThat(back.get("consent", Document.class).getDate("at")).isEqualTo(at);
    assertThat(back.getList("tags", String.class)).containsExactly("smb", "retail");
  }

  @Test
  void interactionHistoryAcceptsEventsWithMetaAndTime() {
    MongoSchema.ensure(db());
    MongoCollection<Document> history = db().getCollection(Collections.INTERACTION_HISTORY);
    Date ts = Date.from(Instant.parse("2026-11-25T10:00:00Z"));
    history.insertOne(
        new Document("ts", ts)
            .append("meta", new Document("leadId", "L-3").append("campaignId", "c"))
            .append("type", "enrolled"));

    Document back = history.find(Filters.eq("meta.leadId", "L-3")).first();

    assertThat(back).isNotNull();
    assertThat(back.getString("type")).isEqualTo("enrolled");
    assertThat(back.getDate("ts")).isEqualTo(ts);
  }

  @Test
  void aChangeStreamSeesANewMessage() {
    MongoSchema.ensure(db());
    MongoCollection<Document> messages = db().getCollection(Collections.MESSAGES);
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor =
        messages.watch().maxAwaitTime(200, TimeUnit.MILLISECONDS).cursor()) {
      messages.insertOne(new Document("idempotencyKey", "k-watch").append("status", "sent"));

      ChangeStreamDocument<Document> change = null;
      for (int i = 0; i < 50 && change == null; i++) {
        change = cursor.tryNext();
      }
      assertThat(change).isNotNull();
      assertThat(change.getFullDocument()).containsEntry("idempotencyKey", "k-watch");
    }
  }

  @Test
  void aFinerTimeSeriesGranularityIsRaisedToHours() {
    assumeTrue(expectsTimeSeries(), "the embedded server has no time-series collections");
    // A deployment that started before the shape changed: granularity seconds.
    db().createCollection(
            Collections.INTERACTION_HISTORY,
            new CreateCollectionOptions()
                .timeSeriesOptions(
                    new TimeSeriesOptions("ts")
                        .metaField("meta")
                        .granularity(TimeSeriesGranularity.SECONDS)));

    MongoSchema.ensure(db());

    assertThat(timeSeriesOptions()).containsEntry("granularity", "hours");
  }

  @Test
  void aNewHistoryIsBucketedByLeadInHours() {
    assumeTrue(expectsTimeSeries(), "the embedded server has no time-series collections");
    MongoSchema.ensure(db());

    assertThat(timeSeriesOptions())
        .containsEntry("timeField", "ts")
        .containsEntry("metaField", "meta")
        .containsEntry("granularity", "hours");
  }

  private Document timeSeriesOptions() {
    Document info =
        db().listCollections()
            .filter(new Document("name", Collections.INTERACTION_HISTORY))
            .first();
    assertThat(info).isNotNull();
    return info.get("options", Document.class).get("timeseries", Document.class);
  }
}
