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
}
