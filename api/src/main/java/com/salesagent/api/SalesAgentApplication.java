package com.salesagent.api;

import com.salesagent.activities.compose.ChatModels;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.triage.LlmClassifier;
import com.salesagent.activities.triage.ReplyClassifier;
import com.salesagent.api.auth.ApiSecurity;
import com.salesagent.api.bench.BenchCommand;
import com.salesagent.api.config.ApiConfiguration;
import com.salesagent.api.embedded.EmbeddedRuntime;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.api.leads.AnalyticsResource;
import com.salesagent.api.leads.ApprovalResource;
import com.salesagent.api.leads.Enrolment;
import com.salesagent.api.leads.LeadResource;
import com.salesagent.api.leads.LeadValidator;
import com.salesagent.api.leads.VariantResource;
import com.salesagent.api.resources.DiagnosticsResource;
import com.salesagent.api.suppressions.SuppressionResource;
import com.salesagent.api.webhook.DeadLetterResource;
import com.salesagent.api.webhook.LeadSignaller;
import com.salesagent.api.webhook.WebhookInbox;
import com.salesagent.api.webhook.WhatsAppWebhookResource;
import com.salesagent.worker.Connections;
import com.salesagent.worker.Endpoints;
import com.salesagent.worker.WorkerRuntime;
import com.salesagent.worker.cli.ConfigSources;
import com.salesagent.worker.cli.DefaultedServerCommand;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.CheckCommand;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.util.JarLocation;
import io.temporal.client.WorkflowClient;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sales agent's one runnable jar. {@code embedded} runs everything in one JVM on in-process
 * stand-ins; {@code server} runs the API against the real stack named by the environment.
 */
public class SalesAgentApplication extends Application<ApiConfiguration> {
  private final Map<String, String> environment;
  private final long constructedAt = System.nanoTime();
  private static final Logger LOG = LoggerFactory.getLogger(SalesAgentApplication.class);
  private volatile Connections connections;
  private volatile WhatsAppEmulator emulator;
  private volatile WebhookInbox inbox;
  private volatile org.eclipse.jetty.server.Server server;

  public SalesAgentApplication() {
    this(System.getenv());
  }

  /** Tests pass their own environment instead of the process's. */
  public SalesAgentApplication(Map<String, String> environment) {
    this.environment = environment;
  }

  public static void main(String[] args) throws Exception {
    new SalesAgentApplication().run(args);
  }

  /** The WhatsApp emulator of the embedded default (null otherwise). */
  public WhatsAppEmulator emulator() {
    return emulator;
  }

  public WebhookInbox inbox() {
    return inbox;
  }

  /** The running Jetty server (null before start): its connectors' ports, and stop(). */
  public org.eclipse.jetty.server.Server server() {
    return server;
  }

  /** The connections of the running application (null before {@link #run}). */
  public Connections connections() {
    return connections;
  }

  /**
   * Runs a command the way {@link #run(String...)} does, but with the given streams and without
   * exiting the JVM; returns the failure, if any.
   */
  public Optional<Throwable> runCommand(PrintStream out, PrintStream err, String... arguments)
      throws Exception {
    Bootstrap<ApiConfiguration> bootstrap = new Bootstrap<>(this);
    addDefaultCommands(bootstrap);
    initialize(bootstrap);
    bootstrap.registerMetrics();
    return new Cli(new JarLocation(getClass()), bootstrap, out, err).run(arguments);
  }

  @Override
  public String getName() {
    return "sales-agent";
  }

  @Override
  protected void addDefaultCommands(Bootstrap<ApiConfiguration> bootstrap) {
    bootstrap.addCommand(
        new DefaultedServerCommand<>(
            this,
            "embedded",
            "Runs the whole system in one JVM on its embedded default (no Docker needed)",
            "embedded.yml"));
    bootstrap.addCommand(
        new DefaultedServerCommand<>(
            this, "server", "Runs the API against the real stack (see README.md)", "server.yml"));
    bootstrap.addCommand(new CheckCommand<>(this));
    bootstrap.addCommand(new BenchCommand());
    bootstrap.addCommand(new com.salesagent.api.bench.SimulateCommand());
    bootstrap.addCommand(new com.salesagent.api.bench.DashboardBenchCommand());
    bootstrap.addCommand(new com.salesagent.api.chaos.ChaosCommand());
  }

  @Override
  public void initialize(Bootstrap<ApiConfiguration> bootstrap) {
    ConfigSources.configure(bootstrap, environment);
    // The dashboard and its charting library, served from the jar: nothing from the internet.
    bootstrap.addBundle(
        new io.dropwizard.assets.AssetsBundle(
            "/assets/dashboard", "/dashboard/", "index.html", "dashboard"));
    bootstrap.addBundle(
        new io.dropwizard.assets.AssetsBundle(
            "/META-INF/resources/webjars/chart.js/" + webjarVersion("chart.js") + "/dist",
            "/webjars/chart.js/dist",
            null,
            "chartjs"));
  }

  /**
   * Triage runs on the webhook inbox's partition threads, ahead of that partition's next events:
   * its calls get at most 5 s and one retry (the lexicon answers when the model does not).
   */
  static com.salesagent.activities.compose.LlmSettings triageSettings(
      com.salesagent.activities.compose.LlmSettings s) {
    Duration timeout =
        s.timeout().compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : s.timeout();
    return new com.salesagent.activities.compose.LlmSettings(
        s.provider(), s.model(), s.apiKey(), s.baseUrl(), timeout, Math.min(1, s.maxRetries()));
  }

  /** The version of a WebJar on the class path, from its Maven metadata. */
  static String webjarVersion(String artifact) {
    String path = "/META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
    try (java.io.InputStream in = SalesAgentApplication.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("WebJar " + artifact + " is missing from the class path");
      }
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void run(ApiConfiguration config, Environment env) {
    boolean embedded = config.getEmbedded().isEnabled();
    String configuredToken = config.getApi().getAdminToken();
    String token = ApiSecurity.token(configuredToken, embedded);
    boolean tokenGenerated = configuredToken.isBlank();

    List<String> embeddedUrls = List.of();
    Endpoints endpoints;
    WhatsAppEmulator emulator = null;
    if (embedded) {
      EmbeddedRuntime runtime = EmbeddedRuntime.register(config, env);
      endpoints = runtime.endpoints();
      embeddedUrls = runtime.urls();
      emulator = runtime.emulator();
    } else {
      endpoints = Endpoints.fromConfiguration(config);
    }
    this.emulator = emulator;

    PortPreflight.check(config);
    Connections connections = Connections.open(config, env, endpoints);
    this.connections = connections;
    if (config.getWorker().isInProcess()) {
      env.lifecycle()
          .manage(
              new WorkerRuntime(
                  connections,
                  config.getWorker(),
                  endpoints.whatsapp(),
                  config.getLlm().toSettings()));
    }
    Clock clock = Clock.systemUTC();
    LeadStore store =
        new LeadStore(connections.mongo().database())
            .insertionOrderNewestFirst(config.getMongodb().isEmbedded());
    WorkflowClient client = connections.temporal().client();
    var llm = config.getLlm().toSettings();
    ReplyClassifier classifier =
        llm.enabled()
            ? new LlmClassifier(ChatModels.build(triageSettings(llm)), llm.label())
            : ReplyClassifier.LEXICON;
    WebhookInbox inbox =
        new WebhookInbox(
            store,
            LeadSignaller.temporal(client),
            endpoints.whatsapp().phoneNumberId(),
            clock,
            8,
            classifier,
            config.getApi().getWebhookRetention().toJavaDuration());
    env.lifecycle().manage(inbox);
    this.inbox = inbox;

    env.jersey().register(new ServerTiming());
    ApiSecurity.register(env, token, config.getApi().getOperatorName());
    env.jersey().register(new DiagnosticsResource(client));
    env.jersey().register(new DeadLetterResource(inbox));
    LeadValidator validator =
        new LeadValidator(
            config.getLifecycle().getDefaultTimezone(), config.getApi().getDefaultPhoneRegion());
    env.jersey()
        .register(new SuppressionResource(connections.mongo().database(), validator, clock));
    env.jersey().register(new AnalyticsResource(connections.mongo().database()));
    com.salesagent.api.dashboard.LiveFeed feed =
        new com.salesagent.api.dashboard.LiveFeed(
            connections.mongo().database(),
            () -> {
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
            },
            500);
    env.lifecycle().manage(feed);
    env.lifecycle()
        .addEventListener(
            new org.eclipse.jetty.util.component.LifeCycle.Listener() {
              @Override
              public void lifeCycleStopping(org.eclipse.jetty.util.component.LifeCycle event) {
                feed.endStreams();
              }
            });
    env.jersey()
        .register(
            new com.salesagent.api.dashboard.DashboardResource(
                connections.mongo().database(), feed));
    env.jersey().register(new com.salesagent.api.dashboard.DashboardPage());
    // Stream responses as written (the live feed flushes each event), not after an 8 KiB buffer.
    env.jersey()
        .property(org.glassfish.jersey.server.ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0);
    env.jersey().register(new VariantResource(connections.mongo().database(), client));
    ApprovalResource approvals = new ApprovalResource(store, client);
    env.jersey().register(approvals);
    env.jersey()
        .register(
            new LeadResource(
                validator,
                new Enrolment(store, client, clock),
                store,
                client,
                env.getObjectMapper(),
                config.getApi().getTemporalUiUrl(),
                config.getTemporal().getNamespace(),
                approvals));
    env.jersey()
        .register(
            new WhatsAppWebhookResource(
                endpoints.whatsapp().appSecret(), endpoints.whatsapp().verifyToken(), inbox));
    if (endpoints.whatsapp().appSecret().isBlank()) {
      LOG.warn("WHATSAPP_APP_SECRET is not set: every webhook notification will be refused (401)");
    }
    WhatsAppEmulator emulatorRef = emulator;
    env.lifecycle()
        .addServerLifecycleListener(
            server -> {
              this.server = server;
              if (emulatorRef != null) {
                emulatorRef.setWebhookUrl(
                    "http://127.0.0.1:" + ServerPorts.application(server) + "/webhooks/whatsapp");
              }
            });

    String bannerToken = token;
    boolean generated = tokenGenerated;
    List<String> urls = embeddedUrls;
    env.lifecycle()
        .addServerLifecycleListener(
            server ->
                StartupBanner.print(
                    System.out,
                    embedded,
                    ServerPorts.application(server),
                    ServerPorts.admin(server),
                    urls,
                    bannerToken,
                    generated,
                    config.getApi().getTemporalUiUrl(),
                    Duration.ofNanos(System.nanoTime() - constructedAt)));
  }
}
