package com.salesagent.api.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A query that pins a uniquely indexed key and says more (a conditional update: {@code _id} and a
 * slot time, an idempotency key and a status) is answered from the index, with exactly the
 * documents the whole query matches: through the wire, with the driver's own renderings ({@code
 * $and} included), for finds, conditional updates, upserts that collide and findOneAndUpdate.
 */
class EmbeddedMongoIndexTest {
  private EmbeddedMongoServer server;
  private MongoClient client;
  private MongoCollection<Document> slots;

  @BeforeEach
  void start() {
    server = new EmbeddedMongoServer(0, false);
    server.start();
    client = MongoClients.create(server.connectionString());
    slots = client.getDatabase("t").getCollection("slots");
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      docs.add(new Document("_id", "k" + i).append("tat", (long) i).append("key", "key-" + i));
    }
    slots.insertMany(docs);
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop();
  }

  @Test
  void aQueryPinningTheIdAndSayingMoreIsAnsweredFromTheIndexWithTheSameDocuments() {
    long before = server.narrowedQueries();
    // Matches: the pinned document satisfies the rest.
    Document found =
        slots.find(Filters.and(Filters.eq("_id", "k7"), Filters.gte("tat", 5L))).first();
    assertThat(found.getString("key")).isEqualTo("key-7");
    // The pinned document does not satisfy the rest: nothing, not another document.
    assertThat(slots.find(Filters.and(Filters.eq("_id", "k7"), Filters.gte("tat", 8L))).first())
        .isNull();
    // A pinned key that does not exist.
    assertThat(slots.find(Filters.and(Filters.eq("_id", "nope"), Filters.gte("tat", 0L))).first())
        .isNull();
    assertThat(server.narrowedQueries() - before).isEqualTo(3);

    // What the index already serves, and what pins nothing unique, go the backend's way.
    long served = server.narrowedQueries();
    assertThat(slots.find(Filters.eq("_id", "k3")).first()).isNotNull();
    assertThat(slots.countDocuments(Filters.gte("tat", 190L))).isEqualTo(10);
    assertThat(server.narrowedQueries()).isEqualTo(served);

    // A count by exactly an index's key is an aggregate: answered from the index (it scanned).
    assertThat(slots.countDocuments(Filters.eq("_id", "k3"))).isEqualTo(1);
    assertThat(slots.countDocuments(Filters.eq("_id", "nope"))).isZero();
    assertThat(slots.countDocuments(Filters.in("_id", "k3", "k4", "nope"))).isEqualTo(2);
    assertThat(server.narrowedQueries() - served).isEqualTo(3);
  }

  /**
   * A key pinned to a list ({@code $in}: every status batch's find of its messages and contacts) is
   * answered from the index too: the union of the values' documents, in the scan's order, the rest
   * of the query matched on them.
   */
  @Test
  void aKeyPinnedToAListIsAnsweredFromTheIndex() {
    // {_id: {$in}} alone: the backend's own index answers it (in the list's order).
    List<String> ids = new ArrayList<>();
    slots
        .find(Filters.in("_id", "k150", "k3", "nope", "k42", "k3"))
        .forEach(d -> ids.add(d.getString("_id")));
    assertThat(ids).containsExactlyInAnyOrder("k3", "k42", "k150");
    ids.clear();
    // Saying more than the list: the backend scanned; now narrowed, in the scan's order.
    long before = server.narrowedQueries();
    slots
        .find(Filters.and(Filters.in("_id", "k150", "k3", "k42"), Filters.gte("tat", 40L)))
        .forEach(d -> ids.add(d.getString("_id")));
    assertThat(ids).containsExactly("k42", "k150");
    assertThat(
            slots.countDocuments(
                Filters.and(Filters.in("_id", "k1", "k2", "k999"), Filters.exists("key"))))
        .isEqualTo(2);
    assertThat(server.narrowedQueries() - before).isEqualTo(2);

    // Not plain values (null), more than $in, an empty list: the same answers.
    assertThat(slots.countDocuments(Filters.in("_id", "k1", null))).isEqualTo(1);
    assertThat(
            slots.countDocuments(
                new Document("_id", new Document("$in", List.of("k1", "k2")).append("$ne", "k1"))))
        .isEqualTo(1);
    assertThat(slots.countDocuments(Filters.in("_id", List.of()))).isZero();
  }

  @Test
  void conditionalWritesKeepTheirMeaning() {
    long before = server.narrowedQueries();
    // The throttle's busy path: take the slot only within the window, moving it on.
    Document taken =
        slots.findOneAndUpdate(
            Filters.and(Filters.eq("_id", "k50"), Filters.gte("tat", 40L), Filters.lte("tat", 60L)),
            Updates.inc("tat", 10L),
            new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE));
    assertThat(taken.getLong("tat")).isEqualTo(50L);
    assertThat(slots.find(Filters.eq("_id", "k50")).first().getLong("tat")).isEqualTo(60L);
    assertThat(
            slots.findOneAndUpdate(
                Filters.and(
                    Filters.eq("_id", "k50"), Filters.gte("tat", 40L), Filters.lte("tat", 55L)),
                Updates.inc("tat", 10L)))
        .isNull();
    // The idle path: an upsert conditional on an old slot updates it ...
    slots.updateOne(
        Filters.and(Filters.eq("_id", "k10"), Filters.lt("tat", 20L)),
        Updates.set("tat", 30L),
        new UpdateOptions().upsert(true));
    assertThat(slots.find(Filters.eq("_id", "k10")).first().getLong("tat")).isEqualTo(30L);
    // ... creates a new key ...
    slots.updateOne(
        Filters.and(Filters.eq("_id", "new"), Filters.lt("tat", 20L)),
        Updates.set("tat", 30L),
        new UpdateOptions().upsert(true));
    assertThat(slots.find(Filters.eq("_id", "new")).first().getLong("tat")).isEqualTo(30L);
    // ... and collides with a busy one (the throttle relies on the duplicate key).
    assertThatThrownBy(
            () ->
                slots.updateOne(
                    Filters.and(Filters.eq("_id", "k10"), Filters.lt("tat", 20L)),
                    Updates.set("tat", 99L),
                    new UpdateOptions().upsert(true)))
        .isInstanceOf(MongoWriteException.class)
        .satisfies(
            e ->
                assertThat(((MongoWriteException) e).getError().getCategory())
                    .isEqualTo(ErrorCategory.DUPLICATE_KEY));
    assertThat(slots.find(Filters.eq("_id", "k10")).first().getLong("tat")).isEqualTo(30L);
    assertThat(server.narrowedQueries() - before).isEqualTo(5);
  }

  @Test
  void aUniqueSecondaryKeyPinsToo() {
    slots.createIndex(Indexes.ascending("key"), new IndexOptions().unique(true));
    long before = server.narrowedQueries();
    long modified =
        slots
            .updateOne(
                Filters.and(Filters.eq("key", "key-9"), Filters.exists("claim", false)),
                Updates.set("claim", "a"))
            .getModifiedCount();
    assertThat(modified).isEqualTo(1);
    // Claimed once: the second claim matches nothing.
    assertThat(
            slots
                .updateOne(
                    Filters.and(Filters.eq("key", "key-9"), Filters.exists("claim", false)),
                    Updates.set("claim", "b"))
                .getModifiedCount())
        .isZero();
    assertThat(slots.find(Filters.eq("_id", "k9")).first().getString("claim")).isEqualTo("a");
    assertThat(server.narrowedQueries() - before).isEqualTo(2);
  }

  /**
   * A secondary (non-unique) index answers exactly what a scan answers, in the same order: the same
   * random documents (values of several types, arrays, sub-documents, missing keys) in an indexed
   * and an unindexed collection, the same random finds, updates that move documents between values,
   * deletions, and again the same finds.
   */
  @Test
  void aSecondaryIndexAnswersWhatAScanAnswersInTheSameOrder() {
    MongoCollection<Document> indexed = client.getDatabase("t").getCollection("indexed");
    MongoCollection<Document> plain = client.getDatabase("t").getCollection("plain");
    indexed.createIndex(Indexes.ascending("lead"));
    indexed.createIndex(Indexes.ascending("meta.owner", "ts"));
    java.util.Random random = new java.util.Random(42);
    List<Object> values =
        List.of("a", "b", "c", 1, 1L, 1.0, 2, true, List.of("a", "b"), List.of(1, "c"));
    for (int i = 0; i < 300; i++) {
      Document d = new Document("_id", i).append("ts", random.nextInt(50));
      int shape = random.nextInt(10);
      if (shape < 7) {
        d.append("lead", values.get(random.nextInt(values.size())));
      } else if (shape == 7) {
        d.append("lead", new Document("x", "a"));
      } else if (shape == 8) {
        d.append("lead", null);
      } // else: no lead at all
      d.append("meta", new Document("owner", "o" + random.nextInt(4)));
      indexed.insertOne(d);
      plain.insertOne(d);
    }
    long before = server.narrowedQueries();
    compare(indexed, plain, random, 60);
    // Each of the 60 rounds: a find, a sorted find and a count, all narrowed.
    assertThat(server.narrowedQueries() - before).isGreaterThanOrEqualTo(180);
    // Moves, deletions, upserts: the index follows.
    for (int i = 0; i < 80; i++) {
      int id = random.nextInt(320);
      Object value = values.get(random.nextInt(values.size()));
      switch (random.nextInt(3)) {
        case 0 -> {
          indexed.updateOne(Filters.eq("_id", id), Updates.set("lead", value));
          plain.updateOne(Filters.eq("_id", id), Updates.set("lead", value));
        }
        case 1 -> {
          indexed.deleteOne(Filters.eq("_id", id));
          plain.deleteOne(Filters.eq("_id", id));
        }
        default -> {
          Document set = new Document("$set", new Document("meta.owner", "o9").append("ts", 7));
          indexed.updateOne(Filters.eq("lead", value), set, new UpdateOptions().upsert(true));
          plain.updateOne(Filters.eq("lead", value), set, new UpdateOptions().upsert(true));
        }
      }
    }
    compare(indexed, plain, random, 60);
    assertThat(indexed.countDocuments()).isEqualTo(plain.countDocuments());
  }

  private static void compare(
      MongoCollection<Document> indexed,
      MongoCollection<Document> plain,
      java.util.Random random,
      int queries) {
    List<Object> asked = List.of("a", "b", "c", "z", 1, 1L, 2.0, true, false);
    for (int q = 0; q < queries; q++) {
      Object value = asked.get(random.nextInt(asked.size()));
      org.bson.conversions.Bson filter =
          switch (q % 6) {
            case 0 -> Filters.eq("lead", value);
            case 1 -> Filters.and(Filters.eq("lead", value), Filters.gte("ts", 20));
            case 2 -> Filters.eq("meta.owner", "o" + random.nextInt(5));
            case 3 -> Filters.and(Filters.eq("meta.owner", "o1"), Filters.lt("ts", 25));
            case 4 -> Filters.in("lead", value, asked.get(random.nextInt(asked.size())), "nowhere");
            default ->
                Filters.and(
                    Filters.in("lead", value, asked.get(random.nextInt(asked.size()))),
                    Filters.lt("ts", 30));
          };
      List<Object> a = new ArrayList<>();
      indexed.find(filter).forEach(d -> a.add(d.get("_id")));
      List<Object> b = new ArrayList<>();
      plain.find(filter).forEach(d -> b.add(d.get("_id")));
      assertThat(a).as(filter.toString()).isEqualTo(b);
      // countDocuments is an aggregate ($match first): narrowed too, same count.
      assertThat(indexed.countDocuments(filter)).as("count " + filter).isEqualTo(b.size());
      assertThat(plain.countDocuments(filter)).isEqualTo(b.size());
      List<Object> sortedA = new ArrayList<>();
      indexed
          .find(filter)
          .sort(com.mongodb.client.model.Sorts.descending("ts"))
          .limit(5)
          .forEach(d -> sortedA.add(d.get("ts")));
      List<Object> sortedB = new ArrayList<>();
      plain
          .find(filter)
          .sort(com.mongodb.client.model.Sorts.descending("ts"))
          .limit(5)
          .forEach(d -> sortedB.add(d.get("ts")));
      assertThat(sortedA).as("sorted " + filter).isEqualTo(sortedB);
    }
  }

  /**
   * Two processes starting together both create the time-series history: the second gets the error
   * a real mongod answers (48, NamespaceExists), and the server logs no ERROR with a stack trace
   * for it (the split stack's first screen had one).
   */
  @Test
  void creatingACollectionThatExistsIsAnsweredWithoutAServerError() {
    ch.qos.logback.classic.Logger wire =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger("de.bwaldvogel.mongo.wire.MongoWireProtocolHandler");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    wire.addAppender(logged);
    try {
      client.getDatabase("t").createCollection("history");
      assertThatThrownBy(() -> client.getDatabase("t").createCollection("history"))
          .isInstanceOf(com.mongodb.MongoCommandException.class)
          .satisfies(
              e ->
                  assertThat(((com.mongodb.MongoCommandException) e).getErrorCode()).isEqualTo(48));
      assertThat(logged.list)
          .noneMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR));
    } finally {
      wire.detachAppender(logged);
    }
  }

  /** A document whose _id is null is indexed, found and deleted like any other (review). */
  @Test
  void aNullIdIsIndexedAndDeletedLikeAnyOther() {
    MongoCollection<Document> messages = client.getDatabase("t").getCollection("messages");
    messages.createIndex(Indexes.ascending("leadId"));
    messages.insertOne(new Document("_id", null).append("leadId", "L"));
    messages.insertOne(new Document("_id", "x").append("leadId", "L"));
    assertThat(messages.countDocuments(Filters.and(Filters.eq("leadId", "L")))).isEqualTo(2);
    assertThat(messages.deleteOne(Filters.eq("_id", null)).getDeletedCount()).isEqualTo(1);
    List<Object> left = new ArrayList<>();
    messages
        .find(Filters.and(Filters.eq("leadId", "L"), Filters.exists("_id")))
        .forEach(d -> left.add(d.get("_id")));
    assertThat(left).containsExactly("x");
  }
}
