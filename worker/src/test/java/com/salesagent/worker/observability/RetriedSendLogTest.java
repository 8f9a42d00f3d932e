package com.salesagent.worker.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.salesagent.activities.lead.MessagingActivitiesImpl;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.whatsapp.StubCloudApi;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.activities.whatsapp.WhatsAppSettings;
import com.salesagent.workflows.lead.LeadStubs;
import com.salesagent.workflows.lead.MessagingActivities;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * A send Temporal retries (Meta's 5xx) logged, for every attempt, the SDK's WARN "Activity failure"
 * with the whole stack trace (~25 lines) and the failure's message unmasked, Meta's text quoting a
 * number included. A retried attempt now logs one line (activity type, attempt, the cause's type
 * and masked message); the last attempt still gets the SDK's full line and trace, masked too.
 */
class RetriedSendLogTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  /** The lead's number, and the same number as Meta's text quotes it. */
  private static final String PHONE = "+5511998765401";

  private static final String DIGITS = "998765401";

  /** RetriedSends' logger, by name (the test ran on the code before it). */
  private static final String RETRIED_LOG = "com.salesagent.activities.lead.RetriedSends";

  private static final String META_500 =
      "{\"error\":{\"message\":\"Internal error sending to "
          + PHONE
          + "\",\"type\":\"OAuthException\",\"code\":131000,\"fbtrace_id\":\"AbCdEf\"}}";

  private static final String ACCEPTED =
      "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"x\",\"wa_id\":\"5511998765401\"}],"
          + "\"messages\":[{\"id\":\"wamid.RETRIED1\"}]}";

  @WorkflowInterface
  public interface Sender {
    @WorkflowMethod
    SendResult send();
  }

  /** Sends as every workflow does: the send's own options (14 attempts, backing off). */
  public static class SenderImpl implements Sender {
    @Override
    public SendResult send() {
      return Workflow.newActivityStub(MessagingActivities.class, LeadStubs.sendOptions())
          .send(new SendRequest("R-1", "k-retried", 0, false, false));
    }
  }

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private Level rootLevel;
  private StubCloudApi api;
  private TestWorkflowEnvironment env;

  @BeforeEach
  void setUp() throws Exception {
    MongoSchema.ensure(MONGO.database());
    MONGO.database().getCollection("contacts").deleteMany(new Document());
    MONGO.database().getCollection("messages").deleteMany(new Document());
    LeadStore store = new LeadStore(MONGO.database());
    store.insertContact(
        new Document("leadId", "R-1")
            .append("phone", PHONE)
            .append("campaignId", "c-1")
            .append("enrolledAt", new Date()));
    store
        .messages()
        .upsertComposed(
            "k-retried",
            new Document("leadId", "R-1")
                .append("campaignId", "c-1")
                .append("purpose", "first_contact")
                .append("composer", "template")
                .append("text", "Hello")
                .append("status", "composed")
                .append("approval", new Document("status", "approve")));
    api = new StubCloudApi();
    api.answer(500, META_500);
    WhatsAppSettings settings = new WhatsAppSettings(api.baseUrl(), "v21.0", "123", "tok");
    // Each attempt is 7 s after the one before as far as the pacing can tell: a retry is not held
    // back by the 6 s spacing to its recipient.
    AtomicLong ticks = new AtomicLong();
    Instant base = Instant.now();
    Clock jumping =
        new Clock() {
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
            return base.plusSeconds(7 * ticks.incrementAndGet());
          }
        };
    MessagingActivitiesImpl messaging =
        new MessagingActivitiesImpl(
            store, new WhatsAppClient(settings, Duration.ofMillis(800)), settings, jumping);

    rootLevel = root.getLevel();
    root.setLevel(Level.INFO);
    logged.setContext(root.getLoggerContext());
    logged.start();
    root.addAppender(logged);

    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker("sends");
    worker.registerWorkflowImplementationTypes(SenderImpl.class);
    worker.registerActivitiesImplementations(messaging);
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
    root.detachAppender(logged);
    root.setLevel(rootLevel);
    api.close();
  }

  private Sender sender() {
    return env.getWorkflowClient()
        .newWorkflowStub(
            Sender.class,
            WorkflowOptions.newBuilder().setTaskQueue("sends").setWorkflowId("retried").build());
  }

  /** The sends' and the SDK's activity lines at WARN or above. */
  private List<ILoggingEvent> warnings() {
    return logged.list.stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .filter(
            e ->
                e.getLoggerName().startsWith("com.salesagent")
                    || e.getLoggerName().startsWith("io.temporal.internal.activity"))
        .toList();
  }

  private static String whole(ILoggingEvent e) {
    return e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
  }

  @Test
  void aRetriedSendLogsOneMaskedLineAttemptByAttempt() {
    api.beforeAnswer(
        () -> {
          if (api.requests.size() >= 3) {
            api.answer(200, ACCEPTED);
          }
        });

    SendResult result = sender().send();

    assertThat(result.outcome()).isEqualTo(SendResult.SENT);
    assertThat(api.requests).hasSize(3);
    List<ILoggingEvent> warnings = warnings();
    assertThat(warnings)
        .as("one line per retried attempt, no trace: %s", warnings.stream().map(e -> whole(e)))
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.getLoggerName()).isEqualTo(RETRIED_LOG);
              assertThat(e.getThrowableProxy()).isNull();
              assertThat(e.getFormattedMessage())
                  .contains("Send attempt")
                  .contains("of 14 failed")
                  .contains("WhatsAppUnavailable")
                  .contains("131000")
                  .contains("+55*******5401")
                  .doesNotContain("\n");
            });
    assertThat(warnings.get(0).getFormattedMessage()).contains("attempt 1 of 14");
    assertThat(warnings.get(1).getFormattedMessage()).contains("attempt 2 of 14");
    assertThat(logged.list).noneSatisfy(e -> assertThat(whole(e)).contains(DIGITS));
  }

  @Test
  void theLastAttemptIsStillLoggedInFullWithTheNumberMasked() {
    assertThatThrownBy(() -> sender().send()).isInstanceOf(WorkflowFailedException.class);

    assertThat(api.requests).hasSize(14);
    List<ILoggingEvent> warnings = warnings();
    assertThat(warnings)
        .filteredOn(e -> e.getLoggerName().equals(RETRIED_LOG))
        .hasSize(13)
        .allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull())
        .last()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains("attempt 13 of 14"));
    assertThat(warnings)
        .filteredOn(e -> e.getLoggerName().startsWith("io.temporal.internal.activity"))
        .as("the SDK's line for the last attempt only, with its trace")
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getFormattedMessage()).contains("attempt=14");
              assertThat(e.getThrowableProxy()).isNotNull();
              assertThat(e.getThrowableProxy().getMessage()).contains("131000");
            });
    assertThat(logged.list).noneSatisfy(e -> assertThat(whole(e)).contains(DIGITS));
  }
}
