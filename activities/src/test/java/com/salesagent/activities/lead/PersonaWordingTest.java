package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Seeds;
import com.salesagent.activities.persona.Evidence;
import com.salesagent.activities.research.EnrolmentSource;
import com.salesagent.activities.research.Retriever;
import com.salesagent.workflows.lead.ComposeRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The offline composer words an angle for the lead's persona: the agreed follow-up after a "not
 * now" says so (seeded, in the lead's language), an executive gets the executive opener, a wording
 * for a research topic cites the research finding behind the topic; the reason is recorded on the
 * message. Without a matching persona the plain template goes, as before.
 */
class PersonaWordingTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final String NOTES =
      "They are opening three new stores next year in the south.\n\n"
          + "Their hardest problem is recruiting senior engineers: forty open roles this quarter.";

  private final Clock clock = Clock.systemUTC();
  private LeadStore store;
  private TemplateComposeActivities composer;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    Seeds.ensure(MONGO.database(), LeadActivitiesTest.defaults());
    store = new LeadStore(MONGO.database());
    composer =
        new TemplateComposeActivities(
            store, new Retriever(MONGO.database(), LeadActivitiesTest.EMBEDDINGS), clock);
  }

  private void lead(String leadId, String locale, String jobTitle, Document persona) {
    store.insertContact(
        new Document("leadId", leadId)
            .append("name", "Ana Souza")
            .append(
                "phone", "+55119987655" + String.format("%02d", Math.abs(leadId.hashCode()) % 100))
            .append("company", "Acme")
            .append("industry", "retail")
            .append("companySize", "11-50")
            .append("jobTitle", jobTitle)
            .append("campaignId", "c-1")
            .append("locale", locale)
            .append("researchText", NOTES)
            .append("enrolledAt", new Date()));
    new ResearchActivitiesImpl(
            store, List.of(new EnrolmentSource()), LeadActivitiesTest.EMBEDDINGS, clock)
        .research(leadId);
    if (persona != null) {
      MONGO
          .database()
          .getCollection(Collections.PERSONAS)
          .insertOne(persona.append("leadId", leadId));
    }
  }

  private Document compose(String leadId, String variant, int step, String purpose) {
    String key = leadId + "-" + step + "-" + purpose;
    composer.compose(new ComposeRequest(leadId, "c-1", variant, step, purpose, key, 0, true));
    return store.messages().messageByKey(key);
  }

  private static Document template(Document message) {
    return message.get("template", Document.class);
  }

  @Test
  void theAgreedFollowUpAfterANotNowSaysSoInTheLeadsLanguage() {
    lead("W-en", "en", "Head of Sales", new Document("intents", List.of("not_now")));
    lead("W-pt", "pt-BR", "Head of Sales", new Document("intents", List.of("not_now")));
    lead("W-none", "en", "Head of Sales", new Document("intents", List.of("interested")));

    Document en = compose("W-en", "v-cost", 1, "follow_up_read");
    Document pt = compose("W-pt", "v-cost", 1, "follow_up_read");
    Document plain = compose("W-none", "v-cost", 1, "follow_up_read");

    assertThat(template(en).getString("name")).isEqualTo("followup_after_not_now");
    assertThat(template(en).getString("persona")).isEqualTo("intent=not_now");
    assertThat(en.getString("text"))
        .startsWith("Hi Ana, when we last spoke it wasn't the right moment");
    assertThat(template(pt).getString("name")).isEqualTo("followup_after_not_now");
    assertThat(template(pt).getString("language")).isEqualTo("pt_BR");
    assertThat(pt.getString("text")).startsWith("Olá Ana, da última vez não era o momento");
    assertThat(pt.get("gate", Document.class).getString("decision")).isEqualTo("approve");
    assertThat(template(plain).getString("name")).isEqualTo("followup_cost");
    assertThat(template(plain).getString("persona")).isNull();
  }

  @Test
  void anExecutiveGetsTheExecutiveOpenerAndOthersThePlainOne() {
    MONGO
        .database()
        .getCollection(Collections.PROMPT_VARIANTS)
        .updateOne(
            Filters.eq("variantId", "v-speed"),
            Updates.set(
                "templates.first_contact@seniority=c_level",
                new Document("name", "intro_speed_exec")
                    .append("language", "en")
                    .append(
                        "body",
                        "{{firstName}}, one line: I saw that {{fact}}. Worth 15 minutes on what"
                            + " a WhatsApp first contact would do for {{company}}?")));
    lead("W-ceo", "en", "CEO", new Document("seniority", "c_level"));
    lead("W-head", "en", "Head of Sales", new Document("seniority", "head"));

    Document ceo = compose("W-ceo", "v-speed", 0, "first_contact");
    Document head = compose("W-head", "v-speed", 0, "first_contact");

    assertThat(template(ceo).getString("name")).isEqualTo("intro_speed_exec");
    assertThat(template(ceo).getString("persona")).isEqualTo("seniority=c_level");
    assertThat(ceo.getString("text")).startsWith("Ana, one line: I saw that");
    assertThat(template(head).getString("name")).isEqualTo("intro_speed");
  }

  @Test
  void aWordingForAResearchTopicCitesTheFindingBehindTheTopic() {
    MONGO
        .database()
        .getCollection(Collections.PROMPT_VARIANTS)
        .updateOne(
            Filters.eq("variantId", "v-scaling"),
            Updates.set(
                "templates.first_contact@topic=hiring",
                new Document("name", "intro_scaling_hiring")
                    .append("language", "en")
                    .append(
                        "body",
                        "Hi {{firstName}}, I saw that {{fact}}. While the team grows, we can"
                            + " keep first contact with leads going for {{company}}. Worth a"
                            + " look?")));
    lead("W-topic", "en", "Head of Sales", null);
    Document hiringChunk =
        MONGO
            .database()
            .getCollection(Collections.RESEARCH_RESULTS)
            .find(Filters.and(Filters.eq("leadId", "W-topic"), Filters.regex("text", "recruiting")))
            .first();
    MONGO
        .database()
        .getCollection(Collections.PERSONAS)
        .insertOne(
            new Document("leadId", "W-topic")
                .append("topics", List.of("hiring"))
                .append(
                    "evidence",
                    new Document(
                        "topics",
                        List.of(
                            Evidence.of(
                                "hiring",
                                Evidence.RESEARCH,
                                hiringChunk.getObjectId("_id").toHexString(),
                                Instant.now())))));

    Document m = compose("W-topic", "v-scaling", 0, "first_contact");

    assertThat(template(m).getString("name")).isEqualTo("intro_scaling_hiring");
    assertThat(template(m).getString("persona")).isEqualTo("topic=hiring");
    assertThat(m.getString("text"))
        .contains("I saw that their hardest problem is recruiting senior engineers");
  }

  @Test
  void choosingTakesTheMostSpecificFacetAndNeverAnotherLanguage() {
    Document plain = new Document("name", "p").append("language", "pt_BR");
    Document templates =
        new Document("follow_up_read", plain)
            .append(
                "follow_up_read@seniority=vp",
                new Document("name", "vp").append("language", "pt_BR"))
            .append(
                "follow_up_read@objection=cost",
                new Document("name", "cost").append("language", "pt_BR"))
            .append(
                "follow_up_read@intent=not_now",
                new Document("name", "later-en").append("language", "en"))
            .append("follow_up_unread@seniority=vp", new Document("name", "other-purpose"));
    Document persona =
        new Document("seniority", "vp")
            .append("objections", List.of("cost"))
            .append("intents", List.of("not_now"));

    assertThat(PersonaWording.choose(templates, "follow_up_read", persona).qualifier())
        .isEqualTo("objection=cost");
    assertThat(
            PersonaWording.choose(templates, "follow_up_read", new Document("seniority", "vp"))
                .template()
                .getString("name"))
        .isEqualTo("vp");
    assertThat(
            PersonaWording.choose(
                    templates, "follow_up_read", new Document("intents", List.of("not_now")))
                .template())
        .as("an English wording is not chosen over the Portuguese plain template")
        .isSameAs(plain);
    assertThat(PersonaWording.choose(templates, "follow_up_read", null).template()).isSameAs(plain);
  }

  /**
   * A variant with one follow-up template (the API takes follow_up_read or follow_up_unread alone)
   * sends it again once it went: before, the second follow-up (and a re-engagement after it) threw
   * "defaultValue can not be null" (Document.get with a null default) ten times and the lead ended
   * FAILED.
   */
  @Test
  void aVariantWithOneFollowUpTemplateSendsItAgainWhenItWentAlready() {
    Document oneFollowUp =
        MONGO
            .database()
            .getCollection(Collections.PROMPT_VARIANTS)
            .find(Filters.eq("variantId", "v-cost"))
            .first();
    oneFollowUp.remove("_id");
    Document templates = oneFollowUp.get("templates", Document.class);
    Document unread = templates.get("follow_up_unread", Document.class);
    oneFollowUp
        .append("variantId", "v-one")
        .append(
            "templates",
            new Document("first_contact", templates.get("first_contact"))
                .append("follow_up_unread", unread))
        .append("translations", new Document());
    MONGO.database().getCollection(Collections.PROMPT_VARIANTS).insertOne(oneFollowUp);
    lead("W-one", "en", "Head of Sales", null);

    Document first = compose("W-one", "v-one", 1, "follow_up_read");
    assertThat(template(first).getString("name")).isEqualTo(unread.getString("name"));
    store
        .messages()
        .setMessageFields(first.getString("idempotencyKey"), new Document("wamid", "w1"));
    Document second = compose("W-one", "v-one", 2, "follow_up_unread");
    Document reEngagement = compose("W-one", "v-one", 2, "re_engagement");

    assertThat(template(second).getString("name")).isEqualTo(unread.getString("name"));
    assertThat(template(reEngagement).getString("name")).isEqualTo(unread.getString("name"));
  }
}
