package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.whatsapp.SenderClients;
import com.salesagent.activities.whatsapp.StubCloudApi;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.activities.whatsapp.WhatsAppSettings;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The send activity with two business numbers: pinning, per-number tokens, pauses, pacing. */
class SenderPoolSendTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final String A = "111";
  private static final String B = "222";

  private final Clock clock = Clock.systemUTC();
  private final List<Duration> slept = new CopyOnWriteArrayList<>();
  private LeadStore store;
  private Senders senders;
  private StubCloudApi api;
  private MessagingActivitiesImpl messaging;

  @BeforeEach
  void setUp() throws Exception {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    senders = new Senders(MONGO.database());
    api = new StubCloudApi().uniqueWamids();
    WhatsAppSettings settings = new WhatsAppSettings(api.baseUrl(), "v24.0", A, "token-a");
    senders.register(A, SenderClients.PRIMARY_TOKEN_REF, 80, true);
    senders.register(B, "TOKEN_B", 80, false);
    Map<String, String> env = Map.of("TOKEN_B", "token-b");
    messaging =
        new MessagingActivitiesImpl(
            store,
            new SenderClients(
                settings, new WhatsAppClient(settings, Duration.ofSeconds(5)), env::get),
            0.8,
            clock,
            slept::add);
  }

  @AfterEach
  void tearDown() {
    api.close();
  }

  private void lead(String leadId, String phone) {
    store.insertContact(
        new Document("leadId", leadId)
            .append("phone", phone)
            .append("campaignId", "c-1")
            .append("enrolledAt", new Date()));
  }

  private SendRequest message(String leadId, String key) {
    MONGO
        .database()
        .getCollection(Collections.MESSAGES)
        .insertOne(
            new Document("idempotencyKey", key)
                .append("leadId", leadId)
                .append("text", "Hello")
                .append("status", "composed"));
    return new SendRequest(leadId, key, 0, false, false);
  }

  private String numberOf(StubCloudApi.Request r) {
    return r.path().split("/")[2];
  }

  @Test
  void leadsSpreadOverBothNumbersEachWithItsOwnTokenAndStayOnTheirNumber() {
    for (int i = 0; i < 20; i++) {
      lead("L-" + i, "+55119987654" + String.format("%02d", i));
      assertThat(messaging.send(message("L-" + i, "k-" + i)).accepted()).isTrue();
    }
    Set<String> used = new HashSet<>();
    for (StubCloudApi.Request r : api.requests) {
      used.add(numberOf(r));
      assertThat(r.authorization())
          .isEqualTo("Bearer " + (numberOf(r).equals(A) ? "token-a" : "token-b"));
    }
    assertThat(used).containsExactlyInAnyOrder(A, B);

    // A follow-up goes out on the number the conversation started on.
    for (int i = 0; i < 20; i++) {
      String pinned = store.contact("L-" + i).getString("senderId");
      int before = api.requests.size();
      messaging.send(message("L-" + i, "k2-" + i));
      assertThat(numberOf(api.requests.get(before))).isEqualTo(pinned);
    }
  }

  @Test
  void aQualityDropPausesThatNumberOnlyItsLeadsWaitAndNoOtherNumberTakesThemOver() {
    List<String> onB = new ArrayList<>();
    List<String> onA = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String id = "L-" + i;
      lead(id, "+55119987654" + String.format("%02d", i));
      messaging.send(message(id, "k-" + i));
      (B.equals(store.contact(id).getString("senderId")) ? onB : onA).add(id);
    }
    assertThat(onA).isNotEmpty();
    assertThat(onB).isNotEmpty();
    senders.pauseForQuality(B, "RED", "phone_number_quality_update FLAGGED", Instant.now());
    int before = api.requests.size();

    SendResult waiting = messaging.send(message(onB.get(0), "kb"));
    SendResult going = messaging.send(message(onA.get(0), "ka"));

    assertThat(waiting.outcome()).isEqualTo(SendResult.ACCOUNT_PAUSED);
    assertThat(going.accepted()).isTrue();
    assertThat(api.requests).hasSize(before + 1);
    assertThat(numberOf(api.requests.get(before))).isEqualTo(A);
    assertThat(store.contact(onB.get(0)).getString("senderId")).isEqualTo(B);
    // New leads go to the number that can send.
    for (int i = 0; i < 10; i++) {
      lead("N-" + i, "+55119987655" + String.format("%02d", i));
      messaging.send(message("N-" + i, "kn-" + i));
      assertThat(store.contact("N-" + i).getString("senderId")).isEqualTo(A);
    }
    // The quality recovers: the waiting lead goes out on its own number.
    senders.qualityRecovered(B, "GREEN", Instant.now());
    int after = api.requests.size();
    assertThat(messaging.send(new SendRequest(onB.get(0), "kb", 0, false, false)).accepted())
        .isTrue();
    assertThat(numberOf(api.requests.get(after))).isEqualTo(B);
  }

  /**
   * A number Meta paused (an account error) lets a send through as its probe once the probe is due;
   * Meta accepting it ends the pause, and the worker is told the number is back (to wake the leads
   * waiting for it), once. Sends on a number that was not paused tell nobody.
   */
  @Test
  void aProbeThatMetaAcceptsTellsTheWorkerItsNumberIsBackOnce() {
    List<String> back = new CopyOnWriteArrayList<>();
    messaging.whenNumberBack(back::add);
    lead("P-1", "+5511998765401");
    lead("P-2", "+5511998765402");
    store.setContactFields("P-1", new Document("senderId", B));
    store.setContactFields("P-2", new Document("senderId", A));
    assertThat(messaging.send(message("P-2", "kp2")).accepted()).isTrue();
    senders.pause(B, 131031, "account locked", Instant.now());

    SendResult waits = messaging.send(message("P-1", "kp1"));
    assertThat(waits.outcome()).isEqualTo(SendResult.ACCOUNT_PAUSED);
    assertThat(back).isEmpty();

    // The probe falls due: this send goes out as it, Meta accepts it, the number is back.
    MONGO
        .database()
        .getCollection(Senders.COLLECTION)
        .updateOne(
            com.mongodb.client.model.Filters.eq("_id", B),
            com.mongodb.client.model.Updates.set(
                "probeAt", Date.from(Instant.now().minusSeconds(1))));
    assertThat(messaging.send(new SendRequest("P-1", "kp1", 0, false, false)).accepted()).isTrue();
    assertThat(senders.get(B).getString("status")).isEqualTo("active");
    assertThat(back).containsExactly(B);

    // Further sends on numbers already active tell nobody again.
    assertThat(messaging.send(message("P-1", "kp1b")).accepted()).isTrue();
    assertThat(messaging.send(message("P-2", "kp2b")).accepted()).isTrue();
    assertThat(back).containsExactly(B);
  }

  /** Waking the waiting leads failing to queue never fails a send Meta accepted. */
  @Test
  void aFailureToQueueTheWakeUpDoesNotFailTheAcceptedSend() {
    messaging.whenNumberBack(
        id -> {
          throw new IllegalStateException("queue full");
        });
    lead("Q-1", "+5511998765403");
    store.setContactFields("Q-1", new Document("senderId", B));
    senders.pause(B, 131031, "account locked", Instant.now().minus(Senders.PROBE));

    SendResult sent = messaging.send(message("Q-1", "kq1"));

    assertThat(sent.accepted()).isTrue();
    assertThat(senders.get(B).getString("status")).isEqualTo("active");
  }

  @Test
  void aLeadThatTalkedBeforeThePoolStaysOnTheConfiguredNumber() {
    for (int i = 0; i < 10; i++) {
      lead("O-" + i, "+55119987656" + String.format("%02d", i));
      store.addWhatsAppId("O-" + i, "55119987656" + String.format("%02d", i));
      messaging.send(message("O-" + i, "ko-" + i));
      assertThat(store.contact("O-" + i).getString("senderId")).isEqualTo(A);
    }
  }

  @Test
  void aNumberWhoseTokenThisWorkerLacksMakesItsLeadWaitWithoutCalling() {
    senders.register(B, "TOKEN_MISSING", 80, false);
    lead("L-x", "+5511998765499");
    store.setContactFields("L-x", new Document("senderId", B));

    SendResult result = messaging.send(message("L-x", "kx"));

    assertThat(result.outcome()).isEqualTo(SendResult.ACCOUNT_PAUSED);
    assertThat(result.detail()).contains("tokenRef");
    assertThat(api.requests).isEmpty();
  }

  @Test
  void aNewLeadIsNeverPinnedToANumberWhoseTokenThisWorkerLacks() {
    // An operator registered the second number with a variable no worker has (a typo).
    senders.register(B, "TOKEN_MISSING", 1000, false);
    for (int i = 0; i < 20; i++) {
      lead("T-" + i, "+55119987657" + String.format("%02d", i));
      SendResult sent = messaging.send(message("T-" + i, "kt-" + i));
      assertThat(sent.accepted()).as("lead T-" + i).isTrue();
      assertThat(store.contact("T-" + i).getString("senderId")).isEqualTo(A);
    }
    assertThat(api.requests).hasSize(20).allMatch(r -> numberOf(r).equals(A));
    // The variable is set after all (the token rotated in): new leads spread again.
    senders.register(B, "TOKEN_B", 1000, false);
    Set<String> used = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      lead("U-" + i, "+55119987658" + String.format("%02d", i));
      messaging.send(message("U-" + i, "ku-" + i));
      used.add(store.contact("U-" + i).getString("senderId"));
    }
    assertThat(used).contains(B);
  }

  @Test
  void aSecondMessageToTheSameRecipientWaitsSixSeconds() {
    lead("L-p", "+5511998765401");
    messaging.send(message("L-p", "kp1"));
    messaging.send(message("L-p", "kp2"));

    assertThat(api.requests).hasSize(2);
    assertThat(slept)
        .anySatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(5500), Duration.ofSeconds(6)));
  }

  /**
   * A send's claim is stamped with the time it is made. Before, it carried the time the send began,
   * before its turn (pacing: here the six seconds to the same recipient) and any upload: a claim
   * made after a long wait looked that much older to the STOP's fence (StopFence: a claim older
   * than its call window is a dead attempt's, not a call under way), which then answered the STOP
   * while the call was being made. The clock here moves only while the send waits for its turn.
   */
  @Test
  void aClaimMadeAfterWaitingForItsTurnCarriesTheTimeOfTheClaim() {
    java.util.concurrent.atomic.AtomicReference<Instant> time =
        new java.util.concurrent.atomic.AtomicReference<>(Instant.parse("2026-12-07T10:00:00Z"));
    Clock moving =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return time.get();
          }
        };
    List<Instant[]> claims = new CopyOnWriteArrayList<>(); // {stamped, the clock at the claim}
    com.mongodb.event.CommandListener claimed =
        new com.mongodb.event.CommandListener() {
          @Override
          public void commandStarted(com.mongodb.event.CommandStartedEvent e) {
            var target = e.getCommand().get("findAndModify");
            if (target == null
                || !target.isString()
                || !Collections.MESSAGES.equals(target.asString().getValue())) {
              return;
            }
            var set = e.getCommand().getDocument("update").getDocument("$set", null);
            if (set != null && set.containsKey("sendingSince")) {
              claims.add(
                  new Instant[] {
                    Instant.ofEpochMilli(set.getDateTime("sendingSince").getValue()), time.get()
                  });
            }
          }
        };
    try (var client =
        com.mongodb.client.MongoClients.create(
            com.mongodb.MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString(MONGO.connectionString()))
                .addCommandListener(claimed)
                .build())) {
      WhatsAppSettings settings = new WhatsAppSettings(api.baseUrl(), "v24.0", A, "token-a");
      MessagingActivitiesImpl waiting =
          new MessagingActivitiesImpl(
              new LeadStore(MONGO.database(client)),
              new SenderClients(
                  settings, new WhatsAppClient(settings, Duration.ofSeconds(5)), name -> null),
              0.8,
              moving,
              d -> {
                slept.add(d);
                time.updateAndGet(t -> t.plus(d));
              });
      lead("L-w", "+5511998765402");
      assertThat(waiting.send(message("L-w", "kw1")).accepted()).isTrue();
      assertThat(waiting.send(message("L-w", "kw2")).accepted()).isTrue();
    }

    assertThat(slept)
        .as("the second send waited its turn")
        .anySatisfy(d -> assertThat(d).isGreaterThan(Duration.ofSeconds(5)));
    assertThat(claims).hasSize(2);
    for (Instant[] claim : claims) {
      assertThat(claim[0]).as("the claim's stamp").isEqualTo(claim[1]);
    }
  }

  @Test
  void aNumberWithoutAFreeSlotSoonAnswersBusyWithoutClaimingOrCalling() {
    senders.register(A, SenderClients.PRIMARY_TOKEN_REF, 20, true);
    senders.register(B, "TOKEN_B", 20, false);
    // 20/s × 0.8 = 16 sends/s; 2 s of slots = 33 sends can wait here, the rest is busy. The
    // clock stands still: as if the 100 sends came at once.
    WhatsAppSettings settings = new WhatsAppSettings(api.baseUrl(), "v24.0", A, "token-a");
    MessagingActivitiesImpl messaging =
        new MessagingActivitiesImpl(
            store,
            new SenderClients(
                settings, new WhatsAppClient(settings, Duration.ofSeconds(5)), name -> null),
            0.8,
            Clock.fixed(Instant.now(), java.time.ZoneOffset.UTC),
            slept::add);
    List<SendResult> results = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      lead("T-" + i, "+55119987657" + String.format("%02d", i));
      store.setContactFields("T-" + i, new Document("senderId", A));
      results.add(messaging.send(message("T-" + i, "kt-" + i)));
    }
    long busy = results.stream().filter(r -> SendResult.SENDER_BUSY.equals(r.outcome())).count();
    assertThat(busy).isEqualTo(100 - 33);
    assertThat(api.requests.size() + busy).isEqualTo(100);
    SendResult first =
        results.stream().filter(r -> SendResult.SENDER_BUSY.equals(r.outcome())).findFirst().get();
    assertThat(first.retryAfterMillis()).isPositive();
    String key = "kt-" + results.indexOf(first);
    Document msg = store.messages().messageByKey(key);
    assertThat(msg.get("sendingBy")).isNull();
    assertThat(msg.getString("status")).isEqualTo("composed");
  }

  /**
   * Issue 12: a follow-up's acceptance writes only what it changes. Its lead has its wa_id and its
   * funnel's "sent" from the first message: neither is written again, and the follow-up's lateness
   * is measured from the contact the send read (three round trips of the send's hot path). The
   * first message's writes are all still made.
   */
  @Test
  void aFollowUpsAcceptanceDoesNotRewriteWhatTheFirstMessageSet() {
    List<String> commands = new CopyOnWriteArrayList<>();
    try (var client = MONGO.recordingClient(commands)) {
      WhatsAppSettings settings = new WhatsAppSettings(api.baseUrl(), "v24.0", A, "token-a");
      MessagingActivitiesImpl listened =
          new MessagingActivitiesImpl(
              new LeadStore(MONGO.database(client)),
              new SenderClients(
                  settings,
                  new WhatsAppClient(settings, Duration.ofSeconds(5)),
                  Map.of("TOKEN_B", "token-b")::get),
              0.8,
              clock,
              slept::add);
      lead("L-F", "+5511998765499");

      commands.clear();
      assertThat(listened.send(message("L-F", "kf-1")).accepted()).isTrue();
      List<String> first = List.copyOf(commands);
      Document afterFirst = store.contact("L-F");
      assertThat(afterFirst.getList("waIds", String.class)).hasSize(1);
      assertThat(afterFirst.get("funnel", Document.class).getDate("sent")).isNotNull();
      // The first message's wa_id and funnel mark are one write (the other is the number's pin).
      assertThat(first).filteredOn("update contacts"::equals).as("the pin").hasSize(1);
      assertThat(first).filteredOn("findAndModify contacts"::equals).hasSize(1);

      commands.clear();
      SendRequest followUp = new SendRequest("L-F", "kf-2", 1, false, false);
      MONGO
          .database()
          .getCollection(Collections.MESSAGES)
          .insertOne(
              new Document("idempotencyKey", "kf-2")
                  .append("leadId", "L-F")
                  .append("text", "Still there?")
                  .append("status", "composed"));
      assertThat(listened.send(followUp).accepted()).isTrue();

      assertThat(commands)
          .as("the follow-up's commands")
          .doesNotContain("findAndModify contacts")
          .filteredOn(c -> c.equals("update contacts"))
          .isEmpty();
      assertThat(commands.stream().filter(c -> c.equals("find contacts")))
          .as("the contact read once, and its erasure mark right before the call")
          .hasSize(2);
      assertThat(first).contains("findAndModify contacts", "update contacts");
      assertThat(first.stream().filter(c -> c.equals("find senders")))
          .as("the first send's number: picked from the pool, not read again")
          .hasSize(1);
      assertThat(commands.stream().filter(c -> c.equals("find senders")))
          .as("the follow-up's pinned number: read once")
          .hasSize(1);
      assertThat(first.size() - commands.size()).isGreaterThanOrEqualTo(2);
      Document afterFollowUp = store.contact("L-F");
      assertThat(afterFollowUp.get("funnel", Document.class))
          .isEqualTo(afterFirst.get("funnel", Document.class));
      assertThat(afterFollowUp.getList("waIds", String.class))
          .isEqualTo(afterFirst.getList("waIds", String.class));
    }
  }

  /**
   * Issue 12: one send's MongoDB commands, each named (the pacing's writes to {@code
   * sender_throttle} apart: one or two per slot, as the number was idle or busy). The message is
   * read through its claim ({@code findAndModify messages}), not by a {@code find} before it: on
   * the old code the first send and the follow-up each had a {@code find messages} more.
   */
  @Test
  void aSendReadsItsMessageThroughItsClaimAndIssuesNoOtherCommand() {
    List<String> commands = new CopyOnWriteArrayList<>();
    try (var client = MONGO.recordingClient(commands)) {
      WhatsAppSettings settings = new WhatsAppSettings(api.baseUrl(), "v24.0", A, "token-a");
      MessagingActivitiesImpl listened =
          new MessagingActivitiesImpl(
              new LeadStore(MONGO.database(client)),
              new SenderClients(
                  settings,
                  new WhatsAppClient(settings, Duration.ofSeconds(5)),
                  Map.of("TOKEN_B", "token-b")::get),
              0.8,
              clock,
              slept::add);
      lead("L-C", "+5511998765488");
      SendRequest first = message("L-C", "kc-1");
      commands.clear();
      assertThat(listened.send(first).accepted()).isTrue();
      assertThat(withoutPacing(commands))
          .as("a first send's commands")
          .containsExactlyInAnyOrder(
              "find contacts", // the contact
              "find senders", // the pool, for the lead's number
              "update contacts", // the number pinned on the lead
              "findAndModify messages", // the claim, answering the message
              "find contacts", // the erasure mark, after the claim
              "find suppressions", // the number's opt-out, after the claim
              "update messages", // the wamid
              "findAndModify contacts", // the wa_id and the funnel's "sent"
              "update campaign_stats", // the funnel's counter
              "update senders", // a pause begun during the send ends
              "update sender_minutes", // the number's sends this minute
              "insert interaction_history"); // the timeline
      assertThat(commands).filteredOn(c -> c.endsWith(" sender_throttle")).hasSizeBetween(2, 4);

      SendRequest followUp = new SendRequest("L-C", "kc-2", 1, false, false);
      MONGO
          .database()
          .getCollection(Collections.MESSAGES)
          .insertOne(
              new Document("idempotencyKey", "kc-2")
                  .append("leadId", "L-C")
                  .append("text", "Still there?")
                  .append("status", "composed"));
      commands.clear();
      assertThat(listened.send(followUp).accepted()).isTrue();
      assertThat(withoutPacing(commands))
          .as("a follow-up's commands")
          .containsExactlyInAnyOrder(
              "find contacts",
              "find senders", // its pinned number
              "findAndModify messages",
              "find contacts",
              "find suppressions",
              "update messages",
              "update senders",
              "update sender_minutes",
              "insert interaction_history");
    }
    assertThat(api.requests).hasSize(2);
  }

  /**
   * A message held unknown with no claim on it (its claim given back) is not claimed by a send that
   * is not a decided resend: it is answered unknown, and Meta is not called.
   */
  @Test
  void aMessageHeldUnknownWithoutAClaimIsNotSentAgain() {
    lead("L-U", "+5511998765477");
    SendRequest request = message("L-U", "ku-1");
    MONGO
        .database()
        .getCollection(Collections.MESSAGES)
        .updateOne(
            new Document("idempotencyKey", "ku-1"),
            new Document("$set", new Document("status", "unknown")));

    SendResult result = messaging.send(request);

    assertThat(result.outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(api.requests).isEmpty();
    Document msg = MONGO.database().getCollection(Collections.MESSAGES).find().first();
    assertThat(msg.get("sendingBy")).isNull();
    assertThat(msg.getString("status")).isEqualTo("unknown");
  }

  private static List<String> withoutPacing(List<String> commands) {
    return commands.stream().filter(c -> !c.endsWith(" sender_throttle")).toList();
  }
}
