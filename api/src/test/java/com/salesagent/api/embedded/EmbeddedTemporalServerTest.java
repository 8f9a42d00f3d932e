package com.salesagent.api.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.salesagent.temporal.LeadSearchAttributes;
import com.salesagent.temporal.Listening;
import com.salesagent.temporal.Ports;
import com.salesagent.temporal.StartupException;
import com.salesagent.temporal.TemporalConnection;
import com.salesagent.temporal.TemporalSettings;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedTemporalServerTest {
  private static EmbeddedTemporalServer server;
  private static TemporalConnection connection;

  @WorkflowInterface
  public interface Sleeper {
    @WorkflowMethod
    long sleepMillis(long millis);
  }

  public static class SleeperImpl implements Sleeper {
    @Override
    public long sleepMillis(long millis) {
      long start = Workflow.currentTimeMillis();
      Workflow.sleep(Duration.ofMillis(millis));
      return Workflow.currentTimeMillis() - start;
    }
  }

  /** A message over gRPC's 4 MiB, which a real server refuses. */
  private static final String OVER_FOUR_MIB = "x".repeat(5 * 1024 * 1024);

  @BeforeAll
  static void start() {
    server = new EmbeddedTemporalServer(0);
    server.start();
    TemporalSettings settings = new TemporalSettings();
    settings.setConnectTimeoutSeconds(10);
    connection = new TemporalConnection(server.target(), settings);
  }

  @AfterAll
  static void stop() {
    connection.close();
    server.close();
  }

  @Test
  void searchAttributesAreRegisteredTwiceWithoutErrorAndUsableByWorkflows() {
    connection.awaitReachableAndRegister();
    connection.awaitReachableAndRegister();

    // An unregistered attribute fails the start with INVALID_ARGUMENT, so a start that sets
    // every attribute of the catalogue proves that all are registered with the right type.
    WorkerFactory factory = WorkerFactory.newInstance(connection.client());
    factory.newWorker("attributes").registerWorkflowImplementationTypes(SleeperImpl.class);
    factory.start();
    try {
      Sleeper sleeper =
          connection
              .client()
              .newWorkflowStub(
                  Sleeper.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue("attributes")
                      .setTypedSearchAttributes(
                          SearchAttributes.newBuilder()
                              .set(LeadSearchAttributes.LEAD_STAGE, "researching")
                              .set(LeadSearchAttributes.CAMPAIGN_ID, "c-1")
                              .set(LeadSearchAttributes.SEGMENT, "smb")
                              .set(LeadSearchAttributes.VARIANT_ID, "v-1")
                              .set(
                                  LeadSearchAttributes.NEXT_ACTION_AT,
                                  OffsetDateTime.parse("2026-11-26T09:00:00Z"))
                              .build())
                      .build());
      assertThat(sleeper.sleepMillis(1)).isGreaterThanOrEqualTo(0);
    } finally {
      factory.shutdownNow();
    }
  }

  @Test
  void timersRunOnTheWallClock() {
    WorkerFactory factory = WorkerFactory.newInstance(connection.client());
    Worker worker = factory.newWorker("wall-clock");
    worker.registerWorkflowImplementationTypes(SleeperImpl.class);
    factory.start();
    try {
      Sleeper sleeper =
          connection
              .client()
              .newWorkflowStub(
                  Sleeper.class, WorkflowOptions.newBuilder().setTaskQueue("wall-clock").build());
      long before = System.nanoTime();
      long workflowMillis = sleeper.sleepMillis(1500);
      long wallMillis = (System.nanoTime() - before) / 1_000_000;

      assertThat(workflowMillis).isGreaterThanOrEqualTo(1500);
      assertThat(wallMillis).isGreaterThanOrEqualTo(1500);
    } finally {
      factory.shutdownNow();
    }
  }

  @Test
  void theInProcessEndpointServesTheSameServerWithoutTheNetwork() {
    try (TemporalConnection local =
        new TemporalConnection(server.inProcessTarget(), new TemporalSettings())) {
      local.awaitReachableAndRegister();
      WorkerFactory factory = WorkerFactory.newInstance(local.client());
      factory.newWorker("in-process").registerWorkflowImplementationTypes(SleeperImpl.class);
      factory.start();
      try {
        Sleeper sleeper =
            local
                .client()
                .newWorkflowStub(
                    Sleeper.class,
                    WorkflowOptions.newBuilder()
                        .setTaskQueue("in-process")
                        .setWorkflowId("in-process-sleeper")
                        .build());
        // A worker's long polls, a timer and the result, all through the in-process endpoint.
        assertThat(sleeper.sleepMillis(200)).isGreaterThanOrEqualTo(200);
      } finally {
        factory.shutdownNow();
      }
      // The port's clients see the same workflow: one server, two endpoints.
      DescribeWorkflowExecutionResponse seen =
          connection
              .service()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(connection.namespace())
                      .setExecution(
                          WorkflowExecution.newBuilder().setWorkflowId("in-process-sleeper"))
                      .build());
      assertThat(seen.getWorkflowExecutionInfo().getStatus())
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    }
  }

  /**
   * The in-process transport has no size limit of its own: without the server's check, a start the
   * port (and a real server) refuses would go through here and fail only on the real stack.
   */
  @Test
  void aMessageOverFourMibIsRefusedOnTheInProcessEndpoint() {
    try (TemporalConnection local =
        new TemporalConnection(server.inProcessTarget(), new TemporalSettings())) {
      WorkflowStub stub =
          local
              .client()
              .newUntypedWorkflowStub(
                  "NeverRuns",
                  WorkflowOptions.newBuilder()
                      .setTaskQueue("nobody")
                      .setWorkflowId("too-large")
                      .build());
      assertThatThrownBy(() -> stub.start(OVER_FOUR_MIB))
          .hasStackTraceContaining("RESOURCE_EXHAUSTED")
          .hasStackTraceContaining("larger than max");
    }
  }

  @Test
  void itListensOnLoopbackOnly() {
    assertThat(Listening.accepts(InetAddress.getLoopbackAddress(), server.port())).isTrue();
    List<InetAddress> others = Listening.otherAddresses();
    assumeFalse(others.isEmpty(), "this machine has no other interface to try");
    for (InetAddress other : others) {
      assertThat(Listening.accepts(other, server.port())).as("reachable on " + other).isFalse();
    }
  }

  @Test
  void aTakenPortNamesTheSettingToChange() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(0));
      EmbeddedTemporalServer second = new EmbeddedTemporalServer(taken.getLocalPort());

      assertThatThrownBy(second::start)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining(String.valueOf(taken.getLocalPort()))
          .hasMessageContaining("TEMPORAL_PORT");
    }
  }

  @Test
  void anUnreachableServerNamesTheAddressSetting() {
    TemporalSettings settings = new TemporalSettings();
    settings.setConnectTimeoutSeconds(2);
    try (TemporalConnection nowhere =
        new TemporalConnection("127.0.0.1:" + Ports.freePort(), settings)) {
      assertThatThrownBy(nowhere::awaitReachableAndRegister)
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("Cannot reach Temporal")
          .hasMessageContaining("TEMPORAL_ADDRESS");
    }
  }
}
