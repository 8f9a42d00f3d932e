package com.salesagent.api.embedded;

import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;

/**
 * An embedded dev server on a free port with a client and a (not yet started) worker factory on it,
 * for the tests of the dev-server workarounds; {@code workarounds} false: the server as
 * temporal-testing ships it.
 */
final class DevServerClient implements AutoCloseable {
  final EmbeddedTemporalServer server;
  final WorkflowServiceStubs service;
  final WorkflowClient client;
  final WorkerFactory factory;

  DevServerClient(boolean workarounds) {
    server = new EmbeddedTemporalServer(0, workarounds);
    server.start();
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(server.target()).build());
    client = WorkflowClient.newInstance(service);
    factory = WorkerFactory.newInstance(client);
  }

  @Override
  public void close() {
    factory.shutdownNow();
    service.shutdownNow();
    server.close();
  }
}
