package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.whatsapp.StubCloudApi;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.activities.whatsapp.WhatsAppSettings;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code sales_agent_sends_total{step}} says what went: the sequence's first contact, its
 * follow-ups and re-engagements, a person's message, the agent's answer. A person's message and a
 * rep's re-engagement go at the step the lead is at (0 before any follow-up), so the step alone
 * counted them as first contacts.
 */
class SendMetricsTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private LeadStore store;
  private StubCloudApi api;
  private MessagingActivitiesImpl messaging;

  @BeforeEach
  void setUp() throws Exception {
    MongoSchema.ensure(MONGO.database());
    Metrics.addRegistry(registry);
    store = new LeadStore(MONGO.database());
    api = new StubCloudApi().uniqueWamids();
    WhatsAppSettings settings = new WhatsAppSettings(api.baseUrl(), "v21.0", "123", "tok");
    messaging =
        new MessagingActivitiesImpl(
            store,
            new WhatsAppClient(settings, Duration.ofMillis(800)),
            settings,
            Clock.systemUTC());
    // A lead each: sends to one number are spaced 6 s apart, as Meta asks.
    for (int i = 1; i <= 5; i++) {
      store.insertContact(
          new Document("leadId", "M-" + i)
              .append("phone", "+551199876540" + i)
              .append("campaignId", "c-1")
              .append("enrolledAt", new Date()));
    }
  }

  @AfterEach
  void tearDown() {
    Metrics.removeRegistry(registry);
    api.close();
  }

  private void composed(String leadId, String key, String purpose, String composer) {
    store
        .messages()
        .upsertComposed(
            key,
            new Document("leadId", leadId)
                .append("campaignId", "c-1")
                .append("purpose", purpose)
                .append("composer", composer)
                .append("text", "Hello from " + purpose)
                .append("status", "composed")
                .append("approval", new Document("status", "approve")));
  }

  private double sent(String step) {
    var counter =
        registry.find("sales_agent.sends").tag("result", "sent").tag("step", step).counter();
    return counter == null ? 0 : counter.count();
  }

  /**
   * An attempt Meta answers with a 5xx (or that the network fails) throws for Temporal's retries:
   * it was counted nowhere, so an alert on {@code sales_agent_sends_total{result!="sent"}} stayed
   * quiet while every send failed (the ops walk: the emulator's http_500 fault, retries in the log,
   * nothing in the metric).
   */
  @Test
  void anAttemptLeftToTheRetriesIsCountedRetrying() {
    composed("M-1", "k-first", "first_contact", "template");
    api.answer(
        500,
        "{\"error\":{\"message\":\"An unknown error occurred\",\"type\":\"OAuthException\","
            + "\"code\":131000,\"fbtrace_id\":\"t\"}}");

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> messaging.send(new SendRequest("M-1", "k-first", 0, false, false)))
        .isInstanceOf(io.temporal.failure.ApplicationFailure.class);

    var retrying =
        registry
            .find("sales_agent.sends")
            .tag("result", "retrying")
            .tag("step", "first_contact")
            .counter();
    assertThat(retrying).isNotNull();
    assertThat(retrying.count()).isEqualTo(1);
    assertThat(sent("first_contact")).isZero();
  }

  @Test
  void eachSendIsCountedAsWhatItIs() {
    composed("M-1", "k-first", "first_contact", "template");
    composed("M-2", "k-person", "text", "person");
    composed("M-3", "k-answer", "agent_answer", "llm:offline");
    composed("M-4", "k-again", "re_engagement", "template");
    composed("M-5", "k-follow", "follow_up_unread", "template");
    String[][] sends = {
      {"M-1", "k-first", "0"},
      {"M-2", "k-person", "0"},
      {"M-3", "k-answer", "0"},
      {"M-4", "k-again", "0"},
      {"M-5", "k-follow", "1"}
    };
    for (String[] send : sends) {
      SendRequest request =
          new SendRequest(send[0], send[1], Integer.parseInt(send[2]), false, false);
      assertThat(messaging.send(request).outcome()).isEqualTo(SendResult.SENT);
    }

    assertThat(sent("first_contact")).isEqualTo(1);
    assertThat(sent("person")).isEqualTo(1);
    assertThat(sent("agent_answer")).isEqualTo(1);
    assertThat(sent("re_engagement")).isEqualTo(1);
    assertThat(sent("follow_up")).isEqualTo(1);
  }

  /**
   * A send whose answer was lost (a timeout after the request went out) is held unknown, not
   * resent; nothing counted it as such once: {@code sales_agent_sends_total{result="unknown"}}
   * counts every attempt that finds it unknown again. sales_agent_sends_ambiguous_total{reason}
   * counts the moment it became unknown, once, and an attempt that found an earlier one's claim.
   */
  @Test
  void aSendWhoseOutcomeBecameUnknownIsCountedOnceByWhy() {
    composed("M-1", "k-lost", "first_contact", "template");
    api.fault(StubCloudApi.Fault.SLOW);
    api.slowFor(Duration.ofSeconds(3));

    SendRequest lost = new SendRequest("M-1", "k-lost", 0, false, false);
    assertThat(messaging.send(lost).outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(messaging.send(lost).outcome()).as("held, not resent").isEqualTo(SendResult.UNKNOWN);

    composed("M-2", "k-died", "first_contact", "template");
    assertThat(store.messages().claimSend("k-died", "attempt-1", java.time.Instant.now(), false))
        .isTrue();
    assertThat(messaging.send(new SendRequest("M-2", "k-died", 0, false, false)).outcome())
        .isEqualTo(SendResult.UNKNOWN);

    assertThat(ambiguous("no_answer")).isEqualTo(1);
    assertThat(ambiguous("claim_left")).isEqualTo(1);
    assertThat(api.requests).as("the lost one called once").hasSize(1);
  }

  /**
   * A status webhook that bound the wamid (Meta echoes the key) before the send's answer was lost:
   * the message went, nothing is held, and it is not counted ambiguous (the jar's walk counted such
   * sends while sales_agent_sends_unknown stayed 0).
   */
  @Test
  void aSendTheWebhookBoundBeforeItsAnswerWasLostIsNotCountedAmbiguous() {
    composed("M-1", "k-bound", "first_contact", "template");
    // The webhook binds the wamid while the call waits, then the answer comes too late.
    api.beforeAnswer(
        () -> {
          store
              .messages()
              .bindWamid("k-bound", "wamid.BOUND", "5511998765401", java.time.Instant.now());
          try {
            Thread.sleep(2_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });

    messaging.send(new SendRequest("M-1", "k-bound", 0, false, false));

    assertThat(store.messages().messageByKey("k-bound").getString("status"))
        .isNotEqualTo("unknown");
    assertThat(ambiguous("no_answer")).isZero();
  }

  /**
   * A send that fails before its call (a template send whose message holds no template: nothing can
   * go out) leaves no claim behind: its retry fails the same way, and the send is not held as
   * unknown (before, the key was claimed first, so the retry found the claim, marked the send
   * unknown and counted it ambiguous, for the workflow to reconcile a message that never left).
   */
  @Test
  void aSendThatFailsBeforeItsCallLeavesNoClaim() {
    composed("M-3", "k-broken", "first_contact", "template");
    SendRequest broken = new SendRequest("M-3", "k-broken", 0, true, false);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> messaging.send(broken))
        .isInstanceOf(RuntimeException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> messaging.send(broken))
        .as("the retry fails as the first attempt did")
        .isInstanceOf(RuntimeException.class);

    assertThat(store.messages().messageByKey("k-broken").getString("status"))
        .isNotEqualTo("unknown");
    assertThat(ambiguous("claim_left")).isZero();
    assertThat(api.requests).as("nothing called").isEmpty();
  }

  private double ambiguous(String reason) {
    var counter = registry.find("sales_agent.sends.ambiguous").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }
}
