package com.salesagent.activities.lead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Seeds;
import com.salesagent.activities.research.EnrolmentSource;
import com.salesagent.activities.research.Retriever;
import com.salesagent.activities.whatsapp.StubCloudApi;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.activities.whatsapp.WhatsAppSettings;
import com.salesagent.workflows.lead.ComposeActivities;
import com.salesagent.workflows.lead.ComposeRequest;
import com.salesagent.workflows.lead.ComposedMessage;
import com.salesagent.workflows.lead.DispatchActivities;
import com.salesagent.workflows.lead.Dispatched;
import com.salesagent.workflows.lead.SendResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Compose and send in one activity, against the embedded MongoDB-wire server and a stub Cloud API:
 * what the gate approved goes out once however often the activity is retried; a held text, a
 * switched-off variant and an unreachable Cloud API send nothing and say why.
 */
class ComposeAndSendActivitiesTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private final Clock clock = Clock.systemUTC();
  private LeadStore store;
  private StubCloudApi api;
  private ComposeAndSendActivities dispatch;

  /** The activity environment of the tests that run compose-and-send as an activity. */
  private TestActivityEnvironment activityEnv;

  @BeforeEach
  void setUp() throws Exception {
    MongoSchema.ensure(MONGO.database());
    Seeds.ensure(MONGO.database(), LeadActivitiesTest.defaults());
    store = new LeadStore(MONGO.database());
    api = new StubCloudApi();
    WhatsAppSettings settings = new WhatsAppSettings(api.baseUrl(), "v21.0", "123", "tok");
    MessagingActivitiesImpl messaging =
        new MessagingActivitiesImpl(
            store, new WhatsAppClient(settings, Duration.ofMillis(800)), settings, clock);
    TemplateComposeActivities composer =
        new TemplateComposeActivities(
            store, new Retriever(MONGO.database(), LeadActivitiesTest.EMBEDDINGS), clock);
    dispatch = new ComposeAndSendActivities(composer, messaging, store);
    store.insertContact(
        new Document("leadId", "L-1")
            .append("name", "Ana Souza")
            .append("phone", "+5511998765432")
            .append("company", "Acme")
            .append("industry", "retail")
            .append("companySize", "11-50")
            .append("jobTitle", "Head of Sales")
            .append("campaignId", "c-1")
            .append("notes", "They are opening three new stores next year in the south.")
            .append("enrolledAt", new Date()));
    new ResearchActivitiesImpl(
            store, List.of(new EnrolmentSource()), LeadActivitiesTest.EMBEDDINGS, clock)
        .research("L-1");
  }

  @AfterEach
  void tearDown() {
    if (activityEnv != null) {
      activityEnv.close();
    }
    api.close();
  }

  private static ComposeRequest request(String key) {
    return new ComposeRequest("L-1", "c-1", "v-cost", 0, "first_contact", key, 0, true);
  }

  @Test
  void anApprovedMessageIsSentOnceHoweverOftenTheActivityIsRetried() {
    Dispatched first = dispatch.composeAndSend(request("k-1"));
    Dispatched retried = dispatch.composeAndSend(request("k-1"));

    assertThat(first.notSent()).isNull();
    assertThat(first.composed().decision()).isEqualTo(ComposedMessage.APPROVE);
    assertThat(first.sent().outcome()).isEqualTo(SendResult.SENT);
    assertThat(retried.sent().wamid()).isEqualTo(first.sent().wamid());
    assertThat(retried.sent().replayed()).isTrue();
    assertThat(api.requests).hasSize(1);
    Document message = store.messages().messageByKey("k-1");
    assertThat(message.getString("status")).isEqualTo("accepted");
    assertThat(message.getString("wamid")).isEqualTo(first.sent().wamid());
  }

  /**
   * An operator's segment created while the lead was in flight: the send matches the lead again
   * first, stores the move, counts the message in the new segment and names it to the workflow.
   */
  @Test
  void aSendMatchesTheLeadAgainAndCountsInTheSegmentItMovedTo() {
    store.setContactFields("L-1", new Document("segment", "smb").append("variantId", "v-cost"));
    new LeadActivitiesImpl(store, clock).profile("L-1"); // the persona, in smb
    MONGO
        .database()
        .getCollection(Collections.SEGMENTS)
        .insertOne(
            new Document("segmentId", "retail-heads")
                .append("order", 1)
                .append("query", new Document("industry", List.of("retail")))
                .append("enabled", true));

    Dispatched moved = dispatch.composeAndSendInSegment(request("k-9"), "smb");
    Dispatched unchanged = dispatch.composeAndSendInSegment(request("k-9"), "retail-heads");

    assertThat(moved.segment()).isEqualTo("retail-heads");
    assertThat(moved.sent().outcome()).isEqualTo(SendResult.SENT);
    assertThat(unchanged.segment()).isEqualTo("retail-heads");
    assertThat(api.requests).hasSize(1);
    assertThat(store.contact("L-1").getString("segment")).isEqualTo("retail-heads");
    assertThat(store.persona("L-1").getString("segment")).isEqualTo("retail-heads");
    Document stats =
        MONGO
            .database()
            .getCollection("variant_stats")
            .find(Filters.and(Filters.eq("variantId", "v-cost"), Filters.gt("sent", 0)))
            .first();
    assertThat(stats.getString("segment")).isEqualTo("retail-heads");
    // The answer recorded by runs before segment-at-send names no segment.
    assertThat(dispatch.composeAndSend(request("k-9")).segment()).isNull();
  }

  /**
   * An attempt Temporal gave up on while it composed (its heartbeat timed out in a long pause, or
   * the run was cancelled) may have a successor sending already: it stops before its send.
   */
  @Test
  void anAttemptTemporalGaveUpOnWhileComposingDoesNotSend() {
    activityEnv = TestActivityEnvironment.newInstance();
    DispatchActivities slow = slowDispatch(activityEnv::requestCancelActivity);

    assertThatThrownBy(() -> slow.composeAndSend(request("k-5")))
        .isInstanceOf(CanceledFailure.class);
    assertThat(api.requests).as("nothing sent by the abandoned attempt").isEmpty();
    assertThat(store.messages().messageByKey("k-5").getString("status"))
        .as("the composed text stays for the next attempt, unclaimed")
        .isNotIn("sending", "accepted", "unknown");
  }

  /** The same call heartbeats throughout, so a slow composition is not taken for a dead worker. */
  @Test
  void aSlowCompositionIsHeartbeatedUntilItsSendIsDone() {
    activityEnv = TestActivityEnvironment.newInstance();
    AtomicInteger heartbeats = new AtomicInteger();
    activityEnv.setActivityHeartbeatListener(Object.class, details -> heartbeats.incrementAndGet());
    DispatchActivities slow = slowDispatch(() -> {});

    Dispatched sent = slow.composeAndSend(request("k-6"));

    assertThat(sent.sent().outcome()).isEqualTo(SendResult.SENT);
    assertThat(heartbeats.get()).as("one per beat while composing").isGreaterThanOrEqualTo(2);
  }

  /**
   * The standalone send (a resend, an owner's reply, a send the dispatch could not make) heartbeats
   * throughout too, as compose-and-send does: the SDK hears from it while a Cloud API takes 5 s to
   * answer (this environment has no server to time an attempt out: the beats are what it shows).
   */
  @Test
  void aSlowStandaloneSendIsHeartbeatedAndSentOnce() throws Exception {
    activityEnv = TestActivityEnvironment.newInstance();
    AtomicInteger heartbeats = new AtomicInteger();
    activityEnv.setActivityHeartbeatListener(Object.class, details -> heartbeats.incrementAndGet());
    WhatsAppSettings settings = new WhatsAppSettings(api.baseUrl(), "v21.0", "123", "tok");
    activityEnv.registerActivitiesImplementations(
        new MessagingActivitiesImpl(
            store, new WhatsAppClient(settings, Duration.ofSeconds(10)), settings, clock));
    com.salesagent.workflows.lead.MessagingActivities send =
        activityEnv.newActivityStub(
            com.salesagent.workflows.lead.MessagingActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setHeartbeatTimeout(Duration.ofSeconds(1))
                .build());
    new TemplateComposeActivities(
            store, new Retriever(MONGO.database(), LeadActivitiesTest.EMBEDDINGS), clock)
        .compose(request("k-7"));
    api.slowFor(Duration.ofSeconds(5)).fault(StubCloudApi.Fault.SLOW);

    SendResult sent =
        send.send(
            new com.salesagent.workflows.lead.SendRequest("L-1", "k-7", 0, true, false, false));

    assertThat(sent.outcome()).isEqualTo(SendResult.SENT);
    assertThat(api.requests).hasSize(1);
    assertThat(heartbeats.get()).as("beats while the Cloud API takes its time").isPositive();
  }

  /**
   * Compose-and-send as an activity whose composition takes two beats and a half, with a 1 s
   * heartbeat timeout: the SDK passes on at most one heartbeat per 0.8 s, and learns from the
   * server's answer to one that the attempt is cancelled or gone.
   */
  private DispatchActivities slowDispatch(Runnable whileComposing) {
    TemplateComposeActivities composer =
        new TemplateComposeActivities(
            store, new Retriever(MONGO.database(), LeadActivitiesTest.EMBEDDINGS), clock);
    WhatsAppSettings settings = new WhatsAppSettings(api.baseUrl(), "v21.0", "123", "tok");
    MessagingActivitiesImpl messaging =
        new MessagingActivitiesImpl(
            store, new WhatsAppClient(settings, Duration.ofMillis(800)), settings, clock);
    ComposeActivities slowComposer =
        request -> {
          whileComposing.run();
          try {
            Thread.sleep(KeepAlive.EVERY.multipliedBy(2).plusMillis(500).toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
          return composer.compose(request);
        };
    activityEnv.registerActivitiesImplementations(
        new ComposeAndSendActivities(slowComposer, messaging, store));
    return activityEnv.newActivityStub(
        DispatchActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setHeartbeatTimeout(Duration.ofSeconds(1))
            .build());
  }

  @Test
  void aTimeoutAfterTheRequestWentOutIsUnknownAndTheRetryDoesNotCallAgain() {
    api.fault(StubCloudApi.Fault.SLOW);
    Dispatched first = dispatch.composeAndSend(request("k-2"));
    api.fault(StubCloudApi.Fault.NONE);
    Dispatched retried = dispatch.composeAndSend(request("k-2"));

    assertThat(first.sent().outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(retried.sent().outcome()).isEqualTo(SendResult.UNKNOWN);
    assertThat(api.requests).hasSize(1);
  }

  @Test
  void aHeldCompositionIsNotSent() {
    MONGO
        .database()
        .getCollection(Collections.AGENT_CONFIGURATIONS)
        .updateOne(Filters.eq("configId", "default"), Updates.set("qualityGate.approveAt", 1.01));

    Dispatched held = dispatch.composeAndSend(request("k-3"));

    assertThat(held.sent()).isNull();
    assertThat(held.notSent()).isEqualTo(Dispatched.NOT_APPROVED);
    assertThat(held.composed().decision()).isNotEqualTo(ComposedMessage.APPROVE);
    assertThat(api.requests).isEmpty();
    assertThat(store.messages().messageByKey("k-3").getString("status")).isEqualTo("composed");
  }

  @Test
  void aVariantSwitchedOffMeanwhileIsNotSent() {
    MONGO
        .database()
        .getCollection(Collections.PROMPT_VARIANTS)
        .updateOne(Filters.eq("variantId", "v-cost"), Updates.set("enabled", false));

    Dispatched off = dispatch.composeAndSend(request("k-4"));

    assertThat(off.sent()).isNull();
    assertThat(off.notSent()).isEqualTo(Dispatched.VARIANT_DISABLED);
    assertThat(api.requests).isEmpty();
    assertThat(store.messages().messageByKey("k-4").getString("wamid")).isNull();
  }

  /**
   * An erasure accepted while a step composes: the message composed after the request marked the
   * lead is not marked itself (the erasure's first pass deletes it seconds later), yet nothing goes
   * out to the person who asked to be forgotten, neither from the dispatch nor from the send
   * activity the workflow retries until the erasure stops it.
   */
  @Test
  void aMessageComposedAfterTheLeadsErasureWasAcceptedIsNotSent() {
    TemplateComposeActivities composer =
        new TemplateComposeActivities(
            store, new Retriever(MONGO.database(), LeadActivitiesTest.EMBEDDINGS), clock);
    WhatsAppSettings settings = new WhatsAppSettings(api.baseUrl(), "v21.0", "123", "tok");
    MessagingActivitiesImpl messaging =
        new MessagingActivitiesImpl(
            store, new WhatsAppClient(settings, Duration.ofMillis(800)), settings, clock);
    ComposeActivities erasedWhileComposing =
        request -> {
          assertThat(store.erasures().markErasing("L-1", clock.instant())).isTrue();
          return composer.compose(request);
        };

    Dispatched dispatched =
        new ComposeAndSendActivities(erasedWhileComposing, messaging, store)
            .composeAndSend(request("k-8"));

    assertThat(LeadStore.erasing(store.messages().messageByKey("k-8")))
        .as("composed after the mark: the race")
        .isFalse();
    assertThat(dispatched.sent()).isNull();
    assertThat(api.requests).as("nothing sent to a lead being erased").isEmpty();
    var send = new com.salesagent.workflows.lead.SendRequest("L-1", "k-8", 0, true, false, false);
    assertThatThrownBy(() -> messaging.send(send))
        .isInstanceOf(io.temporal.failure.ApplicationFailure.class)
        .hasMessageContaining("erased");
    assertThat(api.requests).isEmpty();
    Document message = store.messages().messageByKey("k-8");
    assertThat(message.getString("wamid")).isNull();
    assertThat(message.getString("status")).as("its claim released").isEqualTo("composed");
    assertThat(store.contact("L-1").get("doNotContact"))
        .as("no opt-out recorded for it")
        .isNotEqualTo(true);
  }

  @Test
  void anUnreachableCloudApiLeavesTheSendToTheSendActivityWithItsClaimReleased() {
    api.close();

    Dispatched failed = dispatch.composeAndSend(request("k-5"));

    assertThat(failed.sent()).isNull();
    assertThat(failed.notSent()).isEqualTo(Dispatched.SEND_FAILED);
    assertThat(failed.composed().idempotencyKey()).isEqualTo("k-5");
    Document message = store.messages().messageByKey("k-5");
    assertThat(message.get("sendingBy")).as("nothing went out: a retry may call").isNull();
    assertThat(message.getString("status")).isEqualTo("composed");
  }
}
