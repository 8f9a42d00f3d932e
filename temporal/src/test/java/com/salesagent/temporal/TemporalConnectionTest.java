package com.salesagent.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.temporal.api.enums.v1.IndexedValueType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Start-up against a stub frontend on a loopback port (no Docker): the namespace race of a first
 * {@code docker compose up}, Temporal Cloud's refusal to add search attributes, and the setting
 * that skips adding them.
 */
class TemporalConnectionTest {
  private static final String CLOUD_NAMESPACE = "sales.a1b2c";

  private FakeTemporalServer server;
  private TemporalConnection connection;

  @AfterEach
  void stop() {
    if (connection != null) {
      connection.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private TemporalConnection connect(String namespace, int timeoutSeconds, boolean register) {
    TemporalSettings settings = new TemporalSettings();
    settings.setNamespace(namespace);
    settings.setConnectTimeoutSeconds(timeoutSeconds);
    settings.setRegisterSearchAttributes(register);
    connection = new TemporalConnection(server.target(), settings);
    connection.retryInterval(Duration.ofMillis(20));
    return connection;
  }

  private void serve(String namespace) {
    server = new FakeTemporalServer(namespace);
  }

  @Test
  void aNamespaceThatAnswersNotFoundAtFirstIsWaitedFor() {
    serve("default");
    server.describeNotFound = 3;

    connect("default", 30, true).awaitReachableAndRegister();

    assertThat(server.describeCalls).hasValue(4);
    assertThat(server.attributes).isEqualTo(LeadSearchAttributes.CATALOGUE);
  }

  @Test
  void searchAttributesNotFoundWhileTheNamespaceCacheRefreshesIsWaitedFor() {
    serve("default");
    server.listNotFound = 2;

    connect("default", 30, true).awaitReachableAndRegister();

    assertThat(server.listCalls).hasValue(3);
    assertThat(server.attributes).isEqualTo(LeadSearchAttributes.CATALOGUE);
  }

  @Test
  void aNamespaceThatNeverAppearsFailsAtTheDeadlineNamingTheSetting() {
    serve("default");
    server.describeNotFound = -1;

    assertThatThrownBy(() -> connect("default", 1, true).awaitReachableAndRegister())
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("'default' does not exist")
        .hasMessageContaining("TEMPORAL_NAMESPACE");
    assertThat(server.describeCalls.get()).isGreaterThan(1);
    assertThat(server.addCalls).hasValue(0);
  }

  @Test
  void refusedCredentialsEndTheWaitAtOnce() {
    serve("default");
    server.refuseAll = Status.UNAUTHENTICATED.withDescription("bad key");

    assertThatThrownBy(() -> connect("default", 30, true).awaitReachableAndRegister())
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("UNAUTHENTICATED")
        .hasMessageContaining("TEMPORAL_API_KEY");
    assertThat(server.describeCalls).hasValue(1);
  }

  @Test
  void cloudRefusingToAddPrintsTheTcldCommandForExactlyTheMissingAttributes() {
    serve(CLOUD_NAMESPACE);
    server.refuseAdd = FakeTemporalServer.CLOUD_REFUSAL;
    server.attributes.put("LeadStage", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    server.attributes.put("CampaignId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    server.attributes.put("Segment", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);

    assertThatThrownBy(() -> connect(CLOUD_NAMESPACE, 30, true).awaitReachableAndRegister())
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("PERMISSION_DENIED")
        .hasMessageContaining(
            "tcld namespace search-attributes add --namespace sales.a1b2c"
                + " --search-attribute \"VariantId=Keyword\""
                + " --search-attribute \"NextActionAt=Datetime\"\n")
        .hasMessageNotContaining("LeadStage=")
        .hasMessageContaining("temporalcloud_namespace_search_attribute")
        .hasMessageContaining("TEMPORAL_REGISTER_SEARCH_ATTRIBUTES=false");
    assertThat(server.addCalls).hasValue(1);
  }

  @Test
  void aServerWithoutAddSearchAttributesIsAlsoARefusalWithCommands() {
    serve(CLOUD_NAMESPACE);
    server.refuseAdd = Status.UNIMPLEMENTED.withDescription("unknown method");

    assertThatThrownBy(() -> connect(CLOUD_NAMESPACE, 30, true).awaitReachableAndRegister())
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("UNIMPLEMENTED")
        .hasMessageContaining(
            "--search-attribute \"LeadStage=Keyword\" --search-attribute \"CampaignId=Keyword\"");
    assertThat(server.addCalls).hasValue(1);
  }

  @Test
  void cloudRefusingToAddIsFineWhenAllAttributesExist() {
    serve(CLOUD_NAMESPACE);
    server.refuseAdd = FakeTemporalServer.CLOUD_REFUSAL;
    server.attributes.putAll(LeadSearchAttributes.CATALOGUE);

    connect(CLOUD_NAMESPACE, 30, true).awaitReachableAndRegister();

    assertThat(server.addCalls).hasValue(0);
  }

  @Test
  void withRegistrationOffMissingAttributesAreReportedWithoutTryingToAdd() {
    serve("default");
    server.attributes.putAll(LeadSearchAttributes.CATALOGUE);
    server.attributes.remove("NextActionAt");

    assertThatThrownBy(() -> connect("default", 30, false).awaitReachableAndRegister())
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("TEMPORAL_REGISTER_SEARCH_ATTRIBUTES=false")
        .hasMessageContaining(
            "tcld namespace search-attributes add --namespace default"
                + " --search-attribute \"NextActionAt=Datetime\"\n");
    assertThat(server.addCalls).hasValue(0);
  }

  @Test
  void withRegistrationOffPresentAttributesStartUp() {
    serve("default");
    server.attributes.putAll(LeadSearchAttributes.CATALOGUE);

    connect("default", 30, false).awaitReachableAndRegister();

    assertThat(server.addCalls).hasValue(0);
    assertThat(server.listCalls).hasValue(1);
  }

  @Test
  void theCommandsNameEveryTypeAsTcldSpellsIt() {
    String message =
        SearchAttributeRegistrar.missingMessage(
            "ns.acct",
            Map.of("Tags", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST),
            "a reason",
            false);

    assertThat(message)
        .contains("--search-attribute \"Tags=KeywordList\"")
        .contains(
            "temporal operator search-attribute create --namespace ns.acct --name Tags --type KeywordList");
  }
}
