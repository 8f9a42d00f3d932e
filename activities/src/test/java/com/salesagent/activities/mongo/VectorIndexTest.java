package com.salesagent.activities.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** Readiness of the Atlas vector index, from what $listSearchIndexes reports. */
class VectorIndexTest {
  private final AtomicReference<List<Document>> listed = new AtomicReference<>(List.of());
  private final AtomicInteger asked = new AtomicInteger();
  private final AtomicLong nanos = new AtomicLong(1_000);

  private VectorIndex index() {
    return new VectorIndex(
        () -> {
          asked.incrementAndGet();
          return listed.get();
        },
        nanos::get,
        Duration.ofSeconds(15));
  }

  private static Document status(String status, boolean queryable) {
    return new Document("id", "abc")
        .append("name", MongoSchema.VECTOR_INDEX)
        .append("type", "vectorSearch")
        .append("status", status)
        .append("queryable", queryable);
  }

  @Test
  void aBuildingIndexIsNotQueryableAndIsAskedAgainOnlyAfterTheRecheck() {
    listed.set(List.of(status("PENDING", false)));
    VectorIndex index = index();

    assertThat(index.queryable()).isFalse();
    assertThat(index.status()).isEqualTo("PENDING");
    listed.set(List.of(status("READY", true)));
    nanos.addAndGet(Duration.ofSeconds(5).toNanos());
    assertThat(index.queryable()).as("within the recheck: not asked").isFalse();
    assertThat(asked).hasValue(1);

    nanos.addAndGet(Duration.ofSeconds(11).toNanos());
    assertThat(index.queryable()).as("after it: asked, and now queryable").isTrue();
    assertThat(index.queryable()).isTrue();
    assertThat(asked).as("once queryable, never asked again").hasValue(2);
  }

  @Test
  void readyMeansQueryableTrueNotJustAStatus() {
    // A READY index that is not queryable (hidden, or a new version not yet built) does not serve.
    listed.set(List.of(status("READY", false)));

    assertThat(index().queryable()).isFalse();
  }

  @Test
  void anotherIndexOrNoneIsNotOurs() {
    listed.set(List.of(status("READY", true).append("name", "other")));
    VectorIndex index = index();

    assertThat(index.queryable()).isFalse();
    assertThat(index.status()).isEqualTo("DOES_NOT_EXIST");
  }

  @Test
  void awaitReturnsOnceTheIndexBecomesQueryable() throws InterruptedException {
    AtomicInteger polls = new AtomicInteger();
    VectorIndex index =
        new VectorIndex(
            () ->
                List.of(
                    polls.incrementAndGet() < 3
                        ? status("BUILDING", false)
                        : status("READY", true)),
            System::nanoTime,
            Duration.ofSeconds(15));

    assertThat(index.await(Duration.ofSeconds(5), Duration.ofMillis(10))).isTrue();
    assertThat(polls).hasValue(3);
  }

  @Test
  void awaitGivesUpAfterTheWait() throws InterruptedException {
    VectorIndex index =
        new VectorIndex(
            () -> List.of(status("BUILDING", false)), System::nanoTime, Duration.ofSeconds(15));

    assertThat(index.await(Duration.ofMillis(50), Duration.ofMillis(10))).isFalse();
    assertThat(index.status()).isEqualTo("BUILDING");
  }

  @Test
  void aFailingListingIsNotQueryable() {
    VectorIndex index =
        new VectorIndex(
            () -> {
              throw new IllegalStateException("boom");
            },
            nanos::get,
            Duration.ofSeconds(15));

    assertThat(index.queryable()).isFalse();
  }

  @Test
  void withoutSearchIndexesNothingIsEverQueryable() throws InterruptedException {
    assertThat(VectorIndex.NONE.queryable()).isFalse();
    assertThat(VectorIndex.NONE.await(Duration.ofSeconds(5), Duration.ofSeconds(1))).isFalse();
  }

  @Test
  void losingTheCreateRaceCountsAsPresent() {
    ServerAddress host = new ServerAddress();
    assertThat(
            AtlasSearchIndexes.isDuplicateSearchIndex(
                new MongoCommandException(
                    BsonDocument.parse(
                        "{ok: 0, code: 68, codeName: 'IndexAlreadyExists', errmsg: 'Duplicate"
                            + " Index'}"),
                    host)))
        .isTrue();
    assertThat(
            AtlasSearchIndexes.isDuplicateSearchIndex(
                new MongoCommandException(
                    BsonDocument.parse(
                        "{ok: 0, code: 8, codeName: 'UnknownError', errmsg: 'Index research_vector"
                            + " already exists'}"),
                    host)))
        .isTrue();
    assertThat(
            AtlasSearchIndexes.isDuplicateSearchIndex(
                new MongoCommandException(
                    BsonDocument.parse(
                        "{ok: 0, code: 8000, codeName: 'AtlasError', errmsg: 'not allowed'}"),
                    host)))
        .isFalse();
  }
}
