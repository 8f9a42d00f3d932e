package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.workflows.afterend.AfterEndMessage;
import com.salesagent.workflows.afterend.AfterEndRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which people's messages the sweep takes: only one still composed after the grace, queued within
 * the day, whose lead's run has ended; sent on after an outcome, held back after a stop, an opt-out
 * or a failure; never one its own workflow has from the start, nor the agent's.
 */
class PendingPersonMessagesTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  private LeadStore store;
  private final List<AfterEndMessage> started = new CopyOnWriteArrayList<>();
  private PendingPersonMessages sweep;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    sweep = sweepAt(NOW);
  }

  private final List<String> resignalled = new CopyOnWriteArrayList<>();

  private PendingPersonMessages sweepAt(Instant at) {
    return new PendingPersonMessages(
        store,
        started::add,
        (leadId, reply) ->
            resignalled.add(leadId + " " + reply.idempotencyKey() + " " + reply.by()),
        Clock.fixed(at, ZoneOffset.UTC));
  }

  private String lead(String stage) {
    String leadId = "L-" + UUID.randomUUID();
    store.insertContact(
        new Document("leadId", leadId)
            .append("campaignId", "c-1")
            .append("phone", "+55119" + Math.abs(leadId.hashCode() % 100000000))
            .append("stage", stage));
    return leadId;
  }

  private String message(String leadId, Duration ago, Document extra) {
    String key = "lead-" + leadId + "-owner-" + UUID.randomUUID();
    Document fields =
        new Document("leadId", leadId)
            .append("composer", "person")
            .append("by", "Ana (ana)")
            .append("ownerId", "ana")
            .append("status", "composed")
            .append("text", "Here are the details")
            .append("createdAt", Date.from(NOW.minus(ago)));
    fields.putAll(extra);
    store.messages().upsertComposed(key, fields);
    return key;
  }

  @Test
  void aMessageLeftByARunThatEndedWithAnOutcomeIsSentOnOnce() {
    String leadId = lead("converted");
    String key = message(leadId, Duration.ofMinutes(2), new Document());

    assertThat(sweep.sweep()).containsExactly(key);
    assertThat(sweep.sweep()).isEmpty();

    assertThat(started)
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.idempotencyKey()).isEqualTo(key);
              assertThat(m.leadId()).isEqualTo(leadId);
              assertThat(m.campaignId()).isEqualTo("c-1");
              assertThat(m.by()).isEqualTo("Ana (ana)");
              assertThat(m.queuedAt()).isEqualTo(NOW.minus(Duration.ofMinutes(2)));
            });
    assertThat(store.messages().messageByKey(key).getString("status")).isEqualTo("composed");
  }

  @Test
  void afterAStopAnOptOutOrAFailureItIsHeldBackAndSaidSo() {
    for (String stage : List.of("stopped", "opted_out", "failed")) {
      String leadId = lead(stage);
      String key = message(leadId, Duration.ofMinutes(2), new Document());

      assertThat(sweep.sweep()).containsExactly(key);

      Document m = store.messages().messageByKey(key);
      assertThat(m.getString("status")).isEqualTo("not_sent");
      assertThat(m.getString("notSentBecause")).contains(stage);
      assertThat(store.interactions().timeline(leadId))
          .singleElement()
          .satisfies(e -> assertThat(e.getString("type")).isEqualTo("owner_reply_failed"));
    }
    assertThat(started).isEmpty();
  }

  /**
   * Found by the QA walk: a rep wrote to a paused lead (the API said it waits for the resume), then
   * the lead was marked lost, never resumed; the sweep sent the message 55 s later. A run that
   * ended paused sends nothing the pause held: held back and said so. One resumed before its
   * outcome goes on as any left-behind message.
   */
  @Test
  void aMessageHeldByAPauseIsNotSentWhenTheRunEndedPausedOnlyWhenResumedFirst() {
    String paused = lead("lost");
    store
        .interactions()
        .recordInteraction(
            paused, "c-1", null, "paused", null, null, NOW.minus(Duration.ofMinutes(5)));
    store
        .interactions()
        .recordInteraction(
            paused, "c-1", null, "lost", null, null, NOW.minus(Duration.ofMinutes(1)));
    String heldKey = message(paused, Duration.ofMinutes(3), new Document());
    String resumed = lead("lost");
    store
        .interactions()
        .recordInteraction(
            resumed, "c-1", null, "paused", null, null, NOW.minus(Duration.ofMinutes(5)));
    store
        .interactions()
        .recordInteraction(
            resumed, "c-1", null, "resumed", null, null, NOW.minus(Duration.ofMinutes(4)));
    store
        .interactions()
        .recordInteraction(
            resumed, "c-1", null, "lost", null, null, NOW.minus(Duration.ofMinutes(1)));
    String goesKey = message(resumed, Duration.ofMinutes(3), new Document());

    assertThat(sweep.sweep()).containsExactlyInAnyOrder(heldKey, goesKey);

    Document held = store.messages().messageByKey(heldKey);
    assertThat(held.getString("status")).isEqualTo("not_sent");
    assertThat(held.getString("notSentBecause")).contains("paused");
    assertThat(started)
        .singleElement()
        .satisfies(m -> assertThat(m.idempotencyKey()).isEqualTo(goesKey));
  }

  /**
   * A live lead's message still composed: its run most likely has it (paused), but a run reopened
   * after the one that left it never heard of it: told again, at most every ten minutes; once the
   * lead has ended, sent on as any left-behind message.
   */
  @Test
  void aLiveLeadsMessageIsToldToItsRunAgainEveryTenMinutesUntilTheLeadEnds() {
    String leadId = lead("interested");
    String key = message(leadId, Duration.ofMinutes(2), new Document());

    assertThat(sweep.sweep()).isEmpty();
    assertThat(resignalled).containsExactly(leadId + " " + key + " Ana (ana)");
    assertThat(sweep.sweep()).isEmpty();
    assertThat(resignalled).as("not again at once").hasSize(1);
    assertThat(sweepAt(NOW.plus(Duration.ofMinutes(11))).sweep()).isEmpty();
    assertThat(resignalled).as("again ten minutes later").hasSize(2);

    store.contacts().updateOne(new Document("leadId", leadId), Updates.set("stage", "lost"));
    assertThat(sweepAt(NOW.plus(Duration.ofMinutes(22))).sweep()).containsExactly(key);
    assertThat(started).extracting(AfterEndMessage::idempotencyKey).containsExactly(key);
  }

  @Test
  void messagesTheRunOrTheirOwnWorkflowHasAreLeftAlone() {
    message(lead("converted"), Duration.ofSeconds(10), new Document()); // within the grace
    message(lead("converted"), Duration.ofDays(2), new Document()); // long past
    message(lead("stopped"), Duration.ofMinutes(2), new Document("afterEnd", true)); // its own
    String agent = message(lead("converted"), Duration.ofMinutes(2), new Document());
    store.messages().setMessageFields(agent, new Document("composer", "llm:gpt"));
    String sent = message(lead("converted"), Duration.ofMinutes(2), new Document());
    store
        .messages()
        .setMessageFields(sent, new Document("wamid", "wamid.x").append("status", "sent"));

    assertThat(sweep.sweep()).isEmpty();
    assertThat(started).isEmpty();
  }

  /**
   * Two API processes sweep at once and both read the same messages: a message held back after a
   * stop is said so once on the lead's timeline, not once per process. The first process is held up
   * (starting the workflow of an earlier message) until the second has done its whole pass.
   */
  @Test
  void twoProcessesSweepingTogetherHoldAMessageBackOnce() throws Exception {
    String converted = lead("converted");
    String earlier = message(converted, Duration.ofMinutes(3), new Document());
    String stopped = lead("stopped");
    String key = message(stopped, Duration.ofMinutes(2), new Document());
    CountDownLatch secondDone = new CountDownLatch(1);
    AtomicInteger starts = new AtomicInteger();
    AfterEndMessages slowFirst =
        m -> {
          started.add(m);
          if (starts.incrementAndGet() == 1) {
            try {
              secondDone.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    PendingPersonMessages one = new PendingPersonMessages(store, slowFirst, (l, r) -> {}, clock);
    PendingPersonMessages two = new PendingPersonMessages(store, slowFirst, (l, r) -> {}, clock);

    Thread first = new Thread(one::sweep);
    first.start();
    while (starts.get() == 0) {
      Thread.sleep(10);
    }
    assertThat(two.sweep()).containsExactly(earlier, key);
    secondDone.countDown();
    first.join(10_000);

    assertThat(store.messages().messageByKey(key).getString("status")).isEqualTo("not_sent");
    assertThat(store.interactions().timeline(stopped))
        .filteredOn(e -> AfterEndRecord.FAILED.equals(e.getString("type")))
        .hasSize(1);
    assertThat(started)
        .as("its workflow's id is the key: started twice, one runs")
        .extracting(AfterEndMessage::idempotencyKey)
        .containsOnly(earlier);
  }

  /**
   * A lead whose erasure was accepted: its messages are its erasure's (which stops the workflows it
   * lists and deletes what the lead left); the sweep starts no workflow the erasure did not list,
   * and writes nothing on the lead.
   */
  @Test
  void aLeadBeingErasedIsLeftToItsErasure() {
    String converted = lead("converted");
    message(converted, Duration.ofMinutes(2), new Document());
    String stopped = lead("stopped");
    String held = message(stopped, Duration.ofMinutes(2), new Document());
    store.erasures().markErasing(converted, NOW);
    store.erasures().markErasing(stopped, NOW);

    sweep.sweep();

    assertThat(started).isEmpty();
    assertThat(store.messages().messageByKey(held).getString("status")).isEqualTo("composed");
    assertThat(store.interactions().timeline(stopped)).isEmpty();
  }
}
