package com.salesagent.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.AddSearchAttributesResponse;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registrar against an operator service that behaves like a real server's (the dev server does
 * not implement ListSearchAttributes, so the type check only happens on real servers).
 */
class SearchAttributeRegistrarTest {
  private final Map<String, IndexedValueType> onServer = new ConcurrentHashMap<>();
  private final AtomicInteger addCalls = new AtomicInteger();
  private volatile boolean raceOnAdd;
  private Server server;
  private ManagedChannel channel;
  private OperatorServiceStubs operator;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(new FakeOperator())
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(channel)
                .validateAndBuildWithDefaults());
  }

  @AfterEach
  void stop() {
    operator.shutdownNow();
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void registersMissingAttributesOnceAndNothingTheSecondTime() {
    Map<String, IndexedValueType> first =
        SearchAttributeRegistrar.register(operator, "default", LeadSearchAttributes.CATALOGUE);
    Map<String, IndexedValueType> second =
        SearchAttributeRegistrar.register(operator, "default", LeadSearchAttributes.CATALOGUE);

    assertThat(first).isEqualTo(LeadSearchAttributes.CATALOGUE);
    assertThat(second).isEmpty();
    assertThat(addCalls).hasValue(1);
    assertThat(onServer).isEqualTo(LeadSearchAttributes.CATALOGUE);
  }

  @Test
  void anotherProcessWinningTheRaceIsFine() {
    raceOnAdd = true;

    SearchAttributeRegistrar.register(operator, "default", LeadSearchAttributes.CATALOGUE);

    assertThat(addCalls).hasValue(1);
  }

  @Test
  void anAttributeWithAnotherTypeIsAStartupErrorNamingIt() {
    onServer.put("LeadStage", IndexedValueType.INDEXED_VALUE_TYPE_TEXT);

    assertThatThrownBy(
            () ->
                SearchAttributeRegistrar.register(
                    operator, "default", LeadSearchAttributes.CATALOGUE))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("LeadStage")
        .hasMessageContaining("INDEXED_VALUE_TYPE_TEXT")
        .hasMessageContaining("TEMPORAL_NAMESPACE");
    assertThat(addCalls).hasValue(0);
  }

  private final class FakeOperator extends OperatorServiceGrpc.OperatorServiceImplBase {
    @Override
    public void listSearchAttributes(
        ListSearchAttributesRequest request,
        StreamObserver<ListSearchAttributesResponse> response) {
      response.onNext(
          ListSearchAttributesResponse.newBuilder().putAllCustomAttributes(onServer).build());
      response.onCompleted();
    }

    @Override
    public void addSearchAttributes(
        AddSearchAttributesRequest request, StreamObserver<AddSearchAttributesResponse> response) {
      addCalls.incrementAndGet();
      if (raceOnAdd) {
        response.onError(Status.ALREADY_EXISTS.withDescription("exists").asRuntimeException());
        return;
      }
      onServer.putAll(request.getSearchAttributesMap());
      response.onNext(AddSearchAttributesResponse.getDefaultInstance());
      response.onCompleted();
    }
  }
}
