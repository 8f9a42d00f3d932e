package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

/** One lead's workflow in a time-skipping test environment, with the fake activities. */
final class Harness implements AutoCloseable {
  final TestWorkflowEnvironment env;
  final FakeLeadActivities fake;
  final String leadId;
  LeadWorkflow workflow;

  Harness(Instant start, int continueAsNewAfterEvents) {
    this(start, continueAsNewAfterEvents, "L-1");
  }

  Harness(Instant start, int continueAsNewAfterEvents, String leadId) {
    this.leadId = leadId;
    env = LeadWorkflowTest.newEnvironment(start);
    fake = new FakeLeadActivities(env);
    Worker worker = env.newWorker(LeadWorkflowTest.QUEUE);
    worker.registerWorkflowImplementationFactory(
        LeadWorkflow.class, () -> new LeadWorkflowImpl(continueAsNewAfterEvents));
    worker.registerActivitiesImplementations(fake);
    LeadWorkflowTest.serveResearch(env, fake);
    env.start();
  }

  static Harness standard() {
    return new Harness(LeadWorkflowTest.START, LeadWorkflowImpl.CONTINUE_AS_NEW_AFTER_EVENTS);
  }

  /** The started workflow's task timeout, when set (a short one lets a slow step span tasks). */
  Duration workflowTaskTimeout;

  void start() {
    WorkflowOptions.Builder options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(LeadWorkflow.workflowId(leadId))
            .setTaskQueue(LeadWorkflowTest.QUEUE);
    if (workflowTaskTimeout != null) {
      options.setWorkflowTaskTimeout(workflowTaskTimeout);
    }
    workflow = env.getWorkflowClient().newWorkflowStub(LeadWorkflow.class, options.build());
    WorkflowClient.start(workflow::run, new LeadInput(leadId, "camp-1", null));
  }

  /** Starts another lead's workflow in the same environment. */
  LeadWorkflow startLead(String otherLeadId) {
    LeadWorkflow other =
        env.getWorkflowClient()
            .newWorkflowStub(
                LeadWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(LeadWorkflow.workflowId(otherLeadId))
                    .setTaskQueue(LeadWorkflowTest.QUEUE)
                    .build());
    WorkflowClient.start(other::run, new LeadInput(otherLeadId, "camp-1", null));
    return other;
  }

  /**
   * Signals the current run. The time-skipping test server can answer "not found" to a signal that
   * lands in the instant between a run's continue-as-new and its next run (a real server hands it
   * to the new run): such a signal is sent again, a few times at most.
   */
  void signal(java.util.function.Consumer<LeadWorkflow> signal) {
    for (int attempt = 1; ; attempt++) {
      try {
        signal.accept(current());
        return;
      } catch (io.temporal.client.WorkflowNotFoundException e) {
        if (attempt == 5) {
          throw e;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** The current run (after a continue-as-new the stub by id follows it). */
  LeadWorkflow current() {
    return env.getWorkflowClient()
        .newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId));
  }

  Instant now() {
    return Instant.ofEpochMilli(env.currentTimeMillis());
  }

  /** Lets workflow time pass until the condition holds (at most ten seconds of real time). */
  void until(String what, BooleanSupplier condition) {
    until(what, condition, Duration.ofSeconds(10));
  }

  /**
   * As {@link #until(String, BooleanSupplier)}, for at most {@code realTime}: the test server does
   * not skip time while an activity runs, so waits on an activity's timeouts pass in real time.
   */
  void until(String what, BooleanSupplier condition, Duration realTime) {
    long deadline = System.nanoTime() + realTime.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      env.sleep(Duration.ofSeconds(1));
    }
  }

  void sends(int n) {
    until(n + " sends", () -> fake.sends.size() >= n);
  }

  void status(int index, String status, Integer code) {
    MessageStatusSignal signal = new MessageStatusSignal(fake.wamid(index), status, now(), code);
    signal(w -> w.messageStatus(signal));
  }

  LeadState state() {
    return current().state();
  }

  LeadState result() {
    return WorkflowStub.fromTyped(current()).getResult(LeadState.class);
  }

  List<HistoryEvent> history() {
    return env.getWorkflowClient().fetchHistory(LeadWorkflow.workflowId(leadId)).getEvents();
  }

  /** How many runs the workflow has had: 1 + continue-as-new so far. */
  long runs() {
    return 1 + continued();
  }

  private long continued() {
    long n = 0;
    String run =
        history().get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
    while (!run.isEmpty()) {
      n++;
      run =
          env.getWorkflowClient()
              .fetchHistory(LeadWorkflow.workflowId(leadId), run)
              .getEvents()
              .get(0)
              .getWorkflowExecutionStartedEventAttributes()
              .getContinuedExecutionRunId();
    }
    return n;
  }

  long count(EventType type) {
    return history().stream().filter(e -> e.getEventType() == type).count();
  }

  void assertStage(Stage stage) {
    assertThat(state().stage()).isEqualTo(stage);
  }

  @Override
  public void close() {
    env.close();
  }
}
