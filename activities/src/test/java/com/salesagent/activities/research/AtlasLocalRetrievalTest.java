package com.salesagent.activities.research;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.lead.ResearchActivitiesImpl;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoCapabilities;
import com.salesagent.activities.mongo.MongoSchema;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBAtlasLocalContainer;

/**
 * The $vectorSearch path on MongoDB Atlas Local: detected at start-up, index created, and in
 * agreement with the exact-cosine path on the top result. Extra coverage where Docker exists; the
 * exact path is tested everywhere (RetrievalTest).
 */
@Testcontainers(disabledWithoutDocker = true)
class AtlasLocalRetrievalTest {
  @Container
  static final MongoDBAtlasLocalContainer ATLAS =
      new MongoDBAtlasLocalContainer("mongodb/mongodb-atlas-local:8.0");

  static final Embeddings EMBEDDINGS = new Embeddings(Path.of("target", "cache"));

  @Test
  void vectorSearchIsDetectedAndAgreesWithExactCosine() throws Exception {
    try (MongoClient client = MongoClients.create(ATLAS.getConnectionString())) {
      MongoDatabase db = client.getDatabase("atlas_test");
      MongoCapabilities capabilities = MongoSchema.ensure(db);
      assertThat(capabilities.vectorSearch()).isTrue();
      LeadStore store = new LeadStore(db);
      store.insertContact(
          new Document("leadId", "L-1")
              .append("company", "Acme")
              .append(
                  "researchText",
                  String.join(
                      "\n\n",
                      RetrievalTest.UNRELATED,
                      RetrievalTest.COST,
                      RetrievalTest.SCALING,
                      RetrievalTest.SPEED)));
      new ResearchActivitiesImpl(
              store, List.of(new EnrolmentSource()), EMBEDDINGS, Clock.systemUTC())
          .research("L-1");
      Retriever vector = new Retriever(db, EMBEDDINGS, () -> true);
      Retriever exact = new Retriever(db, EMBEDDINGS, () -> false);

      assertThat(MongoSchema.vectorIndex(db, capabilities).queryable())
          .as("start-up waited for the index to answer queries")
          .isTrue();

      // Right after research the new chunks are usually not yet in the search index (it catches
      // up asynchronously): retrieval must still answer in full, by exact cosine.
      assertThat(vector.topK("L-1", "cost savings", 4))
          .as("no empty retrieval while the index catches up")
          .hasSize(4);

      // Then ask $vectorSearch itself, once the index has caught up.
      float[] cost = EMBEDDINGS.embed("cost savings");
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (vector.vectorSearch("L-1", cost, 5).size() < 5 && System.nanoTime() < deadline) {
        Thread.sleep(1000);
      }
      for (String angle : List.of("scaling challenges", "cost savings", "speed to value")) {
        Retriever.Hit v = vector.vectorSearch("L-1", EMBEDDINGS.embed(angle), 1).get(0);
        Retriever.Hit e = exact.topK("L-1", angle, 1).get(0);
        assertThat(v.chunkId()).as(angle).isEqualTo(e.chunkId());
        assertThat(v.score()).isCloseTo(e.score(), org.assertj.core.data.Offset.offset(0.01));
      }
    }
  }
}
