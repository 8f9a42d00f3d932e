package com.salesagent.worker;

import com.salesagent.activities.compose.ChatModels;
import com.salesagent.activities.compose.LlmSettings;
import com.salesagent.activities.compose.LlmWriter;
import com.salesagent.activities.diagnostics.DiagnosticsActivitiesImpl;
import com.salesagent.activities.lead.LeadActivitiesImpl;
import com.salesagent.activities.lead.MessagingActivitiesImpl;
import com.salesagent.activities.lead.ResearchActivitiesImpl;
import com.salesagent.activities.lead.TemplateComposeActivities;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.research.Embeddings;
import com.salesagent.activities.research.EnrolmentSource;
import com.salesagent.activities.research.ResearchSource;
import com.salesagent.activities.research.Retriever;
import com.salesagent.activities.research.WebsiteSource;
import com.salesagent.activities.variants.ArmGuard;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Temporal worker: every workflow implementation and activity of the system, polling one task
 * queue. Registered after the connections so that it stops before them.
 */
public final class WorkerRuntime implements Managed {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(WorkerRuntime.class);
  private final WorkerFactory factory;
  private final Embeddings embeddings;
  private final WorkerSettings settings;
  private final com.mongodb.client.MongoDatabase database;
  private java.util.concurrent.ScheduledExecutorService armGuard;

  public WorkerRuntime(
      Connections connections,
      WorkerSettings settings,
      Endpoints.WhatsAppEndpoint whatsapp,
      LlmSettings llm) {
    this.settings = settings;
    this.database = connections.mongo().database();
    Path cacheDir = Path.of(settings.getCacheDir()).toAbsolutePath().normalize();
    Embeddings.offline(cacheDir);
    this.embeddings = new Embeddings(cacheDir);
    this.factory =
        WorkerFactory.newInstance(
            connections.temporal().client(),
            io.temporal.worker.WorkerFactoryOptions.newBuilder()
                // 0 asks for no stickiness: the SDK reads 0 as "the default", so keep one.
                .setWorkflowCacheSize(Math.max(1, settings.getWorkflowCacheSize()))
                .build());
    Worker worker =
        factory.newWorker(
            TaskQueues.LEADS,
            WorkerOptions.newBuilder()
                .setMaxConcurrentWorkflowTaskPollers(settings.getWorkflowPollers())
                .setMaxConcurrentActivityTaskPollers(settings.getActivityPollers())
                .setMaxConcurrentActivityExecutionSize(settings.getMaxConcurrentActivities())
                // No cache: no sticky queue either (a zero timeout makes the SDK ask for none).
                .setStickyQueueScheduleToStartTimeout(
                    settings.getWorkflowCacheSize() == 0
                        ? java.time.Duration.ZERO
                        : java.time.Duration.ofSeconds(5))
                .build());
    worker.registerWorkflowImplementationTypes(
        DiagnosticsWorkflowImpl.class, LeadWorkflowImpl.class);
    LeadStore store = new LeadStore(connections.mongo().database());
    Clock clock = Clock.systemUTC();
    WhatsAppSettings whatsappSettings =
        new WhatsAppSettings(
            whatsapp.baseUrl(),
            whatsapp.apiVersion(),
            whatsapp.phoneNumberId(),
            whatsapp.accessToken());
    WhatsAppClient client = new WhatsAppClient(whatsappSettings);
    worker.registerActivitiesImplementations(
        new DiagnosticsActivitiesImpl(
            connections.mongo().database(), connections.storage().storage()),
        new LeadActivitiesImpl(store, clock),
        new ResearchActivitiesImpl(store, sources(settings), embeddings, clock),
        new TemplateComposeActivities(
            store,
            new Retriever(
                connections.mongo().database(),
                embeddings,
                () ->
                    connections.mongo().capabilities() != null
                        && connections.mongo().capabilities().vectorSearch()),
            clock,
            llm.enabled() ? new LlmWriter(ChatModels.build(llm)) : null,
            llm.enabled() ? llm.label() : null),
        new MessagingActivitiesImpl(store, client, whatsappSettings, clock));
  }

  /** The enrolment always; the website when enabled (RESEARCH_WEBSITE). */
  private static List<ResearchSource> sources(WorkerSettings settings) {
    return settings.isResearchWebsite()
        ? List.of(new EnrolmentSource(), new WebsiteSource(Duration.ofSeconds(5), 512 * 1024))
        : List.of(new EnrolmentSource());
  }

  @Override
  public void start() {
    embeddings.embed("warm-up: load the model once, before the first lead needs it");
    factory.start();
    long every = settings.getArmGuardInterval().toMilliseconds();
    if (every > 0) {
      ArmGuard guard = new ArmGuard(database, Clock.systemUTC());
      armGuard =
          java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
              r -> new Thread(r, "arm-guard"));
      armGuard.scheduleWithFixedDelay(
          () -> {
            try {
              guard
                  .check(java.time.Duration.ofMillis(every * 8 / 10))
                  .forEach(
                      d ->
                          LOG.warn(
                              "auto-disabled variant {} in segment {}: P(best) {} after {}"
                                  + " assignments",
                              d.variantId(),
                              d.segment(),
                              String.format("%.4f", d.probabilityToBeBest()),
                              d.assigned()));
            } catch (RuntimeException e) {
              LOG.warn("arm guard check failed: {}", e.toString());
            }
          },
          every,
          every,
          TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void stop() throws InterruptedException {
    if (armGuard != null) {
      armGuard.shutdownNow();
    }
    factory.shutdown();
    factory.awaitTermination(10, TimeUnit.SECONDS);
  }
}
