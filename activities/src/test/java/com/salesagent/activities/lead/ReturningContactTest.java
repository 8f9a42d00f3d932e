package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Seeds;
import com.salesagent.activities.research.EnrolmentSource;
import com.salesagent.activities.research.Retriever;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.workflows.lead.ComposeRequest;
import com.salesagent.workflows.lead.VariantAssignment;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A number enrolled again (a new lead by the API, a CSV row, or "Start a new conversation") whose
 * earlier lead converted or replied is no stranger: its first message acknowledges the relationship
 * (as a customer; "good to talk again") instead of the cold introduction, and it is assigned the
 * returning-contact variant, outside the cold openers' bandit (no cold variant counts its
 * assignment). A number whose earlier lead never answered gets the cold opener, as before.
 */
class ReturningContactTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  /** The seeded returning-contact variant ({@code ReturningContacts.VARIANT_ID}). */
  private static final String RETURNING = "v-returning";

  private static final String RESEARCH =
      "They are opening three new stores next year, and the budget for customer outreach grows"
          + " with them.";

  private final Clock clock = Clock.systemUTC();
  private LeadStore store;
  private TemplateComposeActivities composer;
  private LeadActivitiesImpl leads;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    Seeds.ensure(MONGO.database(), LeadActivitiesTest.defaults());
    store = new LeadStore(MONGO.database());
    composer =
        new TemplateComposeActivities(
            store, new Retriever(MONGO.database(), LeadActivitiesTest.EMBEDDINGS), clock);
    leads = new LeadActivitiesImpl(store, clock);
  }

  private static String phone() {
    return "+55119"
        + String.format("%08d", Math.floorMod(UUID.randomUUID().hashCode(), 100_000_000));
  }

  /** An earlier lead of the number, ended as {@code fields} say. */
  private void earlier(String leadId, String phone, Document fields) {
    Document contact =
        new Document("leadId", leadId)
            .append("name", "Ana Souza")
            .append("phone", phone)
            .append("company", "Acme")
            .append("campaignId", "c-0")
            .append("enrolledAt", new Date(System.currentTimeMillis() - 86_400_000L));
    contact.putAll(fields);
    store.insertContact(contact);
  }

  /** A new lead of the number, researched, in {@code locale}. */
  private void lead(String leadId, String phone, String locale) {
    store.insertContact(
        new Document("leadId", leadId)
            .append("name", "Ana Souza")
            .append("phone", phone)
            .append("company", "Acme")
            .append("industry", "retail")
            .append("companySize", "11-50")
            .append("jobTitle", "Head of Sales")
            .append("campaignId", "c-1")
            .append("locale", locale)
            .append("researchText", RESEARCH)
            .append("enrolledAt", new Date()));
    new ResearchActivitiesImpl(
            store, List.of(new EnrolmentSource()), LeadActivitiesTest.EMBEDDINGS, clock)
        .research(leadId);
  }

  /** Assigns the lead's variant as the workflow does, and composes its first contact. */
  private Document firstContact(String leadId) {
    VariantAssignment assignment = leads.matchAndAssign(leadId, "smb");
    String key = "lead-" + leadId + "-send-0";
    composer.compose(
        new ComposeRequest(
            leadId, "c-1", assignment.variantId(), 0, "first_contact", key, 0, true));
    return store.messages().messageByKey(key);
  }

  private long coldAssigned() {
    long n = 0;
    for (Map.Entry<String, Map<String, Long>> e :
        new VariantStats(MONGO.database()).totals("smb").entrySet()) {
      if (!RETURNING.equals(e.getKey())) {
        n += e.getValue().getOrDefault("assigned", 0L);
      }
    }
    return n;
  }

  @Test
  void aCustomerEnrolledAgainIsGreetedAsACustomerNotColdAndIsNoColdTrial() {
    String phone = phone();
    earlier(
        "C-old",
        phone,
        new Document("stage", "converted")
            .append(
                "outcome",
                new Document("value", "converted").append("at", new Date()).append("by", "ana")));
    lead("C-new", phone, "en");
    long coldBefore = coldAssigned();

    Document message = firstContact("C-new");

    assertThat(message.getString("text"))
        .as("the first message to an existing customer")
        .startsWith("Hi Ana")
        .contains("as a customer")
        .doesNotContain("I saw that");
    assertThat(message.get("template", Document.class).getString("name"))
        .isEqualTo("welcome_back_customer");
    assertThat(message.get("template", Document.class).getString("persona"))
        .isEqualTo("relationship=customer");
    assertThat(message.get("gate", Document.class).getString("decision")).isEqualTo("approve");
    assertThat(message.getString("variantId")).isEqualTo(RETURNING);
    Document contact = store.contact("C-new");
    assertThat(contact.get("returning", Document.class).getString("relationship"))
        .isEqualTo("customer");
    assertThat(contact.get("returning", Document.class).getString("leadId")).isEqualTo("C-old");
    assertThat(coldAssigned()).as("no cold opener's trial").isEqualTo(coldBefore);
    assertThat(new VariantStats(MONGO.database()).totals("smb").get(RETURNING).get("assigned"))
        .isEqualTo(1L);
  }

  @Test
  void aNumberThatRepliedBeforeHearsGoodToTalkAgainInItsLanguage() {
    String phone = phone();
    earlier(
        "T-old",
        phone,
        new Document("stage", "replied").append("funnel", new Document("replied", new Date())));
    lead("T-new", phone, "pt-BR");
    String other = phone();
    earlier(
        "T2-old",
        other,
        new Document("stage", "lost")
            .append("funnel", new Document("replied", new Date()))
            .append(
                "pastOutcomes", List.of(new Document("value", "converted").append("by", "ana"))));
    lead("T2-new", other, "en");

    Document message = firstContact("T-new");
    Document customer = firstContact("T2-new");

    assertThat(message.getString("text"))
        .startsWith("Olá Ana")
        .contains("bom falar com você de novo")
        .doesNotContain("vi que");
    assertThat(message.get("template", Document.class).getString("name")).isEqualTo("welcome_back");
    assertThat(message.get("template", Document.class).getString("language")).isEqualTo("pt_BR");
    assertThat(message.get("gate", Document.class).getString("decision")).isEqualTo("approve");
    assertThat(customer.get("template", Document.class).getString("name"))
        .as("a customer once, whatever the last lead's outcome")
        .isEqualTo("welcome_back_customer");
  }

  /**
   * With an LLM configured, free text inside the 24 h window is the writer's: its prompt says the
   * message is a re-engagement of an existing customer, not a first contact. The offline path
   * (above) stays deterministic.
   */
  @Test
  void theLlmIsToldItIsAReEngagementOfACustomer() {
    String phone = phone();
    earlier(
        "L-old",
        phone,
        new Document("stage", "converted").append("outcome", new Document("value", "converted")));
    lead("L-new", phone, "en");
    List<String> prompts = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.langchain4j.model.chat.ChatModel model =
        new dev.langchain4j.model.chat.ChatModel() {
          @Override
          public dev.langchain4j.model.chat.response.ChatResponse doChat(
              dev.langchain4j.model.chat.request.ChatRequest request) {
            prompts.add(request.messages().toString());
            return dev.langchain4j.model.chat.response.ChatResponse.builder()
                .aiMessage(
                    dev.langchain4j.data.message.AiMessage.from(
                        "Hi Ana, good to be in touch again: how are things going at Acme since"
                            + " you started with us as a customer?"))
                .build();
          }
        };
    TemplateComposeActivities llmComposer =
        new TemplateComposeActivities(
            store,
            new Retriever(MONGO.database(), LeadActivitiesTest.EMBEDDINGS),
            clock,
            new com.salesagent.activities.compose.LlmWriter(model),
            "stub/model");
    VariantAssignment assignment = leads.matchAndAssign("L-new", "smb");

    llmComposer.compose(
        new ComposeRequest(
            "L-new", "c-1", assignment.variantId(), 0, "first_contact", "k-llm", 0, false));

    assertThat(prompts).hasSize(1);
    assertThat(prompts.get(0))
        .contains("This is a re-engagement, not a first contact")
        .contains("existing customer");
    assertThat(store.messages().messageByKey("k-llm").getString("composer"))
        .isEqualTo("llm:stub/model");
  }

  @Test
  void aNumberThatNeverAnsweredGetsTheColdOpenerAsBefore() {
    String phone = phone();
    earlier("N-old", phone, new Document("stage", "no_response"));
    earlier(
        "E-old",
        phone,
        new Document("stage", "converted")
            .append("outcome", new Document("value", "converted"))
            .append(LeadStore.ERASURE, new Document("requestedAt", new Date())));
    lead("N-new", phone, "en");
    long coldBefore = coldAssigned();

    Document message = firstContact("N-new");

    assertThat(message.getString("variantId")).isNotEqualTo(RETURNING);
    assertThat(message.getString("text")).contains("I saw that");
    assertThat(store.contact("N-new").get("returning")).isNull();
    assertThat(coldAssigned()).isEqualTo(coldBefore + 1);
  }

  /**
   * An operator who switched the returning-contact variant off chose to treat returning numbers as
   * new leads: the lead is assigned by the bandit (a cold trial) and still gets its first message;
   * the relationship is kept on the contact all the same.
   */
  @Test
  void withTheReturningVariantOffTheLeadGoesColdAndIsNotLost() {
    String phone = phone();
    earlier(
        "O-old",
        phone,
        new Document("stage", "converted").append("outcome", new Document("value", "converted")));
    lead("O-new", phone, "en");
    var variants = MONGO.database().getCollection(Collections.PROMPT_VARIANTS);
    variants.updateOne(
        new Document("variantId", RETURNING), new Document("$set", new Document("enabled", false)));
    try {
      Document message = firstContact("O-new");

      assertThat(message.getString("variantId")).isNotEqualTo(RETURNING);
      assertThat(message.getString("text")).startsWith("Hi Ana");
      assertThat(store.contact("O-new").get("returning", Document.class))
          .containsEntry("relationship", "customer");
    } finally {
      variants.updateOne(
          new Document("variantId", RETURNING),
          new Document("$set", new Document("enabled", true)));
    }
  }

  @Test
  void anEarlierLeadWithMalformedFieldsIsNoHistoryAndNoFailure() {
    String phone = phone();
    earlier(
        "M-old",
        phone,
        new Document("stage", 7).append("outcome", "converted").append("funnel", "replied"));
    lead("M-new", phone, "en");

    Document message = firstContact("M-new");

    assertThat(message.getString("text")).startsWith("Hi Ana");
    assertThat(message.getString("variantId")).isNotEqualTo(RETURNING);
  }

  @Test
  void theReturningVariantIsNeverACandidateOfTheColdBandit() {
    for (int i = 0; i < 6; i++) {
      String leadId = "cold-" + i + "-" + UUID.randomUUID();
      lead(leadId, phone(), "en");
      assertThat(leads.matchAndAssign(leadId, "smb").variantId()).isNotEqualTo(RETURNING);
    }
    assertThat(
            MONGO
                .database()
                .getCollection(Collections.PROMPT_VARIANTS)
                .countDocuments(new Document("variantId", RETURNING).append("enabled", true)))
        .as("seeded")
        .isEqualTo(1);
  }
}
