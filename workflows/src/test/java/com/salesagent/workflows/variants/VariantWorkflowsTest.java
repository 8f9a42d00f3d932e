package com.salesagent.workflows.variants;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.workflows.lead.LeadInput;
import com.salesagent.workflows.lead.LeadState;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kill-switch fan-out and the arm guard's timer loop, in the time-skipping environment. */
class VariantWorkflowsTest {
  static final String QUEUE = "variants-test";

  /** variantDisabled signals each fake lead received, by lead id. */
  static final Map<String, List<String>> RECEIVED = new ConcurrentHashMap<>();

  /** A lead workflow that only waits and counts the kill-switch signals it gets. */
  public static class WaitingLead extends com.salesagent.workflows.lead.IdleLeadWorkflow {
    private boolean stopped;

    @Override
    public LeadState run(LeadInput input) {
      Workflow.await(() -> stopped);
      return null;
    }

    @Override
    public void variantDisabled(String variantId) {
      RECEIVED
          .computeIfAbsent(Workflow.getInfo().getWorkflowId(), k -> new CopyOnWriteArrayList<>())
          .add(variantId);
    }

    @Override
    public void stop(String reason) {
      stopped = true;
    }
  }

  /** In-flight leads from a sorted list; audit records and arm checks counted. */
  static final class FakeVariants implements VariantActivities {
    final List<String> inFlight = new CopyOnWriteArrayList<>();
    final List<String> audits = new CopyOnWriteArrayList<>();
    final AtomicInteger checks = new AtomicInteger();
    volatile int armsPerCheck;

    @Override
    public List<String> inFlightLeads(String variantId, String afterLeadId, int limit) {
      return inFlight.stream()
          .sorted()
          .filter(id -> afterLeadId == null || id.compareTo(afterLeadId) > 0)
          .limit(limit)
          .toList();
    }

    @Override
    public void recordKillSwitch(String variantId, String operator, int signalled, int ended) {
      audits.add(
          variantId + " by " + operator + ": " + signalled + " signalled, " + ended + " ended");
    }

    @Override
    public int checkArms() {
      checks.incrementAndGet();
      return armsPerCheck;
    }
  }

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final FakeVariants fake = new FakeVariants();

  @BeforeEach
  void start() {
    RECEIVED.clear();
    env = TestWorkflowEnvironment.newInstance();
    client = env.getWorkflowClient();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(WaitingLead.class, ArmGuardWorkflowImpl.class);
    // Pages of 40, two pages a run: 450 leads cross 12 pages and 5 continue-as-new.
    worker.registerWorkflowImplementationFactory(
        KillSwitchWorkflow.class, () -> new KillSwitchWorkflowImpl(40, 2));
    worker.registerActivitiesImplementations(fake);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  private void startLead(String leadId) {
    LeadWorkflow lead =
        client.newWorkflowStub(
            LeadWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(QUEUE)
                .setWorkflowId(LeadWorkflow.workflowId(leadId))
                .build());
    WorkflowClient.start(lead::run, new LeadInput(leadId, "c", null, null));
  }

  @Test
  void everyInFlightLeadGetsTheSignalOnceAcrossPagesAndRuns() {
    List<String> running = new ArrayList<>();
    for (int i = 0; i < 450; i++) {
      String leadId = String.format("L%04d", i);
      fake.inFlight.add(leadId);
      if (i % 10 != 7) {
        startLead(leadId);
        running.add(leadId);
      }
      // Every tenth lead's workflow has ended although MongoDB still lists it in flight.
    }
    KillSwitchWorkflow killSwitch =
        client.newWorkflowStub(
            KillSwitchWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(QUEUE)
                .setWorkflowId(KillSwitchWorkflow.workflowId("v-cost", "r1"))
                .build());

    KillSwitchProgress done = killSwitch.run(KillSwitchRequest.start("v-cost", "ops"));

    assertThat(done).isEqualTo(new KillSwitchProgress("v-cost", 405, 45, true));
    assertThat(RECEIVED).hasSize(405);
    for (String leadId : running) {
      assertThat(RECEIVED.get(LeadWorkflow.workflowId(leadId)))
          .as(leadId)
          .containsExactly("v-cost");
    }
    assertThat(fake.audits).containsExactly("v-cost by ops: 405 signalled, 45 ended");
    KillSwitchWorkflow finished =
        client.newWorkflowStub(
            KillSwitchWorkflow.class, KillSwitchWorkflow.workflowId("v-cost", "r1"));
    assertThat(finished.progress()).isEqualTo(done);
  }

  @Test
  void aKillSwitchRunReplaysDeterministically() throws Exception {
    for (int i = 0; i < 50; i++) {
      String leadId = String.format("R%03d", i);
      fake.inFlight.add(leadId);
      startLead(leadId);
    }
    String id = KillSwitchWorkflow.workflowId("v-replay", "r2");
    KillSwitchWorkflow killSwitch =
        client.newWorkflowStub(
            KillSwitchWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(id).build());
    // 50 leads in pages of 40, two pages a run: one run, the second page partly full.
    killSwitch.run(KillSwitchRequest.start("v-replay", "ops"));

    WorkflowExecutionHistory history =
        client.fetchHistory(id, WorkflowStub.fromTyped(killSwitch).getExecution().getRunId());
    assertThat(history.getEvents())
        .anyMatch(e -> e.hasWorkflowExecutionContinuedAsNewEventAttributes());
    try (TestWorkflowEnvironment replay = TestWorkflowEnvironment.newInstance()) {
      Worker worker = replay.newWorker("replay");
      worker.registerWorkflowImplementationFactory(
          KillSwitchWorkflow.class, () -> new KillSwitchWorkflowImpl(40, 2));
      WorkflowReplayer.replayWorkflowExecution(history, worker);
    }
  }

  @Test
  void theArmGuardChecksOncePerIntervalUntilToldToStop() {
    ArmGuardWorkflow guard =
        client.newWorkflowStub(
            ArmGuardWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(QUEUE)
                .setWorkflowId(ArmGuardWorkflow.WORKFLOW_ID)
                .build());
    fake.armsPerCheck = 1;
    WorkflowExecution run =
        WorkflowClient.start(
            guard::run, new ArmGuardWorkflow.ArmGuardState(Duration.ofMinutes(5), 0, 0));

    env.sleep(Duration.ofMinutes(16));
    assertThat(fake.checks.get()).isEqualTo(3);
    assertThat(guard.state())
        .isEqualTo(new ArmGuardWorkflow.ArmGuardState(Duration.ofMinutes(5), 3, 3));

    guard.every(Duration.ofHours(1));
    env.sleep(Duration.ofMinutes(50));
    assertThat(fake.checks.get()).as("the new interval runs from the signal").isEqualTo(3);
    env.sleep(Duration.ofMinutes(11));
    assertThat(fake.checks.get()).isEqualTo(4);

    guard.every(Duration.ZERO);
    WorkflowStub.fromTyped(guard).getResult(Void.class);
    assertThat(run.getWorkflowId()).isEqualTo("arm-guard");
  }
}
