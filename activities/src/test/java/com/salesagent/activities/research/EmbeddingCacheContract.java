package com.salesagent.activities.research;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The embedding cache on a MongoDB (the embedded server and, where Docker exists, a real one). */
abstract class EmbeddingCacheContract {
  abstract MongoDatabaseExtension mongo();

  /** A stand-in model that records every text it is asked to embed. */
  static final class CountingModel implements Function<List<String>, List<float[]>> {
    final List<String> embedded = new ArrayList<>();
    int calls;

    @Override
    public List<float[]> apply(List<String> texts) {
      calls++;
      embedded.addAll(texts);
      return texts.stream().map(CountingModel::vector).toList();
    }

    static float[] vector(String text) {
      float[] v = new float[Embeddings.DIMENSION];
      for (int i = 0; i < v.length; i++) {
        v[i] = (text.hashCode() % 1000 + i) / 1000f;
      }
      return v;
    }
  }

  private EmbeddingCache cache;
  private CountingModel model;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(mongo().database());
    cache = new EmbeddingCache(mongo().database(), Clock.systemUTC());
    model = new CountingModel();
  }

  @Test
  void aChunkSharedByTwoLeadsIsEmbeddedOnce() {
    List<float[]> first = cache.embedAll("m", List.of("shared chunk", "lead one"), model);
    List<float[]> second = cache.embedAll("m", List.of("lead two", "shared chunk"), model);

    assertThat(model.embedded).containsExactly("shared chunk", "lead one", "lead two");
    assertThat(second.get(1)).isEqualTo(first.get(0));
    assertThat(second.get(1)).isEqualTo(CountingModel.vector("shared chunk"));
    assertThat(second.get(0)).isEqualTo(CountingModel.vector("lead two"));
  }

  @Test
  void aChunkRepeatedInOneCallIsEmbeddedOnceAndReturnedInPlace() {
    List<float[]> vectors = cache.embedAll("m", List.of("a", "b", "a"), model);

    assertThat(model.embedded).containsExactly("a", "b");
    assertThat(vectors).hasSize(3);
    assertThat(vectors.get(2)).isEqualTo(vectors.get(0));
  }

  @Test
  void reflowedWhitespaceIsTheSameChunk() {
    cache.embedAll("m", List.of("one  two\nthree"), model);
    cache.embedAll("m", List.of(" one two three "), model);

    assertThat(model.calls).isEqualTo(1);
  }

  @Test
  void anotherModelDoesNotHit() {
    cache.embedAll("model-a", List.of("same text"), model);
    cache.embedAll("model-b", List.of("same text"), model);

    assertThat(model.embedded).containsExactly("same text", "same text");
  }

  @Test
  void allCachedCallsTheModelNever() {
    cache.embedAll("m", List.of("x", "y"), model);
    cache.embedAll("m", List.of("y", "x"), model);

    assertThat(model.calls).isEqualTo(1);
  }

  @Test
  void theTextIsNotStoredAndEntriesCarryTheirTtlField() {
    cache.embedAll("m", List.of("a phone +5511999990000 in a chunk"), model);

    Document entry = mongo().database().getCollection(EmbeddingCache.COLLECTION).find().first();
    assertThat(entry.toJson()).doesNotContain("5511999990000");
    assertThat(entry.get("createdAt")).isNotNull();
    assertThat(entry.getString("model")).isEqualTo("m");
    List<Document> indexes =
        mongo()
            .database()
            .getCollection(EmbeddingCache.COLLECTION)
            .listIndexes()
            .into(new ArrayList<>());
    assertThat(indexes)
        .anySatisfy(
            i -> {
              assertThat(i.get("key", Document.class)).containsKey("createdAt");
              assertThat(((Number) i.get("expireAfterSeconds")).longValue())
                  .isEqualTo(TimeUnit.DAYS.toSeconds(EmbeddingCache.TTL_DAYS));
            });
  }

  @Test
  void aBrokenEntryIsEmbeddedAgain() {
    String key = EmbeddingCache.key("m", "broken");
    mongo()
        .database()
        .getCollection(EmbeddingCache.COLLECTION)
        .insertOne(new Document("_id", key).append("vector", "not a vector"));

    List<float[]> vectors = cache.embedAll("m", List.of("broken"), model);

    assertThat(model.embedded).containsExactly("broken");
    assertThat(vectors.get(0)).isEqualTo(CountingModel.vector("broken"));
  }

  @Test
  void anUnreachableCacheDegradesToEmbedding() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort(); // closed again: nothing listens there
    }
    try (MongoClient unreachable =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + port))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(200, TimeUnit.MILLISECONDS))
                .build())) {
      EmbeddingCache down = new EmbeddingCache(unreachable.getDatabase("x"), Clock.systemUTC());

      List<float[]> vectors = down.embedAll("m", List.of("a", "b"), model);

      assertThat(model.embedded).containsExactly("a", "b");
      assertThat(vectors.get(1)).isEqualTo(CountingModel.vector("b"));
    }
  }
}
