package com.salesagent.workflows.afterend;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.workflows.lead.MessagingActivities;
import com.salesagent.workflows.lead.SendRequest;
import com.salesagent.workflows.lead.SendResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A person's message to an ended lead: sent once through the send activity, its outcome on the
 * timeline; throttling waited for, a refusal recorded, a lost answer reconciled and never resent.
 */
class AfterEndMessageWorkflowTest {
  private static final String KEY = "lead-L1-owner-abc";
  private static final Instant QUEUED = Instant.parse("2026-12-05T08:00:00Z");

  private TestWorkflowEnvironment env;
  private final Fake fake = new Fake();

  static final class Fake implements MessagingActivities, AfterEndActivities {
    /** What each send answers, in order; the last one repeats. */
    final Deque<SendResult> answers = new ArrayDeque<>();

    final List<SendRequest> sends = new CopyOnWriteArrayList<>();
    final AtomicInteger reconciles = new AtomicInteger();
    volatile SendResult reconciled = SendResult.notSent(SendResult.UNKNOWN, null, "still");
    volatile int reconcileKnownAfter = Integer.MAX_VALUE;
    final List<AfterEndRecord> records = new CopyOnWriteArrayList<>();
    volatile boolean permanent;

    @Override
    public SendResult send(SendRequest request) {
      sends.add(request);
      if (permanent) {
        throw ApplicationFailure.newNonRetryableFailure("no contact for lead L1", PERMANENT_ERROR);
      }
      return answers.size() > 1 ? answers.poll() : answers.peek();
    }

    @Override
    public SendResult reconcile(String leadId, String idempotencyKey) {
      return reconciles.incrementAndGet() >= reconcileKnownAfter
          ? reconciled
          : SendResult.notSent(SendResult.UNKNOWN, null, "still");
    }

    @Override
    public void recorded(AfterEndRecord record) {
      records.add(record);
    }
  }

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker("q");
    worker.registerWorkflowImplementationTypes(AfterEndMessageWorkflowImpl.class);
    worker.registerActivitiesImplementations(fake);
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private AfterEndMessageWorkflow stub() {
    return env.getWorkflowClient()
        .newWorkflowStub(
            AfterEndMessageWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue("q")
                .setWorkflowId(AfterEndMessageWorkflow.workflowId(KEY))
                .build());
  }

  private String run() {
    return stub().send(new AfterEndMessage("L1", "c1", KEY, "ana", "Ana (ana)", QUEUED));
  }

  @Test
  void anAcceptedMessageIsRecordedSentWithItsWamid() {
    fake.answers.add(SendResult.sent("wamid.OUT", QUEUED, false));

    assertThat(run()).isEqualTo("sent");

    assertThat(fake.sends).hasSize(1);
    SendRequest sent = fake.sends.get(0);
    assertThat(sent.idempotencyKey()).isEqualTo(KEY);
    assertThat(sent.template()).as("a person's words, never a template").isFalse();
    assertThat(sent.resendUnknown()).isFalse();
    assertThat(fake.records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.type()).isEqualTo(AfterEndRecord.SENT);
              assertThat(r.wamid()).isEqualTo("wamid.OUT");
              assertThat(r.detail()).isEqualTo("by Ana (ana)");
              assertThat(r.queuedAt()).isEqualTo(QUEUED);
            });
  }

  @Test
  void aThrottledNumberIsWaitedForThenTheMessageGoes() {
    fake.answers.add(SendResult.notSent(SendResult.RATE_LIMITED, 130429, "throttled"));
    fake.answers.add(SendResult.senderBusy(Duration.ofSeconds(3), "6 s to one user"));
    fake.answers.add(SendResult.sent("wamid.OUT", QUEUED, false));
    Instant before = Instant.ofEpochMilli(env.currentTimeMillis());

    assertThat(run()).isEqualTo("sent");

    assertThat(fake.sends).hasSize(3);
    assertThat(Duration.between(before, Instant.ofEpochMilli(env.currentTimeMillis())))
        .as("at least Meta's 6 s to one user (less 10 %% jitter) and the busy number's 3 s")
        .isGreaterThanOrEqualTo(Duration.ofMillis(5400 + 3000));
    assertThat(fake.records).extracting(AfterEndRecord::type).containsExactly("owner_replied");
  }

  @Test
  void aNumberThrottledEveryTimeIsRecordedFailedAfterItsRetries() {
    fake.answers.add(SendResult.notSent(SendResult.RATE_LIMITED, 130429, "throttled"));

    assertThat(run()).isEqualTo("failed");

    assertThat(fake.sends).hasSize(AfterEndMessageWorkflowImpl.MAX_RETRIES + 1);
    assertThat(fake.records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.type()).isEqualTo(AfterEndRecord.FAILED);
              assertThat(r.detail()).contains("rate_limited");
            });
  }

  @Test
  void aRefusalIsRecordedWithMetasCodeAndNotRetried() {
    fake.answers.add(SendResult.notSent(SendResult.REJECTED, 131047, "Re-engagement message"));

    assertThat(run()).isEqualTo("failed");

    assertThat(fake.sends).hasSize(1);
    assertThat(fake.records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.type()).isEqualTo(AfterEndRecord.FAILED);
              assertThat(r.detail())
                  .isEqualTo(KEY + ": WhatsApp error 131047: Re-engagement message");
            });
  }

  @Test
  void aSuppressedNumberIsRecordedFailed() {
    fake.answers.add(SendResult.notSent(SendResult.DO_NOT_CONTACT, null, "webhook_stop"));

    assertThat(run()).isEqualTo("failed");

    assertThat(fake.records)
        .singleElement()
        .satisfies(r -> assertThat(r.detail()).contains("asked not to be contacted"));
  }

  @Test
  void aSendThatCannotBeMadeIsRecordedFailed() {
    fake.permanent = true;

    assertThat(run()).isEqualTo("failed");

    assertThat(fake.records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.type()).isEqualTo(AfterEndRecord.FAILED);
              assertThat(r.detail()).isEqualTo(KEY + ": no contact for lead L1");
            });
  }

  @Test
  void aLostAnswerIsReconciledByItsKeyAndNotSentAgain() {
    fake.answers.add(SendResult.notSent(SendResult.UNKNOWN, null, "timeout after the write"));
    fake.reconciled = SendResult.sent("wamid.LATE", QUEUED, true);
    fake.reconcileKnownAfter = 3;

    assertThat(run()).isEqualTo("sent");

    assertThat(fake.sends).as("never resent").hasSize(1);
    assertThat(fake.reconciles.get()).isEqualTo(3);
    assertThat(fake.records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.type()).isEqualTo(AfterEndRecord.SENT);
              assertThat(r.wamid()).isEqualTo("wamid.LATE");
            });
  }

  @Test
  void aLostAnswerNeverReconciledIsRecordedUnknownAndNotResent() {
    fake.answers.add(SendResult.notSent(SendResult.UNKNOWN, null, "timeout after the write"));

    assertThat(run()).isEqualTo("unknown");

    assertThat(fake.sends).as("never resent blindly").hasSize(1);
    assertThat(fake.reconciles.get())
        .isEqualTo(
            (int)
                (AfterEndMessageWorkflowImpl.RECONCILE_FOR.toMillis()
                    / AfterEndMessageWorkflowImpl.RECONCILE_EVERY.toMillis()));
    assertThat(fake.records)
        .extracting(AfterEndRecord::type)
        .containsExactly("owner_reply_unknown");
  }

  @Test
  void theSameMessageQueuedTwiceStartsOneWorkflow() {
    fake.answers.add(SendResult.sent("wamid.OUT", QUEUED, false));
    AfterEndMessage message = new AfterEndMessage("L1", "c1", KEY, "ana", "Ana (ana)", QUEUED);
    WorkflowClient.start(stub()::send, message);

    Assertions.assertThatThrownBy(() -> WorkflowClient.start(stub()::send, message))
        .isInstanceOf(WorkflowExecutionAlreadyStarted.class);
    assertThat(
            env.getWorkflowClient()
                .newUntypedWorkflowStub(AfterEndMessageWorkflow.workflowId(KEY))
                .getResult(String.class))
        .isEqualTo("sent");
    assertThat(fake.sends).hasSize(1);
  }
}
