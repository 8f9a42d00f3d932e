package com.salesagent.activities.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Seeds;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.research.EmbeddingCache;
import com.salesagent.workflows.lead.DraftedAnswer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who writes decides what the agent drafts, with the default (offline) composer: a number that
 * opted out gets no sales draft (withheld, with why and how it may opt back in); a converted
 * customer gets a customer-care answer, not a demo; a burst of lead messages is answered by one
 * draft that has them all in view, the older drafts superseded naming it, whatever order the
 * compositions finish in and however often they are retried.
 */
class DraftForWhoWritesTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

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
            KnowledgeActivitiesTest.EMBEDDINGS::embedAll,
            new EmbeddingCache(MONGO.database(), Clock.systemUTC()),
            Clock.systemUTC());
  }

  private String lead(Document fields) {
    String leadId = "W-" + UUID.randomUUID();
    Document contact =
        new Document("leadId", leadId)
            .append("locale", "en")
            .append("phone", "+5511" + (900000000L + Math.abs(leadId.hashCode() % 99999999)))
            .append("campaignId", "c-1");
    contact.putAll(fields);
    MONGO.database().getCollection(Collections.CONTACTS).insertOne(contact);
    return leadId;
  }

  private void wrote(String leadId, String messageId, String text, String intent, Instant at) {
    MONGO
        .database()
        .getCollection(Collections.FEEDBACK)
        .insertOne(
            new Document("leadId", leadId)
                .append("messageId", messageId)
                .append("text", text)
                .append("intent", intent)
                .append("receivedAt", Date.from(at))
                .append("storedAt", Date.from(at.plusMillis(200))));
  }

  private Document draft(String leadId, String messageId) {
    return MONGO
        .database()
        .getCollection(KnowledgeActivitiesImpl.DRAFTS)
        .find(new Document("_id", leadId + ":" + messageId))
        .first();
  }

  /**
   * A lead that said STOP and writes again ("how much is it?") got the price list as a held draft:
   * one click from a sales message to an opted-out number. No draft is made: the message's draft is
   * {@code withheld}, with no text, saying why and how the number may opt back in.
   */
  @Test
  void anOptedOutLeadThatWritesAgainGetsNoSalesDraft() {
    String leadId =
        lead(
            new Document("stage", "opted_out")
                .append("doNotContact", true)
                .append("doNotContactSource", Suppressions.KEYWORD)
                .append("doNotContactAt", Date.from(T0.minusSeconds(3600))));
    wrote(leadId, "m-1", "How much does it cost per month?", "question", T0);

    DraftedAnswer d = knowledge.draftAnswer(leadId, "m-1");

    assertThat(d.grounded()).isFalse();
    assertThat(d.entryIds()).isEmpty();
    assertThat(d.autoSendKey()).isNull();
    // The workflow's timeline says no draft was made and why, not "a person writes it".
    assertThat(d.withheld()).isEqualTo("opted out: no sales draft");
    assertThat(d.timelineDetail()).isEqualTo("no draft: opted out: no sales draft");
    Document stored = draft(leadId, "m-1");
    assertThat(stored.getString("status")).isEqualTo("withheld");
    assertThat(stored.getString("text")).isNull();
    assertThat(stored.getString("why"))
        .startsWith("opted out: do not sell")
        .contains("/api/suppressions/{number}/lift");
    assertThat(stored.get("withheld", Document.class).getString("source"))
        .isEqualTo(Suppressions.KEYWORD);
    assertThat(knowledge.draftAnswer(leadId, "m-1")).as("a retried draft").isEqualTo(d);
  }

  /** The number is on the suppression list (a STOP to another lead of it): no draft either. */
  @Test
  void aLeadWhoseNumberIsSuppressedGetsNoSalesDraft() {
    String leadId = lead(new Document("stage", "replied"));
    String phone =
        MONGO
            .database()
            .getCollection(Collections.CONTACTS)
            .find(new Document("leadId", leadId))
            .first()
            .getString("phone");
    new Suppressions(MONGO.database())
        .suppress(List.of(phone), Suppressions.KEYWORD, T0.minusSeconds(60), "STOP");
    wrote(leadId, "m-1", "How much does it cost per month?", "question", T0);

    knowledge.draftAnswer(leadId, "m-1");

    Document stored = draft(leadId, "m-1");
    assertThat(stored.getString("status")).isEqualTo("withheld");
    assertThat(stored.getString("text")).isNull();
  }

  /**
   * A converted customer asking how it works and to see it got the sales answer with the booking
   * link ("pick a time for a 15 minute call"): a demo offered to someone who bought. The draft is
   * composed knowing the lead's stage: customer care, from the product's own entries, no booking
   * link, no price list, thanking them as a customer. The same message from a lead who did not buy
   * still gets the booking link.
   */
  @Test
  void aConvertedCustomerGetsACustomerCareDraftNotADemo() {
    String text = "How does it work with our WhatsApp number? Which tools does it need?";
    String customer =
        lead(
            new Document("stage", "converted")
                .append("outcome", new Document("value", "converted").append("by", "ops")));
    wrote(customer, "m-1", text, "interested", T0);
    String prospect = lead(new Document("stage", "interested"));
    wrote(prospect, "m-1", text, "interested", T0);

    DraftedAnswer care = knowledge.draftAnswer(customer, "m-1");
    DraftedAnswer sales = knowledge.draftAnswer(prospect, "m-1");

    assertThat(sales.entryIds()).as("a prospect").contains("booking-link");
    assertThat(care.grounded()).isTrue();
    assertThat(care.entryIds()).containsExactly("faq-how-it-works");
    Document stored = draft(customer, "m-1");
    assertThat(stored.getString("stage")).isEqualTo("customer_care");
    assertThat(stored.getString("text"))
        .startsWith("Thank you for writing, and for being our customer. Each lead gets")
        .doesNotContain("https://example.com/book")
        .doesNotContain("call");
    assertThat(draft(prospect, "m-1").getString("text")).isNotEqualTo(stored.getString("text"));
  }

  /** A customer's question no product or faq entry answers: no sales entry instead. */
  @Test
  void aCustomersQuestionNoProductEntryAnswersIsLeftToCustomerCare() {
    String customer = lead(new Document("stage", "converted"));
    wrote(customer, "m-1", "We already use another tool, too expensive", "objection", T0);

    DraftedAnswer d = knowledge.draftAnswer(customer, "m-1");

    Document stored = draft(customer, "m-1");
    assertThat(stored.getList("citations", Document.class))
        .noneMatch(c -> List.of("objection", "pricing", "booking").contains(c.getString("kind")));
    if (!d.grounded()) {
      assertThat(stored.getString("why")).contains("customer care");
    }
  }

  /**
   * Five messages in a row held five drafts, each answering one line; a rep saw five suggestions
   * for one conversation. The newest draft answers them all (they are in view: {@code answers}),
   * and each older held draft is superseded by the draft that came after it, naming it and the
   * messages it answers.
   */
  @Test
  void aBurstIsAnsweredByOneDraftThatSupersedesTheOlderOnes() {
    String leadId = lead(new Document("stage", "in_conversation"));
    String[] texts = {
      "Hi again", "Quick question", "How much does it cost per month?", "For 100 leads", "Thanks"
    };
    for (int i = 0; i < texts.length; i++) {
      wrote(leadId, "m-" + (i + 1), texts[i], "other", T0.plusSeconds(i * 5L));
      knowledge.draftAnswer(leadId, "m-" + (i + 1));
    }

    Document newest = draft(leadId, "m-5");
    assertThat(newest.getString("status")).isEqualTo(HeldDrafts.HELD);
    assertThat(newest.getList("answers", String.class))
        .containsExactly("m-1", "m-2", "m-3", "m-4", "m-5");
    assertThat(newest.getString("text")).as("the price question in view").contains("priced");
    for (int i = 1; i <= 4; i++) {
      Document older = draft(leadId, "m-" + i);
      assertThat(older.getString("status")).as("m-" + i).isEqualTo(HeldDrafts.SUPERSEDED);
      Document why = older.get(HeldDrafts.SUPERSEDED_BY, Document.class);
      // Each by the draft that came next, when it was made (it answered them all so far).
      assertThat(why.getString("why"))
          .as("m-" + i)
          .isEqualTo(
              "superseded by a newer draft that answers messages m-1..m-"
                  + (i + 1)
                  + " ("
                  + (i + 1)
                  + " messages)");
      assertThat(why.getString("draftId")).isEqualTo(leadId + ":m-" + (i + 1));
    }
  }

  /**
   * A burst of two questions ("how much is it?", then "how does it work, which tools does it
   * need?") read together was answered from the one entry nearest to both: the draft answered one
   * question and a rep had to notice the other. Each message is asked on its own too, and the draft
   * answers both, from two entries, in one message.
   */
  @Test
  void aBurstOfTwoQuestionsIsAnsweredOnBoth() {
    String leadId = lead(new Document("stage", "in_conversation"));
    wrote(leadId, "m-1", "How much does it cost per month?", "question", T0);
    wrote(
        leadId,
        "m-2",
        "And how does it work? Which tools does it need?",
        "question",
        T0.plusSeconds(20));
    knowledge.draftAnswer(leadId, "m-1");
    knowledge.draftAnswer(leadId, "m-2");

    Document newest = draft(leadId, "m-2");
    assertThat(newest.getString("status")).isEqualTo(HeldDrafts.HELD);
    assertThat(newest.getList("answers", String.class)).containsExactly("m-1", "m-2");
    assertThat(newest.getString("text"))
        .as("the price question")
        .contains("priced")
        .as("the how-it-works question")
        .contains("Each lead gets a personal WhatsApp message");
    // Asked alone, each question still gets only its own answer.
    String single = lead(new Document("stage", "in_conversation"));
    wrote(single, "m-1", "How much does it cost per month?", "question", T0);
    knowledge.draftAnswer(single, "m-1");
    assertThat(draft(single, "m-1").getString("text"))
        .contains("priced")
        .doesNotContain("Each lead gets a personal WhatsApp message");
  }

  /**
   * The compositions finish out of order (the newest first) and the older one is retried: it must
   * not supersede the newer draft, nor wait beside it; it is stored superseded by it. Retrying any
   * of them changes nothing.
   */
  @Test
  void anOlderCompositionFinishingLateNeverSupersedesTheNewerDraft() {
    String leadId = lead(new Document("stage", "in_conversation"));
    wrote(leadId, "m-1", "How much does it cost per month?", "question", T0);
    wrote(leadId, "m-2", "And how does it work?", "question", T0.plusSeconds(3));

    knowledge.draftAnswer(leadId, "m-2");
    knowledge.draftAnswer(leadId, "m-1");
    knowledge.draftAnswer(leadId, "m-1");
    knowledge.draftAnswer(leadId, "m-2");

    assertThat(draft(leadId, "m-2").getString("status")).isEqualTo(HeldDrafts.HELD);
    Document older = draft(leadId, "m-1");
    assertThat(older.getString("status")).isEqualTo(HeldDrafts.SUPERSEDED);
    assertThat(older.get(HeldDrafts.SUPERSEDED_BY, Document.class).getString("draftId"))
        .isEqualTo(leadId + ":m-2");
  }

  /** A person answered the first message: the next draft answers only what came after it. */
  @Test
  void aMessageAPersonAnsweredIsNotInTheNextDraftsView() {
    String leadId = lead(new Document("stage", "in_conversation"));
    wrote(leadId, "m-1", "How much does it cost per month?", "question", T0);
    knowledge.draftAnswer(leadId, "m-1");
    MONGO
        .database()
        .getCollection(Collections.CONTACTS)
        .updateOne(
            new Document("leadId", leadId),
            new Document(
                "$set",
                new Document(
                    "lastPersonAnswer",
                    new Document("by", "Ana").append("at", Date.from(T0.plusSeconds(10))))));
    wrote(leadId, "m-2", "And how does it work?", "question", T0.plusSeconds(20));

    knowledge.draftAnswer(leadId, "m-2");

    assertThat(draft(leadId, "m-2").getList("answers", String.class)).containsExactly("m-2");
  }
}
