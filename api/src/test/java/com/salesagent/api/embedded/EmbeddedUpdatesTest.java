package com.salesagent.api.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.PushOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.UpdateResult;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded server's own update path ({@link EmbeddedSnapshotCollection#updateDocuments}) gives
 * what the memory backend gives: the same random updates (every operator the product uses and more,
 * positional paths, renames, numbers of other types with the same value, key collisions, upserts)
 * against the embedded server and against the unchanged memory backend, compared after each one:
 * the answer (matched, modified, upserted or the error's code) and every document in order.
 */
class EmbeddedUpdatesTest {
  private EmbeddedMongoServer embedded;
  private MongoServer reference;
  private MongoClient ours;
  private MongoClient theirs;

  @BeforeEach
  void start() {
    embedded = new EmbeddedMongoServer(0, false);
    embedded.start();
    ours = MongoClients.create(embedded.connectionString());
    reference = new MongoServer(new MemoryBackend());
    InetSocketAddress address = reference.bind();
    theirs = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
  }

  @AfterEach
  void stop() {
    ours.close();
    theirs.close();
    embedded.stop();
    reference.shutdownNow();
  }

  @Test
  void randomUpdatesLeaveTheSameDocumentsAndAnswersAsTheMemoryBackend() {
    MongoCollection<Document> a = prepare(ours);
    MongoCollection<Document> b = prepare(theirs);
    Random random = new Random(7);
    long before = embedded.updatesInPlace();
    int errors = 0;
    for (int round = 0; round < 1_500; round++) {
      Bson filter = filter(random);
      Bson update = update(random);
      boolean many = random.nextInt(4) == 0;
      boolean upsert = random.nextInt(5) == 0;
      String what = round + ": " + filter + " " + update + (many ? " many" : "") + " " + upsert;
      if (random.nextInt(25) == 0) {
        // A deletion: its slot is reused by a later upsert.
        int id = random.nextInt(60);
        assertThat(a.deleteOne(Filters.eq("_id", id)).getDeletedCount())
            .isEqualTo(b.deleteOne(Filters.eq("_id", id)).getDeletedCount());
      }
      String x = apply(a, filter, update, many, upsert);
      String y = apply(b, filter, update, many, upsert);
      assertThat(x).as(what).isEqualTo(y);
      if (x.startsWith("error")) {
        errors++;
      }
      assertThat(contents(a)).as(what).isEqualTo(contents(b));
    }
    // The path under test ran (most rounds), and the collisions were exercised.
    assertThat(embedded.updatesInPlace() - before).isGreaterThan(700);
    assertThat(errors).isGreaterThan(20);
  }

  /**
   * A value of another type that equals the stored one (a long 3 over an int 3) changes nothing and
   * is not counted as a modification, on both.
   */
  @Test
  void aNumberOfAnotherTypeWithTheSameValueChangesNothing() {
    MongoCollection<Document> a = prepare(ours);
    MongoCollection<Document> b = prepare(theirs);
    for (MongoCollection<Document> c : List.of(a, b)) {
      UpdateResult r = c.updateOne(Filters.eq("_id", 3), Updates.set("n", 3L));
      assertThat(r.getMatchedCount()).isEqualTo(1);
      assertThat(r.getModifiedCount()).isZero();
      assertThat(c.find(Filters.eq("_id", 3)).first().get("n")).isEqualTo(3);
      UpdateResult s =
          c.updateOne(
              Filters.and(Filters.eq("a", "v3"), Filters.eq("b", 0)),
              Updates.combine(Updates.set("n", 3.0), Updates.set("sub.y", List.of(1L, 2.0))));
      assertThat(s.getModifiedCount()).isZero();
    }
    assertThat(contents(a)).isEqualTo(contents(b));
  }

  /**
   * A non-multi update whose query an index serves as it is updates the document the backend would:
   * the first in the index's order ({@code $in} by key value), not in storage order.
   */
  @Test
  void aListOfKeysUpdatesTheFirstInTheIndexsOrder() {
    for (MongoClient client : List.of(ours, theirs)) {
      MongoCollection<Document> c = client.getDatabase("t").getCollection("order");
      c.insertOne(new Document("_id", 2));
      c.insertOne(new Document("_id", 1));
      c.updateOne(Filters.in("_id", 1, 2), Updates.set("x", 1));
      assertThat(c.find(Filters.eq("x", 1)).first().get("_id")).as(client.toString()).isEqualTo(1);
    }
  }

  /** A rename into a positional path takes the element the query matched, as the backend does. */
  @Test
  void aRenameIntoAPositionalPathUsesTheMatchedElement() {
    List<String> answers = new ArrayList<>();
    for (MongoClient client : List.of(ours, theirs)) {
      MongoCollection<Document> c = client.getDatabase("t").getCollection("rename");
      c.insertOne(
          new Document("_id", 1)
              .append("a", 5)
              .append("arr", List.of(new Document("x", 0), new Document("x", 1))));
      c.updateOne(
          Filters.and(Filters.eq("_id", 1), Filters.eq("arr.x", 1)),
          Updates.rename("a", "arr.$.y"));
      answers.add(c.find().first().toJson());
    }
    assertThat(answers.get(0)).isEqualTo(answers.get(1)).contains("\"y\": 5");
  }

  /**
   * A conditional update pinning every key of a unique compound index (a counter document by its
   * keys, unless it has the batch already) is found from that index, not by a scan.
   */
  @Test
  void anUpdatePinningACompoundUniqueKeyIsNarrowedByIt() {
    MongoCollection<Document> a = prepare(ours);
    long narrowed = embedded.narrowedQueries();
    long inPlace = embedded.updatesInPlace();
    Bson counter =
        Filters.and(Filters.eq("a", "v1"), Filters.eq("b", 1), Filters.ne("list", "batch-1"));
    Bson count = Updates.combine(Updates.inc("hits", 1), Updates.push("list", "batch-1"));
    assertThat(a.updateOne(counter, count).getModifiedCount()).isEqualTo(1);
    assertThat(a.updateOne(counter, count).getMatchedCount()).isZero(); // counted once
    assertThat(a.find(Filters.eq("_id", 7)).first().getInteger("hits")).isEqualTo(1);
    assertThat(embedded.narrowedQueries() - narrowed).isEqualTo(2);
    assertThat(embedded.updatesInPlace() - inPlace).isEqualTo(2);
  }

  private static MongoCollection<Document> prepare(MongoClient client) {
    MongoCollection<Document> c = client.getDatabase("t").getCollection("c");
    c.createIndex(Indexes.ascending("a", "b"), new IndexOptions().unique(true));
    c.createIndex(Indexes.ascending("key"), new IndexOptions().unique(true).sparse(true));
    c.createIndex(Indexes.ascending("lead"));
    // Stored out of key order, so an index's order and the storage order differ.
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      ids.add(i);
    }
    java.util.Collections.shuffle(ids, new Random(3));
    for (int i : ids) {
      Document d =
          new Document("_id", i)
              .append("a", i % 10 == 9 ? List.of("v" + i % 6, "w" + i) : "v" + i % 6)
              .append("b", i / 6)
              .append("n", i % 7)
              .append("lead", i % 3 == 0 ? List.of("x", "y") : "l" + i % 5)
              .append("list", new ArrayList<>(List.of("b" + i, "c")))
              .append("sub", new Document("x", i % 4).append("y", List.of(1, 2)));
      if (i % 2 == 0) {
        d.append("key", "k" + i);
      }
      c.insertOne(d);
    }
    return c;
  }

  private static Bson filter(Random r) {
    int id = r.nextInt(70);
    return switch (r.nextInt(8)) {
      case 0 -> Filters.eq("_id", id);
      case 1 -> Filters.and(Filters.eq("_id", id), Filters.gte("n", r.nextInt(7)));
      case 2 -> Filters.eq("lead", r.nextBoolean() ? "x" : "l" + r.nextInt(5));
      case 3 -> Filters.and(Filters.eq("a", "v" + r.nextInt(7)), Filters.eq("b", r.nextInt(11)));
      case 4 ->
          Filters.and(
              Filters.eq("a", "v" + r.nextInt(6)),
              Filters.eq("b", r.nextInt(10)),
              Filters.ne("list", "z" + r.nextInt(3)));
      case 5 -> Filters.in("_id", id, r.nextInt(70), "none");
      case 6 -> Filters.and(Filters.eq("key", "k" + 2 * r.nextInt(35)), Filters.eq("list", "c"));
      default -> Filters.lt("n", r.nextInt(4));
    };
  }

  private static Bson update(Random r) {
    return switch (r.nextInt(20)) {
      case 0 -> Updates.set("n", r.nextInt(7));
      case 1 -> Updates.inc("n", r.nextBoolean() ? 1 : 1L);
      case 2 -> Updates.set("n", (long) r.nextInt(7)); // another type, maybe the same value
      case 3 -> Updates.set("lead", r.nextBoolean() ? "x" : "l" + r.nextInt(5));
      case 4 -> Updates.unset("lead");
      case 5 ->
          Updates.combine(
              Updates.inc("hits", 1),
              Updates.pushEach("list", List.of("z" + r.nextInt(3)), new PushOptions().slice(-4)));
      case 6 -> Updates.addToSet("list", "c");
      case 7 -> Updates.combine(Updates.min("sub.x", r.nextInt(4)), Updates.max("m", 3));
      case 8 -> Updates.rename("lead", "lead2");
      case 9 -> Updates.set("b", r.nextInt(10)); // may collide on (a, b)
      case 10 -> Updates.set("key", "k" + 2 * r.nextInt(35)); // may collide on key
      case 11 -> Updates.set("list.$", "first"); // positional: needs the matched element
      case 12 -> Updates.pull("list", "c");
      case 13 -> Updates.set("sub", new Document("x", r.nextInt(2)).append("y", List.of(1, 2)));
      case 14 -> Updates.mul("n", 2);
      // Nested values: each changed inside a field the stored document shares with its copy.
      case 16 -> Updates.push("sub.y", r.nextInt(3));
      case 17 -> Updates.unset("sub.x");
      case 18 -> Updates.set("sub.y.0", r.nextInt(3));
      case 19 -> Updates.rename("sub.x", "sub2");
      default -> Updates.set("_id", r.nextInt(3)); // the immutable field
    };
  }

  private static String apply(
      MongoCollection<Document> c, Bson filter, Bson update, boolean many, boolean upsert) {
    UpdateOptions options = new UpdateOptions().upsert(upsert);
    try {
      UpdateResult result =
          many ? c.updateMany(filter, update, options) : c.updateOne(filter, update, options);
      return result.getMatchedCount()
          + "/"
          + result.getModifiedCount()
          + "/"
          + (result.getUpsertedId() == null
              ? "-"
              : result.getUpsertedId().isObjectId() ? "oid" : result.getUpsertedId().toString());
    } catch (MongoWriteException e) {
      return "error " + e.getError().getCode();
    } catch (com.mongodb.MongoCommandException e) {
      return "error " + e.getErrorCode();
    }
  }

  /** Every document in the collection's order, generated ids masked (they differ by server). */
  private static List<String> contents(MongoCollection<Document> c) {
    Function<Document, String> masked =
        d -> {
          Document copy = new Document(d);
          if (copy.get("_id") instanceof ObjectId) {
            copy.put("_id", "oid");
          }
          return copy.toJson();
        };
    List<String> out = new ArrayList<>();
    c.find().forEach(d -> out.add(masked.apply(d)));
    return out;
  }
}
