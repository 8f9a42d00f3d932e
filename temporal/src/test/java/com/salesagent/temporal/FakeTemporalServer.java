package com.salesagent.temporal;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.StreamObserver;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.namespace.v1.NamespaceInfo;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.AddSearchAttributesResponse;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceResponse;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Temporal frontend on a loopback port that answers only what start-up asks (DescribeNamespace,
 * ListSearchAttributes, AddSearchAttributes), and can answer like Temporal Cloud or like a server
 * whose namespace is not known yet. Everything else is UNIMPLEMENTED, as the SDK tolerates.
 */
final class FakeTemporalServer implements AutoCloseable {
  /** What Temporal Cloud answers a client's AddSearchAttributes. */
  static final Status CLOUD_REFUSAL =
      Status.PERMISSION_DENIED.withDescription("Request unauthorized.");

  final String namespace;
  final Map<String, IndexedValueType> attributes = new ConcurrentHashMap<>();
  final AtomicInteger describeCalls = new AtomicInteger();
  final AtomicInteger listCalls = new AtomicInteger();
  final AtomicInteger addCalls = new AtomicInteger();

  /** DescribeNamespace answers NOT_FOUND this many times first (-1: always). */
  volatile int describeNotFound;

  /** ListSearchAttributes answers NOT_FOUND this many times first. */
  volatile int listNotFound;

  /** Every call answers this when set. */
  volatile Status refuseAll;

  /** AddSearchAttributes answers this when set (Temporal Cloud: {@link #CLOUD_REFUSAL}). */
  volatile Status refuseAdd;

  private final Server server;

  FakeTemporalServer(String namespace) {
    this(namespace, null);
  }

  FakeTemporalServer(String namespace, SslContext tls) {
    this.namespace = namespace;
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .directExecutor()
            .addService(new Workflow())
            .addService(new Operator());
    if (tls != null) {
      builder.sslContext(tls);
    }
    try {
      server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  private boolean refused(StreamObserver<?> response) {
    Status refusal = refuseAll;
    if (refusal != null) {
      response.onError(refusal.asRuntimeException());
      return true;
    }
    return false;
  }

  private boolean unknown(
      String requested, int call, int notFoundFirst, StreamObserver<?> response) {
    if (!namespace.equals(requested) || notFoundFirst < 0 || call <= notFoundFirst) {
      response.onError(
          Status.NOT_FOUND
              .withDescription("Namespace " + requested + " is not found.")
              .asRuntimeException());
      return true;
    }
    return false;
  }

  private final class Workflow extends WorkflowServiceGrpc.WorkflowServiceImplBase {
    @Override
    public void getSystemInfo(
        GetSystemInfoRequest request, StreamObserver<GetSystemInfoResponse> response) {
      // the SDK asks once per connection for the server's capabilities
      response.onNext(GetSystemInfoResponse.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public void describeNamespace(
        DescribeNamespaceRequest request, StreamObserver<DescribeNamespaceResponse> response) {
      int call = describeCalls.incrementAndGet();
      if (refused(response) || unknown(request.getNamespace(), call, describeNotFound, response)) {
        return;
      }
      response.onNext(
          DescribeNamespaceResponse.newBuilder()
              .setNamespaceInfo(NamespaceInfo.newBuilder().setName(namespace))
              .build());
      response.onCompleted();
    }
  }

  private final class Operator extends OperatorServiceGrpc.OperatorServiceImplBase {
    @Override
    public void listSearchAttributes(
        ListSearchAttributesRequest request,
        StreamObserver<ListSearchAttributesResponse> response) {
      int call = listCalls.incrementAndGet();
      if (refused(response) || unknown(request.getNamespace(), call, listNotFound, response)) {
        return;
      }
      response.onNext(
          ListSearchAttributesResponse.newBuilder().putAllCustomAttributes(attributes).build());
      response.onCompleted();
    }

    @Override
    public void addSearchAttributes(
        AddSearchAttributesRequest request, StreamObserver<AddSearchAttributesResponse> response) {
      addCalls.incrementAndGet();
      if (refused(response)) {
        return;
      }
      Status refusal = refuseAdd;
      if (refusal != null) {
        response.onError(refusal.asRuntimeException());
        return;
      }
      if (request.getSearchAttributesMap().keySet().stream().anyMatch(attributes::containsKey)) {
        response.onError(Status.ALREADY_EXISTS.withDescription("exists").asRuntimeException());
        return;
      }
      attributes.putAll(request.getSearchAttributesMap());
      response.onNext(AddSearchAttributesResponse.getDefaultInstance());
      response.onCompleted();
    }
  }
}
