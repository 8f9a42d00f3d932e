package com.salesagent.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A bad setting's start-up error names the variable an operator sets, not only the YAML key
 * Dropwizard words it with (the lines are Dropwizard's own, as start-up printed them).
 */
class SettingVariablesTest {
  private final SettingVariables bundled = SettingVariables.bundled();

  @Test
  void eachBadSettingsLineNamesItsVariable() {
    String printed =
        """
        worker.yml has the following errors:
          * Failed to parse configuration at: lifecycle.unreadDelay; Cannot construct instance of `io.dropwizard.util.Duration`, problem: Invalid duration: soon
         at [Source: UNKNOWN; byte offset: #UNKNOWN] (through reference chain: com.salesagent.api.config.ApiConfiguration["lifecycle"]->com.salesagent.worker.config.LifecycleSettings["unreadDelay"])
          * Incorrect type of value at: server.connector.port; is of type: String, expected: int
          * lifecycle.maxFollowUps must be less than or equal to 10
          * worker.workflowPollers must be greater than or equal to 1
          * lifecycle.unknownSendPolicy must be hold or resend (UNKNOWN_SEND_POLICY)
          * MONGODB_URI is not a MongoDB connection string""";

    String annotated = bundled.annotate(printed);

    assertThat(annotated.lines())
        .containsExactly(
            "worker.yml has the following errors:",
            "  * Failed to parse configuration at: lifecycle.unreadDelay; Cannot construct instance"
                + " of `io.dropwizard.util.Duration`, problem: Invalid duration: soon"
                + " (FOLLOW_UP_UNREAD)",
            "  * Incorrect type of value at: server.connector.port; is of type: String, expected:"
                + " int (WORKER_ADMIN_PORT)",
            "  * lifecycle.maxFollowUps must be less than or equal to 10 (MAX_FOLLOW_UPS)",
            "  * worker.workflowPollers must be greater than or equal to 1"
                + " (WORKER_WORKFLOW_POLLERS)",
            "  * lifecycle.unknownSendPolicy must be hold or resend (UNKNOWN_SEND_POLICY)",
            "  * MONGODB_URI is not a MongoDB connection string");
  }

  @Test
  void aKeyThatIsOnlyThePrefixOfAnotherIsNotTakenForIt() {
    SettingVariables variables =
        new SettingVariables(java.util.Map.of("worker.cache", "CACHE", "worker.cacheDir", "DIR"));
    assertThat(variables.annotate("  * worker.cacheDir must not be empty"))
        .isEqualTo("  * worker.cacheDir must not be empty (DIR)");
    assertThat(variables.annotate("  * worker.cacheSize must be positive"))
        .as("no key of its own: named as Dropwizard wrote it")
        .isEqualTo("  * worker.cacheSize must be positive");
  }
}
