package com.salesagent.worker;

import com.salesagent.activities.diagnostics.DiagnosticsActivitiesImpl;
import com.salesagent.activities.lead.LeadActivitiesImpl;
import com.salesagent.activities.lead.MessagingActivitiesImpl;
import com.salesagent.activities.lead.ResearchActivitiesImpl;
import com.salesagent.activities.lead.TemplateComposeActivities;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.activities.whatsapp.WhatsAppSettings;
import com.salesagent.temporal.TaskQueues;
import com.salesagent.worker.config.WorkerSettings;
import com.salesagent.workflows.diagnostics.DiagnosticsWorkflowImpl;
import com.salesagent.workflows.lead.LeadWorkflowImpl;
import io.dropwizard.lifecycle.Managed;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The Temporal worker: every workflow implementation and activity of the system, polling one task
 * queue. Registered after the connections so that it stops before them.
 */
public final class WorkerRuntime implements Managed {
  private final WorkerFactory factory;

  public WorkerRuntime(
      Connections connections, WorkerSettings settings, Endpoints.WhatsAppEndpoint whatsapp) {
    this.factory = WorkerFactory.newInstance(connections.temporal().client());
    Worker worker =
        factory.newWorker(
            TaskQueues.LEADS,
            WorkerOptions.newBuilder()
                .setMaxConcurrentWorkflowTaskPollers(settings.getWorkflowPollers())
                .setMaxConcurrentActivityTaskPollers(settings.getActivityPollers())
                .setMaxConcurrentActivityExecutionSize(settings.getMaxConcurrentActivities())
                .build());
    worker.registerWorkflowImplementationTypes(
        DiagnosticsWorkflowImpl.class, LeadWorkflowImpl.class);
    LeadStore store = new LeadStore(connections.mongo().database());
    Clock clock = Clock.systemUTC();
    WhatsAppClient client =
        new WhatsAppClient(
            new WhatsAppSettings(
                whatsapp.baseUrl(),
                whatsapp.apiVersion(),
                whatsapp.phoneNumberId(),
                whatsapp.accessToken()));
    worker.registerActivitiesImplementations(
        new DiagnosticsActivitiesImpl(
            connections.mongo().database(), connections.storage().storage()),
        new LeadActivitiesImpl(store, clock),
        new ResearchActivitiesImpl(store, clock),
        new TemplateComposeActivities(store, clock),
        new MessagingActivitiesImpl(store, client, clock));
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
