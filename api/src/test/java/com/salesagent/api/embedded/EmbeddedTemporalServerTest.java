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
import io.temporal.client.WorkflowOptions;
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
