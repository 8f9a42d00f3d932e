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

  /**
   * A range check's line writes the list index without a dot ({@code applicationConnectors[0]}), as
   * a parse error's line does not ({@code applicationConnectors.[0]}): both name HTTP_PORT. It
   * printed "server.applicationConnectors[0].port must be between 1 and 65535" and nothing more,
   * though HTTP_PORT=99999 was what to fix.
   */
  @Test
  void aPortOutOfRangeNamesItsVariableThoughTheIndexHasNoDot() {
    // The keys as server.yml fills them (that file is the api module's, not on this class path).
    SettingVariables variables =
        new SettingVariables(
            java.util.Map.of(
                "server.applicationConnectors.[0].port", "HTTP_PORT",
                "server.adminConnectors.[0].port", "ADMIN_PORT"));
    assertThat(
            variables.annotate(
                "  * server.applicationConnectors[0].port must be between 1 and 65535"))
        .isEqualTo(
            "  * server.applicationConnectors[0].port must be between 1 and 65535 (HTTP_PORT)");
    assertThat(variables.annotate("  * server.adminConnectors[0].port must be between 1 and 65535"))
        .isEqualTo("  * server.adminConnectors[0].port must be between 1 and 65535 (ADMIN_PORT)");
    assertThat(
            variables.annotate(
                "  * Incorrect type of value at: server.applicationConnectors.[0].port; is of"
                    + " type: String, expected: int"))
        .endsWith("expected: int (HTTP_PORT)");
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
