package com.salesagent.activities.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.lead.KeepAlive;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Seeds;
import com.salesagent.activities.research.EmbeddingCache;
import com.salesagent.activities.research.Embeddings;
import com.salesagent.workflows.lead.DraftedAnswer;
import com.salesagent.workflows.lead.KnowledgeActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Drafts from the knowledge base with the real offline model: a question gets the entry that
 * answers it, said as the entry states it (and the booking link for an interested lead); a reply no
 * entry answers is "no grounded answer"; a retried draft is the same; another language has no
 * entries to answer from.
 */
class KnowledgeActivitiesTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  static final Embeddings EMBEDDINGS = new Embeddings(Path.of("target", "cache"));

  private final AtomicInteger modelTexts = new AtomicInteger();
  private KnowledgeActivitiesImpl knowledge;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    Seeds.ensure(
        MONGO.database(),
        new Seeds.Defaults(
            Duration.ofHours(24),
            Duration.ofHours(72),
            2,
            "20:00",
            "08:00",
            "UTC",
            Duration.ofHours(24),
            Duration.ofMinutes(1),
            7,
            Duration.ofHours(4),
            "approve",
            Duration.ofMinutes(15),
            "hold"));
    knowledge =
        new KnowledgeActivitiesImpl(
            MONGO.database(),
            texts -> {
              modelTexts.addAndGet(texts.size());
              return EMBEDDINGS.embedAll(texts);
            },
            new EmbeddingCache(MONGO.database(), Clock.systemUTC()),
            Clock.systemUTC());
  }

  private void reply(String leadId, String messageId, String text, String intent, String locale) {
    MONGO
        .database()
        .getCollection(Collections.CONTACTS)
        .insertOne(new Document("leadId", leadId).append("locale", locale));
    MONGO
        .database()
        .getCollection(Collections.FEEDBACK)
        .insertOne(
            new Document("leadId", leadId)
                .append("messageId", messageId)
                .append("text", text)
                .append("intent", intent));
  }

  /** A reply as the webhook stores it: the offline triage's intent and objection subtype. */
  private void triaged(String leadId, String messageId, String text, String locale) {
    com.salesagent.activities.triage.Triage t =
        com.salesagent.activities.triage.ReplyClassifier.LEXICON.classify(
            text, false, java.time.LocalDate.of(2026, 12, 1));
    reply(leadId, messageId, text, t.intent(), locale);
    MONGO
        .database()
        .getCollection(Collections.FEEDBACK)
        .updateOne(
            new Document("leadId", leadId).append("messageId", messageId),
            new Document(
                "$set", new Document("objection", t.objection()).append("keywords", t.keywords())));
  }

  /**
   * "Agora sim, quero saber mais sobre o produto" is interest: it drafted the timing objection's
   * answer ("we can start whenever it suits you, or I can check back later"), matched on the word
   * "agora". An objection's answer answers only an objection.
   */
  @Test
  void anInterestedReplyIsNeverAnsweredWithAnObjectionsAnswer() {
    for (String[] r :
        new String[][] {
          {"I-pt", "Agora sim, quero saber mais sobre o produto", "pt-BR"},
          {"I-es", "Ahora sí, quiero saber más del producto", "es"},
          {"I-en", "Now is a good time, tell me more about the product", "en"}
        }) {
      reply(r[0], "m", r[1], "interested", r[2]);
      knowledge.draftAnswer(r[0], "m");
      assertThat(draft(r[0] + ":m").getList("citations", Document.class))
          .as(r[1])
          .noneMatch(c -> "objection".equals(c.getString("kind")));
    }
  }

  /**
   * "Talk to my colleague Pedro" names someone else: its "talk" read as a call asked for, and the
   * draft proposed a call to the person who sent us elsewhere (auto-sent where the segment lets
   * drafts go). A referral gets no draft: a person follows up the name.
   */
  @Test
  void aReferralGetsNoDraftAPersonFollowsUpTheName() {
    String[][] replies = {
      {"R-en", "Talk to my colleague Pedro, he handles this", "en"},
      {"R-pt", "Fale com o João, ele cuida disso", "pt-BR"},
      {"R-es", "Habla con María, ella lleva esto", "es"}
    };
    for (String[] r : replies) {
      triaged(r[0], "m", r[1], r[2]);
      DraftedAnswer d = knowledge.draftAnswer(r[0], "m");
      assertThat(d.grounded()).as(r[1]).isFalse();
      Document stored = draft(r[0] + ":m");
      assertThat(stored.getString("text")).as(r[1]).isNull();
      assertThat(stored.getString("why")).as(r[1]).contains("referral");
    }
  }

  private Document draft(String id) {
    return MONGO
        .database()
        .getCollection(KnowledgeActivitiesImpl.DRAFTS)
        .find(new Document("_id", id))
        .first();
  }

  @Test
  void aPriceQuestionIsAnsweredFromThePricingEntryWithTheBookingLinkForAnInterestedLead() {
    reply("K-1", "m-1", "Sounds interesting. How much does it cost per month?", "interested", "en");
    DraftedAnswer d = knowledge.draftAnswer("K-1", "m-1");

    assertThat(d.grounded()).isTrue();
    assertThat(d.entryIds()).containsExactly("pricing-plans", "booking-link");
    assertThat(d.score()).isGreaterThanOrEqualTo(EntryRanking.MIN_SCORE);
    Document stored = draft("K-1:m-1");
    assertThat(stored.getString("text"))
        .startsWith("Our plans are priced per active lead")
        .contains("https://example.com/book");
    assertThat(stored.getString("status")).isEqualTo("held");
    assertThat(stored.getString("composer")).isEqualTo("knowledge-base-offline");

    int before = modelTexts.get();
    assertThat(knowledge.draftAnswer("K-1", "m-1")).as("a retried draft").isEqualTo(d);
    assertThat(modelTexts.get()).as("nothing embedded again").isEqualTo(before);
  }

  /**
   * A rep answered the lead's question while its draft was being made (a provider takes seconds):
   * the draft was stored held, offered on the lead page on top of the rep's answer. It is stored
   * superseded, naming the rep's message.
   */
  @Test
  void aDraftMadeAfterAPersonAnsweredTheMessageIsStoredSuperseded() {
    reply("K-9", "m-9", "How much does it cost per month?", "question", "en");
    java.util.Date stored = java.util.Date.from(java.time.Instant.now().minusSeconds(30));
    var db = MONGO.database();
    db.getCollection(Collections.FEEDBACK)
        .updateOne(
            new Document("leadId", "K-9"), new Document("$set", new Document("storedAt", stored)));
    db.getCollection(Collections.CONTACTS)
        .updateOne(
            new Document("leadId", "K-9"),
            new Document(
                "$set",
                new Document(
                    "lastPersonAnswer",
                    new Document("by", "Ana Lima (ana)")
                        .append("ownerId", "ana")
                        .append("key", "lead-K-9-owner-1")
                        .append(
                            "at", java.util.Date.from(java.time.Instant.now().minusSeconds(10))))));

    knowledge.draftAnswer("K-9", "m-9");

    Document draft = draft("K-9:m-9");
    assertThat(draft.getString("status")).isEqualTo("superseded");
    assertThat(draft.get("supersededBy", Document.class).getString("key"))
        .isEqualTo("lead-K-9-owner-1");
  }

  /**
   * The lead's run ended (an operator marked it lost) while the draft for its question was being
   * made: the end superseded the drafts held by then, and this one, stored after, stayed held and
   * sendable on an ended run. It is stored superseded by the end. A draft for a message the lead
   * wrote after the end is held as before.
   */
  @Test
  void aDraftStoredAfterTheRunEndedForAMessageFromTheRunIsStoredSupersededByTheEnd() {
    var db = MONGO.database();
    var store = new com.salesagent.activities.mongo.LeadStore(db);
    for (String lead : List.of("K-end", "K-after-end")) {
      reply(lead, "m-1", "How much does it cost per month?", "question", "en");
      db.getCollection(Collections.CONTACTS)
          .updateOne(
              new Document("leadId", lead),
              new Document(
                  "$set", new Document("stage", "in_conversation").append("campaignId", "c-1")));
      db.getCollection(Collections.FEEDBACK)
          .updateOne(
              new Document("leadId", lead),
              new Document(
                  "$set",
                  new Document(
                      "storedAt",
                      java.util.Date.from(
                          java.time.Instant.now()
                              .minusSeconds(lead.equals("K-end") ? 60 : 3600)))));
      new com.salesagent.activities.lead.LeadActivitiesImpl(store, Clock.systemUTC())
          .record(
              new com.salesagent.workflows.lead.LeadEvent(
                  lead, "c-1", "outcome", "lost", "smb", "v-1", null, null, null, "not now"));
    }
    // K-after-end's question was written after its end (a second after: in the same millisecond
    // as the end's record it would not be after it, and the test failed once so).
    db.getCollection(Collections.FEEDBACK)
        .updateOne(
            new Document("leadId", "K-after-end"),
            new Document(
                "$set",
                new Document(
                    "storedAt", java.util.Date.from(java.time.Instant.now().plusSeconds(1)))));

    knowledge.draftAnswer("K-end", "m-1");
    knowledge.draftAnswer("K-after-end", "m-1");

    Document draft = draft("K-end:m-1");
    assertThat(draft.getString("status")).isEqualTo("superseded");
    assertThat(draft.get("supersededBy", Document.class).getString("stage")).isEqualTo("lost");
    assertThat(draft.get("supersededBy", Document.class).getString("why")).contains("ended");
    assertThat(draft("K-after-end:m-1").getString("status")).isEqualTo("held");
  }

  @Test
  void anObjectionGetsTheObjectionsAnswerWithoutTheBookingLink() {
    reply(
        "K-2",
        "m-2",
        "Honestly this is too expensive, we have no budget for it",
        "objection",
        "en");
    DraftedAnswer d = knowledge.draftAnswer("K-2", "m-2");
    assertThat(d.grounded()).isTrue();
    assertThat(d.entryIds()).containsExactly("objection-too-expensive");
    assertThat(draft("K-2:m-2").getString("text")).doesNotContain("example.com/book");
  }

  @Test
  void aReplyNoEntryAnswersIsHeldForAPersonWithoutText() {
    reply(
        "K-3",
        "m-3",
        "Is your office near the football stadium? My dog loves parks.",
        "other",
        "en");
    DraftedAnswer d = knowledge.draftAnswer("K-3", "m-3");
    assertThat(d.grounded()).as("score " + d.score()).isFalse();
    assertThat(d.entryIds()).isEmpty();
    Document stored = draft("K-3:m-3");
    assertThat(stored.getString("text")).isNull();
    assertThat(stored.getString("why")).isEqualTo("no entry answers it closely enough");
    assertThat(stored.getList("citations", Document.class))
        .isNotEmpty()
        .hasSizeLessThanOrEqualTo(3);
  }

  @Test
  void withoutEntriesInTheLeadsLanguageThereIsNoDraft() {
    reply("K-4", "m-4", "Was kostet das im Monat?", "interested", "de-DE");
    DraftedAnswer d = knowledge.draftAnswer("K-4", "m-4");
    assertThat(d.grounded()).isFalse();
    assertThat(draft("K-4:m-4").getString("why")).isEqualTo("no knowledge entry in de");
  }

  /**
   * The seeded campaigns write in Spanish and Brazilian Portuguese, so the sample entries answer in
   * them too: a Spanish price question from the Spanish pricing entry, a Portuguese request for a
   * call with the Portuguese booking link.
   */
  @Test
  void theSampleEntriesAnswerSpanishAndPortugueseLeadsInTheirLanguage() {
    reply("K-4es", "m-4", "Me interesa. ¿Cuánto cuesta al mes?", "interested", "es-MX");
    DraftedAnswer es = knowledge.draftAnswer("K-4es", "m-4");
    assertThat(es.grounded()).as(draft("K-4es:m-4").toJson()).isTrue();
    assertThat(es.entryIds()).contains("pricing-plans-es");
    assertThat(draft("K-4es:m-4").getString("text")).contains("precio");

    reply("K-4pt", "m-4", "Podemos marcar uma reunião na semana que vem?", "interested", "pt-BR");
    DraftedAnswer pt = knowledge.draftAnswer("K-4pt", "m-4");
    assertThat(pt.grounded()).as(draft("K-4pt:m-4").toJson()).isTrue();
    assertThat(pt.entryIds()).containsExactly("booking-link-pt");
    assertThat(draft("K-4pt:m-4").getString("stage")).isEqualTo(ConversationStage.PROPOSE_MEETING);
  }

  /**
   * The embedding model is English-only: in Portuguese and Spanish it put "Quem é você?" nearer the
   * booking entry (0.527) than "Podemos falar na segunda?" (0.504). A reply in a language the model
   * does not cover gets the entry whose question or keywords share its content words, or no draft
   * when none does.
   */
  @Test
  void portugueseAndSpanishRepliesGetTheEntryThatAnswersThemOrNone() {
    record Case(String text, String intent, String locale, String entry) {}
    List<Case> cases =
        List.of(
            new Case("Quem é você?", "other", "pt-BR", null),
            new Case("Quem é você?", "interested", "pt-BR", null),
            new Case("Podemos falar na segunda?", "interested", "pt-BR", "booking-link-pt"),
            new Case(
                "Como funciona? Precisa de alguma ferramenta?",
                "other",
                "pt-BR",
                "faq-how-it-works-pt"),
            new Case("Quanto custa por mês?", "other", "pt-BR", "pricing-plans-pt"),
            new Case("Qual o valor dos planos?", "other", "pt_BR", "pricing-plans-pt"),
            new Case("Vocês trabalham aos sábados?", "other", "pt-BR", null),
            new Case("¿Quién es usted?", "other", "es-MX", null),
            new Case(
                "¿Cómo funciona? ¿Qué herramientas necesito?",
                "other",
                "es-MX",
                "faq-how-it-works-es"),
            new Case("¿Cuánto cuesta el plan?", "other", "es", "pricing-plans-es"),
            new Case("¿Tienen oficina en Madrid?", "other", "es", null));
    int i = 0;
    for (Case c : cases) {
      String lead = "L-" + i++;
      reply(lead, "m", c.text(), c.intent(), c.locale());
      DraftedAnswer d = knowledge.draftAnswer(lead, "m");
      Document stored = draft(lead + ":m");
      if (c.entry() == null) {
        assertThat(d.grounded()).as(c.text() + " " + stored.toJson()).isFalse();
        assertThat(stored.getString("text")).isNull();
      } else {
        assertThat(d.grounded()).as(c.text() + " " + stored.toJson()).isTrue();
        assertThat(d.entryIds().get(0)).as(c.text() + " " + stored.toJson()).isEqualTo(c.entry());
        assertThat(
                stored
                    .getList("citations", Document.class)
                    .get(0)
                    .getList("sharedWords", String.class))
            .as("the words it shares with the reply, for the person who sends it")
            .isNotEmpty();
      }
    }
  }

  /**
   * An objection is answered by the entry of its subtype (the triage's {@code objection}): a
   * competitor objection gets the competitor answer in each language, not the cost answer; a cost
   * objection still gets the cost answer.
   */
  @Test
  void anObjectionIsAnsweredByTheEntryOfItsSubtypeInEachLanguage() {
    record Case(String text, String locale, String entry) {}
    List<Case> cases =
        List.of(
            new Case("We already use Salesforce", "en", "objection-competitor"),
            new Case("Ya usamos HubSpot", "es-MX", "objection-competitor-es"),
            new Case("Já usamos o RD Station", "pt-BR", "objection-competitor-pt"),
            new Case(
                "Honestly this is too expensive, we have no budget for it",
                "en",
                "objection-too-expensive"),
            new Case("Es muy caro, no tenemos presupuesto", "es", "objection-too-expensive-es"),
            new Case(
                "Achei caro demais, sem orçamento agora", "pt-BR", "objection-too-expensive-pt"),
            new Case("Sorry, this is not a priority for us", "en", "objection-timing"),
            new Case("No es prioridad para nosotros", "es", "objection-timing-es"),
            new Case("Estamos sem tempo para isso", "pt-BR", "objection-timing-pt"));
    int i = 0;
    for (Case c : cases) {
      String lead = "O-" + i++;
      triaged(lead, "m", c.text(), c.locale());
      DraftedAnswer d = knowledge.draftAnswer(lead, "m");
      Document stored = draft(lead + ":m");
      assertThat(d.grounded()).as(c.text() + " " + stored.toJson()).isTrue();
      assertThat(d.entryIds()).as(c.text() + " " + stored.toJson()).containsExactly(c.entry());
      assertThat(stored.getString("stage")).isEqualTo(ConversationStage.HANDLE_OBJECTION);
      assertThat(stored.getString("objection"))
          .isEqualTo(
              c.entry().contains("competitor")
                  ? "competitor"
                  : c.entry().contains("timing") ? "timing" : "cost");
    }
  }

  /**
   * English stays as it was with the competitor and timing entries added: the questions the
   * emulator's recipients ask (EmulatorBehaviour.QUESTIONS), triaged as the webhook does, get the
   * entries they got before.
   */
  @Test
  void theEmulatorsEnglishQuestionsKeepTheirEntries() {
    Map<String, String> expected =
        Map.of(
            "How much does it cost per month?", "pricing-plans",
            "How does it work? Which tools does it need?", "faq-how-it-works",
            "Honestly it sounds too expensive for us", "objection-too-expensive",
            "Can we book a call next week?", "booking-link");
    int i = 0;
    for (var e : expected.entrySet()) {
      String lead = "E-" + i++;
      triaged(lead, "m", e.getKey(), "en");
      DraftedAnswer d = knowledge.draftAnswer(lead, "m");
      assertThat(d.grounded()).as(e.getKey()).isTrue();
      assertThat(d.entryIds().get(0)).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  /** An objection of a subtype no entry answers: no draft, rather than another subtype's answer. */
  @Test
  void anObjectionWhoseSubtypeHasNoEntryGetsNoDraft() {
    var kb = MONGO.database().getCollection(KnowledgeBase.COLLECTION);
    List<Document> competitor =
        kb.find(new Document("_id", new Document("$regex", "^objection-competitor")))
            .into(new java.util.ArrayList<>());
    kb.deleteMany(new Document("_id", new Document("$regex", "^objection-competitor")));
    try {
      triaged("N-1", "m", "We already use Salesforce, we are happy with it", "en");
      triaged("N-2", "m", "Já usamos o RD Station", "pt-BR");
      for (String lead : List.of("N-1", "N-2")) {
        DraftedAnswer d = knowledge.draftAnswer(lead, "m");
        Document stored = draft(lead + ":m");
        assertThat(d.grounded()).as(stored.toJson()).isFalse();
        assertThat(d.entryIds()).isEmpty();
        assertThat(stored.getString("why")).isEqualTo("no entry answers a competitor objection");
      }
    } finally {
      if (!competitor.isEmpty()) {
        kb.insertMany(competitor);
      }
    }
  }

  /**
   * In a language the model does not cover, the score rests on shared words: such a draft goes out
   * on its own only past the segment's score and the lexical bar (at least two of the reply's
   * content words, and three quarters of them, found in the entry), else it is held.
   */
  @Test
  void aLexicalMatchIsAutoSentOnlyPastTheLexicalBar() {
    var definitions = MONGO.database().getCollection(Collections.WORKFLOW_DEFINITIONS);
    definitions.updateOne(
        new Document("segment", "default"),
        new Document("$set", new Document("autoSendDrafts", new Document("minScore", 0.5))));
    try {
      reply("A-1", "m", "Quanto custa?", "other", "pt-BR");
      reply("A-2", "m", "Qual o preço dos planos?", "other", "pt-BR");

      DraftedAnswer held = knowledge.draftAnswer("A-1", "m");
      DraftedAnswer sent = knowledge.draftAnswer("A-2", "m");

      assertThat(held.grounded()).isTrue();
      assertThat(held.entryIds()).containsExactly("pricing-plans-pt");
      assertThat(held.autoSendKey()).as(draft("A-1:m").toJson()).isNull();
      assertThat(draft("A-1:m").getString("status")).isEqualTo("held");
      assertThat(sent.entryIds()).containsExactly("pricing-plans-pt");
      assertThat(sent.score()).isGreaterThanOrEqualTo(0.5);
      assertThat(sent.autoSendKey()).as(draft("A-2:m").toJson()).startsWith("lead-A-2-agent-");
    } finally {
      definitions.updateOne(
          new Document("segment", "default"),
          new Document("$unset", new Document("autoSendDrafts", "")));
    }
  }

  @Test
  void aRequestForACallIsAnsweredWithTheBookingLinkAtTheMeetingStage() {
    reply("K-5", "m-5", "Yes, let's schedule a call next week", "interested", "en");
    DraftedAnswer d = knowledge.draftAnswer("K-5", "m-5");
    assertThat(d.grounded()).isTrue();
    assertThat(d.entryIds()).containsExactly("booking-link");
    assertThat(draft("K-5:m-5").getString("stage")).isEqualTo(ConversationStage.PROPOSE_MEETING);
    assertThat(draft("K-5:m-5").getString("text")).contains("https://example.com/book");
  }

  @Test
  void theStageOfAConversationAfterAReply() {
    assertThat(ConversationStage.of("objection", "Too expensive, can you do a discount?"))
        .isEqualTo(ConversationStage.HANDLE_OBJECTION);
    assertThat(ConversationStage.of("interested", "Great, how do we sign the contract?"))
        .isEqualTo(ConversationStage.CLOSE);
    assertThat(ConversationStage.of("interested", "Can we do a demo on Thursday?"))
        .isEqualTo(ConversationStage.PROPOSE_MEETING);
    assertThat(ConversationStage.of("other", "Which CRMs does it work with?"))
        .isEqualTo(ConversationStage.ANSWER);
    assertThat(ConversationStage.of("interested", "Sounds great!"))
        .isEqualTo(ConversationStage.PROPOSE_MEETING);
    assertThat(ConversationStage.of("other", "We are a team of twelve in Lisbon"))
        .isEqualTo(ConversationStage.QUALIFY);
    assertThat(ConversationStage.of("interested", "Quanto custa?"))
        .as("another language: the question mark and the intent")
        .isEqualTo(ConversationStage.ANSWER);
    assertThat(ConversationStage.of("interested", "¿Podemos agendar una llamada mañana?"))
        .isEqualTo(ConversationStage.PROPOSE_MEETING);
    assertThat(ConversationStage.of("interested", "Vamos marcar uma reunião?"))
        .isEqualTo(ConversationStage.PROPOSE_MEETING);
    assertThat(ConversationStage.of("interested", "¿Cómo firmamos el contrato?"))
        .isEqualTo(ConversationStage.CLOSE);
    assertThat(ConversationStage.of("interested", "Como faço para assinar?"))
        .isEqualTo(ConversationStage.CLOSE);
  }

  /** A provider that answers what it is told to, and records the prompts it got. */
  private KnowledgeActivitiesImpl writing(String answer, List<String> prompts) {
    return writing(answer, prompts, Duration.ZERO);
  }

  /** As above, answering after {@code taking}. */
  private KnowledgeActivitiesImpl writing(String answer, List<String> prompts, Duration taking) {
    dev.langchain4j.model.chat.ChatModel model =
        new dev.langchain4j.model.chat.ChatModel() {
          @Override
          public dev.langchain4j.model.chat.response.ChatResponse doChat(
              dev.langchain4j.model.chat.request.ChatRequest request) {
            prompts.add(request.messages().toString());
            try {
              Thread.sleep(taking.toMillis());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException(e);
            }
            return dev.langchain4j.model.chat.response.ChatResponse.builder()
                .aiMessage(dev.langchain4j.data.message.AiMessage.from(answer))
                .build();
          }
        };
    return new KnowledgeActivitiesImpl(
            MONGO.database(),
            EMBEDDINGS::embedAll,
            new EmbeddingCache(MONGO.database(), Clock.systemUTC()),
            Clock.systemUTC())
        .withWriter(model, "stub/model");
  }

  @Test
  void aProvidersAnswerThatStaysWithinTheEntriesReplacesTheOfflineDraft() {
    List<String> prompts = new java.util.concurrent.CopyOnWriteArrayList<>();
    String written =
        "Thanks for asking! Our plans are priced per active lead each month, and your first"
            + " campaign of up to 100 leads is free to try. If it suits you, pick a time for a 15"
            + " minute call here: https://example.com/book";
    reply("K-6", "m-6", "Sounds interesting. How much does it cost per month?", "interested", "en");

    DraftedAnswer d = writing(written, prompts).draftAnswer("K-6", "m-6");

    Document stored = draft("K-6:m-6");
    assertThat(stored.getString("text")).isEqualTo(written);
    assertThat(stored.getString("composer")).isEqualTo("llm:stub/model");
    assertThat(stored.getString("offlineText")).startsWith("Our plans are priced per active lead");
    assertThat(stored.getString("status")).isEqualTo("held");
    Document gate = stored.get("llm", Document.class).get("gate", Document.class);
    assertThat(gate.getBoolean("pass")).isTrue();
    assertThat(gate.getDouble("score")).isGreaterThanOrEqualTo(DraftGate.PASS);
    assertThat(d.entryIds()).containsExactly("pricing-plans", "booking-link");
    assertThat(prompts.get(0))
        .contains("[pricing-plans]")
        .contains("<conversation>")
        .contains("Answer the lead's question");
  }

  /**
   * A converted customer's question went to the provider as a lead's, told to propose a call: the
   * provider is told the stage, customer care, and given no booking or price entry.
   */
  @Test
  void aProviderWritingToACustomerIsToldItIsCustomerCare() {
    List<String> prompts = new java.util.concurrent.CopyOnWriteArrayList<>();
    reply("K-C", "m-c", "How does it work? Which tools does it need? Show me", "interested", "en");
    MONGO
        .database()
        .getCollection(Collections.CONTACTS)
        .updateOne(
            new Document("leadId", "K-C"),
            new Document("$set", new Document("stage", "converted")));

    writing(DraftWriter.NONE, prompts).draftAnswer("K-C", "m-c");

    assertThat(prompts.get(0))
        .contains("customer care")
        .contains("do not sell")
        .contains("[faq-how-it-works]")
        .doesNotContain("[booking-link]")
        .doesNotContain("[pricing-plans]")
        .doesNotContain("Propose a short call");
    assertThat(draft("K-C:m-c").getString("stage")).isEqualTo("customer_care");
  }

  /**
   * A provider slower than the activity's heartbeat timeout: the draft heartbeats while it waits,
   * so Temporal does not take it for a dead worker and ask the provider again.
   */
  @Test
  void aSlowProvidersDraftIsHeartbeatedWhileItWaits() {
    reply("K-7", "m-7", "Sounds interesting. How much does it cost per month?", "interested", "en");
    List<String> prompts = new java.util.concurrent.CopyOnWriteArrayList<>();
    KnowledgeActivitiesImpl slow =
        writing(
            "Our plans are priced per active lead each month.",
            prompts,
            KeepAlive.EVERY.multipliedBy(2).plusMillis(500));
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      AtomicInteger heartbeats = new AtomicInteger();
      env.setActivityHeartbeatListener(Object.class, details -> heartbeats.incrementAndGet());
      env.registerActivitiesImplementations(slow);
      KnowledgeActivities stub =
          env.newActivityStub(
              KnowledgeActivities.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofMinutes(1))
                  // The SDK passes on at most one heartbeat per 0.8 s with this timeout.
                  .setHeartbeatTimeout(Duration.ofSeconds(1))
                  .build());

      stub.draftAnswer("K-7", "m-7");

      assertThat(prompts).hasSize(1);
      assertThat(draft("K-7:m-7").getString("composer")).isEqualTo("llm:stub/model");
      assertThat(heartbeats.get())
          .as("one per beat while the provider writes")
          .isGreaterThanOrEqualTo(2);
    } finally {
      env.close();
    }
  }

  /** The lead's research: chunks of one run with their embeddings, as research stores them. */
  private void research(String leadId, String... sentences) {
    List<float[]> vectors = EMBEDDINGS.embedAll(List.of(sentences));
    var results = MONGO.database().getCollection(Collections.RESEARCH_RESULTS);
    for (int i = 0; i < sentences.length; i++) {
      List<Double> vector = new java.util.ArrayList<>();
      for (float f : vectors.get(i)) {
        vector.add((double) f);
      }
      results.insertOne(
          new Document("leadId", leadId)
              .append("runId", "run-1")
              .append("seq", i)
              .append("source", "website")
              .append("text", sentences[i])
              .append("embedding", vector)
              .append("model", Embeddings.MODEL)
              .append("createdAt", new java.util.Date()));
    }
  }

  /**
   * The provider writes knowing the lead: its persona's attributes and the research sentence
   * nearest the reply are in the prompt (never its name or phone), the gate accepts a statement
   * about the lead drawn from that research, and the draft keeps what it was given for the person
   * who sends it. The same answer for a lead without that research is refused (the statement rests
   * on nothing); a number, a promise taken from research is refused whatever the research says; a
   * draft that only restates research, with no statement on an entry, is refused.
   */
  @Test
  void aProviderDraftsKnowingThePersonaAndTheResearchNearestTheReply() {
    List<String> prompts = new java.util.concurrent.CopyOnWriteArrayList<>();
    String written =
        "Acme Corp is hiring support agents this quarter to keep up with customer growth, I saw."
            + " Our plans are priced per active lead each month, and your first campaign of up to"
            + " 100 leads is free to try. Pick a time for a call here: https://example.com/book";
    String question = "We are growing our support team fast. How much does it cost per month?";
    reply("K-9", "m-9", question, "interested", "en");
    MONGO
        .database()
        .getCollection(Collections.CONTACTS)
        .updateOne(
            new Document("leadId", "K-9"),
            new Document(
                "$set", new Document("name", "Ana Souza").append("phone", "+5511999990000")));
    MONGO
        .database()
        .getCollection(Collections.PERSONAS)
        .insertOne(
            new Document("leadId", "K-9")
                .append("name", "Ana Souza")
                .append("industry", "saas")
                .append("seniority", "vp")
                .append("function", "operations")
                .append("topics", List.of("scaling_challenges")));
    research(
        "K-9",
        "Acme Corp is hiring 40 support agents this quarter to keep up with customer growth.",
        "The company was founded in Porto and sells accounting software.",
        "Its chief executive enjoys sailing on weekends.");

    writing(written, prompts).draftAnswer("K-9", "m-9");

    assertThat(prompts.get(0))
        .contains("<lead>")
        .contains("industry=saas")
        .contains("seniority=vp")
        .contains("topics=scaling_challenges")
        .contains("Research (website): Acme Corp is hiring 40 support agents")
        .doesNotContain("Ana Souza")
        .doesNotContain("999990000")
        .doesNotContain("sailing");
    Document stored = draft("K-9:m-9");
    assertThat(stored.getString("composer")).isEqualTo("llm:stub/model");
    assertThat(stored.getString("text")).isEqualTo(written);
    Document context = stored.get("context", Document.class);
    assertThat(context.get("persona", Document.class).getString("industry")).isEqualTo("saas");
    assertThat(context.get("persona", Document.class)).doesNotContainKey("name");
    List<Document> sentences = context.getList("research", Document.class);
    assertThat(sentences.get(0).getString("text")).startsWith("Acme Corp is hiring 40");
    assertThat(sentences.get(0).getDouble("score"))
        .isGreaterThanOrEqualTo(LeadContext.MIN_RESEARCH_SCORE);

    reply("K-10", "m-10", question, "interested", "en");
    writing(written, new java.util.ArrayList<>()).draftAnswer("K-10", "m-10");
    Document unsupported = draft("K-10:m-10");
    assertThat(unsupported.getString("composer")).isEqualTo("knowledge-base-offline");
    assertThat(unsupported.get("llm", Document.class).getString("rejected"))
        .contains("statements no entry supports");
    assertThat(unsupported.get("context")).as("nothing known of this lead").isNull();

    // Research is no source of numbers, and a draft must rest on an entry.
    record Case(String lead, String answer, String why) {}
    for (Case c :
        List.of(
            new Case(
                "K-11",
                "As Acme Corp is hiring 40 support agents this quarter, our plans are priced per"
                    + " active lead each month.",
                "numbers no entry states: [40]"),
            new Case(
                "K-12",
                "Acme Corp is hiring support agents this quarter to keep up with customer growth.",
                "no statement rests on a knowledge entry"))) {
      reply(c.lead(), "m", question, "interested", "en");
      research(
          c.lead(),
          "Acme Corp is hiring 40 support agents this quarter to keep up with customer growth.",
          "The company was founded in Porto and sells accounting software.");
      writing(c.answer(), new java.util.ArrayList<>()).draftAnswer(c.lead(), "m");
      Document refused = draft(c.lead() + ":m");
      assertThat(refused.getString("composer")).as(c.lead()).isEqualTo("knowledge-base-offline");
      assertThat(refused.get("llm", Document.class).getString("rejected"))
          .as(c.lead())
          .contains(c.why());
    }
  }

  @Test
  void aProvidersAnswerThatGoesBeyondTheEntriesIsRejectedWithTheReason() {
    record Case(String answer, String why) {}
    List<Case> cases =
        List.of(
            new Case(
                "It costs only 9 dollars per lead per month, with a 30 day money back guarantee.",
                "numbers no entry states: [9, 30]"),
            new Case(
                "Our plans are priced per active lead each month. Book here: https://evil.example/x",
                "links no entry gives: [https://evil.example/x]"),
            new Case(
                "Our plans are priced per active lead each month, with a lifetime discount.",
                "promises no entry makes"),
            new Case(
                "We integrate with Salesforce, Pipedrive and Zoho out of the box. Our support team"
                    + " answers every ticket within minutes, day and night.",
                "statements no entry supports"),
            new Case("NO_GROUNDED_ANSWER", "the provider found no grounded answer"));
    int i = 0;
    for (Case c : cases) {
      String lead = "K-7-" + i++;
      reply(lead, "m-7", "How much does it cost per month?", "other", "en");

      DraftedAnswer d = writing(c.answer(), new java.util.ArrayList<>()).draftAnswer(lead, "m-7");

      Document stored = draft(lead + ":m-7");
      assertThat(d.grounded()).isTrue();
      assertThat(stored.getString("composer")).as(c.answer()).isEqualTo("knowledge-base-offline");
      assertThat(stored.getString("text")).startsWith("Our plans are priced per active lead");
      assertThat(stored.get("llm", Document.class).getString("rejected"))
          .as(c.answer())
          .contains(c.why());
    }
  }

  /**
   * A segment that lets good drafts go: an objection answered from an entry at 0.85 is stored to be
   * sent (approved by the rule), a price question at 0.64 stays held; without the rule every draft
   * is held.
   */
  @Test
  void theSegmentsAutoSendRuleLetsOnlyDraftsAboveItsScoreGo() {
    var definitions = MONGO.database().getCollection(Collections.WORKFLOW_DEFINITIONS);
    definitions.updateOne(
        new Document("segment", "default"),
        new Document("$set", new Document("autoSendDrafts", new Document("minScore", 0.8))));
    try {
      reply(
          "K-8",
          "m-8",
          "Honestly this is too expensive, we have no budget for it",
          "objection",
          "en");
      reply("K-9", "m-9", "How much does it cost per month?", "other", "en");

      DraftedAnswer sent = knowledge.draftAnswer("K-8", "m-8");
      DraftedAnswer held = knowledge.draftAnswer("K-9", "m-9");

      assertThat(sent.score()).isGreaterThanOrEqualTo(0.8);
      assertThat(sent.autoSendKey()).startsWith("lead-K-8-agent-");
      Document message =
          MONGO
              .database()
              .getCollection(Collections.MESSAGES)
              .find(new Document("idempotencyKey", sent.autoSendKey()))
              .first();
      assertThat(message.getString("text")).isEqualTo(draft("K-8:m-8").getString("text"));
      assertThat(message.getString("purpose")).isEqualTo("agent_answer");
      assertThat(message.get("approval", Document.class).getString("by"))
          .startsWith("auto-send (score ");
      assertThat(draft("K-8:m-8").getString("status")).isEqualTo("auto_sent");
      assertThat(knowledge.draftAnswer("K-8", "m-8")).as("a retry: the same key").isEqualTo(sent);
      assertThat(held.score()).isLessThan(0.8);
      assertThat(held.autoSendKey()).isNull();
      assertThat(draft("K-9:m-9").getString("status")).isEqualTo("held");

      // A lead whose run ended (it wrote after it was lost): no run to send it, a person answers;
      // the same good draft is held. (A converted lead is a customer: DraftForWhoWritesTest.)
      reply(
          "K-11",
          "m-11",
          "Honestly this is too expensive, we have no budget for it",
          "objection",
          "en");
      MONGO
          .database()
          .getCollection(Collections.CONTACTS)
          .updateOne(
              new Document("leadId", "K-11"), new Document("$set", new Document("stage", "lost")));
      DraftedAnswer ended = knowledge.draftAnswer("K-11", "m-11");
      assertThat(ended.score()).isGreaterThanOrEqualTo(0.8);
      assertThat(ended.autoSendKey()).as("ended: held").isNull();
      assertThat(draft("K-11:m-11").getString("status")).isEqualTo("held");
    } finally {
      definitions.updateOne(
          new Document("segment", "default"),
          new Document("$unset", new Document("autoSendDrafts", "")));
    }
    reply(
        "K-10",
        "m-10",
        "Honestly this is too expensive, we have no budget for it",
        "objection",
        "en");
    assertThat(knowledge.draftAnswer("K-10", "m-10").autoSendKey()).as("no rule: held").isNull();
  }

  /**
   * A database seeded before keywords and subtypes: a sample still as seeded gets them at the next
   * start (and answers Portuguese replies), an entry an operator replaced is left as it is.
   */
  @Test
  void samplesSeededBeforeKeywordsGetThemAndOperatorsEntriesAreLeftAlone() {
    var kb = MONGO.database().getCollection(KnowledgeBase.COLLECTION);
    kb.updateOne(
        new Document("_id", "booking-link-pt"),
        new Document("$unset", new Document("keywords", "")));
    kb.updateOne(
        new Document("_id", "objection-too-expensive-pt"),
        new Document("$unset", new Document("keywords", "").append("objection", "")));
    kb.replaceOne(
        new Document("_id", "faq-how-it-works-pt"),
        new Document("kind", "faq")
            .append("title", "Como funciona?")
            .append("text", "Do jeito do operador.")
            .append("language", "pt")
            .append("updatedBy", "operator"));
    try {
      setUp();

      Document booking = kb.find(new Document("_id", "booking-link-pt")).first();
      assertThat(booking.getList("keywords", String.class)).contains("falar", "reunião");
      Document cost = kb.find(new Document("_id", "objection-too-expensive-pt")).first();
      assertThat(cost.getString("objection")).isEqualTo("cost");
      assertThat(cost.getList("keywords", String.class)).contains("orçamento");
      Document operators = kb.find(new Document("_id", "faq-how-it-works-pt")).first();
      assertThat(operators.get("keywords")).isNull();
      assertThat(operators.getString("text")).isEqualTo("Do jeito do operador.");
    } finally {
      kb.deleteOne(new Document("_id", "faq-how-it-works-pt"));
      setUp();
    }
  }

  @Test
  void theLanguageOfALocale() {
    assertThat(List.of("pt_BR", "pt-BR", "EN", "", "es").stream().map(KnowledgeBase::language))
        .containsExactly("pt", "pt", "en", "en", "es");
  }
}
