package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Seeds;
import com.salesagent.activities.persona.PersonaBuilder;
import com.salesagent.activities.persona.Topics;
import com.salesagent.activities.research.EnrolmentSource;
import com.salesagent.workflows.lead.ComposeRequest;
import com.salesagent.workflows.lead.ComposedMessage;
import com.salesagent.workflows.lead.VariantAssignment;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The workflow runs the profile step beside the research, so the profile step of a new lead reads
 * no research: once research is done its topics join the persona, and a segment defined by a topic
 * takes the lead before its variant is assigned, from that segment's pool (offline embedding model,
 * embedded MongoDB-wire server).
 */
class ResearchTopicSegmentTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final String SCALING =
      "Acme's payments platform is struggling to scale. Traffic tripled this year and the"
          + " infrastructure cannot keep up with the growth: the checkout suffers performance"
          + " bottlenecks at peak load, and outages during the Black Friday rush cost them sales.";

  private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
  private LeadStore store;
  private LeadActivitiesImpl leads;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    Seeds.ensure(MONGO.database(), LeadActivitiesTest.defaults());
    Topics.seed(MONGO.database());
    store = new LeadStore(MONGO.database());
    leads =
        new LeadActivitiesImpl(
            store,
            clock,
            new PersonaBuilder(
                MONGO.database(),
                new Topics(MONGO.database(), LeadActivitiesTest.EMBEDDINGS),
                clock));
    MONGO
        .database()
        .getCollection(Collections.SEGMENTS)
        .insertOne(
            new Document("segmentId", "scaling")
                .append("order", 1)
                .append("query", new Document("topic", List.of("scaling_challenges")))
                .append("variants", List.of("v-speed"))
                .append("enabled", true));
  }

  private void contact(String leadId, String researchText) {
    store.insertContact(
        new Document("leadId", leadId)
            .append("name", "Rui Lima")
            .append(
                "phone", "+55119987" + String.format("%05d", Math.abs(leadId.hashCode()) % 100_000))
            .append("company", "Beta")
            .append("jobTitle", "CTO")
            .append("companySize", "40")
            .append("campaignId", "c1")
            .append("researchText", researchText));
  }

  private void research(String leadId) {
    new ResearchActivitiesImpl(
            store, List.of(new EnrolmentSource()), LeadActivitiesTest.EMBEDDINGS, clock)
        .research(leadId);
  }

  @Test
  void aTopicFoundByResearchThatFinishedAfterTheProfileStepMatchesItsSegment() {
    contact("T-1", SCALING);
    assertThat(leads.profile("T-1").segment()).as("no research yet").isEqualTo("smb");
    research("T-1");

    VariantAssignment assignment = leads.matchAndAssign("T-1", "smb");

    assertThat(store.persona("T-1").getList("topics", String.class)).contains("scaling_challenges");
    assertThat(assignment.segment()).isEqualTo("scaling");
    assertThat(assignment.variantId()).isEqualTo("v-speed");
    assertThat(store.contact("T-1").getString("segment")).isEqualTo("scaling");
    assertThat(store.persona("T-1").getString("segment")).isEqualTo("scaling");
    // A retry after the assignment answers the same variant in the same segment.
    VariantAssignment retried = leads.matchAndAssign("T-1", "smb");
    assertThat(retried.variantId()).isEqualTo("v-speed");
    assertThat(retried.segment()).isEqualTo("scaling");
  }

  @Test
  void researchWithoutTheTopicLeavesTheLeadInItsSegment() {
    contact("T-2", "Beta sells handmade furniture through two shops and a small online store.");
    leads.profile("T-2");
    research("T-2");

    VariantAssignment assignment = leads.matchAndAssign("T-2", "smb");

    assertThat(assignment.segment()).isEqualTo("smb");
    assertThat(store.contact("T-2").getString("segment")).isEqualTo("smb");
    assertThat(store.persona("T-2").getList("topics", String.class))
        .doesNotContain("scaling_challenges");
  }

  /**
   * Issue 12: a lead's steps ask MongoDB once for what they need once. Profile: the persona it
   * writes is the one it matches (no read after its write); the segments in one read. Research
   * done: the contact (and its number's earlier leads), the persona as refreshed, the segments and
   * the agent configurations, each read once (before: the contact twice, the segments three times,
   * the persona counted then read twice, the configurations twice). Compose: the stored message
   * comes back from its upsert.
   */
  @Test
  void aLeadsFirstStepsReadEachThingOnce() {
    contact("T-3", SCALING);
    List<String> commands = new CopyOnWriteArrayList<>();
    try (var client = MONGO.recordingClient(commands)) {
      LeadStore recorded = new LeadStore(MONGO.database(client));
      LeadActivitiesImpl listened =
          new LeadActivitiesImpl(
              recorded,
              clock,
              new PersonaBuilder(
                  MONGO.database(client),
                  new Topics(MONGO.database(client), LeadActivitiesTest.EMBEDDINGS),
                  clock));

      assertThat(listened.profile("T-3").segment()).isEqualTo("smb");
      assertThat(count(commands, "find personas")).isEqualTo(1);
      assertThat(count(commands, "find segments")).isEqualTo(1);
      assertThat(count(commands, "find contacts")).isEqualTo(1);

      research("T-3");
      commands.clear();
      VariantAssignment assignment = listened.matchAndAssign("T-3", "smb");
      assertThat(assignment.segment()).isEqualTo("scaling");
      assertThat(assignment.variantId()).isEqualTo("v-speed");
      // The lead, and its number's earlier leads (ReturningContacts: a number with a history with
      // us is greeted as such, not with the cold opener).
      assertThat(count(commands, "find contacts")).isEqualTo(2);
      assertThat(count(commands, "find prompt_variants"))
          .as("the returning variant is read only for a number with a history")
          .isEqualTo(1);
      assertThat(count(commands, "find segments")).isEqualTo(1);
      assertThat(count(commands, "find personas")).isEqualTo(1);
      assertThat(count(commands, "aggregate personas")).isZero();
      assertThat(count(commands, "find agent_configurations")).isEqualTo(1);

      commands.clear();
      TemplateComposeActivities composer =
          new TemplateComposeActivities(
              recorded,
              new com.salesagent.activities.research.Retriever(
                  MONGO.database(client), LeadActivitiesTest.EMBEDDINGS),
              clock);
      ComposeRequest request =
          new ComposeRequest("T-3", "c1", "v-speed", 0, "first_contact", "k-T-3", 0, true);
      ComposedMessage composed = composer.compose(request);
      assertThat(composed.decision()).isNotNull();
      assertThat(count(commands, "find messages")).as("the key looked up once").isEqualTo(1);
      assertThat(count(commands, "findAndModify messages")).isEqualTo(1);
      Document stored = store.messages().messageByKey("k-T-3");
      assertThat(stored.getString("composer")).isEqualTo(composed.composer());
      assertThat(stored.getString("text")).hasSize(composed.length());
      // Composed again (a retry): the stored composition answers, nothing is written.
      commands.clear();
      assertThat(composer.compose(request)).isEqualTo(composed);
      assertThat(commands).containsExactly("find messages");
    }
  }

  private static long count(List<String> commands, String command) {
    return commands.stream().filter(command::equals).count();
  }
}
