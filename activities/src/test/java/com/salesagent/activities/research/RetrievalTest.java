package com.salesagent.activities.research;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.lead.ResearchActivitiesImpl;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Real embeddings, real retrieval: the chunk that answers the angle ranks first. */
class RetrievalTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();
  static final Embeddings EMBEDDINGS = new Embeddings(Path.of("target", "cache"));

  static final String SCALING =
      "The sales team has doubled twice in eighteen months and the founders now worry that"
          + " onboarding, territory planning and pipeline reviews no longer keep up with the"
          + " growth. They want to expand into five more regions next year without the process"
          + " breaking, and hiring enough experienced reps fast enough is their biggest"
          + " bottleneck to scaling the business.";
  static final String COST =
      "Finance asked every department to cut operating expenses by fifteen percent this fiscal"
          + " year. The marketing budget was reduced, paid advertising was paused, and the CFO"
          + " reviews every software subscription to find savings; tools that lower the cost of"
          + " acquiring a customer get priority in the next budget cycle.";
  static final String SPEED =
      "Their last CRM rollout took nine months before anyone saw results, so leadership now"
          + " insists that any new vendor shows value within the first two weeks. Quick setup,"
          + " templates that work on day one and a fast time to first result matter more to them"
          + " than a long feature list.";
  static final String UNRELATED =
      "The office is in a renovated warehouse near the river with a rooftop garden. On Fridays"
          + " the staff bring their dogs, and the cafeteria serves a vegetarian lunch menu that"
          + " changes every week according to the season and the local farmers market.";

  private Retriever retriever;

  @BeforeEach
  void research() {
    MongoSchema.ensure(MONGO.database());
    LeadStore store = new LeadStore(MONGO.database());
    store.insertContact(
        new Document("leadId", "L-1")
            .append("company", "Acme")
            .append("industry", "retail")
            .append("researchText", String.join("\n\n", UNRELATED, COST, SCALING, SPEED)));
    new ResearchActivitiesImpl(store, List.of(new EnrolmentSource()), EMBEDDINGS, Clock.systemUTC())
        .research("L-1");
    retriever = new Retriever(MONGO.database(), EMBEDDINGS);
  }

  @Test
  void theChunkThatAnswersTheAngleRanksFirst() {
    assertThat(retriever.topK("L-1", "scaling challenges", 1).get(0).text()).isEqualTo(SCALING);
    assertThat(retriever.topK("L-1", "cost savings", 1).get(0).text()).isEqualTo(COST);
    assertThat(retriever.topK("L-1", "speed to value", 1).get(0).text()).isEqualTo(SPEED);
  }

  @Test
  void scoresAreOrderedAndOnlyTheLeadsNewestRunIsSearched() {
    List<Retriever.Hit> hits = retriever.topK("L-1", "cost savings", 10);

    assertThat(hits).hasSize(5); // profile line + four paragraphs
    assertThat(hits).isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()));
    assertThat(hits.get(0).score()).isGreaterThan(hits.get(hits.size() - 1).score() + 0.1);
    assertThat(retriever.topK("L-unknown", "cost savings", 3)).isEmpty();
  }

  @Test
  void aVectorSearchWithoutHitsForALeadWithChunksFallsBackToExactCosine() {
    // Atlas indexes new chunks asynchronously: a fresh lead's chunks may not be searchable yet.
    Retriever notIndexedYet =
        new Retriever(MONGO.database(), EMBEDDINGS, () -> true) {
          @Override
          List<Hit> vectorSearch(String leadId, float[] q, int k) {
            return List.of();
          }
        };

    List<Retriever.Hit> hits = notIndexedYet.topK("L-1", "cost savings", 3);

    assertThat(hits).hasSize(3);
    assertThat(hits.get(0).text()).isEqualTo(COST);
    assertThat(notIndexedYet.topK("L-unknown", "cost savings", 3)).isEmpty();
  }

  @Test
  void aVectorSearchThatFindsOnlyPartOfTheChunksFallsBackToo() {
    Retriever partlyIndexed =
        new Retriever(MONGO.database(), EMBEDDINGS, () -> true) {
          @Override
          List<Hit> vectorSearch(String leadId, float[] q, int k) {
            return exact(leadId, q, k).subList(0, 1);
          }
        };

    assertThat(partlyIndexed.topK("L-1", "cost savings", 3)).hasSize(3);
  }

  @Test
  void aFailingVectorSearchFallsBackToExactCosine() {
    // The embedded server has no $vectorSearch: the stage fails, exact cosine answers.
    Retriever failing = new Retriever(MONGO.database(), EMBEDDINGS, () -> true);

    assertThat(failing.topK("L-1", "scaling challenges", 1).get(0).text()).isEqualTo(SCALING);
  }

  @Test
  void chunkingIsSentenceAwareWithOverlap() {
    String text = (SCALING + " ").repeat(3);
    List<String> chunks = Chunker.chunks(text);

    assertThat(chunks).hasSizeGreaterThan(1);
    assertThat(chunks)
        .allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(Chunker.MAX_CHARS));
    assertThat(chunks).allSatisfy(c -> assertThat(c).endsWith("."));
  }
}
