package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.triage.ReplyClassifier;
import com.salesagent.workflows.lead.InboundMessageSignal;
import com.salesagent.workflows.lead.MessageStatusSignal;
import com.salesagent.workflows.lead.OptOutSignal;
import com.salesagent.workflows.media.InboundMedia;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The inbox on the embedded MongoDB-wire server with a recording signaller: nothing accepted is
 * lost, poison events end as dead letters instead of looping, statuses wait for their message.
 */
class WebhookInboxTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  /** What the signaller does: record, fail like an unreachable Temporal, or fail for good. */
  enum Mode {
    UP,
    UNAVAILABLE,
    BROKEN
  }

  private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.UNAVAILABLE);
  private final List<Object> signals = new CopyOnWriteArrayList<>();
  private final Instant t0 = Instant.parse("2026-11-25T12:00:00Z");
  private final AtomicReference<Instant> now = new AtomicReference<>(t0);
  private final Clock clock =
      new Clock() {
        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };
  private LeadStore store;
  private WebhookInbox inbox;

  private String record(String leadId, Object signal) {
    switch (mode.get()) {
      case UNAVAILABLE -> throw Status.UNAVAILABLE.withDescription("refused").asRuntimeException();
      case BROKEN -> throw new IllegalStateException("a bug in processing");
      default -> signals.add(signal);
    }
    return LeadSignaller.SIGNALLED;
  }

  private final LeadSignaller signaller =
      new LeadSignaller() {
        @Override
        public String status(String leadId, MessageStatusSignal signal) {
          return record(leadId, signal);
        }

        @Override
        public String inbound(String leadId, InboundMessageSignal signal) {
          return record(leadId, signal);
        }

        @Override
        public String optOut(String leadId, OptOutSignal signal) {
          return record(leadId, signal);
        }

        @Override
        public void downloadMedia(InboundMedia media) {
          record(media.mediaId(), media);
        }
      };

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    store.insertContact(new Document("leadId", "L-1").append("phone", "+5511998765432"));
    store
        .messages()
        .upsertComposed("k-1", new Document("leadId", "L-1").append("status", "composed"));
    store.messages().markAccepted("k-1", "wamid.A", null, "template", t0);
    inbox =
        new WebhookInbox(
            store, signaller, "123", clock, 2, ReplyClassifier.LEXICON, Duration.ofDays(30));
  }

  @AfterEach
  void tearDown() throws Exception {
    inbox.stop();
  }

  private MetaNotification.Parsed parse(String value) throws Exception {
    String body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"w\",\"changes\":[{"
            + "\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
            + "\"metadata\":{\"phone_number_id\":\"123\"},"
            + value
            + "}}]}]}";
    return MetaNotification.parse(new ObjectMapper().readTree(body), "123");
  }

  private static String status(String wamid, String status, String extra) {
    return "{\"id\":\""
        + wamid
        + "\",\"status\":\""
        + status
        + "\",\"timestamp\":\"1764072000\",\"recipient_id\":\"5511998765432\""
        + extra
        + "}";
  }

  /** Makes every stored event due for the sweep and runs it. */
  private void sweepNow() {
    awaitSettled(); // a processing that ends after the jump would stamp its wait with the new time
    now.set(now.get().plus(Duration.ofMinutes(1)));
    inbox.leases().tick(); // the clock jumped past the leases' expiry: renew them first
    inbox.relay();
  }

  private long count(org.bson.conversions.Bson filter) {
    return store.webhookEvents().countDocuments(filter);
  }

  @Test
  void eventsAcceptedWhileTemporalIsDownAreRelayedLaterWithTheirEffectsAppliedOnce()
      throws Exception {
    WebhookInbox.Accepted accepted =
        inbox.accept(
            parse(
                "\"statuses\":["
                    + status("wamid.A", "delivered", "")
                    + ","
                    + status("wamid.A", "read", "")
                    + "]"));
    assertThat(accepted.stored()).isEqualTo(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.exists("lastError")) == 1);

    // "delivered" needs no workflow: it is done although Temporal is down; the read waits.
    assertThat(count(Filters.eq("processed", false))).isEqualTo(1);
    assertThat(count(Filters.eq("outcome", "stored"))).isEqualTo(1);
    assertThat(signals).isEmpty();
    // MongoDB got the status even though the signal failed: the message view is current.
    assertThat(store.messages().messageByWamid("wamid.A").getString("status")).isEqualTo("read");
    // An unreachable Temporal is waited out: it never counts towards a dead letter.
    assertThat(count(Filters.gt("attempts", 0))).isZero();

    mode.set(Mode.UP);
    sweepNow();
    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 2);

    assertThat(signals)
        .singleElement()
        .isEqualTo(
            new MessageStatusSignal(
                "wamid.A", "read", Instant.ofEpochSecond(1764072000), null, "k-1"));
    // The timeline got each status once, although processing ran twice.
    assertThat(store.interactions().timeline("L-1"))
        .extracting(d -> d.getString("type"))
        .containsExactlyInAnyOrder("delivered", "read");
  }

  @Test
  void anEventThatKeepsFailingBecomesADeadLetterAndAnOperatorCanRetryIt() throws Exception {
    mode.set(Mode.BROKEN);
    inbox.accept(parse("\"statuses\":[" + status("wamid.A", "read", "") + "]"));
    for (int i = 0; i < WebhookInbox.MAX_ATTEMPTS + 3; i++) {
      int attempt = i;
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  count(Filters.gte("attempts", Math.min(attempt + 1, WebhookInbox.MAX_ATTEMPTS)))
                      == 1);
      sweepNow();
    }

    Document event = store.webhookEvents().find().first();
    assertThat(event.getBoolean("deadLetter")).isTrue();
    assertThat(event.getInteger("attempts")).isEqualTo(WebhookInbox.MAX_ATTEMPTS);
    assertThat(event.getString("lastError")).contains("a bug in processing");
    assertThat(inbox.deadLetters(0, 10)).hasSize(1);

    mode.set(Mode.UP);
    assertThat(inbox.retryDeadLetter(event.getString("eventKey"))).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 1);
    assertThat(inbox.deadLetters(0, 10)).isEmpty();
    assertThat(signals).hasSize(1);
  }

  @Test
  void hostileShapesAreKeptAsDeadLettersAndNeverProcessed() throws Exception {
    WebhookInbox.Accepted accepted =
        inbox.accept(
            parse(
                "\"statuses\":[{\"id\":12345,\"status\":\"read\",\"timestamp\":\"1\","
                    + "\"recipient_id\":\"5511998765432\"},"
                    + "{\"id\":\"wamid.B\",\"status\":\"read\",\"timestamp\":{\"$date\":1},"
                    + "\"recipient_id\":\"5511998765432\"}],"
                    + "\"messages\":[{\"id\":\"wamid.X\\nINFO forged line\",\"from\":\"5511998765432\","
                    + "\"timestamp\":\"1\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}]"));

    assertThat(accepted.stored()).isZero();
    assertThat(accepted.invalid()).isEqualTo(3);
    assertThat(inbox.deadLetters(0, 10))
        .extracting(d -> d.getString("lastError"))
        .allMatch(e -> e.startsWith("invalid: "))
        .anyMatch(e -> e.contains("id must be a string"))
        .anyMatch(e -> e.contains("timestamp must be epoch seconds"));
    // The same poison twice is stored once, and no operator retry can loop it.
    assertThat(
            inbox
                .accept(
                    parse(
                        "\"statuses\":[{\"id\":12345,\"status\":\"read\",\"timestamp\":\"1\","
                            + "\"recipient_id\":\"5511998765432\"}]"))
                .duplicates())
        .isEqualTo(1);
    assertThat(inbox.retryDeadLetter(inbox.deadLetters(0, 10).get(0).getString("eventKey")))
        .isFalse();
    sweepNow();
    Thread.sleep(300);
    assertThat(signals).isEmpty();
  }

  @Test
  void aStatusBeforeItsMessageWaitsAndTheCallbackDataBindsALostSend() throws Exception {
    mode.set(Mode.UP);
    // The send's answer was lost: the message has no wamid, only its key.
    store
        .messages()
        .upsertComposed("k-2", new Document("leadId", "L-1").append("status", "composed"));
    inbox.accept(
        parse(
            "\"statuses\":["
                + status("wamid.LOST", "sent", ",\"biz_opaque_callback_data\":\"k-2\"")
                + ","
                + status("wamid.EARLY", "delivered", "")
                + "]"));

    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 1);
    Document bound = store.messages().messageByKey("k-2");
    assertThat(bound.getString("wamid")).isEqualTo("wamid.LOST");
    assertThat(bound.getString("reconciledBy")).isEqualTo("status_webhook");
    assertThat(signals)
        .singleElement()
        .isEqualTo(
            new MessageStatusSignal(
                "wamid.LOST", "sent", Instant.ofEpochSecond(1764072000), null, "k-2"));
    // The early status waits for its message (stored a moment later) instead of being dropped.
    Document early = store.webhookEvents().find(Filters.eq("processed", false)).first();
    assertThat(early.getString("eventKey")).isEqualTo("status:wamid.EARLY:delivered");
    store
        .messages()
        .upsertComposed("k-3", new Document("leadId", "L-1").append("status", "composed"));
    store.messages().markAccepted("k-3", "wamid.EARLY", null, "text", t0);
    // Its waiting is recorded (nextAttemptAt) before the clock jumps: a wait written after the
    // jump would be due only 10 s after the new time, and the sweep below would not take it.
    awaitSettled();
    now.set(now.get().plusSeconds(30));
    inbox.leases().tick();
    inbox.relay();
    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 2);
    assertThat(store.messages().messageByWamid("wamid.EARLY").getString("status"))
        .isEqualTo("delivered");

    // A status for a message that never appears is given up after the grace period.
    inbox.accept(parse("\"statuses\":[" + status("wamid.NEVER", "read", "") + "]"));
    awaitSettled();
    now.set(now.get().plus(WebhookInbox.STATUS_GRACE).plusSeconds(60));
    inbox.leases().tick();
    inbox.relay();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> count(Filters.eq("outcome", "unknown_wamid")) == 1);
  }

  @Test
  void aLoneProcessPollsOnlyWithAReasonAndStillRetriesWhatItLeftWaiting() throws Exception {
    mode.set(Mode.UP);
    // Left by a process that crashed: the first poll after start takes it.
    store
        .webhookEvents()
        .insertOne(
            new Document("eventKey", "status:wamid.A:delivered")
                .append("kind", MetaNotification.STATUS)
                .append("partitionKey", "5511998765432")
                .append("item", Document.parse(status("wamid.A", "delivered", "")))
                .append("processed", false)
                .append("attempts", 0)
                .append("receivedAt", Date.from(t0)));
    inbox.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 1);
    long afterStart = inbox.relays();

    // Nothing left behind: a lone process does not scan webhook_events every few seconds.
    Thread.sleep(1_500);
    assertThat(inbox.relays()).isEqualTo(afterStart);

    // A status for a message not stored yet waits 10 s (test clock); once due, the poll takes it.
    inbox.accept(parse("\"statuses\":[" + status("wamid.LATE", "delivered", "") + "]"));
    awaitSettled();
    assertThat(count(Filters.exists("nextAttemptAt"))).isEqualTo(1);
    store
        .messages()
        .upsertComposed("k-9", new Document("leadId", "L-1").append("status", "composed"));
    store.messages().markAccepted("k-9", "wamid.LATE", null, "text", t0);
    Thread.sleep(600);
    assertThat(count(Filters.eq("processed", true))).isEqualTo(1); // not due yet
    now.set(now.get().plusSeconds(11));
    inbox.leases().tick(); // the clock jumped past the leases' expiry: renew them first
    await().atMost(Duration.ofSeconds(20)).until(() -> count(Filters.eq("processed", true)) == 2);
    assertThat(store.messages().messageByWamid("wamid.LATE").getString("status"))
        .isEqualTo("delivered");

    // A failed event is retried once the guard against requeueing it has passed.
    mode.set(Mode.UNAVAILABLE);
    inbox.accept(parse("\"statuses\":[" + status("wamid.A", "failed", "") + "]"));
    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.exists("lastError")) == 1);
    awaitSettled();
    mode.set(Mode.UP);
    now.set(now.get().plus(InboxPartitions.FINISHED_GUARD).plusSeconds(2));
    inbox.leases().tick();
    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 3);
  }

  /** Waits until nothing is queued or being processed (the race CI once lost: see above). */
  private void awaitSettled() {
    await().atMost(Duration.ofSeconds(5)).until(() -> inbox.inFlight() == 0);
  }

  private List<MessageStatusSignal> statusSignals() {
    return signals.stream()
        .filter(MessageStatusSignal.class::isInstance)
        .map(MessageStatusSignal.class::cast)
        .toList();
  }

  private long interactions(String type, String wamid) {
    return store.interactions().timeline("L-1").stream()
        .filter(d -> type.equals(d.getString("type")) && wamid.equals(d.getString("wamid")))
        .count();
  }

  @Test
  void sentAndDeliveredOfAnAcceptedMessageUpdateMongoDbOnlyAndReadOrFailedReachTheWorkflow()
      throws Exception {
    mode.set(Mode.UP);
    store
        .messages()
        .upsertComposed("k-5", new Document("leadId", "L-1").append("status", "composed"));
    store.messages().markAccepted("k-5", "wamid.F", null, "text", t0);
    inbox.accept(
        parse(
            "\"statuses\":["
                + status("wamid.A", "sent", "")
                + ","
                + status("wamid.A", "delivered", "")
                + "]"));
    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 2);

    assertThat(signals).isEmpty();
    assertThat(count(Filters.eq("outcome", "stored"))).isEqualTo(2);
    Document message = store.messages().messageByWamid("wamid.A");
    assertThat(message.getString("status")).isEqualTo("delivered");
    assertThat(message.get("statusAt", Document.class).getDate("delivered")).isNotNull();
    assertThat(interactions("delivered", "wamid.A")).isEqualTo(1);

    inbox.accept(
        parse(
            "\"statuses\":["
                + status("wamid.A", "read", "")
                + ","
                + status(
                    "wamid.F",
                    "failed",
                    ",\"errors\":[{\"code\":131026,\"title\":\"Message undeliverable\"}]")
                + "]"));
    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 4);

    assertThat(statusSignals())
        .extracting(MessageStatusSignal::wamid, MessageStatusSignal::status)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("wamid.A", "read"),
            org.assertj.core.groups.Tuple.tuple("wamid.F", "failed"));
    assertThat(statusSignals())
        .filteredOn(s -> "failed".equals(s.status()))
        .singleElement()
        .extracting(MessageStatusSignal::errorCode)
        .isEqualTo(131026);
  }

  @Test
  void duplicatesAndAnyOrderGiveTheSameFinalStateAndOneSignalPerRead() throws Exception {
    mode.set(Mode.UP);
    // Read first, then delivered and sent late, then Meta redelivers the read and the delivered.
    inbox.accept(parse("\"statuses\":[" + status("wamid.A", "read", "") + "]"));
    inbox.accept(
        parse(
            "\"statuses\":["
                + status("wamid.A", "delivered", "")
                + ","
                + status("wamid.A", "sent", "")
                + "]"));
    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 3);
    WebhookInbox.Accepted again =
        inbox.accept(
            parse(
                "\"statuses\":["
                    + status("wamid.A", "read", "")
                    + ","
                    + status("wamid.A", "delivered", "")
                    + "]"));
    assertThat(again.duplicates()).isEqualTo(2);
    sweepNow();
    Thread.sleep(200);

    Document message = store.messages().messageByWamid("wamid.A");
    assertThat(message.getString("status")).isEqualTo("read");
    assertThat(message.get("statusAt", Document.class).getDate("delivered")).isNotNull();
    assertThat(message.get("statusAt", Document.class).getDate("read")).isNotNull();
    assertThat(store.interactions().timeline("L-1"))
        .extracting(d -> d.getString("type"))
        .containsExactlyInAnyOrder("read", "delivered", "sent");
    assertThat(statusSignals())
        .singleElement()
        .extracting(MessageStatusSignal::status)
        .isEqualTo("read");
  }

  @Test
  void deliveredOrSentEchoesOfAnUnknownSendStillReachTheWorkflowAndResolveItOnce()
      throws Exception {
    // The send's answer was lost: the message is unknown, the workflow waits for a keyed status.
    store
        .messages()
        .upsertComposed("k-2", new Document("leadId", "L-1").append("status", "composed"));
    store.messages().markUnknown("k-2", "timeout after the request was written", t0);
    // Temporal is down when the first echo arrives: it binds the wamid, the signal fails.
    inbox.accept(
        parse(
            "\"statuses\":["
                + status("wamid.LOST", "delivered", ",\"biz_opaque_callback_data\":\"k-2\"")
                + "]"));
    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.exists("lastError")) == 1);
    assertThat(store.messages().messageByKey("k-2").getString("wamid")).isEqualTo("wamid.LOST");

    mode.set(Mode.UP);
    sweepNow();
    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 1);
    // The relay finds the message bound already: still signalled, the send was ambiguous.
    assertThat(statusSignals())
        .singleElement()
        .isEqualTo(
            new MessageStatusSignal(
                "wamid.LOST", "delivered", Instant.ofEpochSecond(1764072000), null, "k-2"));

    // A late "sent" echo and a duplicate delivered: the sent is signalled too, the duplicate is
    // not stored, and the send is counted once.
    WebhookInbox.Accepted late =
        inbox.accept(
            parse(
                "\"statuses\":["
                    + status("wamid.LOST", "sent", ",\"biz_opaque_callback_data\":\"k-2\"")
                    + ","
                    + status("wamid.LOST", "delivered", ",\"biz_opaque_callback_data\":\"k-2\"")
                    + "]"));
    assertThat(late.duplicates()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 2);
    assertThat(statusSignals())
        .extracting(MessageStatusSignal::status)
        .containsExactly("delivered", "sent");
    assertThat(statusSignals()).allMatch(s -> "k-2".equals(s.idempotencyKey()));
    assertThat(interactions("message_sent", "wamid.LOST")).isEqualTo(1);
    assertThat(store.messages().messageByKey("k-2").getString("reconciledBy"))
        .isEqualTo("status_webhook");
  }

  @Test
  void aSendMarkedUnknownWhoseLateAnswerWasStoredStillSignalsItsStatuses() throws Exception {
    mode.set(Mode.UP);
    // A retry found the first attempt's claim and marked the send unknown; that attempt's answer
    // came back afterwards and stored the wamid. The workflow still waits for a keyed status.
    store
        .messages()
        .upsertComposed("k-4", new Document("leadId", "L-1").append("status", "composed"));
    store.messages().markUnknown("k-4", "an earlier attempt stopped during the call", t0);
    store.messages().markAccepted("k-4", "wamid.LATE", null, "text", t0);
    inbox.accept(
        parse(
            "\"statuses\":["
                + status("wamid.LATE", "delivered", ",\"biz_opaque_callback_data\":\"k-4\"")
                + "]"));

    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 1);
    assertThat(statusSignals())
        .singleElement()
        .extracting(MessageStatusSignal::status, MessageStatusSignal::idempotencyKey)
        .containsExactly("delivered", "k-4");
  }

  @Test
  void statusesAppliedTogetherCountEachEventOnceAndEachLeadOncePerStage() throws Exception {
    mode.set(Mode.UP);
    store.setContactFields("L-1", new Document("campaignId", "c-1").append("segment", "smb"));
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      store
          .messages()
          .upsertComposed(
              "kb-" + i,
              new Document("leadId", "L-1")
                  .append("campaignId", "c-1")
                  .append("variantId", "v-1")
                  .append("status", "composed"));
      store.messages().markAccepted("kb-" + i, "wamid.B" + i, null, "text", t0);
      items.append(i == 0 ? "" : ",").append(status("wamid.B" + i, "delivered", ""));
      items.append(",").append(status("wamid.B" + i, "read", ""));
      items.append(",").append(status("wamid.B" + i, "sent", ""));
    }
    String body = "\"statuses\":[" + items + "]";
    long[] before = inbox.statusBatches();
    assertThat(inbox.accept(parse(body)).stored()).isEqualTo(120);
    await().atMost(Duration.ofSeconds(10)).until(() -> count(Filters.eq("processed", true)) == 120);
    // One lead's statuses hash to one partition: applied in a few batches, all 120 counted.
    long[] after = inbox.statusBatches();
    assertThat(after[1] - before[1]).isEqualTo(120);
    assertThat(after[0] - before[0]).isBetween(1L, 120L / 2);
    assertThat(inbox.accept(parse(body)).duplicates()).isEqualTo(120);
    sweepNow();
    Thread.sleep(200);

    Document stats = store.database().getCollection("variant_stats").find().first();
    assertThat(stats.get("delivered", Number.class).longValue()).isEqualTo(40);
    assertThat(stats.get("read", Number.class).longValue()).isEqualTo(40);
    assertThat(stats.get("sent")).isNull(); // counted by the send activity, not by statuses
    assertThat(stats.getString("segment")).isEqualTo("smb");
    Document funnel = store.database().getCollection("campaign_stats").find().first();
    assertThat(funnel.get("delivered", Number.class).longValue()).isEqualTo(1);
    assertThat(funnel.get("read", Number.class).longValue()).isEqualTo(1);
    assertThat(store.interactions().timeline("L-1")).hasSize(120);
    for (int i = 0; i < 40; i++) {
      Document m = store.messages().messageByWamid("wamid.B" + i);
      assertThat(m.getString("status")).isEqualTo("read");
      assertThat(m.get("statusAt", Document.class).keySet())
          .contains("accepted", "sent", "delivered", "read");
    }
    assertThat(statusSignals()).hasSize(40).allMatch(s -> "read".equals(s.status()));
  }

  @Test
  void aStopFromAnyNumberSuppressesItEvenWithoutALead() throws Exception {
    mode.set(Mode.UP);
    inbox.accept(
        parse(
            "\"messages\":[{\"id\":\"wamid.IN1\",\"from\":\"14155550199\",\"timestamp\":\"1\","
                + "\"type\":\"text\",\"text\":{\"body\":\"STOP\"}}]"));

    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 1);
    assertThat(new Suppressions(store.database()).active(List.of("+14155550199")))
        .hasValueSatisfying(e -> assertThat(e.source()).isEqualTo(Suppressions.KEYWORD));
  }

  /**
   * A person may send up to 65,536 characters; a text past the webhook's shape limit (8,192) is a
   * dead letter, never processed. One that says stop ("STOP" and a pasted page) was lost with it:
   * the number stayed contactable. Its stop is read and the number suppressed all the same, and the
   * item is still kept as a dead letter for an operator to see.
   */
  @Test
  void aStopInAMessageTooLongToProcessStillSuppressesTheNumber() throws Exception {
    mode.set(Mode.UP);
    String page = "x ".repeat(5000);
    MetaNotification.Parsed parsed =
        parse(
            "\"messages\":[{\"id\":\"wamid.LONG\",\"from\":\"14155550123\",\"timestamp\":\"1\","
                + "\"type\":\"text\",\"text\":{\"body\":\"STOP\\n"
                + page
                + "\"}}]");
    assertThat(parsed.invalid()).hasSize(1);

    inbox.accept(parsed);

    assertThat(new Suppressions(store.database()).active(List.of("+14155550123")))
        .hasValueSatisfying(e -> assertThat(e.source()).isEqualTo(Suppressions.KEYWORD));
    assertThat(count(Filters.eq("deadLetter", true))).isEqualTo(1);
  }

  /**
   * A pasted page then "STOP" at its end, too long to process: only its first clause was read, and
   * the number stayed contactable. A page ending with an ordinary clause that only names stopping
   * ("My kids won't stop texting me") suppresses nothing.
   */
  @Test
  void aStopAtTheEndOfAMessageTooLongToProcessSuppressesTheNumber() throws Exception {
    mode.set(Mode.UP);
    String page = "x ".repeat(5000);
    inbox.accept(
        parse(
            "\"messages\":[{\"id\":\"wamid.LONGEND\",\"from\":\"14155550124\",\"timestamp\":\"1\","
                + "\"type\":\"text\",\"text\":{\"body\":\""
                + page
                + "\\n\\nSTOP\"}},{\"id\":\"wamid.LONGKIDS\",\"from\":\"14155550125\","
                + "\"timestamp\":\"1\",\"type\":\"text\",\"text\":{\"body\":\""
                + page
                + "\\n\\nMy kids won't stop texting me\"}}]"));

    Suppressions suppressions = new Suppressions(store.database());
    assertThat(suppressions.active(List.of("+14155550124")))
        .hasValueSatisfying(e -> assertThat(e.source()).isEqualTo(Suppressions.KEYWORD));
    assertThat(suppressions.active(List.of("+14155550125"))).isEmpty();
    assertThat(count(Filters.eq("deadLetter", true))).isEqualTo(2);
  }

  /**
   * STOP in look-alike letters (Cyrillic Te, O, Er after a Latin S; small capitals) is suppressed
   * before the webhook answers, as a plain STOP is.
   */
  @Test
  void aStopInLookAlikeLettersSuppressesTheNumberBeforeTheAnswer() throws Exception {
    mode.set(Mode.UP);
    inbox.accept(
        parse(
            "\"messages\":[{\"id\":\"wamid.CYR\",\"from\":\"14155550126\",\"timestamp\":\"1\","
                + "\"type\":\"text\",\"text\":{\"body\":\"S\u0422\u041e\u0420\"}},"
                + "{\"id\":\"wamid.CAPS\",\"from\":\"14155550127\",\"timestamp\":\"1\","
                + "\"type\":\"text\",\"text\":{\"body\":\"\uA731\u1D1B\u1D0F\u1D18\"}}]"));

    Suppressions suppressions = new Suppressions(store.database());
    assertThat(suppressions.active(List.of("+14155550126"))).isPresent();
    assertThat(suppressions.active(List.of("+14155550127"))).isPresent();
    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 2);
  }

  /**
   * WhatsApp still reports many Mexican numbers with the 1 Mexico dropped after +52 in 2019: a STOP
   * from such a wa_id suppresses the number as it is enrolled today too, so a later enrolment of
   * +52 55 … is refused even when no lead of the number was found to learn it from.
   */
  @Test
  void aStopFromAnOldMexicanWaIdSuppressesTheNumberWithoutItsOne() throws Exception {
    mode.set(Mode.UP);
    inbox.accept(
        parse(
            "\"messages\":[{\"id\":\"wamid.MX1\",\"from\":\"5215512345678\",\"timestamp\":\"1\","
                + "\"type\":\"text\",\"text\":{\"body\":\"STOP\"}}]"));

    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 1);
    Suppressions suppressions = new Suppressions(store.database());
    assertThat(suppressions.active(List.of("+525512345678"))).isPresent();
    assertThat(suppressions.active(List.of("+5215512345678"))).isPresent();
  }

  private static final String STOP =
      "\"messages\":[{\"id\":\"wamid.STOP\",\"from\":\"5511998765432\",\"timestamp\":\"1\","
          + "\"type\":\"text\",\"text\":{\"body\":\"STOP\"}}]";

  /**
   * Never after stop, at the edge between the two processes: a send that passed its suppression
   * check just before the STOP's suppression was stored is still in its call to Meta. The STOP is
   * answered only once that call is over, so Meta cannot accept the message after the STOP was
   * delivered (the chaos run saw one such message after an outage's backlog).
   */
  @Test
  void aStopIsAnsweredOnlyOnceTheSendsAlreadyInTheirCallToItsNumberAreOver() throws Exception {
    store
        .messages()
        .upsertComposed("k-2", new Document("leadId", "L-1").append("status", "composed"));
    assertThat(store.messages().claimSend("k-2", "attempt-1", t0, false)).isTrue();
    var answered = new java.util.concurrent.CompletableFuture<WebhookInbox.Accepted>();
    Thread webhook =
        new Thread(
            () -> {
              try {
                answered.complete(inbox.accept(parse(STOP)));
              } catch (Throwable e) {
                answered.completeExceptionally(e);
              }
            });
    webhook.start();

    // The number is suppressed at once (a send that claims now is refused by its check)...
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> new Suppressions(store.database()).active(List.of("+5511998765432")).isPresent());
    // ...but the answer waits while the call that checked before is under way.
    Thread.sleep(300);
    assertThat(answered).isNotDone();

    store.messages().markAccepted("k-2", "wamid.K2", "5511998765432", "text", t0);
    assertThat(answered.get(5, java.util.concurrent.TimeUnit.SECONDS).stored()).isEqualTo(1);
    webhook.join();
  }

  @Test
  void aStopDoesNotWaitForClaimsLeftByCallsThatEndedAndAtMostItsFenceForOneThatNeverEnds()
      throws Exception {
    store
        .messages()
        .upsertComposed("k-old", new Document("leadId", "L-1").append("status", "composed"));
    // An attempt that stopped mid-call long ago left its claim (its message is "unknown").
    store
        .messages()
        .claimSend("k-old", "dead", t0.minus(StopFence.CALL_WINDOW).minusSeconds(1), false);
    // An attempt whose call just ended without a readable answer keeps its claim, no call.
    store
        .messages()
        .upsertComposed("k-amb", new Document("leadId", "L-1").append("status", "composed"));
    store.messages().claimSend("k-amb", "timed-out", t0, false);
    store.messages().markUnknownAfterCall("k-amb", "timed-out", "read timed out", t0);
    assertThat(store.messages().claimSend("k-amb", "another", t0, false)).isFalse();
    inbox.stopFence(Duration.ofSeconds(8));
    long started = System.nanoTime();
    assertThat(inbox.accept(parse(STOP)).stored()).isEqualTo(1);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));

    // A call under way that never ends holds a STOP's answer for the fence, no longer.
    store
        .messages()
        .upsertComposed("k-3", new Document("leadId", "L-1").append("status", "composed"));
    store.messages().claimSend("k-3", "stuck", t0, false);
    inbox.stopFence(Duration.ofMillis(400));
    started = System.nanoTime();
    assertThat(
            inbox
                .accept(
                    parse(STOP.replace("wamid.STOP", "wamid.STOP2").replace("STOP\"}", "stop\"}")))
                .stored())
        .isEqualTo(1);
    Duration waited = Duration.ofNanos(System.nanoTime() - started);
    assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    assertThat(waited).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aCaptionedImageIsTriagedByItsCaptionAVoiceNoteWaitsForAPersonAndBothAreDownloaded()
      throws Exception {
    mode.set(Mode.UP);
    inbox.accept(
        parse(
            "\"messages\":[{\"id\":\"wamid.IMG\",\"from\":\"5511998765432\",\"timestamp\":\"1\","
                + "\"type\":\"image\",\"image\":{\"caption\":\"Sounds great, interested!\","
                + "\"mime_type\":\"image/jpeg\",\"sha256\":\"abc\",\"id\":\"1001\"}},"
                + "{\"id\":\"wamid.VOICE\",\"from\":\"5511998765432\",\"timestamp\":\"2\","
                + "\"type\":\"audio\",\"audio\":{\"mime_type\":\"audio/ogg; codecs=opus\","
                + "\"sha256\":\"def\",\"id\":\"1002\",\"voice\":true}}]"));

    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 2);

    Document image = store.feedback().find(Filters.eq("messageId", "wamid.IMG")).first();
    assertThat(image.getString("text")).isEqualTo("Sounds great, interested!");
    assertThat(image.getString("intent")).isEqualTo("interested");
    Document media = image.get("media", Document.class);
    assertThat(media.getString("mediaId")).isEqualTo("1001");
    assertThat(media.getString("kind")).isEqualTo("image");
    assertThat(media.getString("status")).isEqualTo("pending");
    Document voice = store.feedback().find(Filters.eq("messageId", "wamid.VOICE")).first();
    assertThat(voice.getString("intent")).isEqualTo(MessageProcessor.NEEDS_REVIEW);
    assertThat(voice.get("media", Document.class).getBoolean("voice")).isTrue();
    assertThat(signals)
        .filteredOn(InboundMessageSignal.class::isInstance)
        .extracting(o -> ((InboundMessageSignal) o).intent())
        .containsExactly("interested", MessageProcessor.NEEDS_REVIEW);
    assertThat(signals)
        .filteredOn(InboundMedia.class::isInstance)
        .extracting(o -> ((InboundMedia) o).mediaId(), o -> ((InboundMedia) o).kind())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("1001", "image"),
            org.assertj.core.groups.Tuple.tuple("1002", "audio"));
  }

  /**
   * With a transcribing provider, a voice note's lead is told to wait for what it says (its triage
   * follows from the media workflow); the feedback remembers that someone waits.
   */
  @Test
  void withTranscriptionAVoiceNotesLeadWaitsForItsTranscript() throws Exception {
    mode.set(Mode.UP);
    inbox.transcribingVoiceNotes(true);
    inbox.accept(
        parse(
            "\"messages\":[{\"id\":\"wamid.VOICE2\",\"from\":\"5511998765432\",\"timestamp\":\"2\","
                + "\"type\":\"audio\",\"audio\":{\"mime_type\":\"audio/ogg; codecs=opus\","
                + "\"sha256\":\"def\",\"id\":\"1003\",\"voice\":true}},"
                + "{\"id\":\"wamid.TXT2\",\"from\":\"5511998765432\",\"timestamp\":\"3\","
                + "\"type\":\"text\",\"text\":{\"body\":\"Sounds great, interested!\"}}]"));

    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 2);

    assertThat(signals)
        .filteredOn(InboundMessageSignal.class::isInstance)
        .extracting(o -> ((InboundMessageSignal) o).intent())
        .containsExactly(InboundMessageSignal.AWAITING_TRANSCRIPT, "interested");
    Document voice = store.feedback().find(Filters.eq("messageId", "wamid.VOICE2")).first();
    assertThat(voice.getString("intent")).isEqualTo(MessageProcessor.NEEDS_REVIEW);
    assertThat(voice.getBoolean("awaitsTranscript")).isTrue();
    assertThat(store.feedback().find(Filters.eq("messageId", "wamid.TXT2")).first())
        .doesNotContainKey("awaitsTranscript");
  }

  /**
   * A signed status with an integer beyond 64 bits has no BSON form: it is a dead letter, and the
   * notification's other items are stored (before, the parse threw, the request was answered 500
   * and Meta delivered the whole notification again for days).
   */
  @Test
  void aNumberBeyondSixtyFourBitsIsADeadLetterAndTheOtherItemsAreStored() throws Exception {
    WebhookInbox.Accepted accepted =
        inbox.accept(
            parse(
                "\"statuses\":["
                    + status("wamid.BIG", "read", ",\"n\":123456789012345678901234567890")
                    + ","
                    + status("wamid.OK", "read", ",\"n\":12345678901")
                    + "]"));

    assertThat(accepted.stored()).isEqualTo(1);
    assertThat(accepted.invalid()).isEqualTo(1);
    assertThat(inbox.deadLetters(0, 10))
        .extracting(d -> d.getString("lastError"))
        .containsExactly(
            "invalid: a value MongoDB cannot store (a number beyond 64 bits or not finite)");
  }

  @Test
  void aMediaIdThatIsNotOneIsRefusedAtTheDoor() throws Exception {
    WebhookInbox.Accepted accepted =
        inbox.accept(
            parse(
                "\"messages\":[{\"id\":\"wamid.BAD\",\"from\":\"5511998765432\","
                    + "\"timestamp\":\"1\",\"type\":\"image\",\"image\":{\"id\":\"../../x?y\"}}]"));

    assertThat(accepted.stored()).isZero();
    assertThat(accepted.invalid()).isEqualTo(1);
  }

  @Test
  void rawPayloadsAreDroppedAfterTheRetentionButTheirKeysStillDeduplicate() throws Exception {
    mode.set(Mode.UP);
    String body = "\"statuses\":[" + status("wamid.A", "delivered", "") + "]";
    inbox.accept(parse(body));
    await().atMost(Duration.ofSeconds(5)).until(() -> count(Filters.eq("processed", true)) == 1);
    store
        .webhookEvents()
        .updateMany(
            new Document(),
            new Document(
                "$set", new Document("receivedAt", Date.from(t0.minus(Duration.ofDays(31))))));

    assertThat(inbox.dropExpiredPayloads()).isEqualTo(1);
    Document event = store.webhookEvents().find().first();
    assertThat(event.get("item")).isNull();
    assertThat(event.getString("eventKey")).isEqualTo("status:wamid.A:delivered");
    assertThat(inbox.accept(parse(body)).duplicates()).isEqualTo(1);
  }
}
