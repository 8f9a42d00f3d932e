package com.salesagent.tools;

import com.salesagent.api.SalesAgentApplication;
import com.salesagent.api.config.ApiConfiguration;
import com.salesagent.tools.bench.BenchCommand;
import com.salesagent.tools.bench.DashboardBenchCommand;
import com.salesagent.tools.bench.SimulateCommand;
import com.salesagent.tools.bench.WebhookBenchCommand;
import com.salesagent.tools.chaos.ChaosCommand;
import io.dropwizard.core.setup.Bootstrap;
import java.util.Map;

/**
 * The jar's entry point: the application's commands ({@code embedded}, {@code server}, {@code
 * check}) and the tools that drive a whole stack from outside ({@code bench}, {@code simulate},
 * {@code bench-dashboard}, {@code bench-webhooks}, {@code chaos}). The tools depend on the
 * application, never the reverse.
 */
public class SalesAgentCli extends SalesAgentApplication {
  public SalesAgentCli() {
    super();
  }

  public SalesAgentCli(Map<String, String> environment) {
    super(environment);
  }

  public static void main(String[] args) throws Exception {
    new SalesAgentCli().run(args);
  }

  @Override
  protected void addDefaultCommands(Bootstrap<ApiConfiguration> bootstrap) {
    super.addDefaultCommands(bootstrap);
    bootstrap.addCommand(new BenchCommand());
    bootstrap.addCommand(new SimulateCommand());
    bootstrap.addCommand(new DashboardBenchCommand());
    bootstrap.addCommand(new ChaosCommand());
    bootstrap.addCommand(new WebhookBenchCommand());
  }
}
