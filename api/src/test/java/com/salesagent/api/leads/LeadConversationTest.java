package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Interactions;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.workflows.afterend.AfterEndMessage;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerAction;
import com.salesagent.workflows.lead.OwnerReply;
import io.dropwizard.jackson.Jackson;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowNotFoundException;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rep's message to a live lead when its request meets a fault: Temporal failing the signal after
 * the message was stored, or the run ending (stopped, converted) as the message is signalled. What
 * the lead gets then is decided with the sweep of messages left behind ({@link
 * PendingPersonMessages}), which runs here beside the API.
 */
class LeadConversationTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  private LeadStore store;
  private final List<AfterEndMessage> started = new CopyOnWriteArrayList<>();
  private final List<String> resignalled = new CopyOnWriteArrayList<>();
  private final List<OwnerReply> signalled = new CopyOnWriteArrayList<>();
  private final List<OwnerAction> actions = new CopyOnWriteArrayList<>();

  /** What the lead's workflow does when signalled a person's message (records it by default). */
  private Consumer<OwnerReply> run = signalled::add;

  private LeadConversation conversation;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    conversation =
        new LeadConversation(
            store,
            leadId ->
                (LeadWorkflow)
                    Proxy.newProxyInstance(
                        LeadWorkflow.class.getClassLoader(),
                        new Class<?>[] {LeadWorkflow.class},
                        (proxy, method, args) -> {
                          if (method.getName().equals("ownerReply")) {
                            run.accept((OwnerReply) args[0]);
                            return null;
                          }
                          if (method.getName().equals("ownerAction")) {
                            actions.add((OwnerAction) args[0]);
                            return null;
                          }
                          throw new UnsupportedOperationException(method.getName());
                        }),
            started::add,
            Jackson.newObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES),
            Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private PendingPersonMessages sweepAt(Instant at) {
    return new PendingPersonMessages(
        store,
        started::add,
        (leadId, reply) -> resignalled.add(reply.idempotencyKey()),
        Clock.fixed(at, ZoneOffset.UTC));
  }

  /** A lead at {@code stage} that wrote an hour ago (inside the 24 h window). */
  private String lead(String stage) {
    String leadId = "L-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+55119" + Math.abs(leadId.hashCode() % 100000000))
            .append("stage", stage));
    store
        .feedback()
        .insertOne(
            new Document("leadId", leadId)
                .append("messageId", "wamid.in-" + leadId)
                .append("text", "Tell me more")
                .append("receivedAt", Date.from(NOW.minus(Duration.ofHours(1)))));
    return leadId;
  }

  private Response reply(String leadId, String requestId) {
    return conversation.reply(
        "operator",
        leadId,
        ("{\"text\":\"Here are the details\",\"requestId\":\"" + requestId + "\"}")
            .getBytes(StandardCharsets.UTF_8));
  }

  private String onlyKey(String leadId) {
    List<Document> messages = store.messages().messagesOf(leadId);
    assertThat(messages).hasSize(1);
    return messages.get(0).getString("idempotencyKey");
  }

  /**
   * Temporal failed the signal after the message was stored: the rep got an error (500), and the
   * dashboard sends the text again as a new request. The first message is not the sweep's to send
   * (the lead would get the text twice), neither to the live run nor once the lead has ended; the
   * same request sent again (same requestId) that is answered makes it the sweep's as any other.
   */
  @Test
  void aMessageWhoseRequestFailedIsNotSentLaterByTheSweep() {
    String leadId = lead("interested");
    run =
        reply -> {
          throw new IllegalStateException("UNAVAILABLE: the Temporal frontend did not answer");
        };

    assertThatThrownBy(() -> reply(leadId, "r-1")).isInstanceOf(IllegalStateException.class);
    String key = onlyKey(leadId);

    assertThat(sweepAt(NOW.plus(Duration.ofMinutes(1))).sweep()).isEmpty();
    assertThat(resignalled).as("not told to the live run behind the rep's back").isEmpty();
    store.contacts().updateOne(new Document("leadId", leadId), Updates.set("stage", "converted"));
    assertThat(sweepAt(NOW.plus(Duration.ofMinutes(12))).sweep()).isEmpty();
    assertThat(started).as("not sent on after the end either").isEmpty();
    store.contacts().updateOne(new Document("leadId", leadId), Updates.set("stage", "interested"));

    run = signalled::add;
    Response again = reply(leadId, "r-1");
    assertThat(again.getStatus()).isEqualTo(200);
    assertThat(signalled).extracting(OwnerReply::idempotencyKey).containsExactly(key);
    assertThat(sweepAt(NOW.plus(Duration.ofMinutes(24))).sweep()).isEmpty();
    assertThat(resignalled).as("answered: the sweep's now").containsExactly(key);
  }

  /**
   * The signal reached Temporal but its answer was lost (a deadline): the run may send the text. It
   * was a bare 500 ("There was an error processing your request"), so a rep would type it again as
   * a new message; now a 503 naming requestId says it may go and that the same request again is
   * safe, and that request goes once.
   */
  @Test
  void aMessageWhoseSignalsAnswerWasLostIs503NamingTheRequestToSendAgain() {
    String leadId = lead("interested");
    run =
        reply -> {
          throw new io.temporal.client.WorkflowServiceException(
              WorkflowExecution.newBuilder().setWorkflowId(LeadWorkflow.workflowId(leadId)).build(),
              "LeadWorkflow",
              io.grpc.Status.DEADLINE_EXCEEDED
                  .withDescription("after the call was sent")
                  .asRuntimeException());
        };

    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> reply(leadId, "r-l"));
    assertThat(thrown)
        .isInstanceOfSatisfying(
            com.salesagent.api.http.ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.errors())
                  .singleElement()
                  .satisfies(f -> assertThat(f.field()).isEqualTo("requestId"));
              assertThat(e.details()).containsEntry("requestId", "r-l");
            });
    String key = onlyKey(leadId);

    run = signalled::add;
    assertThat(reply(leadId, "r-l").getStatus()).isEqualTo(200);
    assertThat(signalled).extracting(OwnerReply::idempotencyKey).containsExactly(key);
    assertThat(store.messages().messagesOf(leadId)).hasSize(1);
  }

  /**
   * Nothing sends a message whose request failed (the rep was told, and sends it again), so once
   * the sweep would have taken it the lead's page says it was not sent and why, rather than
   * "composed" as if on its way; the stored message is left as the sweep's rules need it. The same
   * request sent again makes it the run's and the sweep's: composed again on the page.
   */
  @Test
  void theLeadsPageSaysAMessageWhoseRequestFailedWasNotSent() {
    String leadId = lead("interested");
    run =
        reply -> {
          throw new IllegalStateException("UNAVAILABLE: the Temporal frontend did not answer");
        };
    assertThatThrownBy(() -> reply(leadId, "r-page")).isInstanceOf(IllegalStateException.class);
    String key = onlyKey(leadId);

    assertThat(shown(leadId, NOW.plusSeconds(5)).getString("status"))
        .as("its request may still be under way")
        .isEqualTo("composed");
    Document late = shown(leadId, NOW.plus(Duration.ofMinutes(1)));
    assertThat(late.getString("status")).isEqualTo("not_sent");
    assertThat(late.getString("notSentBecause")).isEqualTo("the request failed; send it again");
    Document stored = store.messages().messageByKey(key);
    assertThat(stored.getString("status")).as("shown, not stored").isEqualTo("composed");
    assertThat(stored.getBoolean(PendingPersonMessages.REQUEST_OPEN)).isTrue();
    assertThat(sweepAt(NOW.plus(Duration.ofMinutes(1))).sweep()).isEmpty();

    run = signalled::add;
    assertThat(reply(leadId, "r-page").getStatus()).isEqualTo(200);
    Document again = shown(leadId, NOW.plus(Duration.ofMinutes(2)));
    assertThat(again.getString("status")).as("the run's now").isEqualTo("composed");
    assertThat(again.containsKey("notSentBecause")).isFalse();
  }

  /**
   * A rep's first answer to a lead handed to them was on its page's timeline twice, "owner_replied
   * · by Ana Lima (ana)" and again: the hand-off's record that its owner acted (no wamid, as the
   * run took the message) and the message's own once it went (its wamid). The page shows one per
   * message; a request for the template (the run composes it: no owner_replied of its own) keeps
   * its acted record, and so does an answer that did not go.
   */
  @Test
  void aRepsFirstAnswerToAHandedOffLeadIsOnItsTimelineOnce() {
    String leadId = lead("in_conversation");
    Instant queued = NOW.minusSeconds(60).plusMillis(413);
    store
        .messages()
        .collection()
        .insertOne(
            new Document("leadId", leadId)
                .append("idempotencyKey", "lead-" + leadId + "-owner-1")
                .append("purpose", "owner_reply")
                .append("composer", "person")
                .append("status", "delivered")
                .append("wamid", "wamid.OUT-1")
                .append("createdAt", Date.from(queued)));
    store
        .interactions()
        .recordInteractions(
            List.of(
                Interactions.interaction(
                    leadId,
                    "c-1",
                    null,
                    "owner_replied",
                    null,
                    "by Ana Lima (ana)",
                    NOW.minusSeconds(90)),
                Interactions.interaction(
                    leadId,
                    "c-1",
                    null,
                    "owner_replied",
                    null,
                    "by Ana Lima (ana)",
                    queued.plusMillis(100)),
                Interactions.interaction(
                    leadId,
                    "c-1",
                    null,
                    "message_sent",
                    "wamid.OUT-1",
                    "owner reply, text step 0",
                    queued.plusMillis(150)),
                // Meta's status, in whole seconds: it may read earlier than the queueing.
                Interactions.interaction(
                    leadId,
                    "c-1",
                    null,
                    "sent",
                    "wamid.OUT-1",
                    null,
                    queued.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)),
                Interactions.interaction(
                    leadId,
                    "c-1",
                    null,
                    "owner_replied",
                    "wamid.OUT-1",
                    "by Ana Lima (ana)",
                    queued.plusMillis(200))));
    LeadViews views = views(NOW);

    List<Document> replied =
        views.view(leadId).interactions().stream()
            .filter(e -> "owner_replied".equals(e.getString("type")))
            .toList();
    assertThat(replied)
        .as("the template request's acted record, and the message once")
        .extracting(e -> e.getString("wamid"))
        .containsExactly(null, "wamid.OUT-1");
  }

  /**
   * The hand-off's acted record and a message's own owner_replied are paired on the timeline (the
   * only reader of owner_replied: analytics and notifications do not count it). A template request
   * the run took first acts for the owner (its record, no wamid; the template's send follows); a
   * text the same rep queued before the run took the request went next, and its owner_replied took
   * the template's acted record for its own twin: the page showed no acted record at all. An acted
   * record is a message's twin only when no other message was sent between them.
   */
  @Test
  void anActedRecordFollowedByAnotherMessagesSendIsNotALaterTextsTwin() {
    String leadId = lead("in_conversation");
    Instant queued = NOW.minusSeconds(55);
    store
        .messages()
        .collection()
        .insertOne(
            new Document("leadId", leadId)
                .append("idempotencyKey", "lead-" + leadId + "-owner-2")
                .append("purpose", "owner_reply")
                .append("composer", "person")
                .append("status", "delivered")
                .append("wamid", "wamid.OUT-2")
                .append("createdAt", Date.from(queued)));
    store
        .interactions()
        .recordInteractions(
            List.of(
                Interactions.interaction(
                    leadId,
                    "c-1",
                    null,
                    "owner_replied",
                    null,
                    "by Ana Lima (ana)",
                    NOW.minusSeconds(50)),
                Interactions.interaction(
                    leadId,
                    "c-1",
                    "v-1",
                    "message_sent",
                    "wamid.TPL",
                    "re_engagement, template step 1",
                    NOW.minusSeconds(50).plusMillis(300)),
                Interactions.interaction(
                    leadId,
                    "c-1",
                    null,
                    "message_sent",
                    "wamid.OUT-2",
                    "owner reply, text step 1",
                    NOW.minusSeconds(40)),
                Interactions.interaction(
                    leadId,
                    "c-1",
                    null,
                    "owner_replied",
                    "wamid.OUT-2",
                    "by Ana Lima (ana)",
                    NOW.minusSeconds(40).plusMillis(100))));

    List<Document> replied =
        views(NOW).view(leadId).interactions().stream()
            .filter(e -> "owner_replied".equals(e.getString("type")))
            .toList();
    assertThat(replied)
        .as("the template request's acted record, and the text's own")
        .extracting(e -> e.getString("wamid"))
        .containsExactly(null, "wamid.OUT-2");
  }

  /** The lead's one message as its page shows it at {@code at}. */
  /**
   * The lead's messages in the order they were made: a rep's answer after the first contact, not
   * above it (sorted by step, a person's message, which has none of its own, came first).
   */
  @Test
  void theLeadsMessagesAreListedInTheOrderTheyWereMade() {
    String leadId = lead("interested");
    store
        .messages()
        .collection()
        .insertOne(
            new Document("leadId", leadId)
                .append("idempotencyKey", "lead-" + leadId + "-send-0")
                .append("step", 0)
                .append("purpose", "first_contact")
                .append("status", "read")
                .append("composedAt", Date.from(NOW.minus(Duration.ofHours(3)))));
    reply(leadId, "r-order");

    List<Document> messages = views(NOW).view(leadId).messages();
    assertThat(messages)
        .extracting(m -> m.getString("idempotencyKey"))
        .containsExactly("lead-" + leadId + "-send-0", onlyPersonKey(leadId));
  }

  private String onlyPersonKey(String leadId) {
    return store.messages().messagesOf(leadId).stream()
        .filter(m -> "person".equals(m.getString("composer")))
        .findFirst()
        .orElseThrow()
        .getString("idempotencyKey");
  }

  /** The lead page's view as at {@code at}. */
  private LeadViews views(Instant at) {
    return new LeadViews(
        store,
        id -> null,
        Jackson.newObjectMapper(),
        "",
        "default",
        Clock.fixed(at, ZoneOffset.UTC));
  }

  private Document shown(String leadId, Instant at) {
    LeadViews views = views(at);
    List<Document> messages = views.view(leadId).messages();
    assertThat(messages).hasSize(1);
    return messages.get(0);
  }

  /**
   * An operator stopped the lead as the rep wrote: the contact read live, the signal found the run
   * ended, and its stop is recorded. The message was written before the stop: it is held back, as
   * the sweep holds one the stopped run left ("never after stop"), and never sent.
   */
  /**
   * A stage this version does not know (written by a newer version in a rolling deployment, or
   * damaged): what the lead may be sent cannot be told. It was a 500 from an enum parse; now a 409
   * naming the lead, and nothing stored or signalled.
   */
  /**
   * A rep's message is capped at 4,096 characters counted as a person sees them (code points):
   * 4,096 emoji (non-BMP, 8,192 UTF-16 chars) are taken whole and signalled; 4,097 are 422 naming
   * text and nothing is queued.
   */
  @Test
  void aRepsMessageCapCountsCodePoints() {
    String emoji = new String(Character.toChars(0x1F600));
    String atCap = lead("handed_off");
    Response taken =
        conversation.reply(
            "operator",
            atCap,
            ("{\"text\":\"" + emoji.repeat(4096) + "\"}").getBytes(StandardCharsets.UTF_8));
    assertThat(taken.getStatus()).isEqualTo(202);
    assertThat(store.messages().messagesOf(atCap))
        .singleElement()
        .satisfies(m -> assertThat(m.getString("text")).isEqualTo(emoji.repeat(4096)));

    String past = lead("handed_off");
    assertThatThrownBy(
            () ->
                conversation.reply(
                    "operator",
                    past,
                    ("{\"text\":\"" + emoji.repeat(4096) + "\uD840\uDC00\"}")
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            com.salesagent.api.http.ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(422);
              assertThat(e.errors())
                  .singleElement()
                  .satisfies(f -> assertThat(f.field()).isEqualTo("text"));
            });
    assertThat(store.messages().messagesOf(past)).isEmpty();
  }

  /**
   * Found by the QA walk: a reply with neither text nor template was refused as "give text ... or
   * template, not both", as if both were given. Neither is "required", both is "not both"; each
   * names {@code text} and nothing is queued.
   */
  @Test
  void aReplyWithNeitherTextNorTemplateSaysOneIsRequired() {
    String leadId = lead("handed_off");
    java.util.Map<String, String> said = new java.util.LinkedHashMap<>();
    for (String body :
        List.of("{\"ownerId\":null}", "{\"text\":\"Oi\",\"template\":\"re_engagement\"}")) {
      assertThatThrownBy(
              () -> conversation.reply("operator", leadId, body.getBytes(StandardCharsets.UTF_8)))
          .isInstanceOfSatisfying(
              com.salesagent.api.http.ApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(422);
                assertThat(e.errors())
                    .singleElement()
                    .satisfies(f -> assertThat(f.field()).isEqualTo("text"))
                    .satisfies(f -> said.put(body, f.message()));
              });
    }
    assertThat(said.get("{\"ownerId\":null}")).startsWith("required").doesNotContain("not both");
    assertThat(said.get("{\"text\":\"Oi\",\"template\":\"re_engagement\"}")).contains("not both");
    assertThat(store.messages().messagesOf(leadId)).isEmpty();
  }

  /**
   * Found by the QA walk: carla sent {@code {"template":"re_engagement"}} to a lead that had never
   * written (awaiting_response), as the 409 to her text told her to, and the lead got "Olá Sofia,
   * você comentou que tinha interesse na prospecção..." ("you mentioned you were interested"). The
   * template goes only to a lead that showed interest (a paused one by the stage it paused from);
   * to one that has not it is 409 naming {@code template}, nothing queued, and the text's 409 no
   * longer sends the rep to it. An interested lead still gets it.
   */
  @Test
  void theReEngagementTemplateGoesOnlyToALeadThatShowedInterest() {
    String cold = "L-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", cold)
            .append("campaignId", "c-1")
            .append("phone", "+5511977001234")
            .append("stage", "awaiting_response"));
    String pausedCold = lead("paused");
    store
        .contacts()
        .updateOne(
            new Document("leadId", pausedCold),
            Updates.set(LeadStore.PAUSED_FROM, "awaiting_response"));
    String notNow = lead("snoozed");
    byte[] template = "{\"template\":\"re_engagement\"}".getBytes(StandardCharsets.UTF_8);

    for (String leadId : List.of(cold, pausedCold, notNow)) {
      assertThatThrownBy(() -> conversation.reply("operator", leadId, template))
          .as(leadId)
          .isInstanceOfSatisfying(
              com.salesagent.api.http.ApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(409);
                assertThat(e.errors())
                    .singleElement()
                    .satisfies(f -> assertThat(f.field()).isEqualTo("template"))
                    .satisfies(f -> assertThat(f.message()).contains("said they were interested"));
              });
      assertThat(store.messages().messagesOf(leadId)).isEmpty();
    }
    assertThatThrownBy(
            () ->
                conversation.reply(
                    "operator", cold, "{\"text\":\"Oi\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            com.salesagent.api.http.ApiException.class,
            e ->
                assertThat(e.errors())
                    .singleElement()
                    .satisfies(f -> assertThat(f.field()).isEqualTo("text"))
                    .satisfies(
                        f ->
                            assertThat(f.message())
                                .contains("has not written yet")
                                .doesNotContain("instead")));
    assertThat(signalled).isEmpty();

    String interested = lead("handed_off");
    assertThat(conversation.reply("operator", interested, template).getStatus()).isEqualTo(202);
    assertThat(signalled)
        .singleElement()
        .satisfies(r -> assertThat(r.purpose()).isEqualTo(OwnerReply.TEMPLATE));
  }

  @Test
  void aLeadWhoseStageThisVersionDoesNotKnowIsRefusedNamingIt() {
    String leadId = lead("awaiting_something_new");

    assertThatThrownBy(() -> reply(leadId, "r-unknown"))
        .isInstanceOfSatisfying(
            com.salesagent.api.http.ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.errors())
                  .singleElement()
                  .satisfies(
                      f -> {
                        assertThat(f.field()).isEqualTo("leadId");
                        assertThat(f.message()).contains("awaiting_something_new");
                      });
            });
    assertThatThrownBy(() -> conversation.accept("operator", leadId, new byte[0]))
        .isInstanceOfSatisfying(
            com.salesagent.api.http.ApiException.class, e -> assertThat(e.status()).isEqualTo(409));
    assertThat(store.messages().messagesOf(leadId)).isEmpty();
    assertThat(signalled).isEmpty();
  }

  @Test
  void aMessageSignalledAsTheRunStoppedIsHeldBackNotSent() {
    String leadId = lead("interested");
    run =
        reply -> {
          store
              .contacts()
              .updateOne(new Document("leadId", leadId), Updates.set("stage", "stopped"));
          throw new WorkflowNotFoundException(
              WorkflowExecution.newBuilder().setWorkflowId(LeadWorkflow.workflowId(leadId)).build(),
              "LeadWorkflow",
              null);
        };

    assertThat(reply(leadId, "r-stop").getStatus()).isEqualTo(202);
    String key = onlyKey(leadId);
    assertThat(started).as("not sent after the stop").isEmpty();

    assertThat(sweepAt(NOW.plus(Duration.ofMinutes(1))).sweep()).containsExactly(key);
    assertThat(started).isEmpty();
    Document m = store.messages().messageByKey(key);
    assertThat(m.getString("status")).isEqualTo("not_sent");
    assertThat(m.getString("notSentBecause")).contains("stopped");
  }

  /**
   * An operator stopped the lead (its run's {@code outcome} record, stage stopped) half an hour
   * after it last wrote, and a rep then writes to it inside the 24 h window. It was sent, in its
   * own workflow, as to any ended lead: the one message the product held back was one queued before
   * the stop. Now it is 409 naming {@code leadId}, nothing stored or started; once the lead writes
   * again after the stop it may be answered as any lead whose run ended.
   */
  @Test
  void aMessageToALeadStoppedSinceItLastWroteIsRefusedNotSent() {
    String leadId = lead("stopped");
    store
        .interactions()
        .recordInteraction(
            leadId, "c-1", null, "outcome", null, "asked us to stop", NOW.minusSeconds(1800));

    assertThatThrownBy(() -> reply(leadId, "r-after-stop"))
        .isInstanceOfSatisfying(
            com.salesagent.api.http.ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.errors())
                  .singleElement()
                  .satisfies(
                      f -> {
                        assertThat(f.field()).isEqualTo("leadId");
                        assertThat(f.message()).contains("stopped");
                      });
            });
    assertThat(store.messages().messagesOf(leadId)).isEmpty();
    assertThat(started).as("never sent after a stop").isEmpty();

    store
        .feedback()
        .insertOne(
            new Document("leadId", leadId)
                .append("messageId", "wamid.in-again-" + leadId)
                .append("text", "Sorry, can we talk after all?")
                .append("receivedAt", Date.from(NOW.minusSeconds(600))));
    assertThat(reply(leadId, "r-wrote-again").getStatus()).isEqualTo(202);
    assertThat(started)
        .extracting(AfterEndMessage::idempotencyKey)
        .containsExactly(onlyKey(leadId));
  }

  /**
   * A lead whose run failed (a WhatsApp error ended it) half an hour after it last wrote: the sweep
   * holds back a person's message queued before the failure as it does one queued before a stop
   * ("never after stop" covers a stop, an opt-out and a failure), but a rep's message sent after
   * the failure was queued and sent in its own workflow, as to a lead that ended with an outcome.
   * Now it is refused as for a stopped lead, 409 naming {@code leadId}, nothing stored or started,
   * until the lead writes again after the failure.
   */
  @Test
  void aMessageToALeadThatFailedSinceItLastWroteIsRefusedAsAfterAStop() {
    String leadId = lead("failed");
    store
        .interactions()
        .recordInteraction(
            leadId, "c-1", null, "outcome", null, "WhatsApp error 131026", NOW.minusSeconds(1800));

    assertThatThrownBy(() -> reply(leadId, "r-after-failure"))
        .isInstanceOfSatisfying(
            com.salesagent.api.http.ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.errors())
                  .singleElement()
                  .satisfies(
                      f -> {
                        assertThat(f.field()).isEqualTo("leadId");
                        assertThat(f.message()).contains("failed");
                      });
            });
    assertThat(store.messages().messagesOf(leadId)).isEmpty();
    assertThat(started).as("never sent after a failure").isEmpty();

    store
        .feedback()
        .insertOne(
            new Document("leadId", leadId)
                .append("messageId", "wamid.in-again-" + leadId)
                .append("text", "Hello? Did you send something?")
                .append("receivedAt", Date.from(NOW.minusSeconds(600))));
    assertThat(reply(leadId, "r-wrote-again").getStatus()).isEqualTo(202);
    assertThat(started)
        .extracting(AfterEndMessage::idempotencyKey)
        .containsExactly(onlyKey(leadId));
  }

  /**
   * Two reps press Take on Ana's lead. Bob's take answered 202 "signalled" naming him, overwrote
   * the hand-off's {@code acceptedBy} and {@code acceptedAt} and was audited as his, while the run
   * kept Ana as the owner (or, before she acted, met her SLA in his name). Now it is 409 naming
   * {@code ownerId} and the lead's owner, and nothing is written or signalled; Ana's take goes, and
   * her second click answers 200 {@code taken_before} without moving when it was taken.
   */
  @Test
  void aTakeByAnotherRepThanTheLeadsOwnerIsRefusedAndASecondTakeChangesNothing() {
    store
        .database()
        .getCollection(com.salesagent.activities.handoff.Owners.COLLECTION)
        .insertMany(
            List.of(
                new Document("_id", "ana").append("name", "Ana Lima").append("active", true),
                new Document("_id", "bob").append("name", "Bob Reis").append("active", true)));
    String leadId = lead("handed_off");
    store.contacts().updateOne(new Document("leadId", leadId), Updates.set("ownerId", "ana"));
    var handoffs =
        store
            .database()
            .getCollection(com.salesagent.activities.handoff.HandOffActivitiesImpl.HANDOFFS);
    handoffs.insertOne(
        new Document("_id", leadId).append("ownerId", "ana").append("status", "open"));
    byte[] bob = "{\"ownerId\":\"bob\"}".getBytes(StandardCharsets.UTF_8);
    byte[] ana = "{\"ownerId\":\"ana\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> conversation.accept("operator", leadId, bob))
        .isInstanceOfSatisfying(
            com.salesagent.api.http.ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.errors())
                  .singleElement()
                  .satisfies(
                      f -> {
                        assertThat(f.field()).isEqualTo("ownerId");
                        assertThat(f.message()).contains("Ana Lima (ana)");
                      });
            });
    assertThat(actions).isEmpty();
    assertThat(handoffs.find(new Document("_id", leadId)).first().getString("status"))
        .isEqualTo("open");

    assertThat(conversation.accept("operator", leadId, ana).getStatus()).isEqualTo(202);
    assertThat(actions).extracting(OwnerAction::ownerId).containsExactly("ana");
    Date acceptedAt = handoffs.find(new Document("_id", leadId)).first().getDate("acceptedAt");

    Response again = conversation.accept("operator", leadId, new byte[0]);
    assertThat(again.getStatus()).isEqualTo(200);
    assertThat(((LeadConversation.Accepted) again.getEntity()).status()).isEqualTo("taken_before");
    assertThat(actions).hasSize(1);
    Document handoff = handoffs.find(new Document("_id", leadId)).first();
    assertThat(handoff.getDate("acceptedAt")).isEqualTo(acceptedAt);
    assertThat(handoff.getString("acceptedBy")).isEqualTo("Ana Lima (ana)");
  }

  /** The run ended converted as the message was signalled: it goes at once, in its own workflow. */
  @Test
  void aMessageSignalledAsTheRunEndedWithAnOutcomeGoesAtOnce() {
    String leadId = lead("interested");
    run =
        reply -> {
          store
              .contacts()
              .updateOne(new Document("leadId", leadId), Updates.set("stage", "converted"));
          throw new WorkflowNotFoundException(
              WorkflowExecution.newBuilder().setWorkflowId(LeadWorkflow.workflowId(leadId)).build(),
              "LeadWorkflow",
              null);
        };

    assertThat(reply(leadId, "r-converted").getStatus()).isEqualTo(202);
    String key = onlyKey(leadId);
    assertThat(started).extracting(AfterEndMessage::idempotencyKey).containsExactly(key);
    assertThat(sweepAt(NOW.plus(Duration.ofMinutes(1))).sweep()).as("its own workflow's").isEmpty();
    assertThat(started).hasSize(1);
  }

  /**
   * The lead's erasure was accepted as the rep wrote (after the request's check): the run ended,
   * and no workflow of the message starts that the erasure did not list and would not stop.
   */
  @Test
  void aMessageSignalledAsTheLeadsErasureWasAcceptedStartsNothing() {
    String leadId = lead("interested");
    run =
        reply -> {
          store
              .contacts()
              .updateOne(new Document("leadId", leadId), Updates.set("stage", "converted"));
          store.erasures().markErasing(leadId, NOW);
          throw new WorkflowNotFoundException(
              WorkflowExecution.newBuilder().setWorkflowId(LeadWorkflow.workflowId(leadId)).build(),
              "LeadWorkflow",
              null);
        };

    reply(leadId, "r-erased");

    assertThat(started).isEmpty();
    assertThat(sweepAt(NOW.plus(Duration.ofMinutes(1))).sweep()).isEmpty();
    assertThat(started).isEmpty();
  }

  private Response replyWithoutRequestId(LeadConversation to, String leadId, String text) {
    return to.reply(
        "operator", leadId, ("{\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private static LeadConversation.ReplyQueued queued(Response response) {
    return (LeadConversation.ReplyQueued) response.getEntity();
  }

  /**
   * An API client's double submit without requestId (a retry after a timeout, a double click in a
   * CRM), the two requests at the same moment (QA: both answered 202 with different keys and the
   * lead got the text twice): one message, one key; one is answered 202 queued, the other 200
   * queued_before, and both say the derived requestId and the rule.
   */
  @Test
  void twoRepliesWithoutARequestIdAtTheSameMomentAreOneMessage() throws Exception {
    String leadId = lead("interested");
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    List<Response> answers = new java.util.ArrayList<>();
    try {
      List<java.util.concurrent.Future<Response>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        futures.add(
            pool.submit(
                () -> {
                  together.await(10, java.util.concurrent.TimeUnit.SECONDS);
                  return replyWithoutRequestId(
                      conversation, leadId, "Hi Kara, here is the link to the plans");
                }));
      }
      for (var future : futures) {
        answers.add(future.get(30, java.util.concurrent.TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(answers).extracting(Response::getStatus).containsExactlyInAnyOrder(202, 200);
    assertThat(answers)
        .extracting(r -> queued(r).status())
        .containsExactlyInAnyOrder("queued", "queued_before");
    String key = onlyKey(leadId);
    assertThat(answers).extracting(r -> queued(r).idempotencyKey()).containsOnly(key);
    assertThat(answers).extracting(r -> queued(r).requestId()).doesNotContainNull().hasSize(2);
    assertThat(queued(answers.get(0)).requestId()).isEqualTo(queued(answers.get(1)).requestId());
    assertThat(queued(answers.get(0)).requestIdRule()).contains("2 minutes");
    assertThat(signalled.stream().map(OwnerReply::idempotencyKey).distinct())
        .as("the lead's run is told of one message")
        .containsExactly(key);
  }

  /**
   * The same for the re-engagement template (QA: two identical template requests at once without
   * requestId both answered 202 and were both audited): of two at the same moment one is queued
   * (202) and the other answers 200 queued_before under the same key, one audit. Five leads, two
   * requests each at the same moment, so that the race is met.
   */
  @Test
  void twoTemplateRequestsWithoutARequestIdAtTheSameMomentAreOneRequest() throws Exception {
    for (int round = 0; round < 5; round++) {
      String leadId = lead("interested");
      java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(2);
      List<Response> answers = new java.util.ArrayList<>();
      try {
        List<java.util.concurrent.Future<Response>> futures = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
          futures.add(
              pool.submit(
                  () -> {
                    together.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    return conversation.reply(
                        "operator",
                        leadId,
                        "{\"template\":\"re_engagement\"}".getBytes(StandardCharsets.UTF_8));
                  }));
        }
        for (var future : futures) {
          answers.add(future.get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
      } finally {
        pool.shutdownNow();
      }

      assertThat(answers)
          .as("round %d", round)
          .extracting(Response::getStatus)
          .containsExactlyInAnyOrder(202, 200);
      assertThat(answers)
          .extracting(r -> queued(r).status())
          .containsExactlyInAnyOrder("queued", "queued_before");
      String key = queued(answers.get(0)).idempotencyKey();
      assertThat(queued(answers.get(1)).idempotencyKey()).isEqualTo(key);
      assertThat(answers).extracting(r -> queued(r).kind()).containsOnly("template");
      assertThat(
              MONGO
                  .database()
                  .getCollection("audit_log")
                  .countDocuments(
                      com.mongodb.client.model.Filters.and(
                          com.mongodb.client.model.Filters.eq("leadId", leadId),
                          com.mongodb.client.model.Filters.eq(
                              "action", "owner_template_requested"))))
          .as("one template request audited (round %d)", round)
          .isEqualTo(1);
      assertThat(
              signalled.stream()
                  .filter(r -> r.idempotencyKey().contains(leadId))
                  .map(OwnerReply::idempotencyKey)
                  .distinct())
          .as("the lead's run is told of one template request")
          .containsExactly(key);
    }
  }

  /**
   * The rule's edges: another text, another lead's or a text sent again after the window is a new
   * message; the derived requestId sent again is the same message; a request naming its own
   * requestId is as before (nothing derived, nothing said of it).
   */
  @Test
  void aRequestIdIsDerivedOnlyForTheSameTextFromTheSamePersonWithinTheWindow() {
    String leadId = lead("interested");
    Response first = replyWithoutRequestId(conversation, leadId, "Here are the details");
    assertThat(first.getStatus()).isEqualTo(202);
    Response again = replyWithoutRequestId(conversation, leadId, "Here are the details");
    assertThat(again.getStatus()).isEqualTo(200);
    assertThat(queued(again).status()).isEqualTo("queued_before");
    assertThat(queued(again).idempotencyKey()).isEqualTo(queued(first).idempotencyKey());
    assertThat(replyWithoutRequestId(conversation, leadId, "And the price list").getStatus())
        .isEqualTo(202);
    assertThat(reply(leadId, queued(first).requestId()).getStatus())
        .as("the derived requestId sent again")
        .isEqualTo(200);
    Response named = reply(leadId, "r-named");
    assertThat(named.getStatus()).isEqualTo(202);
    assertThat(queued(named).requestId()).isNull();
    assertThat(queued(named).requestIdRule()).isNull();

    LeadConversation later =
        new LeadConversation(
            store,
            id -> {
              throw new UnsupportedOperationException("not signalled here");
            },
            started::add,
            Jackson.newObjectMapper(),
            Clock.fixed(NOW.plus(UnkeyedRequests.WINDOW).plusSeconds(1), ZoneOffset.UTC));
    assertThatThrownBy(() -> replyWithoutRequestId(later, leadId, "Here are the details"))
        .as("after the window the same text is a new message, told to the run")
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(store.messages().messagesOf(leadId)).hasSize(4);
  }
}
