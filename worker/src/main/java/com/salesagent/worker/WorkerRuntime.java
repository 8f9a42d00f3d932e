package com.salesagent.worker;

import com.salesagent.activities.diagnostics.DiagnosticsActivitiesImpl;
import com.salesagent.temporal.TaskQueues;
import com.salesagent.worker.config.WorkerSettings;
import com.salesagent.workflows.diagnostics.DiagnosticsWorkflowImpl;
import io.dropwizard.lifecycle.Managed;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.util.concurrent.TimeUnit;

/**
 * The Temporal worker: every workflow implementation and activity of the system, polling one task
 * queue. Registered after the connections so that it stops before them.
 */
public final class WorkerRuntime implements Managed {
  private final WorkerFactory factory;

  public WorkerRuntime(Connections connections, WorkerSettings settings) {
    this.factory = WorkerFactory.newInstance(connections.temporal().client());
    Worker worker =
        factory.newWorker(
            TaskQueues.LEADS,
            WorkerOptions.newBuilder()
                .setMaxConcurrentWorkflowTaskPollers(settings.getWorkflowPollers())
                .setMaxConcurrentActivityTaskPollers(settings.getActivityPollers())
                .setMaxConcurrentActivityExecutionSize(settings.getMaxConcurrentActivities())
                .build());
    worker.registerWorkflowImplementationTypes(DiagnosticsWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new DiagnosticsActivitiesImpl(
            connections.mongo().database(), connections.storage().storage()));
  }

  @Override
  public void start() {
    factory.start();
  }

  @Override
  public void stop() throws InterruptedException {
    factory.shutdown();
    factory.awaitTermination(10, TimeUnit.SECONDS);
  }
}
