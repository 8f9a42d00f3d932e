package com.salesagent.activities.persona;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.lead.LeadActivitiesImpl;
import com.salesagent.activities.lead.ResearchActivitiesImpl;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.research.Embeddings;
import com.salesagent.activities.research.EnrolmentSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A persona built from fixed fixtures (enrolment, research text, replies) with the offline
 * embedding model: the expected facets, each with its evidence.
 */
class PersonaBuilderTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();
  static final Embeddings EMBEDDINGS = new Embeddings(Path.of("target", "cache"));

  static final String SCALING =
      "Acme's payments platform is struggling to scale. Traffic tripled this year and the"
          + " infrastructure cannot keep up with the growth: the checkout suffers performance"
          + " bottlenecks at peak load, and outages during the Black Friday rush cost them sales."
          + " The team is re-architecting the core services to handle ten times the volume.";
  static final String HIRING =
      "Acme is hiring: it opened forty positions for software engineers and site reliability"
          + " engineers this quarter and says recruiting senior people is its hardest problem."
          + " The careers page lists open roles in Sao Paulo, Lisbon and remote, and the company"
          + " runs a referral bonus to attract talent.";

  private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
  private LeadStore store;
  private PersonaBuilder builder;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    Topics.seed(MONGO.database());
    store = new LeadStore(MONGO.database());
    builder = new PersonaBuilder(MONGO.database(), new Topics(MONGO.database(), EMBEDDINGS), clock);
    store.insertContact(
        new Document("leadId", "P-1")
            .append("name", "Ana Souza")
            .append("phone", "+5511998765432")
            .append("company", "Acme")
            .append("jobTitle", "VP of Engineering")
            .append("industry", "B2B Software")
            .append("companySize", "350")
            .append("timezone", "America/Sao_Paulo")
            .append("locale", "en")
            .append("campaignId", "c1")
            .append("researchText", SCALING + "\n\n" + HIRING)
            .append(
                "funnel",
                new Document("sent", Date.from(Instant.parse("2026-11-25T10:00:00Z")))
                    .append("read", Date.from(Instant.parse("2026-11-25T10:05:00Z")))));
    new ResearchActivitiesImpl(store, List.of(new EnrolmentSource()), EMBEDDINGS, clock)
        .research("P-1");
  }

  @Test
  void theProfileStepBuildsFirmographicsAndResearchTopicsWithEvidence() {
    String segment = new LeadActivitiesImpl(store, clock, builder).profile("P-1").segment();

    Document p = store.persona("P-1");
    assertThat(segment).isEqualTo("mid_market");
    assertThat(p.getString("segment")).isEqualTo("mid_market");
    assertThat(p.getString("industry")).isEqualTo("saas");
    assertThat(p.getString("sizeBand")).isEqualTo("200-999");
    assertThat(p.getString("seniority")).isEqualTo("vp");
    assertThat(p.getString("function")).isEqualTo("engineering");
    assertThat(p.getString("country")).isEqualTo("BR");
    assertThat(p.getString("timezone")).isEqualTo("America/Sao_Paulo");
    Document ev = p.get("evidence", Document.class);
    assertThat(ev.get("industry", Document.class))
        .containsEntry("value", "saas")
        .containsEntry("source", "enrolment")
        .containsEntry("evidence", "industry")
        .containsEntry("at", Date.from(clock.instant()));
    assertThat(ev.get("seniority", Document.class)).containsEntry("evidence", "jobTitle");
    assertThat(ev.get("country", Document.class))
        .containsEntry("source", "phone")
        .containsEntry("evidence", "phone");
    assertThat(p.toJson()).doesNotContain("998765432").doesNotContain("Ana Souza");

    assertThat(p.getList("topics", String.class))
        .contains("scaling_challenges", "hiring")
        .doesNotContain("fundraising", "security_compliance", "cloud_migration");
    assertThat(chunkText(topicEvidence(p, "scaling_challenges", "research")))
        .contains("struggling to scale");
    assertThat(chunkText(topicEvidence(p, "hiring", "research"))).contains("hiring");
  }

  @Test
  void aReplyAddsTriageKeyphrasesTopicsAndEngagementAndTheResearchTopicsStay() {
    LeadActivitiesImpl leads = new LeadActivitiesImpl(store, clock, builder);
    leads.profile("P-1");
    Instant at = Instant.parse("2026-11-25T11:00:00Z");

    builder.fromReply(
        store.contact("P-1"),
        new PersonaBuilder.Reply(
            "wamid.R1",
            "Sounds great, really. Honestly the price is too high for our budget right now; we"
                + " have to cut costs and reduce spending this year.",
            "objection",
            "cost",
            "negative",
            List.of("price", "budget"),
            at));

    Document p = store.persona("P-1");
    assertThat(p.getList("objections", String.class)).containsExactly("cost");
    assertThat(p.getList("intents", String.class)).containsExactly("objection");
    assertThat(p.getString("sentiment")).isEqualTo("negative");
    assertThat(p.getBoolean("replied")).isTrue();
    Document ev = p.get("evidence", Document.class);
    assertThat(ev.getList("objections", Document.class).get(0))
        .containsEntry("source", "reply")
        .containsEntry("evidence", "wamid.R1")
        .containsEntry("at", Date.from(at));
    assertThat(p.getList("keyphrases", String.class))
        .contains("cut costs", "reduce spending")
        .doesNotContain("sounds", "great", "really", "sounds great");
    assertThat(p.getList("keywords", String.class)).contains("price", "budget");
    assertThat(topicEvidence(p, "cost_reduction", "reply")).isEqualTo("wamid.R1");
    assertThat(p.get("engagement", Document.class))
        .containsEntry("replyLatencySeconds", 3600L)
        .containsEntry("readLatencySeconds", 300L);

    // the profile step again (a continued run): research topics rebuilt, the reply's kept
    leads.profile("P-1");
    Document again = store.persona("P-1");
    assertThat(again.getList("topics", String.class))
        .contains("scaling_challenges", "cost_reduction");
    assertThat(again.getList("objections", String.class)).containsExactly("cost");
    assertThat(again.getLong("version")).isEqualTo(p.getLong("version") + 1);
  }

  @Test
  void withoutAModelThePersonaHasFirmographicsAndRepliesButNoTopics() {
    new LeadActivitiesImpl(store, clock).profile("P-1");
    new PersonaBuilder(MONGO.database(), null, clock)
        .fromReply(
            store.contact("P-1"),
            new PersonaBuilder.Reply(
                "wamid.R2",
                "Not now, maybe next quarter",
                "not_now",
                null,
                "neutral",
                List.of(),
                Instant.parse("2026-11-25T11:00:00Z")));

    Document p = store.persona("P-1");
    assertThat(p.getString("seniority")).isEqualTo("vp");
    assertThat(p.getList("topics", String.class)).isEmpty();
    assertThat(p.getList("intents", String.class)).containsExactly("not_now");
    assertThat(p.get("engagement", Document.class)).containsEntry("preferredModality", "text");
  }

  @Test
  void aReplyCarryingMarkupAddsNoneOfItsTagOrScriptWordsAsKeyphrases() {
    new LeadActivitiesImpl(store, clock).profile("P-1");
    new PersonaBuilder(MONGO.database(), null, clock)
        .fromReply(
            store.contact("P-1"),
            new PersonaBuilder.Reply(
                "wamid.R3",
                "<img src=x onerror=alert(1)><script>document.cookie</script>"
                    + " Our payroll automation project <b onmouseover=alert(2)>stalled</b>",
                "other",
                null,
                "neutral",
                List.of(),
                Instant.parse("2026-11-25T11:00:00Z")));

    List<String> keyphrases = store.persona("P-1").getList("keyphrases", String.class);
    assertThat(keyphrases).anyMatch(k -> k.contains("payroll automation"));
    assertThat(String.join(" ", keyphrases).split(" "))
        .doesNotContainAnyElementsOf(KeyphrasesTest.MARKUP_WORDS)
        .doesNotContain("onmouseover");
  }

  /**
   * A reply's topics are those of its words: a sentence mixing markup with words (a tag before it,
   * a tag around a word, the same written as entities) is embedded as its words alone, so it
   * matches the topics the plain sentence matches, with the same scores.
   */
  @Test
  void aSentenceMixedWithMarkupMatchesTheTopicsOfItsWordsAlone() {
    Topics topics = new Topics(MONGO.database(), EMBEDDINGS);
    String words =
        "We are hiring forty software engineers this quarter and recruiting senior people is hard.";
    List<Topics.Hit> plain = topics.matchText(words);
    assertThat(plain).extracting(Topics.Hit::topicId).isNotEmpty();

    for (String mixed :
        List.of(
            "<img src=x onerror=alert(1)>" + words,
            words.replace("hiring", "<b onmouseover=alert(2)>hiring</b>")
                + "<script>document.cookie</script>",
            "&lt;img src=x onerror=alert(1)&gt;"
                + words.replace("forty", "&lt;i&gt;forty&lt;/i&gt;"))) {
      assertThat(topics.matchText(mixed)).as(mixed).isEqualTo(plain);
    }
  }

  @Test
  void theModalityALeadAnswersInMostIsItsPreferredOne() {
    PersonaBuilder builder = new PersonaBuilder(MONGO.database(), null, clock);
    new LeadActivitiesImpl(store, clock).profile("P-1");
    Instant at = Instant.parse("2026-11-25T11:00:00Z");
    for (String type : List.of("text", "audio", "audio")) {
      builder.fromReply(
          store.contact("P-1"),
          new PersonaBuilder.Reply(
              "wamid." + type + at, null, "other", null, null, List.of(), at, type));
      at = at.plusSeconds(60);
    }

    Document engagement = store.persona("P-1").get("engagement", Document.class);
    assertThat(engagement.get("replyModalities", Document.class))
        .containsEntry("text", 1)
        .containsEntry("audio", 2);
    assertThat(engagement).containsEntry("preferredModality", "audio");
  }

  @Test
  void anOperatorsEditOfTheTopicListIsUsedAndSurvivesSeeding() {
    MONGO
        .database()
        .getCollection(Topics.COLLECTION)
        .updateOne(
            Filters.eq("topicId", "hiring"), new Document("$set", new Document("enabled", false)));
    Topics.seed(MONGO.database());

    new LeadActivitiesImpl(store, clock, builder).profile("P-1");

    assertThat(store.persona("P-1").getList("topics", String.class))
        .contains("scaling_challenges")
        .doesNotContain("hiring");
  }

  private static String topicEvidence(Document p, String topic, String source) {
    return p.get("evidence", Document.class).getList("topics", Document.class).stream()
        .filter(t -> topic.equals(t.getString("value")) && source.equals(t.getString("source")))
        .map(t -> t.getString("evidence"))
        .findFirst()
        .orElse(null);
  }

  private static String chunkText(String chunkId) {
    assertThat(chunkId).isNotNull();
    Document chunk =
        MONGO
            .database()
            .getCollection(Collections.RESEARCH_RESULTS)
            .find(Filters.eq("_id", new ObjectId(chunkId)))
            .first();
    assertThat(chunk).as("the evidence names a stored chunk").isNotNull();
    return chunk.getString("text");
  }

  /**
   * A reply's 4,096 characters are counted in code points: a reply of 4,096 characters whose first
   * line is emoji (two UTF-16 chars each) is matched on its last sentence, as the same sentence
   * alone is.
   */
  @Test
  void aReplyOfMaxTextCharactersWithEmojiIsMatchedOnItsLastSentence() {
    Topics topics = new Topics(MONGO.database(), EMBEDDINGS);
    String words =
        "We are hiring forty software engineers this quarter and recruiting senior people is hard.";
    List<Topics.Hit> plain = topics.matchText(words);
    assertThat(plain).isNotEmpty();
    String emoji = "\uD83D\uDE00";
    String reply = emoji.repeat(Keyphrases.MAX_TEXT - 1 - words.length()) + "\n" + words;
    assertThat(reply.codePointCount(0, reply.length())).isEqualTo(Keyphrases.MAX_TEXT);
    assertThat(topics.matchText(reply)).isEqualTo(plain);
  }
}
