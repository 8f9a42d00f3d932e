package com.salesagent.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * Start-up against the real Temporal CLI dev server (where Docker exists): the catalogue is
 * registered, a second start-up finds it and adds nothing, and registration off only checks.
 */
@Testcontainers(disabledWithoutDocker = true)
class TemporalDevServerContainerTest {
  @Container
  private static final GenericContainer<?> TEMPORAL =
      new GenericContainer<>("temporalio/temporal:1.4.1")
          .withCommand("server", "start-dev", "--ip", "0.0.0.0")
          .withExposedPorts(7233)
          .waitingFor(Wait.forListeningPort())
          .withStartupTimeout(Duration.ofMinutes(2));

  private static TemporalConnection connect(boolean register) {
    TemporalSettings settings = new TemporalSettings();
    settings.setConnectTimeoutSeconds(60);
    settings.setRegisterSearchAttributes(register);
    return new TemporalConnection(
        TEMPORAL.getHost() + ":" + TEMPORAL.getMappedPort(7233), settings);
  }

  private static Map<String, IndexedValueType> listed(TemporalConnection connection) {
    return connection
        .operator()
        .blockingStub()
        .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
        .listSearchAttributes(
            ListSearchAttributesRequest.newBuilder().setNamespace("default").build())
        .getCustomAttributesMap();
  }

  @Test
  void registersTheCatalogueOnceAndASecondStartUpIsIdempotent() {
    try (TemporalConnection first = connect(true);
        TemporalConnection second = connect(true);
        TemporalConnection checking = connect(false)) {
      first.awaitReachableAndRegister();
      second.awaitReachableAndRegister();
      checking.awaitReachableAndRegister();

      assertThat(listed(first)).containsAllEntriesOf(LeadSearchAttributes.CATALOGUE);
    }
  }
}
