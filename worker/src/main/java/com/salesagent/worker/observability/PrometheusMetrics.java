package com.salesagent.worker.observability;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.serviceclient.MetricsTag;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code /prometheus} on the admin port: in Prometheus' text format, the application's meters
 * (registered on Micrometer's global registry by the code that counts: sends by result, follow-ups,
 * webhook events, the inbox's queue), the Temporal SDK's (client and workers, through its
 * Micrometer reporter), the JVM's, and Dropwizard's own (resource timers, Jetty, logback).
 */
public final class PrometheusMetrics implements Managed {
  public static final String PATH = "/prometheus";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private Scope temporalScope;
  private WorkflowTaskLatency workflowTaskLatency;

  private PrometheusMetrics(Environment env) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    // Jersey's per-method "X.total" timer would become X_total, which Prometheus' naming reads as
    // the counter X: it collides with the method's own timer X (and the page answers 500).
    registry
        .getPrometheusRegistry()
        .register(
            new DropwizardExports(
                env.metrics(),
                (name, metric) -> !name.endsWith(".total") && !name.endsWith("_total")));
    Metrics.addRegistry(registry);
  }

  /** Registers the page on the admin port; the registry leaves the global one at stop. */
  public static PrometheusMetrics install(Environment env) {
    PrometheusMetrics metrics = new PrometheusMetrics(env);
    env.admin().addServlet("prometheus", metrics.new Page()).addMapping(PATH);
    env.lifecycle().manage(metrics);
    return metrics;
  }

  /** The scope the Temporal SDK reports into (its service stubs and every worker on them). */
  public synchronized Scope temporalScope() {
    if (temporalScope == null) {
      workflowTaskLatency = new WorkflowTaskLatency(new MicrometerClientStatsReporter(registry));
      // The SDK's default tags (namespace, operation, workflow_type... "none" when unset) lack
      // update_name, which a workflow update's client call adds: Prometheus refuses a meter whose
      // tag keys differ from an earlier one of the same name, so every meter gets the key.
      temporalScope =
          new RootScopeBuilder()
              .tags(Map.of(MetricsTag.UPDATE_NAME, MetricsTag.DEFAULT_VALUE))
              .reporter(workflowTaskLatency)
              .reportEvery(com.uber.m3.util.Duration.ofSeconds(2));
    }
    return temporalScope;
  }

  /** This process's workflow tasks' queue waits, as the SDK reports them. */
  public synchronized WorkflowTaskLatency workflowTaskLatency() {
    temporalScope();
    return workflowTaskLatency;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void start() {}

  @Override
  public synchronized void stop() throws Exception {
    if (temporalScope != null) {
      temporalScope.close();
    }
    Metrics.removeRegistry(registry);
    gc.close();
    registry.close();
  }

  private final class Page extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/plain; version=0.0.4; charset=utf-8");
      response.setHeader("Cache-Control", "no-store");
      response.getOutputStream().write(registry.scrape().getBytes(StandardCharsets.UTF_8));
    }
  }
}
