package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
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
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Templates per locale: a variant's translations (one WhatsApp template name, one approved
 * translation per language code) are chosen by the lead's locale, with a configured fallback; a
 * missing lead field gets its language's wording, never a grammatical hole.
 */
class LocalizedComposeTest {
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

  private Document lead(
      String leadId, String locale, String industry, String company, String researchText) {
    store.insertContact(
        new Document("leadId", leadId)
            .append("name", "Ana Souza")
            .append(
                "phone", "+55119987654" + String.format("%02d", Math.abs(leadId.hashCode()) % 100))
            .append("company", company)
            .append("industry", industry)
            .append("companySize", "11-50")
            .append("jobTitle", "Head of Sales")
            .append("campaignId", "c-1")
            .append("locale", locale)
            .append("researchText", researchText)
            .append("enrolledAt", new Date()));
    research.research(leadId);
    return store.contact(leadId);
  }

  private Document compose(String leadId, String variant, int step, String purpose) {
    String key = leadId + "-" + step + "-" + purpose;
    composer.compose(new ComposeRequest(leadId, "c-1", variant, step, purpose, key, 0, true));
    return store.messages().messageByKey(key);
  }

  private static final String PT_NOTES =
      "Eles vão abrir três lojas novas no próximo ano. O orçamento de atendimento cresce junto.";

  @Test
  void aBrazilianLeadGetsThePortugueseTranslationAndTheGateLetsItGo() {
    lead("L-pt", "pt-BR", "varejo", "Acme", PT_NOTES);

    Document m = compose("L-pt", "v-cost", 0, "first_contact");

    assertThat(m.getString("text"))
        .startsWith("Olá Ana, vi que eles vão abrir três lojas novas")
        .contains("Empresas de varejo como a Acme reduzem o custo");
    Document template = m.get("template", Document.class);
    assertThat(template.getString("name")).isEqualTo("intro_cost");
    assertThat(template.getString("language")).isEqualTo("pt_BR");
    Document gate = m.get("gate", Document.class);
    assertThat(gate.get("checks", Document.class).getBoolean("languageMatchesLocale")).isTrue();
    assertThat(gate.getString("decision")).isEqualTo("approve");
    // Follow-ups too, in both angles.
    assertThat(compose("L-pt", "v-cost", 1, "follow_up_read").getString("text"))
        .startsWith("Olá Ana, retomando");
    assertThat(compose("L-pt", "v-speed", 2, "follow_up_unread").getString("text"))
        .contains("uma pergunta para você como Head of Sales");
  }

  /** An interested lead not converted gets the re-engagement template, in its language. */
  @Test
  void theReEngagementOfAnInterestedLeadIsItsOwnTemplateInTheLeadsLanguage() {
    lead("L-re-pt", "pt-BR", "varejo", "Acme", PT_NOTES);
    lead("L-re-en", "en", "retail", "Acme", "They are opening three new stores next year.");

    Document pt = compose("L-re-pt", "v-speed", 2, "re_engagement");
    Document en = compose("L-re-en", "v-speed", 2, "re_engagement");

    assertThat(pt.get("template", Document.class).getString("name"))
        .isEqualTo("reengage_interested");
    assertThat(pt.get("template", Document.class).getString("language")).isEqualTo("pt_BR");
    assertThat(pt.getString("text")).startsWith("Olá Ana, você comentou que tinha interesse");
    assertThat(pt.get("gate", Document.class).getString("decision")).isEqualTo("approve");
    assertThat(en.getString("text")).startsWith("Hi Ana, you mentioned you were interested");
    // A variant from before re-engagements existed re-engages with a follow-up's template.
    MONGO
        .database()
        .getCollection("prompt_variants")
        .updateOne(
            Filters.eq("variantId", "v-cost"),
            Updates.combine(
                Updates.unset("templates.re_engagement"),
                Updates.unset("translations.pt_BR.re_engagement")));
    assertThat(
            compose("L-re-pt", "v-cost", 3, "re_engagement")
                .get("template", Document.class)
                .getString("name"))
        .isEqualTo("followup_cost_angle");
  }

  /**
   * A rep's request for the re-engagement template ({@code {"template": "re_engagement"}}) to a
   * lead that replied to the first contact: the run sends it at step 0 (no follow-up nor
   * re-engagement went before it). It is the re-engagement template, never the first contact again,
   * word for word, to a lead that already has it.
   */
  @Test
  void aRepsReEngagementAtStepZeroIsTheReEngagementTemplateNotTheFirstContactAgain() {
    lead("L-re-0", "en", "retail", "Acme", "They are opening three new stores next year.");
    Document first = compose("L-re-0", "v-cost", 0, "first_contact");
    store
        .messages()
        .setMessageFields(first.getString("idempotencyKey"), new Document("wamid", "w"));

    Document again = compose("L-re-0", "v-cost", 0, "re_engagement");

    assertThat(again.get("template", Document.class).getString("name"))
        .isEqualTo("reengage_interested");
    assertThat(again.getString("text"))
        .startsWith("Hi Ana, you mentioned you were interested")
        .isNotEqualTo(first.getString("text"));
  }

  @Test
  void aSpanishLeadOfAnyRegionGetsSpanishAndAPortugueseOneOfAnotherRegionGetsBrazilian() {
    lead(
        "L-es",
        "es-MX",
        "retail",
        "Acme",
        "Van a abrir tres tiendas nuevas el próximo año. El presupuesto crece con ellas.");
    lead("L-pt-PT", "pt-PT", "retalho", "Acme", PT_NOTES);

    Document es = compose("L-es", "v-scaling", 0, "first_contact");
    Document pt = compose("L-pt-PT", "v-scaling", 0, "first_contact");

    assertThat(es.get("template", Document.class).getString("language")).isEqualTo("es");
    // The Spanish research text, not the enrolment's English profile line (retrieval ranks it
    // first for the English angle, and it is never quoted), quoted as written.
    assertThat(es.getString("text")).startsWith("Hola Ana, vi que Van a abrir tres tiendas");
    assertThat(es.get("gate", Document.class).getString("decision")).isEqualTo("approve");
    assertThat(pt.get("template", Document.class).getString("language")).isEqualTo("pt_BR");
  }

  @Test
  void aLocaleWithoutATranslationGetsTheFallbackWhichTheGateHoldsAsTheWrongLanguage() {
    lead(
        "L-fr",
        "fr-FR",
        "retail",
        "Acme",
        "They are opening three new stores next year, and the budget for outreach grows.");

    Document m = compose("L-fr", "v-cost", 0, "first_contact");

    assertThat(m.get("template", Document.class).getString("language")).isEqualTo("en");
    assertThat(m.getString("text")).startsWith("Hi Ana,");
    assertThat(m.get("gate", Document.class).getString("decision")).isEqualTo("hold");

    // Italian: no translation, and no stop words for the gate's vote; held all the same.
    lead(
        "L-it",
        "it-IT",
        "retail",
        "Acme",
        "They are opening three new stores next year, and the budget for outreach grows.");
    Document it = compose("L-it", "v-cost", 0, "first_contact");
    assertThat(it.get("gate", Document.class).getString("decision")).isEqualTo("hold");
    assertThat(
            it.get("gate", Document.class)
                .get("checks", Document.class)
                .getBoolean("templateInLeadsLanguage"))
        .isFalse();

    // An operator who serves French leads in Spanish says so once.
    MONGO
        .database()
        .getCollection("agent_configurations")
        .updateOne(Filters.eq("configId", "default"), Updates.set("compose.fallbackLocale", "es"));
    Document es = compose("L-fr", "v-cost", 1, "follow_up_read");
    assertThat(es.get("template", Document.class).getString("language")).isEqualTo("es");
    // The Spanish notes, not the enrolment's English profile line (retrieval ranks it first for
    // the English angle), quoted as written.
  }

  @Test
  void aMissingOrStandInFieldGetsItsLanguagesWordingNeverAGrammaticalHole() {
    String notes = "They are opening three new stores next year, and the budget grows with them.";
    lead("L-en", "en", null, "Acme", notes);
    lead("L-na", "en", "N/A", "n/a", notes);
    lead("L-none", "en", "retail", "None", notes);
    lead("L-pt-none", "pt-BR", "", "Acme", PT_NOTES);

    String cost = compose("L-en", "v-cost", 0, "first_contact").getString("text");
    String scaling = compose("L-en", "v-scaling", 1, "follow_up_unread").getString("text");
    Document na = compose("L-na", "v-cost", 0, "first_contact");
    String pt = compose("L-pt-none", "v-cost", 0, "first_contact").getString("text");

    assertThat(cost).contains("Companies in your industry like Acme").doesNotContain("growing");
    // The template names its own wording where "your industry" would not read well.
    assertThat(scaling).contains("what works for growing teams");
    assertThat(na.getString("text"))
        .contains("Companies in your industry like your company")
        .doesNotContainIgnoringCase("n/a");
    assertThat(na.get("gate", Document.class).getString("decision")).isEqualTo("approve");
    assertThat(pt).contains("Empresas de seu setor como a Acme");
    // A company really called None is a name, not a stand-in.
    assertThat(compose("L-none", "v-cost", 0, "first_contact").getString("text"))
        .contains("Companies in retail like None");
  }

  /**
   * German and French translations of v-cost's first contact, as an operator would add them (none
   * are seeded).
   */
  static void germanAndFrench(com.mongodb.client.MongoDatabase db) {
    db.getCollection("prompt_variants")
        .updateOne(
            Filters.eq("variantId", "v-cost"),
            Updates.combine(
                Updates.set(
                    "translations.de.first_contact",
                    new Document("name", "intro_cost")
                        .append("language", "de")
                        .append(
                            "body",
                            "Hallo {{firstName}}, ich habe gesehen, dass {{fact}}. Unternehmen wie"
                                + " {{company}} aus dem Bereich {{industry}} senken ihre Kosten pro"
                                + " qualifiziertem Lead, indem sie den ersten Kontakt über WhatsApp"
                                + " automatisieren. Lohnt sich ein kurzer Blick?")),
                Updates.set(
                    "translations.fr.first_contact",
                    new Document("name", "intro_cost")
                        .append("language", "fr")
                        .append(
                            "body",
                            "Bonjour {{firstName}}, j'ai vu que {{fact}}. Des entreprises de"
                                + " {{industry}} comme {{company}} réduisent leur coût par lead"
                                + " qualifié en automatisant le premier contact sur WhatsApp. Cela"
                                + " vaut-il un coup d'œil ?"))));
  }

  /**
   * The lead's industry in the template's language: an exploratory test found "Empresas de
   * logistics" sent to Spanish and Portuguese leads.
   */
  @Test
  void theLeadsIndustryIsNamedInTheTemplatesLanguageNeverInEnglishInsideAnotherLanguage() {
    germanAndFrench(MONGO.database());
    String[][] cases = {
      {"en", "Companies in logistics like Acme"},
      {"es", "Empresas de logística como Acme"},
      {"pt-BR", "Empresas de logística como a Acme"},
      {"de", "Unternehmen wie Acme aus dem Bereich Logistik"},
      {"fr", "Des entreprises de logistique comme Acme"}
    };
    for (String[] c : cases) {
      String leadId = "L-logistics-" + c[0];
      lead(leadId, c[0], "logistics", "Acme", null);
      Document m = compose(leadId, "v-cost", 0, "first_contact");
      assertThat(m.get("template", Document.class).getString("language"))
          .as(c[0])
          .startsWith(c[0].substring(0, 2));
      assertThat(m.getString("text")).as(c[0]).contains(c[1]);
      if (!c[0].equals("en")) {
        assertThat(m.getString("text")).as(c[0]).doesNotContain("logistics");
      }
    }
    // The other angles' Spanish and Portuguese sentences with the industry.
    lead("L-log-es", "es-MX", "Logistics & freight", "Acme", null);
    lead("L-log-pt", "pt-BR", "Logistics", "Acme", null);
    assertThat(compose("L-log-es", "v-scaling", 0, "first_contact").getString("text"))
        .contains("ayudamos a equipos de logística como Acme");
    assertThat(compose("L-log-es", "v-speed", 1, "follow_up_read").getString("text"))
        .doesNotContain("logistics");
    assertThat(compose("L-log-pt", "v-speed", 0, "first_contact").getString("text"))
        .contains("como as equipes de logística fazem isso");
    assertThat(compose("L-log-pt", "v-scaling", 1, "follow_up_unread").getString("text"))
        .contains("o que funciona para equipes de logística.");
    // A field written in Spanish reads in English in an English template.
    lead("L-log-en", "en", "Logística", "Acme", null);
    assertThat(compose("L-log-en", "v-cost", 0, "first_contact").getString("text"))
        .contains("Companies in logistics like Acme");
  }

  /**
   * An industry outside the vocabulary has no translation: an English template keeps the lead's own
   * words, the others read as without an industry, never with the English noun spliced in.
   */
  @Test
  void anIndustryWithoutATranslationReadsAsTheLanguagesWordingWithoutOne() {
    germanAndFrench(MONGO.database());
    String[][] cases = {
      {"en", "Companies in Basket weaving like Acme"},
      {"es", "Empresas de su sector como Acme"},
      {"pt-BR", "Empresas de seu setor como a Acme"},
      {"de", "Ihre Branche"},
      {"fr", "Des entreprises de votre secteur comme Acme"}
    };
    for (String[] c : cases) {
      String leadId = "L-basket-" + c[0];
      lead(leadId, c[0], "Basket weaving", "Acme", null);
      String text = compose(leadId, "v-cost", 0, "first_contact").getString("text");
      assertThat(text).as(c[0]).contains(c[1]);
      if (!c[0].equals("en")) {
        assertThat(text).as(c[0]).doesNotContainIgnoringCase("basket");
      }
    }
  }

  @Test
  void
      everySeededVariantHasSpanishAndBrazilianTemplatesWithItsPlaceholdersAndAnOldDatabaseGetsThem() {
    for (Document v : MONGO.database().getCollection("prompt_variants").find()) {
      Document en = v.get("templates", Document.class);
      for (String code : List.of("es", "pt_BR")) {
        Document t = v.get("translations", Document.class).get(code, Document.class);
        assertThat(t.keySet())
            .as(v.getString("variantId") + " " + code)
            .containsExactlyInAnyOrderElementsOf(en.keySet());
        for (String purpose : en.keySet()) {
          Document base = en.get(purpose, Document.class);
          Document tr = t.get(purpose, Document.class);
          assertThat(tr.getString("name")).isEqualTo(base.getString("name"));
          assertThat(tr.getString("language")).isEqualTo(code);
          assertThat(placeholders(tr.getString("body")))
              .as(v.getString("variantId") + " " + code + " " + purpose)
              .isEqualTo(placeholders(base.getString("body")));
        }
      }
    }
    // A database seeded before translations existed gets them on the next start.
    MONGO
        .database()
        .getCollection("prompt_variants")
        .updateMany(new Document(), Updates.unset("translations"));
    Seeds.ensure(MONGO.database(), LeadActivitiesTest.defaults());
    assertThat(
            MONGO
                .database()
                .getCollection("prompt_variants")
                .countDocuments(Filters.exists("translations.pt_BR.first_contact")))
        .isEqualTo(3);
  }

  @Test
  void theVariantsOwnRegionWinsOverAnotherRegionsTranslation() {
    Document variant =
        new Document("locale", "pt-BR")
            .append(
                "templates",
                new Document("first_contact", new Document("name", "t").append("body", "Oi")))
            .append(
                "translations",
                new Document(
                    "pt_PT",
                    new Document(
                        "first_contact", new Document("name", "t").append("body", "Olá"))));
    assertThat(LocalizedTemplates.choose(variant, "pt-BR", "en").code()).isNull();
    assertThat(LocalizedTemplates.choose(variant, "pt-PT", "en").code()).isEqualTo("pt_PT");
    assertThat(LocalizedTemplates.choose(variant, "pt", "en").code()).isNull();
  }

  private static java.util.Set<String> placeholders(String body) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{\\{(\\w+)}}").matcher(body);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
