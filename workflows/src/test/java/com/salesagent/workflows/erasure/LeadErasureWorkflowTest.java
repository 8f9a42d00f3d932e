package com.salesagent.workflows.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The erasure's steps, their order, the sweep's wait, retries, and a server that keeps histories.
 */
class LeadErasureWorkflowTest {
  private static final ErasureRequest REQUEST =
      new ErasureRequest("lead-1", "operator", "asked by email", true, 600);

  private TestWorkflowEnvironment env;
  private final Fake fake = new Fake();

  static final class Fake implements LeadErasureActivities {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<Long> at = new CopyOnWriteArrayList<>();
    final AtomicInteger eraseAttempts = new AtomicInteger();
    volatile int failingErasures;
    volatile boolean serverKeepsHistories;
    volatile ErasureReport audited;
    volatile TestWorkflowEnvironment env;

    @Override
    public List<String> stopWorkflows(String leadId) {
      calls.add("stop " + leadId);
      return List.of("lead-" + leadId, "inbound-media-77");
    }

    @Override
    public Erased erase(ErasureRequest request, boolean last) {
      if (eraseAttempts.incrementAndGet() <= failingErasures) {
        throw ApplicationFailure.newFailure("MongoDB unreachable", "MongoTimeout");
      }
      calls.add(last ? "sweep" : "erase");
      at.add(env.currentTimeMillis());
      return last
          ? Erased.NOTHING
          : new Erased(Map.of("messages", 2L), List.of("media/inbound/x.png"), 3, 1, List.of());
    }

    @Override
    public List<String> deleteHistories(List<String> workflowIds) {
      calls.add("delete " + workflowIds);
      if (serverKeepsHistories) {
        throw ApplicationFailure.newNonRetryableFailure("kept until retention", HISTORIES_KEPT);
      }
      return workflowIds;
    }

    @Override
    public void audit(ErasureRequest request, ErasureReport report) {
      calls.add("audit");
      audited = report;
    }
  }

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    fake.env = env;
    Worker worker = env.newWorker("q");
    worker.registerWorkflowImplementationTypes(LeadErasureWorkflowImpl.class);
    worker.registerActivitiesImplementations(fake);
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private ErasureReport run() {
    return env.getWorkflowClient()
        .newWorkflowStub(
            LeadErasureWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue("q")
                .setWorkflowId(LeadErasureWorkflow.workflowId(REQUEST.leadId()))
                .build())
        .erase(REQUEST);
  }

  @Test
  @Timeout(60)
  void stopsErasesSweepsAfterTheGraceDeletesHistoriesThenAudits() {
    ErasureReport report = run();
    assertThat(fake.calls)
        .containsExactly(
            "stop lead-1", "erase", "sweep", "delete [lead-lead-1, inbound-media-77]", "audit");
    // The sweep waits out activities still running for the lead when it was stopped.
    assertThat(fake.at.get(1) - fake.at.get(0)).isBetween(600_000L, 610_000L);
    assertThat(report.first().documents()).containsEntry("messages", 2L);
    assertThat(report.first().workflowIds()).containsExactly("lead-lead-1", "inbound-media-77");
    assertThat(report.sweep().nothingLeft()).isTrue();
    assertThat(report.historiesDeleted()).hasSize(2);
    assertThat(report.historiesKept()).isNull();
    assertThat(fake.audited).isEqualTo(report);
  }

  @Test
  @Timeout(60)
  void anUnreachableStoreIsWaitedOutAndAServerThatKeepsHistoriesIsReported() {
    fake.failingErasures = 3;
    fake.serverKeepsHistories = true;
    ErasureReport report = run();
    assertThat(fake.eraseAttempts.get()).isEqualTo(5);
    assertThat(report.historiesDeleted()).isEmpty();
    assertThat(report.historiesKept()).isEqualTo("kept until retention");
    assertThat(fake.calls).endsWith("audit");
  }
}
