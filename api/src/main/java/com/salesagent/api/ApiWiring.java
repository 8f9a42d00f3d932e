package com.salesagent.api;

import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.compose.ChatModels;
import com.salesagent.activities.compose.LlmSettings;
import com.salesagent.activities.lead.WaitingLeads;
import com.salesagent.activities.media.MediaRetention;
import com.salesagent.activities.mongo.HeldMessages;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.persona.PersonaBuilder;
import com.salesagent.activities.persona.PersonaSearch;
import com.salesagent.activities.persona.SegmentDiscovery;
import com.salesagent.activities.persona.Topics;
import com.salesagent.activities.privacy.PiiHash;
import com.salesagent.activities.research.Embeddings;
import com.salesagent.activities.triage.LlmClassifier;
import com.salesagent.activities.triage.ReplyClassifier;
import com.salesagent.api.analytics.AnalyticsResource;
import com.salesagent.api.approvals.ApprovalResource;
import com.salesagent.api.config.ApiConfiguration;
import com.salesagent.api.dashboard.DashboardResource;
import com.salesagent.api.dashboard.LiveFeed;
import com.salesagent.api.embedded.EmbeddedRuntime;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.api.http.RequestJson;
import com.salesagent.api.leads.Enrolment;
import com.salesagent.api.leads.LeadErasure;
import com.salesagent.api.leads.LeadResource;
import com.salesagent.api.leads.LeadValidator;
import com.salesagent.api.media.LeadMediaResource;
import com.salesagent.api.media.MediaRetentionSweep;
import com.salesagent.api.personas.PersonaResource;
import com.salesagent.api.personas.SegmentResource;
import com.salesagent.api.senders.SenderDirectory;
import com.salesagent.api.senders.SendersResource;
import com.salesagent.api.suppressions.SuppressionResource;
import com.salesagent.api.system.DiagnosticsResource;
import com.salesagent.api.system.OpenApiDocs;
import com.salesagent.api.variants.VariantResource;
import com.salesagent.api.webhook.DeadLetterResource;
import com.salesagent.api.webhook.LeadSignaller;
import com.salesagent.api.webhook.WebhookInbox;
import com.salesagent.api.webhook.WhatsAppWebhookResource;
import com.salesagent.worker.Connections;
import com.salesagent.worker.Endpoints;
import com.salesagent.worker.WorkerRuntime;
import io.dropwizard.core.setup.Environment;
import io.temporal.client.WorkflowClient;
import jakarta.ws.rs.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the API's objects from its configuration: the embedded stand-ins or the real endpoints,
 * the connections, the in-process worker, the webhook inbox, the live feed and the resources. The
 * objects with a lifecycle are handed to Dropwizard here; {@link SalesAgentApplication#run} only
 * registers what this returns.
 */
public final class ApiWiring {
  private static final Logger LOG = LoggerFactory.getLogger(ApiWiring.class);

  /** Inbox partitions: events of one lead stay in order on one thread. */
  static final int INBOX_PARTITIONS = 8;

  /** How often the live feed polls MongoDB where it has no change streams. */
  static final int FEED_POLL_MILLIS = 500;

  private final ApiConfiguration config;
  private final boolean embedded;
  private final Connections connections;
  private final Endpoints endpoints;
  private final WhatsAppEmulator emulator;
  private final String devServer;
  private final List<String> embeddedUrls;
  private final WebhookInbox inbox;
  private final List<Object> resources;
  private volatile Server server;

  private ApiWiring(ApiConfiguration config, Environment env) {
    this.config = config;
    this.embedded = config.getEmbedded().isEnabled();
    // Before anything hashes a number: PII_HASH_KEY, else (the embedded default) the key kept in
    // DATA_DIR, made at the first start, so that the hashes stored still match after a restart.
    PiiHash.configure(
        embedded && config.getPiiHashKey().isBlank()
            ? PiiHash.keptIn(java.nio.file.Path.of(config.getEmbedded().getDataDir()))
            : PiiHash.decode(config.getPiiHashKey()));
    if (embedded) {
      EmbeddedRuntime runtime = EmbeddedRuntime.register(config, env);
      endpoints = runtime.endpoints();
      embeddedUrls = runtime.urls();
      emulator = runtime.emulator();
      devServer = runtime.devServerTarget();
    } else {
      endpoints = Endpoints.fromConfiguration(config, Endpoints.WhatsAppUse.SEND_AND_RECEIVE);
      embeddedUrls = List.of();
      emulator = null;
      devServer = null;
    }
    PortPreflight.check(config);
    connections = Connections.open(config, env, endpoints);
    if (config.getWorker().isInProcess()) {
      env.lifecycle()
          .manage(
              new WorkerRuntime(
                  connections,
                  config.getWorker(),
                  endpoints.whatsapp(),
                  config.getLlm().toSettings(),
                  config.getLifecycle().getNotNowSnooze().toJavaDuration()));
    }
    Clock clock = Clock.systemUTC();
    LeadStore store = new LeadStore(connections.mongo().database());
    store.contactList().insertionOrderNewestFirst(config.getMongodb().isEmbedded());
    WorkflowClient client = connections.temporal().client();
    inbox =
        new WebhookInbox(
            store,
            LeadSignaller.temporal(client),
            endpoints.whatsapp().phoneNumberId(),
            clock,
            INBOX_PARTITIONS,
            classifier(config.getLlm().toSettings()),
            config.getApi().getWebhookRetention().toJavaDuration(),
            personas(config, connections.mongo().database(), clock),
            config.getApi().getWebhookConcurrency());
    inbox.snoozingUndatedNotNow(config.getLifecycle().getNotNowSnooze().toJavaDuration());
    inbox.transcribingVoiceNotes(
        com.salesagent.activities.media.Transcriber.from(config.getLlm().toSettings(), null)
            != null);
    env.lifecycle().manage(inbox);
    // What waits in MongoDB (webhook backlog, sends held unknown): the same from every API process.
    new com.salesagent.api.system.BacklogGauges(connections.mongo().database(), clock)
        .register(io.micrometer.core.instrument.Metrics.globalRegistry);
    env.lifecycle()
        .manage(
            new MediaRetentionSweep(
                new MediaRetention(store, connections.storage().storage(), clock),
                config.getApi().getMediaRetention().toJavaDuration()));
    env.lifecycle()
        .manage(new com.salesagent.api.leads.PendingPersonMessages(store, client, clock));
    if (!config.getApi().getNotifyWebhookUrl().isBlank()) {
      env.lifecycle()
          .manage(
              new com.salesagent.api.notify.NotificationDispatcher(
                  connections.mongo().database(),
                  com.salesagent.api.notify.NotificationDispatcher.Settings.of(
                      config.getApi().getNotifyWebhookUrl(),
                      config.getApi().getNotifyWebhookSecret()),
                  clock));
    }
    if (!config.getApi().getHubspotAccessToken().isBlank()) {
      env.lifecycle()
          .manage(
              com.salesagent.api.crm.HubSpotSync.consumer(
                  connections.mongo().database(),
                  new com.salesagent.api.crm.HubSpotSync(
                      connections.mongo().database(),
                      new com.salesagent.api.crm.HubSpotClient(
                          config.getApi().getHubspotBaseUrl(),
                          config.getApi().getHubspotAccessToken()),
                      config.getApi().getHubspotPipeline(),
                      com.salesagent.api.crm.HubSpotSync.stages(
                          config.getApi().getHubspotDealStages()),
                      "delete".equals(config.getApi().getHubspotOnErasure())),
                  clock));
      LOG.info(
          "CRM: lead events are written to HubSpot at {}", config.getApi().getHubspotBaseUrl());
    }
    Senders senders = new Senders(connections.mongo().database());
    WaitingLeads waitingLeads = new WaitingLeads(connections.mongo().database(), client);
    // Meta's notifications that give a number back wake its waiting leads on one background thread
    // (the webhook answers Meta at once); a number is queued at most once at a time.
    SenderDirectory senderDirectory =
        new SenderDirectory(
            senders,
            endpoints.whatsapp().phoneNumberId(),
            clock,
            waitingLeads.inBackground(
                env.lifecycle()
                    .executorService("sender-wake-%d")
                    .minThreads(1)
                    .maxThreads(1)
                    .workQueue(new ArrayBlockingQueue<>(64))
                    .build()));
    // Tells the live leads of a number suppressed while they run (by hand, or through another
    // lead).
    com.salesagent.api.suppressions.SuppressedLeads suppressedLeads =
        new com.salesagent.api.suppressions.SuppressedLeads(
            store, LeadSignaller.temporal(client), clock);
    env.lifecycle().manage(suppressedLeads);
    LiveFeed feed = liveFeed(env);
    LeadValidator validator =
        new LeadValidator(
            config.getLifecycle().getDefaultTimezone(), config.getApi().getDefaultPhoneRegion());
    ApprovalResource approvals =
        new ApprovalResource(new HeldMessages(connections.mongo().database()), client);
    com.salesagent.activities.media.VoiceNotes voiceNotes =
        new com.salesagent.activities.media.VoiceNotes(
            connections.storage().storage(),
            com.salesagent.activities.media.VoiceNotes.provider(
                config.getLlm().toSettings(), config.getWorker().getVoiceModel()));
    Enrolment enrolment =
        new Enrolment(
            store,
            client,
            clock,
            config.getApi().getErasureSweepAfter().toJavaDuration(),
            config.getApi().getRecontactAfter().toJavaDuration());
    com.salesagent.api.leads.ImportRecords imports =
        new com.salesagent.api.leads.ImportRecords(
            connections.mongo().database(),
            clock,
            config.getApi().getImportRetention().toJavaDuration());
    com.salesagent.api.leads.LeadImportResource leadImports =
        new com.salesagent.api.leads.LeadImportResource(
            validator,
            enrolment,
            env.getObjectMapper(),
            imports,
            // ?async=true imports: two at once, eight waiting, then 503.
            env.lifecycle()
                .executorService("lead-import-%d")
                .minThreads(com.salesagent.api.leads.LeadImportResource.BACKGROUND_THREADS)
                .maxThreads(com.salesagent.api.leads.LeadImportResource.BACKGROUND_THREADS)
                .workQueue(
                    new ArrayBlockingQueue<>(
                        com.salesagent.api.leads.LeadImportResource.BACKGROUND_QUEUE))
                .build(),
            // Their bodies are kept from the 202 to the end: another process resumes them.
            connections.storage().storage());
    env.lifecycle().manage(new com.salesagent.api.leads.ImportResumer(imports, leadImports));
    // LEAD_RETENTION: ended leads inactive that long are erased (off at 0, the default).
    env.lifecycle()
        .manage(
            new com.salesagent.api.leads.LeadRetentionSweep(
                store,
                client,
                config.getApi().getErasureSweepAfter().toJavaDuration(),
                config.getApi().leadRetention().toJavaDuration(),
                clock));
    LeadErasure erasure =
        new LeadErasure(
            store, client, config.getApi().getErasureSweepAfter().toJavaDuration(), clock);
    List<Object> resources =
        List.of(
            new PersonaResource(
                new PersonaSearch(
                    connections.mongo().database(), connections.mongo()::personaSearchQueryable),
                new SegmentDiscovery(connections.mongo().database())),
            new SegmentResource(connections.mongo().database(), clock),
            new ServerTiming(),
            new DiagnosticsResource(client),
            new DeadLetterResource(inbox),
            new SuppressionResource(
                connections.mongo().database(), validator, clock, suppressedLeads),
            new AnalyticsResource(connections.mongo().database()),
            new DashboardResource(connections.mongo().database(), feed),
            new VariantResource(connections.mongo().database(), client),
            approvals,
            new LeadResource(
                    validator,
                    enrolment,
                    store,
                    client,
                    env.getObjectMapper(),
                    config.getApi().getTemporalUiUrl(),
                    config.getTemporal().getNamespace(),
                    approvals,
                    erasure)
                // A rep's place a release or a reassignment frees goes at once to the oldest lead
                // waiting for them, on one background thread (the request answers at once); a
                // rep is queued at most once at a time.
                .whenOwnerFreed(
                    new com.salesagent.activities.handoff.WaitingHandOffs(
                            connections.mongo().database(), client, clock)
                        .inBackground(
                            env.lifecycle()
                                .executorService("owner-take-%d")
                                .minThreads(1)
                                .maxThreads(1)
                                .workQueue(new ArrayBlockingQueue<>(64))
                                .build())),
            leadImports,
            new com.salesagent.api.leads.ImportResource(imports),
            new WhatsAppWebhookResource(
                endpoints.whatsapp().appSecret(),
                endpoints.whatsapp().verifyToken(),
                inbox,
                senderDirectory),
            new SendersResource(senders, senderDirectory, waitingLeads, clock),
            new com.salesagent.api.owners.OwnersResource(
                connections.mongo().database(), client, clock),
            new com.salesagent.api.owners.HandOffsResource(connections.mongo().database(), clock),
            new com.salesagent.api.owners.AfterEndResource(store, clock),
            new com.salesagent.api.knowledge.KnowledgeResource(
                connections.mongo().database(), clock),
            new LeadMediaResource(store, connections.storage().storage()),
            new com.salesagent.api.leads.SubjectAccessResource(
                new com.salesagent.api.leads.SubjectAccess(
                    store,
                    validator,
                    env.getObjectMapper(),
                    connections.storage().storage().bucket(),
                    clock),
                erasure),
            new com.salesagent.api.leads.LeadVoiceNoteResource(
                store, client, env.getObjectMapper(), voiceNotes),
            new com.salesagent.api.leads.DraftResource(store, clock),
            new com.salesagent.api.leads.HubSpotImportResource(
                config.getApi().getHubspotAccessToken().isBlank()
                    ? null
                    : new com.salesagent.api.crm.HubSpotClient(
                        config.getApi().getHubspotBaseUrl(),
                        config.getApi().getHubspotAccessToken()),
                config.getApi().getHubspotConsentProperty(),
                validator,
                enrolment,
                store,
                env.getObjectMapper(),
                clock,
                imports),
            new com.salesagent.api.crm.HubSpotWebhookResource(
                config.getApi().getHubspotClientSecret(),
                config.getApi().getHubspotWebhookUrl(),
                com.salesagent.api.crm.HubSpotSync.stages(config.getApi().getHubspotDealStages()),
                store,
                client,
                env.getObjectMapper(),
                clock),
            new com.salesagent.api.variants.VariantVoiceNoteResource(
                new com.salesagent.activities.variants.VariantStore(
                    connections.mongo().database(), clock),
                voiceNotes));
    List<Object> all = new ArrayList<>(RequestJson.errorMappers());
    all.addAll(resources);
    this.resources = withDescription(all);
    if (endpoints.whatsapp().appSecret().isBlank()) {
      LOG.warn("WHATSAPP_APP_SECRET is not set: every webhook notification will be refused (401)");
    }
  }

  /** The resources and, described from their annotations, {@code /api/openapi.json}. */
  private static List<Object> withDescription(List<Object> resources) {
    Set<Class<?>> described = new LinkedHashSet<>();
    for (Object r : resources) {
      if (r.getClass().isAnnotationPresent(Path.class)) {
        described.add(r.getClass());
      }
    }
    String version = ApiWiring.class.getPackage().getImplementationVersion();
    List<Object> all = new ArrayList<>(resources);
    all.add(OpenApiDocs.describing(described, version == null ? "dev" : version));
    return List.copyOf(all);
  }

  /**
   * Builds the objects for this configuration and hands the ones with a lifecycle to {@code env}.
   */
  static ApiWiring build(ApiConfiguration config, Environment env) {
    return new ApiWiring(config, env);
  }

  /** Resources, providers and filters to register with Jersey. */
  List<Object> resources() {
    return resources;
  }

  /** Meta's webhook, which the servlet's fast lane serves at its exact path. */
  WhatsAppWebhookResource webhook() {
    return resources.stream()
        .filter(WhatsAppWebhookResource.class::isInstance)
        .map(WhatsAppWebhookResource.class::cast)
        .findFirst()
        .orElseThrow();
  }

  /** Once Jetty listens: the emulator learns where to post its webhooks, the banner is printed. */
  void started(Server server, String token, boolean tokenGenerated, Duration startup) {
    this.server = server;
    if (emulator != null) {
      emulator.setWebhookUrl(
          "http://127.0.0.1:" + ServerPorts.application(server) + "/webhooks/whatsapp");
    }
    StartupBanner.print(
        System.out,
        embedded,
        ServerPorts.application(server),
        ServerPorts.admin(server),
        embeddedUrls,
        token,
        tokenGenerated,
        config.getApi().getTemporalUiUrl(),
        startup);
  }

  private LiveFeed liveFeed(Environment env) {
    LiveFeed feed =
        new LiveFeed(connections.mongo().database(), this::useChangeStreams, FEED_POLL_MILLIS);
    env.lifecycle().manage(feed);
    env.lifecycle()
        .addEventListener(
            new LifeCycle.Listener() {
              @Override
              public void lifeCycleStopping(LifeCycle event) {
                feed.endStreams();
              }
            });
    return feed;
  }

  /** LIVE_FEED_SOURCE: change streams where MongoDB has them (auto: not on the embedded one). */
  private boolean useChangeStreams() {
    String source = config.getApi().getLiveFeed();
    boolean available =
        connections.mongo().capabilities() != null
            && connections.mongo().capabilities().changeStreams();
    if ("change_streams".equals(source) && !available) {
      LOG.warn("LIVE_FEED_SOURCE=change_streams but MongoDB offers none: polling");
    }
    return available
        && ("change_streams".equals(source)
            || ("auto".equals(source) && !config.getMongodb().isEmbedded()));
  }

  /**
   * Replies update personas here; their topics need the embedding model, which loads on the first
   * reply (in one JVM with the worker, the model's weights are shared).
   */
  private static PersonaBuilder personas(ApiConfiguration config, MongoDatabase db, Clock clock) {
    java.nio.file.Path cacheDir =
        java.nio.file.Path.of(config.getWorker().getCacheDir()).toAbsolutePath().normalize();
    return new PersonaBuilder(db, new Topics(db, new Embeddings(cacheDir)), clock);
  }

  private static ReplyClassifier classifier(LlmSettings llm) {
    return llm.enabled()
        ? new LlmClassifier(ChatModels.build(triageSettings(llm)), llm.label())
        : ReplyClassifier.LEXICON;
  }

  /**
   * Triage runs on the webhook inbox's partition threads, ahead of that partition's next events:
   * its calls get at most 5 s and one retry (the lexicon answers when the model does not).
   */
  static LlmSettings triageSettings(LlmSettings s) {
    Duration timeout =
        s.timeout().compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : s.timeout();
    return new LlmSettings(
        s.provider(), s.model(), s.apiKey(), s.baseUrl(), timeout, Math.min(1, s.maxRetries()));
  }

  public Connections connections() {
    return connections;
  }

  /** The WhatsApp emulator of the embedded default (null otherwise). */
  public WhatsAppEmulator emulator() {
    return emulator;
  }

  /**
   * The embedded dev server's port ({@code 127.0.0.1:<port>}, for other processes; this one's
   * clients use its in-process endpoint), or null when Temporal is not embedded.
   */
  public String devServerTarget() {
    return devServer;
  }

  public WebhookInbox inbox() {
    return inbox;
  }

  /** The running Jetty server (null before start). */
  public Server server() {
    return server;
  }
}
