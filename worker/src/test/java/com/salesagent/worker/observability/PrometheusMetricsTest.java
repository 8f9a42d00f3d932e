package com.salesagent.worker.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.core.setup.Environment;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.junit.jupiter.api.Test;

/**
 * The Temporal SDK's meters reach {@code /prometheus}, a workflow update's too. The SDK tags an
 * update's client call with {@code update_name}, a key its default tags lack; Prometheus refuses a
 * second meter of one name with other tag keys, so the update's latency was dropped (with a WARN
 * the first time an operator approved a message) while the long polls' was kept.
 */
class PrometheusMetricsTest {
  @WorkflowInterface
  public interface Tally {
    @WorkflowMethod
    int run();

    @UpdateMethod
    int add(int n);

    @SignalMethod
    void close();
  }

  public static class TallyImpl implements Tally {
    private int total;
    private boolean closed;

    @Override
    public int run() {
      Workflow.await(() -> closed);
      return total;
    }

    @Override
    public int add(int n) {
      total += n;
      return total;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void aWorkflowUpdatesClientLatencyIsExportedBesideTheLongPolls() throws Exception {
    PrometheusMetrics metrics = PrometheusMetrics.install(new Environment("prometheus-test"));
    TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setMetricsScope(metrics.temporalScope()).build());
    try {
      Worker worker = env.newWorker("tally");
      worker.registerWorkflowImplementationTypes(TallyImpl.class);
      env.start();
      Tally tally =
          env.getWorkflowClient()
              .newWorkflowStub(
                  Tally.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue("tally")
                      .setWorkflowId("tally-1")
                      .build());
      WorkflowClient.start(tally::run);
      assertThat(tally.add(2)).isEqualTo(2);
      tally.close();

      // The SDK's scope reports every 2 s.
      String page = "";
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (System.nanoTime() < deadline && !page.contains("update_name=\"add\"")) {
        Thread.sleep(200);
        page = metrics.registry().scrape();
      }
      assertThat(page)
          .contains("operation=\"UpdateWorkflowExecution\"")
          .contains("update_name=\"add\"")
          .contains("operation=\"PollWorkflowTaskQueue\"");
    } finally {
      env.close();
      metrics.stop();
    }
  }
}
