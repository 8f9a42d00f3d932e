package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.salesagent.activities.lead.WaitingLeads;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.triage.ReplyClassifier;
import com.salesagent.api.senders.SenderDirectory;
import com.salesagent.workflows.lead.InboundMessageSignal;
import com.salesagent.workflows.lead.MessageStatusSignal;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Webhooks of a pool of two numbers: statuses and replies of the second number reach the lead whose
 * conversation is on it (before the pool, they were dropped as another number's); Meta's quality
 * and account notifications pause and resume the number they name, and only it.
 */
class SenderPoolWebhookTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final String PRIMARY = "123";
  private static final String SECOND = "456";
  private static final String SECRET = "app-secret";

  private final List<Map.Entry<String, Object>> signals = new CopyOnWriteArrayList<>();
  private final Clock clock = Clock.systemUTC();
  private LeadStore store;
  private Senders senders;
  private WebhookInbox inbox;
  private WhatsAppWebhookResource resource;

  private final LeadSignaller signaller = new RecordingSignaller(signals);

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    senders = new Senders(MONGO.database());
    senders.register(PRIMARY, "WHATSAPP_ACCESS_TOKEN", null, true);
    senders.register(SECOND, "TOKEN_B", null, false);
    // One person, two leads: one talking on each number.
    store.insertContact(
        new Document("leadId", "L-A")
            .append("phone", "+5511998765432")
            .append("senderId", PRIMARY));
    store.insertContact(
        new Document("leadId", "L-B").append("phone", "+5511998765432").append("senderId", SECOND));
    store
        .messages()
        .upsertComposed("k-b", new Document("leadId", "L-B").append("status", "composed"));
    store.messages().markAccepted("k-b", "wamid.B", null, "template", Instant.now());
    inbox =
        new WebhookInbox(
            store, signaller, PRIMARY, clock, 2, ReplyClassifier.LEXICON, Duration.ofDays(30));
    resource =
        new WhatsAppWebhookResource(
            SECRET, "verify", inbox, new SenderDirectory(senders, PRIMARY, clock));
  }

  @AfterEach
  void tearDown() throws Exception {
    inbox.stop();
    wakes.shutdownNow();
  }

  /** Where the directory's wake-ups run (the API gives it one background thread). */
  private final ExecutorService wakes = Executors.newSingleThreadExecutor();

  /** Every wake-up queued so far has run (the executor is one thread, in order). */
  private void wakesDone() throws Exception {
    wakes.submit(() -> {}).get(10, TimeUnit.SECONDS);
  }

  private Response post(String field, String number, String display, String value) {
    String metadata =
        number == null
            ? ""
            : "\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\""
                + display
                + "\",\"phone_number_id\":\""
                + number
                + "\"},";
    String body =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"waba-1\",\"changes\":[{"
            + "\"field\":\""
            + field
            + "\",\"value\":{"
            + metadata
            + value
            + "}}]}]}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return resource.notification(new WebhookSignature(SECRET).sign(bytes), bytes).response();
  }

  private static String reply(String id, String contextWamid) {
    return "\"messages\":[{\"from\":\"5511998765432\",\"id\":\""
        + id
        + "\",\"timestamp\":\"1764072000\",\"type\":\"text\",\"text\":{\"body\":\"Tell me more\"},"
        + "\"context\":{\"id\":\""
        + contextWamid
        + "\"}}]";
  }

  @Test
  void aReplyAndAStatusOnTheSecondNumberReachTheLeadOnThatNumberOnly() {
    Response r = post("messages", SECOND, "15550000001", reply("wamid.IN1", "wamid.B"));
    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(((WebhookInbox.Accepted) r.getEntity()).ignored()).isZero();
    post(
        "messages",
        SECOND,
        "15550000001",
        "\"statuses\":[{\"id\":\"wamid.B\",\"status\":\"read\",\"timestamp\":\"1764072001\","
            + "\"recipient_id\":\"5511998765432\"}]");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                signals.stream().anyMatch(e -> e.getValue() instanceof InboundMessageSignal)
                    && signals.stream().anyMatch(e -> e.getValue() instanceof MessageStatusSignal));
    assertThat(signals).allMatch(e -> e.getKey().equals("L-B"));
    assertThat(store.messages().messageByWamid("wamid.B").getString("status")).isEqualTo("read");
    // The pool learned the display number Meta names the number by in quality notifications.
    assertThat(senders.get(SECOND).getString("displayPhoneNumber")).isEqualTo("15550000001");
  }

  @Test
  void aReplyOnTheConfiguredNumberReachesTheLeadOnItAndOtherNumbersAreStillIgnored() {
    post("messages", PRIMARY, "15550000000", reply("wamid.IN2", "wamid.X"));
    Response other = post("messages", "789", "15550000009", reply("wamid.IN3", "wamid.Y"));

    assertThat(((WebhookInbox.Accepted) other.getEntity()).ignored()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> !signals.isEmpty());
    assertThat(signals).extracting(Map.Entry::getKey).containsExactly("L-A");
  }

  @Test
  void aQualityDropPausesOnlyTheNumberItNamesAndItsRecoveryResumesIt() {
    post("messages", SECOND, "15550000001", reply("wamid.IN4", "wamid.B"));
    post("messages", PRIMARY, "15550000000", reply("wamid.IN5", "wamid.A"));

    post(
        "phone_number_quality_update",
        null,
        null,
        "\"display_phone_number\":\"15550000001\",\"event\":\"FLAGGED\","
            + "\"current_limit\":\"TIER_10K\"");

    Document second = senders.get(SECOND);
    assertThat(second.getString("status")).isEqualTo("paused");
    assertThat(second.getString("pauseSource")).isEqualTo(Senders.QUALITY);
    assertThat(second.getString("quality")).isEqualTo("RED");
    assertThat(senders.pausedNow(SECOND, Instant.now().plus(Duration.ofHours(1))))
        .as("a quality pause is not probed")
        .isNotNull();
    assertThat(senders.get(PRIMARY).getString("status")).isEqualTo("active");

    post(
        "phone_number_quality_update",
        null,
        null,
        "\"display_phone_number\":\"15550000001\",\"event\":\"UNFLAGGED\"");
    assertThat(senders.get(SECOND).getString("status")).isEqualTo("active");

    post(
        "phone_number_quality_update",
        null,
        null,
        "\"display_phone_number\":\"15550000001\",\"event\":\"THROUGHPUT_UPGRADE\","
            + "\"current_limit\":\"TIER_UNLIMITED\"");
    assertThat(senders.get(SECOND).getInteger("tier")).isEqualTo(1000);
    assertThat(senders.get(PRIMARY).getInteger("tier")).isEqualTo(80);
  }

  @Test
  void anAccountRestrictionPausesTheAccountsNumbersAndReconnectionResumesThem() {
    post("account_update", null, null, "\"event\":\"ACCOUNT_RESTRICTION\"");
    assertThat(senders.paused()).hasSize(2);

    post("account_update", null, null, "\"event\":\"ACCOUNT_RECONNECTED\"");
    assertThat(senders.paused()).isEmpty();
  }

  /**
   * Meta giving a number back (its quality recovered, its account reconnected) wakes the leads
   * waiting for it the way an operator's resume does (the same WaitingLeads), in the background:
   * the webhook answers Meta while the signals are still going out. A redelivered notification for
   * a number already active wakes nobody again; a number still paused for its account is not woken
   * by its quality coming back.
   */
  @Test
  void aNumberMetaGivesBackWakesItsWaitingLeadsWithoutHoldingTheWebhooksAnswer() throws Exception {
    store.setContactFields("L-B", new Document("stage", "waiting_sender"));
    store.insertContact(
        new Document("leadId", "L-C")
            .append("phone", "+5511998760000")
            .append("senderId", SECOND)
            .append("stage", "waiting_sender"));
    store.setContactFields("L-A", new Document("stage", "waiting_sender"));
    CountDownLatch release = new CountDownLatch(1);
    List<String> told = new CopyOnWriteArrayList<>();
    WaitingLeads waiting =
        new WaitingLeads(
            MONGO.database(),
            (lead, number) -> {
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              told.add(lead + "@" + number);
            },
            100,
            1000);
    resource =
        new WhatsAppWebhookResource(
            SECRET,
            "verify",
            inbox,
            new SenderDirectory(senders, PRIMARY, clock, waiting.inBackground(wakes)));
    senders.learnDisplayNumber(SECOND, "15550000001");
    String flagged = "\"display_phone_number\":\"15550000001\",\"event\":\"FLAGGED\"";
    String unflagged = "\"display_phone_number\":\"15550000001\",\"event\":\"UNFLAGGED\"";
    post("phone_number_quality_update", null, null, flagged);
    wakesDone();
    assertThat(told).as("a pause wakes nobody").isEmpty();

    Response back = post("phone_number_quality_update", null, null, unflagged);

    // Answered while the leads' signals are still held back.
    assertThat(back.getStatus()).isEqualTo(200);
    assertThat(senders.get(SECOND).getString("status")).isEqualTo("active");
    assertThat(told).isEmpty();
    release.countDown();
    wakesDone();
    assertThat(told).containsExactlyInAnyOrder("L-B@" + SECOND, "L-C@" + SECOND);

    // Meta delivers it again: the number was active already, nobody is woken twice.
    post("phone_number_quality_update", null, null, unflagged);
    wakesDone();
    assertThat(told).hasSize(2);

    // The account is restricted, then the quality recovers: still paused, nobody woken; the
    // account reconnected: every number of it is back, with its leads.
    post("account_update", null, null, "\"event\":\"ACCOUNT_RESTRICTION\"");
    post("phone_number_quality_update", null, null, flagged);
    post("phone_number_quality_update", null, null, unflagged);
    wakesDone();
    assertThat(senders.get(SECOND).getString("status")).isEqualTo("paused");
    assertThat(told).hasSize(2);
    told.clear();
    post("account_update", null, null, "\"event\":\"ACCOUNT_RECONNECTED\"");
    wakesDone();
    assertThat(told).containsExactlyInAnyOrder("L-A@" + PRIMARY, "L-B@" + SECOND, "L-C@" + SECOND);
  }
}
