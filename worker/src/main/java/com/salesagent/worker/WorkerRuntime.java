package com.salesagent.worker;

import com.salesagent.activities.compose.ChatModels;
import com.salesagent.activities.compose.LlmSettings;
import com.salesagent.activities.compose.LlmWriter;
import com.salesagent.activities.diagnostics.DiagnosticsActivitiesImpl;
import com.salesagent.activities.erasure.LeadErasureActivitiesImpl;
import com.salesagent.activities.handoff.WaitingHandOffs;
import com.salesagent.activities.lead.Admission;
import com.salesagent.activities.lead.AfterEndActivitiesImpl;
import com.salesagent.activities.lead.ComposeAndSendActivities;
import com.salesagent.activities.lead.LeadActivitiesImpl;
import com.salesagent.activities.lead.MessagingActivitiesImpl;
import com.salesagent.activities.lead.ResearchActivitiesImpl;
import com.salesagent.activities.lead.TemplateComposeActivities;
import com.salesagent.activities.lead.WaitingLeads;
import com.salesagent.activities.media.GeneratedBackgrounds;
import com.salesagent.activities.media.ImageDescriber;
import com.salesagent.activities.media.InboundMediaActivitiesImpl;
import com.salesagent.activities.media.OutboundMedia;
import com.salesagent.activities.media.Transcriber;
import com.salesagent.activities.media.VoiceNotes;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.persona.PersonaBuilder;
import com.salesagent.activities.persona.Topics;
import com.salesagent.activities.research.EmbeddingCache;
import com.salesagent.activities.research.Embeddings;
import com.salesagent.activities.research.EnrolmentSource;
import com.salesagent.activities.research.ResearchSource;
import com.salesagent.activities.research.Retriever;
import com.salesagent.activities.research.WebsiteSource;
import com.salesagent.activities.triage.LlmClassifier;
import com.salesagent.activities.triage.ReplyClassifier;
import com.salesagent.activities.variants.VariantActivitiesImpl;
import com.salesagent.activities.whatsapp.SenderClients;
import com.salesagent.activities.whatsapp.SenderSpec;
import com.salesagent.activities.whatsapp.SenderTokenReport;
import com.salesagent.activities.whatsapp.WhatsAppClient;
import com.salesagent.activities.whatsapp.WhatsAppSettings;
import com.salesagent.temporal.TaskQueues;
import com.salesagent.worker.config.WorkerSettings;
import com.salesagent.worker.observability.LogContextInterceptor;
import com.salesagent.worker.observability.WorkflowTaskAdmission;
import com.salesagent.workflows.afterend.AfterEndDraftWorkflowImpl;
import com.salesagent.workflows.afterend.AfterEndMessageWorkflowImpl;
import com.salesagent.workflows.diagnostics.DiagnosticsWorkflowImpl;
import com.salesagent.workflows.erasure.LeadErasureWorkflowImpl;
import com.salesagent.workflows.lead.LeadWorkflowImpl;
import com.salesagent.workflows.media.InboundMediaWorkflowImpl;
import com.salesagent.workflows.variants.ArmGuardWorkflow;
import com.salesagent.workflows.variants.ArmGuardWorkflowImpl;
import com.salesagent.workflows.variants.KillSwitchWorkflowImpl;
import io.dropwizard.lifecycle.Managed;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Temporal worker: every workflow implementation and activity of the system on the leads task
 * queue, and research with its embeddings on the research queue with a bounded number of slots
 * (WORKER_TASK_QUEUES chooses which of the two this process serves). Registered after the
 * connections so that it stops before them.
 */
public final class WorkerRuntime implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerRuntime.class);
  private final WorkerFactory factory;
  private final Embeddings embeddings;
  private final WorkerSettings settings;
  private final WorkflowClient client;
  private Runnable registerSenders = () -> {};

  /** Which numbers' tokens this worker has, told to the pool (a worker that sends only). */
  private Runnable reportTokens = () -> {};

  private java.util.concurrent.ScheduledExecutorService tokenReports;

  /**
   * Wakes the leads waiting for a number a send's probe gave back, one number at a time, off the
   * send activity's thread; at most {@link #WAKE_QUEUE} numbers queued (more are left to their
   * leads' own checks).
   */
  private ThreadPoolExecutor senderWakes;

  /**
   * Hands an owner the leads waiting for them when a lead they held ends, off the activity's
   * thread; at most {@link #WAKE_QUEUE} owners queued.
   */
  private ThreadPoolExecutor ownerTakes;

  static final int WAKE_QUEUE = 64;

  public WorkerRuntime(
      Connections connections,
      WorkerSettings settings,
      Endpoints.WhatsAppEndpoint whatsapp,
      LlmSettings llm,
      Duration notNowSnooze) {
    this.settings = settings;
    this.client = connections.temporal().client();
    Path cacheDir = Path.of(settings.getCacheDir()).toAbsolutePath().normalize();
    Embeddings.offline(cacheDir);
    this.embeddings = new Embeddings(cacheDir);
    this.factory =
        WorkerFactory.newInstance(
            connections.temporal().client(),
            WorkerFactoryOptions.newBuilder()
                // 0 asks for no stickiness: the SDK reads 0 as "the default", so keep one.
                .setWorkflowCacheSize(Math.max(1, settings.getWorkflowCacheSize()))
                // Activity log lines carry their workflow and lead ids (LogContext).
                .setWorkerInterceptors(new LogContextInterceptor())
                .build());
    Set<String> queues = settings.servedQueues();
    LeadStore store = new LeadStore(connections.mongo().database());
    Clock clock = Clock.systemUTC();
    ResearchActivitiesImpl research =
        new ResearchActivitiesImpl(
            store,
            sources(settings),
            embeddings,
            clock,
            new EmbeddingCache(connections.mongo().database(), clock),
            // Only a process that also runs the leads' workflows sees their queue.
            queues.contains(WorkerSettings.LEADS)
                ? WorkflowTaskAdmission.of(
                    connections.workflowTaskLatency(),
                    Duration.ofMillis(settings.getAdmissionLatencyMillis()))
                : Admission.OPEN);
    if (queues.contains(WorkerSettings.LEADS)) {
      Worker worker =
          factory.newWorker(
              TaskQueues.LEADS,
              WorkerOptions.newBuilder()
                  .setMaxConcurrentWorkflowTaskPollers(settings.getWorkflowPollers())
                  .setMaxConcurrentActivityTaskPollers(settings.getActivityPollers())
                  .setMaxConcurrentActivityExecutionSize(settings.getMaxConcurrentActivities())
                  // No cache: no sticky queue either (a zero timeout makes the SDK ask for none).
                  .setStickyQueueScheduleToStartTimeout(
                      settings.getWorkflowCacheSize() == 0 ? Duration.ZERO : Duration.ofSeconds(5))
                  .build());
      worker.registerWorkflowImplementationTypes(
          DiagnosticsWorkflowImpl.class,
          LeadWorkflowImpl.class,
          KillSwitchWorkflowImpl.class,
          ArmGuardWorkflowImpl.class,
          InboundMediaWorkflowImpl.class,
          LeadErasureWorkflowImpl.class,
          AfterEndMessageWorkflowImpl.class,
          AfterEndDraftWorkflowImpl.class);
      WhatsAppSettings whatsappSettings =
          new WhatsAppSettings(
              whatsapp.baseUrl(),
              whatsapp.apiVersion(),
              whatsapp.phoneNumberId(),
              whatsapp.accessToken());
      WhatsAppClient client = new WhatsAppClient(whatsappSettings);
      // At start: MongoDB (embedded) is not up while the worker is being built.
      this.registerSenders = () -> registerSenders(store, whatsapp);
      TemplateComposeActivities composer =
          new TemplateComposeActivities(
              store,
              new Retriever(
                  connections.mongo().database(),
                  embeddings,
                  connections.mongo()::vectorSearchQueryable),
              clock,
              llm.enabled() ? new LlmWriter(ChatModels.build(llm)) : null,
              llm.enabled() ? llm.label() : null);
      OutboundMedia outboundMedia =
          new OutboundMedia(connections.storage().storage(), connections.mongo().database());
      if (!settings.getCardImageModel().isBlank() && "openai".equals(llm.provider())) {
        outboundMedia.withBackgrounds(
            new GeneratedBackgrounds(
                connections.storage().storage(),
                llm.baseUrl() == null || llm.baseUrl().isBlank()
                    ? "https://api.openai.com/v1"
                    : llm.baseUrl(),
                llm.apiKey(),
                settings.getCardImageModel(),
                null));
      } else if (!settings.getCardImageModel().isBlank()) {
        LOG.warn("CARD_IMAGE_MODEL needs LLM_PROVIDER=openai: image cards are drawn offline");
      }
      if ("link".equals(settings.getMediaDelivery())) {
        outboundMedia.withLinks(settings.getMediaLinkTtl().toJavaDuration());
      }
      composer.withImageCards(outboundMedia);
      if (!settings.getVoiceModel().isBlank() && !"openai".equals(llm.provider())) {
        LOG.warn("VOICE_MODEL needs LLM_PROVIDER=openai: voice notes are spoken offline");
      }
      composer.withVoiceNotes(
          new VoiceNotes(
              connections.storage().storage(), VoiceNotes.provider(llm, settings.getVoiceModel())));
      SenderClients senderClients = new SenderClients(whatsappSettings, client, whatsapp.tokens());
      this.reportTokens =
          new SenderTokenReport(new Senders(store.database()), senderClients, clock);
      MessagingActivitiesImpl messaging =
          new MessagingActivitiesImpl(
              store,
              senderClients,
              whatsapp.throughputShare(),
              clock,
              d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000));
      messaging.withMedia(outboundMedia);
      // Owners handed the leads waiting for them when a lead they held ends (whenOwnerFreed).
      this.ownerTakes =
          new ThreadPoolExecutor(
              1,
              1,
              0,
              TimeUnit.MILLISECONDS,
              new ArrayBlockingQueue<>(WAKE_QUEUE),
              r -> {
                Thread t = new Thread(r, "owner-take");
                t.setDaemon(true);
                return t;
              });
      // A probe that Meta accepts gives its number back: its waiting leads are woken as by an
      // operator's resume (the same WaitingLeads), on one background thread, not the send's.
      this.senderWakes =
          new ThreadPoolExecutor(
              1,
              1,
              0,
              TimeUnit.MILLISECONDS,
              new ArrayBlockingQueue<>(WAKE_QUEUE),
              r -> {
                Thread t = new Thread(r, "sender-wake");
                t.setDaemon(true);
                return t;
              });
      messaging.whenNumberBack(
          new WaitingLeads(store.database(), this.client).inBackground(senderWakes));
      // A place a rep's lead freed (it ended, was reassigned at its SLA's deadline, or was erased)
      // goes at once to the next lead waiting for that rep (the PUT's WaitingHandOffs), on one
      // background thread, not the activity's; one queue, so a rep is queued once at a time.
      java.util.function.Consumer<String> ownerHasRoom =
          new WaitingHandOffs(store.database(), this.client, clock).inBackground(ownerTakes);
      worker.registerActivitiesImplementations(
          new DiagnosticsActivitiesImpl(
              connections.mongo().database(), connections.storage().storage()),
          new LeadActivitiesImpl(
                  store,
                  clock,
                  new PersonaBuilder(
                      connections.mongo().database(),
                      new Topics(connections.mongo().database(), embeddings),
                      clock))
              // A lead its owner held ends: the place it frees goes to the next lead waiting.
              .whenOwnerFreed(ownerHasRoom),
          // Runs recorded before the research queue still schedule research here.
          research,
          composer,
          messaging,
          new AfterEndActivitiesImpl(store, clock),
          new ComposeAndSendActivities(composer, messaging, store),
          new InboundMediaActivitiesImpl(
                  store, connections.storage().storage(), senderClients, clock)
              .withTranscription(
                  Transcriber.from(llm, null),
                  llm.enabled()
                      ? new LlmClassifier(ChatModels.build(llm), llm.label())
                      : ReplyClassifier.LEXICON)
              .withImageDescriptions(ImageDescriber.from(llm))
              .withUndatedNotNowSnooze(notNowSnooze),
          new VariantActivitiesImpl(connections.mongo().database(), clock),
          new com.salesagent.activities.handoff.HandOffActivitiesImpl(
                  connections.mongo().database(), clock)
              .whenOwnerFreed(ownerHasRoom),
          new LeadErasureActivitiesImpl(
                  store, connections.storage().storage(), connections.temporal().client(), clock)
              .whenOwnerFreed(ownerHasRoom));
    }
    if (queues.contains(WorkerSettings.RESEARCH)) {
      // Bounded: one embedding call already keeps both cores of a small machine busy, so more
      // slots only make every research slower and starve the leads queue's threads of CPU.
      int slots = settings.getResearchConcurrency();
      factory
          .newWorker(
              TaskQueues.RESEARCH,
              WorkerOptions.newBuilder()
                  .setMaxConcurrentActivityTaskPollers(
                      Math.max(1, Math.min(settings.getActivityPollers(), slots)))
                  .setMaxConcurrentActivityExecutionSize(slots)
                  .build())
          .registerActivitiesImplementations(
              research,
              new com.salesagent.activities.knowledge.KnowledgeActivitiesImpl(
                      connections.mongo().database(),
                      embeddings::embedAll,
                      new EmbeddingCache(connections.mongo().database(), clock),
                      clock)
                  .withWriter(llm.enabled() ? ChatModels.build(llm) : null, llm.label()));
    }
    LOG.info(
        "worker serves task queues {} (research: at most {} at once)",
        queues,
        settings.getResearchConcurrency());
  }

  /**
   * The configured number (WHATSAPP_PHONE_NUMBER_ID, its token in WHATSAPP_ACCESS_TOKEN: the pool
   * of one it always was) and those of WHATSAPP_SENDERS join the {@code senders} pool; numbers
   * added through the API are there already. Only token references are stored.
   */
  private static void registerSenders(LeadStore store, Endpoints.WhatsAppEndpoint whatsapp) {
    Senders senders = new Senders(store.database());
    Integer primaryTier = null;
    for (SenderSpec spec : whatsapp.senders()) {
      if (spec.phoneNumberId().equals(whatsapp.phoneNumberId())) {
        primaryTier = spec.tier();
      } else {
        senders.register(spec.phoneNumberId(), spec.tokenRef(), spec.tier(), false);
      }
    }
    if (!whatsapp.phoneNumberId().isBlank()) {
      senders.register(
          whatsapp.phoneNumberId(), SenderClients.PRIMARY_TOKEN_REF, primaryTier, true);
    }
    LOG.info("sender pool: {} business number(s)", senders.sending().size());
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
    registerSenders.run();
    reportTokens.run();
    if (settings.servedQueues().contains(WorkerSettings.LEADS)) {
      tokenReports =
          java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "sender-token-report");
                t.setDaemon(true);
                return t;
              });
      long every = Senders.TOKEN_REPORT_EVERY.toMillis();
      tokenReports.scheduleWithFixedDelay(reportTokens, every, every, TimeUnit.MILLISECONDS);
    }
    factory.start();
    // The arm guard runs on the leads queue: a research-only process leaves it alone.
    if (settings.servedQueues().contains(WorkerSettings.LEADS)) {
      startArmGuard(Duration.ofMillis(settings.getArmGuardInterval().toMilliseconds()));
    }
  }

  /**
   * The arm guard is one workflow for the whole system: the first worker up starts it; a later one
   * finds it running and, if its configured interval differs, signals the new one (zero stops the
   * loop).
   */
  private void startArmGuard(Duration every) {
    ArmGuardWorkflow guard =
        client.newWorkflowStub(
            ArmGuardWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ArmGuardWorkflow.WORKFLOW_ID)
                .setTaskQueue(TaskQueues.LEADS)
                .build());
    try {
      if (every.isZero() || every.isNegative()) {
        client.newWorkflowStub(ArmGuardWorkflow.class, ArmGuardWorkflow.WORKFLOW_ID).every(every);
        return;
      }
      WorkflowClient.start(guard::run, new ArmGuardWorkflow.ArmGuardState(every, 0, 0));
      LOG.info("arm guard started: one check every {}", every);
    } catch (WorkflowExecutionAlreadyStarted e) {
      ArmGuardWorkflow running =
          client.newWorkflowStub(ArmGuardWorkflow.class, ArmGuardWorkflow.WORKFLOW_ID);
      if (!every.equals(running.state().interval())) {
        running.every(every);
      }
    } catch (WorkflowNotFoundException e) {
      // Disabled here and not running anywhere: nothing to stop.
    } catch (RuntimeException e) {
      // Leads do not depend on it: report and go on; the next worker start tries again.
      LOG.warn("arm guard not started: {}", e.toString());
    }
  }

  @Override
  public void stop() throws InterruptedException {
    if (tokenReports != null) {
      tokenReports.shutdownNow();
    }
    if (senderWakes != null) {
      senderWakes.shutdownNow();
    }
    if (ownerTakes != null) {
      ownerTakes.shutdownNow();
    }
    factory.shutdown();
    factory.awaitTermination(10, TimeUnit.SECONDS);
  }
}
