package com.salesagent.api;

import com.salesagent.api.auth.ApiSecurity;
import com.salesagent.api.config.ApiConfiguration;
import com.salesagent.api.dashboard.DashboardRedirect;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.api.http.JsonErrorHandler;
import com.salesagent.api.http.KnownQueryParameters;
import com.salesagent.api.http.RequestJson;
import com.salesagent.api.http.StaticAssets;
import com.salesagent.api.webhook.WebhookInbox;
import com.salesagent.api.webhook.WhatsAppWebhookServlet;
import com.salesagent.worker.Connections;
import com.salesagent.worker.cli.ConfigSources;
import com.salesagent.worker.cli.DefaultedServerCommand;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.CheckCommand;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.util.JarLocation;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The sales agent's API. {@code embedded} runs everything in one JVM on in-process stand-ins;
 * {@code server} runs the API against the real stack named by the environment. {@link ApiWiring}
 * builds the objects; this class registers them. The jar's entry point, with the bench, simulate
 * and chaos commands, is {@code com.salesagent.tools.SalesAgentCli}.
 */
public class SalesAgentApplication extends Application<ApiConfiguration> {
  private final Map<String, String> environment;
  private final long constructedAt = System.nanoTime();
  private volatile ApiWiring wiring;

  public SalesAgentApplication() {
    this(System.getenv());
  }

  /** Tests and tools pass their own environment instead of the process's. */
  public SalesAgentApplication(Map<String, String> environment) {
    this.environment = environment;
  }

  public static void main(String[] args) throws Exception {
    new SalesAgentApplication().run(args);
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
  }

  @Override
  public void initialize(Bootstrap<ApiConfiguration> bootstrap) {
    ConfigSources.configure(bootstrap, environment);
    // The dashboard and its charting library, served from the jar: nothing from the internet.
    bootstrap.addBundle(
        new StaticAssets("/assets/dashboard", "/dashboard/", "index.html", "dashboard"));
    bootstrap.addBundle(
        new StaticAssets(
            "/META-INF/resources/webjars/chart.js/"
                + webjarVersion("org.webjars.npm", "chart.js")
                + "/dist",
            "/webjars/chart.js/dist",
            null,
            "chartjs"));
    // The API's browsable description (Swagger UI over /api/openapi.json).
    bootstrap.addBundle(
        new StaticAssets("/assets/api-docs", "/api-docs/", "index.html", "api-docs"));
    bootstrap.addBundle(
        new StaticAssets(
            "/META-INF/resources/webjars/swagger-ui/" + webjarVersion("org.webjars", "swagger-ui"),
            "/api-docs/ui/",
            null,
            "swagger-ui"));
  }

  @Override
  public void run(ApiConfiguration config, Environment env) {
    String configuredToken = config.getApi().getAdminToken();
    String token = ApiSecurity.token(configuredToken, config.getEmbedded().isEnabled());
    // Request bodies: an unknown or repeated field is refused, on every route (not the webhooks').
    RequestJson.strict(env.getObjectMapper());
    ApiWiring wiring = ApiWiring.build(config, env);
    this.wiring = wiring;
    ApiSecurity.register(
        env,
        token,
        config.getApi().getOperatorName(),
        ApiSecurity.trustedProxies(config.getApi().getTrustedProxies()));
    // The admin port has no token: no web page of another site may drive it from a browser.
    com.salesagent.api.http.AdminBrowserGuard.register(env);
    // Query parameters: one a route does not take is refused (a misspelt filter filtered nothing).
    env.jersey().register(new KnownQueryParameters());
    // Id filters (campaignId, segment, variantId) no id can match: 400 naming them, not 200 empty.
    env.jersey().register(new com.salesagent.api.http.QueryIds());
    // Request bodies are JSON (415 naming Content-Type otherwise) but where a route says not.
    env.jersey().register(new com.salesagent.api.http.JsonBodies());
    // A Content-Type that is no media type: routed and authenticated, then 415 naming it.
    env.servlets()
        .addFilter("unparseable-types", new com.salesagent.api.http.JsonBodies.UnparseableTypes())
        .addMappingForUrlPatterns(
            java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST), true, "/*");
    wiring.resources().forEach(env.jersey()::register);
    env.servlets()
        .addServlet("dashboard-redirect", new DashboardRedirect())
        .addMapping(DashboardRedirect.PATH);
    // Meta's webhook at its exact path without Jersey (an exact mapping wins over Jersey's /*).
    env.servlets()
        .addServlet(
            "whatsapp-webhook",
            new WhatsAppWebhookServlet(wiring.webhook(), env.getObjectMapper(), env.metrics()))
        .addMapping(WhatsAppWebhookServlet.PATH);
    // Stream responses as written (the live feed flushes each event), not after an 8 KiB buffer.
    env.jersey().property(ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0);
    // Jetty's own refusals (a URI or headers over its limits, a path it refuses) in the API's
    // JSON error shape, not its HTML page.
    env.getApplicationContext().setErrorHandler(new JsonErrorHandler());
    env.lifecycle()
        .addServerLifecycleListener(server -> server.setErrorHandler(new JsonErrorHandler()));
    env.lifecycle()
        .addServerLifecycleListener(
            server ->
                wiring.started(
                    server,
                    token,
                    configuredToken.isBlank(),
                    Duration.ofNanos(System.nanoTime() - constructedAt)));
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

  /** What the running application built (null before {@link #run}). */
  public ApiWiring wiring() {
    return wiring;
  }

  /** The connections of the running application (null before {@link #run}). */
  public Connections connections() {
    return wiring == null ? null : wiring.connections();
  }

  /** The WhatsApp emulator of the embedded default (null otherwise). */
  public WhatsAppEmulator emulator() {
    return wiring == null ? null : wiring.emulator();
  }

  public WebhookInbox inbox() {
    return wiring == null ? null : wiring.inbox();
  }

  /** The running Jetty server (null before start): its connectors' ports, and stop(). */
  public Server server() {
    return wiring == null ? null : wiring.server();
  }

  /** The version of a WebJar on the class path, from its Maven metadata. */
  static String webjarVersion(String group, String artifact) {
    String path = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    try (InputStream in = SalesAgentApplication.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("WebJar " + artifact + " is missing from the class path");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
