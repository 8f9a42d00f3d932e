package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Seeds;
import com.salesagent.activities.research.EnrolmentSource;
import com.salesagent.activities.research.Retriever;
import com.salesagent.workflows.lead.ComposeRequest;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fact the offline composer quotes ("I saw that {{fact}}"): only research text (the lead's
 * research text, its website) is quoted, never the profile line made from the lead's own fields nor
 * the salesperson's notes; a whole sentence within the cap, never a fragment; in the template's
 * language; else the template's wording without a fact. The cases an exploratory test found sent.
 */
class ComposeFactTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private final Clock clock = Clock.systemUTC();
  private LeadStore store;
  private TemplateComposeActivities composer;
  private ResearchActivitiesImpl research;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    Seeds.ensure(MONGO.database(), LeadActivitiesTest.defaults());
    store = new LeadStore(MONGO.database());
    research =
        new ResearchActivitiesImpl(
            store, List.of(new EnrolmentSource()), LeadActivitiesTest.EMBEDDINGS, clock);
    composer =
        new TemplateComposeActivities(
            store, new Retriever(MONGO.database(), LeadActivitiesTest.EMBEDDINGS), clock);
  }

  private void lead(String leadId, Document fields) {
    store.insertContact(
        new Document("leadId", leadId)
            .append(
                "phone", "+5511990000" + String.format("%03d", Math.abs(leadId.hashCode()) % 1000))
            .append("campaignId", "c-1")
            .append("enrolledAt", new Date())
            .append("name", "Diego Ruiz")
            .append("company", "Acme")
            .append("locale", "en"));
    store.setContactFields(leadId, fields);
    research.research(leadId);
  }

  private Document compose(String leadId, String variant) {
    String key = leadId + "-0";
    composer.compose(new ComposeRequest(leadId, "c-1", variant, 0, "first_contact", key, 0, true));
    return store.messages().messageByKey(key);
  }

  private static String fact(Document message) {
    return message.get("template", Document.class).getList("parameters", String.class).get(1);
  }

  private static String decision(Document message) {
    return message.get("gate", Document.class).getString("decision");
  }

  @Test
  void aLeadWithOnlyANameAndACompanyGetsTheWordingWithoutAFactNotItsCompanyName() {
    lead("L-xy", new Document("name", "Xan Yu").append("company", "Zorb"));

    Document m = compose("L-xy", "v-speed");

    assertThat(m.getString("text"))
        .startsWith("Hi Xan, I saw that you're open to hearing from us on WhatsApp.")
        .doesNotContain("I saw that Zorb");
    assertThat(fact(m)).isEqualTo("you're open to hearing from us on WhatsApp");
    assertThat(m.getString("factSource")).isEqualTo("none");
    // Without a fact the message still goes (0.85), as the gate documents.
    assertThat(m.get("gate", Document.class).get("checks", Document.class).getBoolean("usesFact"))
        .isFalse();
    assertThat(decision(m)).isEqualTo("approve");
  }

  @Test
  void notesAreNeverQuotedAndTheProfileLineNeverCutToTheCompanyName() {
    lead(
        "L-up",
        new Document("name", "Una Park")
            .append("company", "Upsilon")
            .append("notes", "Upsilon opened a new warehouse in Austin."));

    String text = compose("L-up", "v-scaling").getString("text");

    assertThat(text)
        .doesNotContain("I saw that Upsilon.")
        .doesNotContain("warehouse")
        .contains("I saw that you're open to hearing from us on WhatsApp.");
  }

  @Test
  void theSameFindingInResearchTextIsQuotedWhole() {
    lead(
        "L-up-r",
        new Document("name", "Una Park")
            .append("company", "Upsilon")
            .append("researchText", "Upsilon opened a new warehouse in Austin."));

    Document m = compose("L-up-r", "v-scaling");

    assertThat(m.getString("text"))
        .startsWith("Hi Una, I saw that Upsilon opened a new warehouse in Austin. Scaling");
    assertThat(m.getString("factSource")).isEqualTo("research_text");
    assertThat(m.get("gate", Document.class).getDouble("score")).isEqualTo(1.0);
  }

  @Test
  void theProfileLineMadeFromTheLeadsOwnFieldsIsNotReadBackAsNews() {
    lead(
        "L-beta",
        new Document("name", "Bea Lima")
            .append("company", "Beta Ltda")
            .append("industry", "software")
            .append("companySize", "40")
            .append("jobTitle", "CEO"));

    String text = compose("L-beta", "v-cost").getString("text");

    assertThat(text)
        .doesNotContain("works in software")
        .doesNotContain("employees")
        .doesNotContain("the contact's role")
        .startsWith("Hi Bea, I saw that you're open to hearing from us on WhatsApp.");
  }

  @Test
  void aSpanishOrPortugueseTemplateGetsNoEnglishFact() {
    lead(
        "L-es",
        new Document("name", "Diego Ruiz")
            .append("company", "Delta SL")
            .append("industry", "retail")
            .append("companySize", "3000")
            .append("jobTitle", "CFO")
            .append("locale", "es")
            .append("researchText", "Spoke at a conference on retail logistics with their CTO."));
    lead(
        "L-pt",
        new Document("name", "Elena Costa")
            .append("company", "Eta Lda")
            .append("locale", "pt-PT")
            .append("researchText", "Spoke at a conference on retail logistics with their CTO."));

    Document es = compose("L-es", "v-speed");
    Document pt = compose("L-pt", "v-speed");

    assertThat(es.getString("text"))
        .startsWith("Hola Diego, vi que acepta recibir nuestros mensajes por WhatsApp.")
        .doesNotContain("works in")
        .doesNotContain("Spoke");
    assertThat(pt.getString("text"))
        .startsWith("Olá Elena, vi que você aceita receber nossas mensagens pelo WhatsApp.")
        .doesNotContain("Spoke");
  }

  @Test
  void theQuickStartLeadsNotesAreNotReadBackToIt() {
    lead(
        "L-ana",
        new Document("name", "Ana Souza")
            .append("company", "Acme")
            .append("jobTitle", "Head of Sales")
            .append("industry", "retail")
            .append("companySize", "120")
            .append("notes", "Met at the retail fair."));

    assertThat(compose("L-ana", "v-cost").getString("text"))
        .doesNotContain("Met at the retail fair")
        .startsWith("Hi Ana, I saw that you're open to hearing from us on WhatsApp.");
  }

  @Test
  void aLongSentenceIsNotCutButTheNextWholeOneIsQuoted() {
    String longOne =
        "Acme, which was founded in 1998 by two brothers in a garage near the old harbour of the"
            + " city and grew through three mergers, now runs distribution centres in four states"
            + " and two countries.";
    lead(
        "L-long",
        new Document("name", "Ana Souza")
            .append("researchText", longOne + " Acme is opening three new stores next year."));

    Document m = compose("L-long", "v-cost");

    assertThat(fact(m)).isEqualTo("Acme is opening three new stores next year");
  }

  /** The no-fact wording an exploratory test found odd, in each language it was written in. */
  private static final List<String> OLD_NO_FACT =
      List.of("we haven't spoken yet", "aún no hemos hablado", "ainda não conversamos");

  /**
   * Without a fact to quote, no template of any seeded variant, in any language, says "I saw that
   * we haven't spoken yet": each language says what is true of every lead, its opt-in.
   */
  @Test
  void noTemplateSaysItSawThatWeHaventSpokenYet() {
    LocalizedComposeTest.germanAndFrench(MONGO.database());
    Map<String, String> saw =
        Map.of(
            "en", "Hi Xan, I saw that you're open to hearing from us on WhatsApp.",
            "es", "Hola Xan, vi que acepta recibir nuestros mensajes por WhatsApp.",
            "pt-BR", "Olá Xan, vi que você aceita receber nossas mensagens pelo WhatsApp.",
            "de",
                "Hallo Xan, ich habe gesehen, dass Sie offen für Nachrichten von uns über WhatsApp"
                    + " sind.",
            "fr", "Bonjour Xan, j'ai vu que vous acceptez de recevoir nos messages sur WhatsApp.");
    List<String> purposes =
        List.of("first_contact", "follow_up_read", "follow_up_unread", "re_engagement");
    int composed = 0;
    for (String locale : saw.keySet()) {
      for (String variant : List.of("v-scaling", "v-cost", "v-speed")) {
        String leadId = "L-nofact-" + locale + "-" + variant;
        lead(
            leadId,
            new Document("name", "Xan Yu").append("company", "Zorb").append("locale", locale));
        for (int step = 0; step < purposes.size(); step++) {
          String key = leadId + "-" + step;
          composer.compose(
              new ComposeRequest(leadId, "c-1", variant, step, purposes.get(step), key, 0, true));
          Document m = store.messages().messageByKey(key);
          String text = m.getString("text");
          for (String old : OLD_NO_FACT) {
            assertThat(text).as(leadId + " " + purposes.get(step)).doesNotContain(old);
          }
          String language = m.get("template", Document.class).getString("language");
          if (step == 0 && language.startsWith(locale.substring(0, 2))) {
            assertThat(text).as(leadId).startsWith(saw.get(locale));
            assertThat(m.getString("factSource")).isEqualTo("none");
          }
          composed++;
        }
      }
    }
    assertThat(composed).isEqualTo(5 * 3 * 4);
  }

  @Test
  void fragmentsAndInternalTextsAreNotQuotable() {
    assertThat(ComposeFacts.clause("Upsilon.", "en")).isEmpty();
    assertThat(ComposeFacts.clause("{\"name\":\"X Y\",\"company\":\"Z\"}", "en")).isEmpty();
    assertThat(
            ComposeFacts.clause(
                "Acme opens 12 stores, see https://acme.example/news for more.", "en"))
        .as("a link removed would leave a hole")
        .isEmpty();
    assertThat(ComposeFacts.clause("They opened a store in Austin.", "en"))
        .isEqualTo("they opened a store in Austin");
    assertThat(ComposeFacts.clause("Eles vão abrir três lojas novas.", "pt_BR"))
        .isEqualTo("eles vão abrir três lojas novas");
    assertThat(ComposeFacts.clause("Eles vão abrir três lojas novas.", "en")).isEmpty();
  }

  /**
   * Research text is often the lead's own words ("We are scaling our engineering team fast.", the
   * quick start's): quoted as written it read "I saw that We are scaling our engineering team
   * fast", as if we were. In English the first person plural becomes the second (the verb agrees
   * the same); in Spanish and Portuguese, whose verbs would change, such a sentence is not quoted.
   */
  @Test
  void theLeadsOwnFirstPersonIsQuotedAsYouOrNotAtAll() {
    assertThat(ComposeFacts.clause("We are scaling our engineering team fast.", "en"))
        .isEqualTo("you are scaling your engineering team fast");
    assertThat(
            ComposeFacts.clause(
                "Our teams serve two million shoppers and we're opening a store in the US.", "en"))
        .isEqualTo("your teams serve two million shoppers and you're opening a store in the US");
    assertThat(
            ComposeFacts.clause(
                "Estamos expandindo nossa equipe de vendas em todo o Brasil.", "pt_BR"))
        .isEmpty();
    assertThat(
            ComposeFacts.clause(
                "Somos líderes em logística. A empresa abriu três lojas novas em Recife.", "pt_BR"))
        .isEqualTo("a empresa abriu três lojas novas em Recife");
    assertThat(
            ComposeFacts.clause("Estamos ampliando nuestro equipo comercial en toda España.", "es"))
        .isEmpty();
    assertThat(
            ComposeFacts.clause("La empresa ofrece nuestros productos favoritos en Madrid.", "es"))
        .as("a possessive of the first person anywhere is the first person")
        .isEmpty();
  }
}
