package com.salesagent.activities.research;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.lead.Admission;
import com.salesagent.activities.lead.ResearchActivitiesImpl;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Research with the real model and the MongoDB cache: shared chunks cost one model call. */
class ResearchEmbeddingCacheTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();
  static final Embeddings EMBEDDINGS = new Embeddings(Path.of("target", "cache"));

  static final String SHARED =
      "The company exports machine parts to nine countries and wants faster quotes for its"
          + " distributors.";

  private LeadStore store;
  private ResearchActivitiesImpl research;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    research =
        new ResearchActivitiesImpl(
            store,
            List.of(new EnrolmentSource()),
            EMBEDDINGS,
            Clock.systemUTC(),
            new EmbeddingCache(MONGO.database(), Clock.systemUTC()),
            Admission.OPEN);
  }

  private void lead(String leadId, String company) {
    store.insertContact(
        new Document("leadId", leadId).append("company", company).append("researchText", SHARED));
  }

  @Test
  void theChunkTwoLeadsShareIsEmbeddedOnceAndStoredForBoth() {
    lead("A-1", "Alpha Parts");
    lead("A-2", "Beta Parts");

    long before = EMBEDDINGS.computedTexts();
    research.research("A-1"); // profile line + shared text: 2 texts
    long afterFirst = EMBEDDINGS.computedTexts();
    research.research("A-2"); // its own profile line only
    long afterSecond = EMBEDDINGS.computedTexts();

    assertThat(afterFirst - before).isEqualTo(2);
    assertThat(afterSecond - afterFirst).isEqualTo(1);
    List<Document> shared =
        MONGO
            .database()
            .getCollection(Collections.RESEARCH_RESULTS)
            .find(new Document("text", SHARED))
            .into(new ArrayList<>());
    assertThat(shared).hasSize(2);
    assertThat(shared.get(1).get("embedding")).isEqualTo(shared.get(0).get("embedding"));
    float[] direct = EMBEDDINGS.embedAll(List.of(SHARED)).get(0);
    assertThat(Retriever.vector(shared.get(1)))
        .containsExactly(direct, org.assertj.core.data.Offset.offset(1e-6f));
  }

  @Test
  void aRepeatedQueryIsComputedOnce() {
    String angle = "cost savings for a finance team " + System.nanoTime();
    long before = EMBEDDINGS.computedTexts();

    float[] first = EMBEDDINGS.embed(angle);
    first[0] = 42f; // a caller scribbling on its copy changes nothing for the next
    float[] second = EMBEDDINGS.embed(angle);

    assertThat(EMBEDDINGS.computedTexts() - before).isEqualTo(1);
    assertThat(second[0]).isNotEqualTo(42f);
    assertThat(second).hasSize(Embeddings.DIMENSION);
  }
}
