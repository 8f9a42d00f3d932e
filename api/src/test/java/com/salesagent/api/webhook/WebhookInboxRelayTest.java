package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import io.grpc.Status;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Nothing accepted is lost: events stored while Temporal is down are relayed when it is back. */
class WebhookInboxRelayTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private final AtomicBoolean temporalUp = new AtomicBoolean(false);
  private final List<String> signals = new CopyOnWriteArrayList<>();
  private Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
  private LeadStore store;
  private WebhookInbox inbox;

  /** A WorkflowClient whose signals fail like an unreachable server until temporalUp is set. */
  private WorkflowClient temporal() {
    WorkflowStub stub =
        (WorkflowStub)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {WorkflowStub.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("signal")) {
                    if (!temporalUp.get()) {
                      throw Status.UNAVAILABLE
                          .withDescription("connection refused")
                          .asRuntimeException();
                    }
                    signals.add((String) args[0]);
                    return null;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    return (WorkflowClient)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {WorkflowClient.class},
            (proxy, method, args) -> {
              if (method.getName().equals("newUntypedWorkflowStub")) {
                return stub;
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    store = new LeadStore(MONGO.database());
    store.insertContact(new Document("leadId", "L-1").append("phone", "+5511998765432"));
    store.upsertComposed("k-1", new Document("leadId", "L-1").append("status", "composed"));
    store.markAccepted("k-1", "wamid.A", "template", clock.instant());
    inbox = new WebhookInbox(store, temporal(), "123", Clock.systemUTC(), 2);
  }

  @AfterEach
  void tearDown() throws Exception {
    inbox.stop();
  }

  private static Document status(String status) {
    return new Document("id", "wamid.A")
        .append("status", status)
        .append("timestamp", "1764072000")
        .append("recipient_id", "5511998765432");
  }

  @Test
  void eventsAcceptedWhileTemporalIsDownAreRelayedLater() throws Exception {
    WebhookInbox.Accepted accepted =
        inbox.accept(
            List.of(
                new WebhookInbox.Item(
                    "status:wamid.A:delivered", "status", "5511998765432", status("delivered")),
                new WebhookInbox.Item(
                    "status:wamid.A:read", "status", "5511998765432", status("read"))));
    assertThat(accepted.stored()).isEqualTo(2);
    Thread.sleep(500);

    assertThat(store.webhookEvents().countDocuments(Filters.eq("processed", false))).isEqualTo(2);
    assertThat(signals).isEmpty();
    // MongoDB got the status even though the signal failed: the message view is current.
    assertThat(store.messageByWamid("wamid.A").getString("status")).isEqualTo("read");

    temporalUp.set(true);
    store
        .webhookEvents()
        .updateMany(
            Filters.eq("processed", false),
            new Document(
                "$set",
                new Document("receivedAt", Date.from(Instant.now().minus(Duration.ofMinutes(1))))));
    inbox.relay();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (store.webhookEvents().countDocuments(Filters.eq("processed", false)) > 0
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }

    assertThat(store.webhookEvents().countDocuments(Filters.eq("processed", true))).isEqualTo(2);
    assertThat(signals).containsExactly("messageStatus", "messageStatus");
    // The timeline got each status once, although processing ran twice.
    assertThat(store.interactions("L-1"))
        .extracting(d -> d.getString("type"))
        .containsExactlyInAnyOrder("delivered", "read");
  }
}
