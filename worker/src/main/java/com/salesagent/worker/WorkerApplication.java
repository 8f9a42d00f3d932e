package com.salesagent.worker;

import com.salesagent.worker.cli.ConfigSources;
import com.salesagent.worker.cli.DefaultedServerCommand;
import com.salesagent.worker.config.WorkerConfiguration;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.CheckCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import java.util.Map;

/**
 * The worker process of the real stack: polls Temporal, reaches MongoDB, S3 and WhatsApp, and
 * serves its own health checks. {@code java -cp sales-agent.jar
 * com.salesagent.worker.WorkerApplication} runs it with the bundled worker.yml and the environment.
 */
public class WorkerApplication extends Application<WorkerConfiguration> {
  private final Map<String, String> environment;

  public WorkerApplication() {
    this(System.getenv());
  }

  /** Tests pass their own environment. */
  public WorkerApplication(Map<String, String> environment) {
    this.environment = environment;
  }

  public static void main(String[] args) throws Exception {
    new WorkerApplication().run(args.length == 0 ? new String[] {"server"} : args);
  }

  @Override
  public String getName() {
    return "sales-agent-worker";
  }

  @Override
  protected void addDefaultCommands(Bootstrap<WorkerConfiguration> bootstrap) {
    bootstrap.addCommand(
        new DefaultedServerCommand<>(
            this, "server", "Runs the worker against the configured real stack", "worker.yml"));
    bootstrap.addCommand(new CheckCommand<>(this));
  }

  @Override
  public void initialize(Bootstrap<WorkerConfiguration> bootstrap) {
    ConfigSources.configure(bootstrap, environment);
  }

  @Override
  public void run(WorkerConfiguration configuration, Environment environment) {
    // Before anything hashes a number: the deployment's key (checked with the settings).
    com.salesagent.activities.privacy.PiiHash.configure(
        com.salesagent.activities.privacy.PiiHash.decode(configuration.getPiiHashKey()));
    Endpoints endpoints =
        Endpoints.fromConfiguration(configuration, Endpoints.forWorker(configuration));
    Connections connections = Connections.open(configuration, environment, endpoints);
    environment
        .lifecycle()
        .manage(
            new WorkerRuntime(
                connections,
                configuration.getWorker(),
                endpoints.whatsapp(),
                configuration.getLlm().toSettings(),
                configuration.getLifecycle().getNotNowSnooze().toJavaDuration()));
  }
}
