package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.RequestJson;
import com.salesagent.workflows.afterend.AfterEndMessage;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerReply;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Collision detection: a rep's reply that names the lead message they saw ({@code seenMessageId})
 * is 409 when a different person's message to the lead was queued after that message, naming who
 * and when, unless it says {@code force}; the same person twice, a retried request and a request
 * without the field go as before. Two reps at the same moment: one goes, the other is 409.
 */
class ReplyCollisionTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant START = Instant.parse("2026-12-05T10:00:00Z");

  /** A clock the test moves. */
  private static final class Moving extends Clock {
    volatile Instant now = START;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  private final Moving clock = new Moving();
  private final List<AfterEndMessage> started = new CopyOnWriteArrayList<>();
  private final List<OwnerReply> signalled = new CopyOnWriteArrayList<>();
  private final ObjectMapper strict = RequestJson.strict(new ObjectMapper());
  private LeadStore store;
  private LeadConversation conversation;
  private ExecutorService pool;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    ConversationFixtures.owners(MONGO.database(), "ana=Ana Lima", "bruno=Bruno Reis");
    LeadWorkflow live = ConversationFixtures.workflow(signalled::add);
    conversation = new LeadConversation(store, id -> live, started::add, strict, clock);
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  /** A lead at {@code stage} that wrote a message a minute ago; returns its lead id. */
  private String leadThatWrote(String stage, String messageId) {
    String leadId = "L-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append(
                "phone",
                "+55119" + String.format("%08d", Math.floorMod(leadId.hashCode(), 100_000_000)))
            .append("ownerId", "ana")
            .append("stage", stage));
    if ("stopped".equals(stage)) {
      // Stopped before it wrote (a day ago, before anything its window holds): a lead stopped
      // since it last wrote takes no person's message.
      store
          .interactions()
          .recordInteraction(
              leadId,
              "c-1",
              null,
              "outcome",
              null,
              "stopped",
              clock.instant().minusSeconds(90_000));
    }
    wrote(leadId, messageId);
    return leadId;
  }

  private void wrote(String leadId, String messageId) {
    wrote(leadId, messageId, clock.instant().minusSeconds(60), clock.instant().minusSeconds(59));
  }

  /**
   * The lead's message as the webhook stores it: Meta's time ({@code receivedAt}, whole seconds)
   * and ours ({@code storedAt}, when it could first be seen).
   */
  private void wrote(String leadId, String messageId, Instant receivedAt, Instant storedAt) {
    store
        .feedback()
        .insertOne(
            new Document("leadId", leadId)
                .append("messageId", messageId)
                .append("type", "text")
                .append("text", "Can you send me the price list?")
                .append("receivedAt", Date.from(receivedAt))
                .append("storedAt", Date.from(storedAt)));
  }

  private Response reply(String leadId, String body) {
    return conversation.reply("ops", leadId, body.getBytes(StandardCharsets.UTF_8));
  }

  private ApiException refused(String leadId, String body) {
    return catchThrowableOfType(ApiException.class, () -> reply(leadId, body));
  }

  private long personMessages(String leadId) {
    return store
        .messages()
        .collection()
        .countDocuments(
            Filters.and(Filters.eq("leadId", leadId), Filters.eq("composer", "person")));
  }

  @Test
  void aSecondRepAnsweringAMessageAnotherAnsweredIs409NamingWhoAndWhenUnlessForced() {
    String leadId = leadThatWrote("stopped", "wamid.in-1");
    Response first =
        reply(
            leadId,
            "{\"text\":\"Here it is\",\"ownerId\":\"ana\",\"seenMessageId\":\"wamid.in-1\"}");
    assertThat(first.getStatus()).isEqualTo(202);
    Instant answeredAt = clock.instant();
    clock.advance(Duration.ofSeconds(20));

    ApiException collision =
        refused(
            leadId,
            "{\"text\":\"Sending it now\",\"ownerId\":\"bruno\",\"seenMessageId\":\"wamid.in-1\"}");
    assertThat(collision).as("a second answer to the same message").isNotNull();
    assertThat(collision.status()).isEqualTo(409);
    assertThat(collision.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("seenMessageId");
              assertThat(e.message()).contains("Ana Lima (ana)", answeredAt.toString(), "force");
            });
    assertThat(collision.details())
        .containsEntry("answeredBy", "Ana Lima (ana)")
        .containsEntry("answeredAt", answeredAt.toString());
    assertThat(collision.body().toString()).doesNotContain("+55119");
    assertThat(personMessages(leadId)).as("nothing queued for the second rep").isEqualTo(1);
    assertThat(started).hasSize(1);

    // Bruno read Ana's answer and still sends.
    Response forced =
        reply(
            leadId,
            "{\"text\":\"Sending it now\",\"ownerId\":\"bruno\",\"seenMessageId\":\"wamid.in-1\","
                + "\"force\":true}");
    assertThat(forced.getStatus()).isEqualTo(202);
    assertThat(personMessages(leadId)).isEqualTo(2);
    assertThat(started).hasSize(2);
  }

  /**
   * Ana's answer failed (Meta's failed status; refused, or held back after a stop, alike): the lead
   * got nothing, so Bruno, who saw the same message, is not told "Ana answered" (it was a 409 he
   * could only force). A collision with a message that went still holds after it.
   */
  @Test
  void anAnswerThatDidNotReachTheLeadBlocksNobody() {
    String leadId = leadThatWrote("stopped", "wamid.in-f");
    assertThat(
            reply(leadId, "{\"text\":\"Hi\",\"ownerId\":\"ana\",\"seenMessageId\":\"wamid.in-f\"}")
                .getStatus())
        .isEqualTo(202);
    store
        .messages()
        .collection()
        .updateOne(
            Filters.and(Filters.eq("leadId", leadId), Filters.eq("composer", "person")),
            new Document("$set", new Document("status", "failed")));
    clock.advance(Duration.ofSeconds(30));

    assertThat(
            reply(
                    leadId,
                    "{\"text\":\"Here is the price list\",\"ownerId\":\"bruno\","
                        + "\"seenMessageId\":\"wamid.in-f\"}")
                .getStatus())
        .as("Ana's answer never reached the lead")
        .isEqualTo(202);
    assertThat(personMessages(leadId)).isEqualTo(2);
    clock.advance(Duration.ofSeconds(30));
    assertThat(
            refused(
                leadId,
                "{\"text\":\"Hello\",\"ownerId\":\"ana\",\"seenMessageId\":\"wamid.in-f\"}"))
        .as("Bruno's answer did not fail: Ana is told")
        .isNotNull()
        .extracting(ApiException::status)
        .isEqualTo(409);
  }

  @Test
  void theSamePersonTwiceARetryAndARequestWithoutTheFieldGoAsBefore() {
    String leadId = leadThatWrote("stopped", "wamid.in-2");
    String bruno =
        "{\"text\":\"Hi\",\"ownerId\":\"bruno\",\"seenMessageId\":\"wamid.in-2\","
            + "\"requestId\":\"bruno-1\"}";
    assertThat(reply(leadId, bruno).getStatus()).isEqualTo(202);
    clock.advance(Duration.ofSeconds(5));
    // Bruno again, a second message after the same lead message: his own, no collision.
    assertThat(
            reply(
                    leadId,
                    "{\"text\":\"One more thing\",\"ownerId\":\"bruno\","
                        + "\"seenMessageId\":\"wamid.in-2\"}")
                .getStatus())
        .isEqualTo(202);
    // Ana, who saw the same message, collides.
    assertThat(
            refused(
                    leadId,
                    "{\"text\":\"Hello\",\"ownerId\":\"ana\",\"seenMessageId\":\"wamid.in-2\"}")
                .status())
        .isEqualTo(409);
    // Bruno's first request retried after Ana's attempt: the message queued then, never a 409.
    Response retried = reply(leadId, bruno);
    assertThat(retried.getStatus()).isEqualTo(200);
    assertThat(((LeadConversation.ReplyQueued) retried.getEntity()).status())
        .isEqualTo("queued_before");
    // An automation client that names no message goes as today.
    assertThat(reply(leadId, "{\"text\":\"Automated\",\"ownerId\":\"ana\"}").getStatus())
        .isEqualTo(202);
    assertThat(personMessages(leadId)).isEqualTo(3);
  }

  @Test
  void anAnswerToAnEarlierMessageIsNoCollision() {
    String leadId = leadThatWrote("stopped", "wamid.in-3");
    assertThat(
            reply(leadId, "{\"text\":\"Hi\",\"ownerId\":\"ana\",\"seenMessageId\":\"wamid.in-3\"}")
                .getStatus())
        .isEqualTo(202);
    clock.advance(Duration.ofMinutes(2));
    wrote(leadId, "wamid.in-4"); // the lead wrote again after Ana's answer
    clock.advance(Duration.ofSeconds(61));
    assertThat(
            reply(
                    leadId,
                    "{\"text\":\"About your new question\",\"ownerId\":\"bruno\","
                        + "\"seenMessageId\":\"wamid.in-4\"}")
                .getStatus())
        .as("Ana answered the earlier message")
        .isEqualTo(202);
  }

  /**
   * Meta stamps a lead's message with whole seconds, and its webhook may come later: Ana's answer
   * to the lead's first message went at 10:00:05.300; the lead's next message, written in that same
   * second (stamped 10:00:05), was stored at 10:00:06.100. Bruno, who saw it, answers something Ana
   * could not have seen: no collision. Ana answering after it was stored is one.
   */
  @Test
  void whatDecidesIsWhenTheLeadsMessageWasStoredNotMetasWholeSecond() {
    String leadId = leadThatWrote("stopped", "wamid.sec-1");
    clock.now = Instant.parse("2026-12-05T10:00:05.300Z");
    assertThat(
            reply(leadId, "{\"text\":\"Hi\",\"ownerId\":\"ana\",\"seenMessageId\":\"wamid.sec-1\"}")
                .getStatus())
        .isEqualTo(202);
    wrote(
        leadId,
        "wamid.sec-2",
        Instant.parse("2026-12-05T10:00:05Z"),
        Instant.parse("2026-12-05T10:00:06.100Z"));
    clock.now = Instant.parse("2026-12-05T10:00:20Z");
    Response bruno =
        reply(
            leadId,
            "{\"text\":\"About your new question\",\"ownerId\":\"bruno\","
                + "\"seenMessageId\":\"wamid.sec-2\"}");
    assertThat(bruno.getStatus())
        .as("Ana answered before the lead's second message was stored")
        .isEqualTo(202);

    // The lead writes again in one second; Ana answers it after it was stored, Bruno is told.
    wrote(
        leadId,
        "wamid.sec-3",
        Instant.parse("2026-12-05T10:00:30Z"),
        Instant.parse("2026-12-05T10:00:30.900Z"));
    clock.now = Instant.parse("2026-12-05T10:00:30.950Z");
    assertThat(
            reply(
                    leadId,
                    "{\"text\":\"Yes\",\"ownerId\":\"ana\",\"seenMessageId\":\"wamid.sec-3\"}")
                .getStatus())
        .isEqualTo(202);
    clock.now = Instant.parse("2026-12-05T10:00:31Z");
    ApiException collision =
        refused(
            leadId, "{\"text\":\"No\",\"ownerId\":\"bruno\",\"seenMessageId\":\"wamid.sec-3\"}");
    assertThat(collision).as("Ana answered after it was stored").isNotNull();
    assertThat(collision.status()).isEqualTo(409);
    assertThat(collision.details()).containsEntry("answeredBy", "Ana Lima (ana)");
  }

  /**
   * A contact from before collision detection has no {@code lastPersonAnswer}: the latest person's
   * message in {@code messages} stands for it, so the first collision on it is told too; an answer
   * from before the lead's message is none, and the same person again is none.
   */
  @Test
  void aContactFromBeforeTheFeatureIsCheckedAgainstItsLatestPersonsMessage() {
    String leadId = leadThatWrote("stopped", "wamid.old-1");
    assertThat(reply(leadId, "{\"text\":\"Hi\",\"ownerId\":\"ana\"}").getStatus()).isEqualTo(202);
    Instant answeredAt = clock.instant();
    forgetLastPersonAnswer(leadId);
    clock.advance(Duration.ofSeconds(30));

    ApiException collision =
        refused(
            leadId,
            "{\"text\":\"Sending it now\",\"ownerId\":\"bruno\",\"seenMessageId\":\"wamid.old-1\"}");
    assertThat(collision).as("Ana's message, queued before the field existed").isNotNull();
    assertThat(collision.status()).isEqualTo(409);
    assertThat(collision.errors()).extracting(e -> e.field()).containsExactly("seenMessageId");
    assertThat(collision.details())
        .containsEntry("answeredBy", "Ana Lima (ana)")
        .containsEntry("answeredAt", answeredAt.toString());
    assertThat(personMessages(leadId)).isEqualTo(1);

    // Ana herself, again: her own message, no collision.
    forgetLastPersonAnswer(leadId);
    assertThat(
            reply(
                    leadId,
                    "{\"text\":\"One more thing\",\"ownerId\":\"ana\","
                        + "\"seenMessageId\":\"wamid.old-1\"}")
                .getStatus())
        .isEqualTo(202);

    // The lead wrote after the last person's message: answering that is no collision.
    forgetLastPersonAnswer(leadId);
    clock.advance(Duration.ofMinutes(2));
    wrote(leadId, "wamid.old-2");
    assertThat(
            reply(
                    leadId,
                    "{\"text\":\"About that\",\"ownerId\":\"bruno\","
                        + "\"seenMessageId\":\"wamid.old-2\"}")
                .getStatus())
        .isEqualTo(202);
    assertThat(personMessages(leadId)).isEqualTo(3);
  }

  /** The contact as before collision detection: no latest person's answer recorded. */
  private void forgetLastPersonAnswer(String leadId) {
    store
        .contacts()
        .updateOne(
            Filters.eq("leadId", leadId),
            com.mongodb.client.model.Updates.unset(ReplyCollisions.FIELD));
  }

  /**
   * A voice note that would collide is refused before it is made (nothing spoken nor stored, which
   * no message would then name for an erasure to find); sent anyway, it is made once.
   */
  @Test
  void aVoiceNoteThatCollidesIsRefusedBeforeItIsMade() {
    String leadId = leadThatWrote("stopped", "wamid.in-9");
    assertThat(
            reply(leadId, "{\"text\":\"Hi\",\"ownerId\":\"ana\",\"seenMessageId\":\"wamid.in-9\"}")
                .getStatus())
        .isEqualTo(202);
    clock.advance(Duration.ofSeconds(10));
    List<String> made = new CopyOnWriteArrayList<>();
    java.util.function.Function<Boolean, Response> voiceNote =
        force ->
            conversation.queue(
                "ops",
                leadId,
                "(voice note)",
                false,
                (contact, by) -> {
                  made.add(by);
                  return new Document("kind", "audio");
                },
                "bruno",
                null,
                new ReplyCollisions.Seen("wamid.in-9", force));

    ApiException collision = catchThrowableOfType(ApiException.class, () -> voiceNote.apply(false));
    assertThat(collision).isNotNull();
    assertThat(collision.status()).isEqualTo(409);
    assertThat(collision.details()).containsEntry("answeredBy", "Ana Lima (ana)");
    assertThat(made).as("nothing made for a voice note that cannot go").isEmpty();
    assertThat(personMessages(leadId)).isEqualTo(1);

    assertThat(voiceNote.apply(true).getStatus()).isEqualTo(202);
    assertThat(made).containsExactly("Bruno Reis (bruno)");
    assertThat(personMessages(leadId)).isEqualTo(2);
  }

  @Test
  void aTemplateRequestedByAnotherRepIsAnAnswerToo() {
    String leadId = leadThatWrote("in_conversation", "wamid.in-5");
    assertThat(
            reply(
                    leadId,
                    "{\"template\":\"re_engagement\",\"ownerId\":\"ana\","
                        + "\"seenMessageId\":\"wamid.in-5\"}")
                .getStatus())
        .isEqualTo(202);
    assertThat(signalled).hasSize(1);
    ApiException collision =
        refused(leadId, "{\"text\":\"Hi\",\"ownerId\":\"bruno\",\"seenMessageId\":\"wamid.in-5\"}");
    assertThat(collision).isNotNull();
    assertThat(collision.status()).isEqualTo(409);
    assertThat(collision.details()).containsEntry("answeredBy", "Ana Lima (ana)");
    assertThat(signalled).hasSize(1);
  }

  /**
   * Two reps at the very same moment, each having seen the lead's message: whatever the
   * interleaving, one message is queued and the other rep is told (a read-then-insert check lets
   * both through when both read before either writes).
   */
  @Test
  void twoRepsAtTheSameMomentOneSendsTheOtherIs409() throws Exception {
    for (int round = 0; round < 20; round++) {
      String leadId = leadThatWrote("stopped", "wamid.race-" + round);
      String seen = "\"seenMessageId\":\"wamid.race-" + round + "\"}";
      CyclicBarrier together = new CyclicBarrier(2);
      List<Future<Integer>> outcomes = new ArrayList<>();
      for (String owner : List.of("ana", "bruno")) {
        outcomes.add(
            pool.submit(
                () -> {
                  together.await();
                  try {
                    return reply(leadId, "{\"text\":\"Hi\",\"ownerId\":\"" + owner + "\"," + seen)
                        .getStatus();
                  } catch (ApiException e) {
                    return e.status();
                  }
                }));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : outcomes) {
        statuses.add(f.get());
      }
      assertThat(statuses).as("round " + round).containsExactlyInAnyOrder(202, 409);
      assertThat(personMessages(leadId)).as("round " + round).isEqualTo(1);
    }
  }

  @Test
  void aMalformedOrUnknownSeenMessageIsRefusedNamingTheField() {
    String leadId = leadThatWrote("stopped", "wamid.in-6");
    for (String bad :
        List.of(
            "\"" + "w".repeat(201) + "\"", "\"has space\"", "\"\"", "\"wamid.not-this-leads\"")) {
      ApiException e = refused(leadId, "{\"text\":\"Hi\",\"seenMessageId\":" + bad + "}");
      assertThat(e).as(bad).isNotNull();
      assertThat(e.status()).as(bad).isEqualTo(422);
      assertThat(e.errors()).extracting(f -> f.field()).containsExactly("seenMessageId");
    }
    ApiException number = refused(leadId, "{\"text\":\"Hi\",\"seenMessageId\":12}");
    assertThat(number.status()).isBetween(400, 422);
    assertThat(number.errors()).extracting(f -> f.field()).containsExactly("seenMessageId");
    ApiException force = refused(leadId, "{\"text\":\"Hi\",\"force\":\"yes\"}");
    assertThat(force.status()).isEqualTo(400);
    assertThat(force.errors()).extracting(f -> f.field()).containsExactly("force");
    assertThat(personMessages(leadId)).isZero();
  }

  /**
   * A row of "Wrote after the end" a person already answered (the answer queued, not sent yet: the
   * row stays until it goes) says who answered and when; a row whose lead wrote again since does
   * not.
   */
  @Test
  void aListedLeadAlreadyAnsweredSaysByWhom() {
    String leadId = leadThatWrote("stopped", "wamid.in-7");
    var afterEnd = new com.salesagent.activities.mongo.AfterEndReplies(store);
    afterEnd.wrote(leadId, clock.instant().minusSeconds(60), "wamid.in-7", clock.instant());
    var list = new com.salesagent.api.owners.AfterEndResource(store, clock);
    assertThat(row(list, leadId).answeredBy()).as("nobody answered yet").isNull();

    clock.advance(Duration.ofSeconds(10));
    Instant answeredAt = clock.instant();
    assertThat(
            reply(leadId, "{\"text\":\"Hi\",\"ownerId\":\"ana\",\"seenMessageId\":\"wamid.in-7\"}")
                .getStatus())
        .isEqualTo(202);
    var answered = row(list, leadId);
    assertThat(answered).as("queued, not sent: still listed").isNotNull();
    assertThat(answered.answeredBy()).isEqualTo("Ana Lima (ana)");
    assertThat(answered.answeredAt()).isEqualTo(answeredAt.toString());

    clock.advance(Duration.ofMinutes(2));
    wrote(leadId, "wamid.in-8");
    afterEnd.wrote(leadId, clock.instant().minusSeconds(60), "wamid.in-8", clock.instant());
    assertThat(row(list, leadId).answeredBy()).as("the lead wrote again since").isNull();
  }

  private static com.salesagent.api.owners.AfterEndResource.AfterEndRow row(
      com.salesagent.api.owners.AfterEndResource list, String leadId) {
    return list.list(null).leads().stream()
        .filter(r -> r.leadId().equals(leadId))
        .findFirst()
        .orElse(null);
  }
}
