package com.salesagent.worker.cli;

import com.salesagent.temporal.StartupException;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ServerCommand;
import io.dropwizard.core.setup.Bootstrap;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.BindException;
import java.util.HashMap;
import java.util.Map;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * Dropwizard's server command with two changes: the configuration file argument defaults to a file
 * bundled in the jar, and a start-up failure prints one line naming its cause and the setting to
 * change instead of a stack trace.
 */
public class DefaultedServerCommand<T extends Configuration> extends ServerCommand<T> {
  private final String defaultConfig;

  public DefaultedServerCommand(
      Application<T> application, String name, String description, String defaultConfig) {
    super(application, name, description);
    this.defaultConfig = defaultConfig;
  }

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
    super.run(bootstrap, withDefaultFile(namespace, defaultConfig));
  }

  @Override
  public void onError(Cli cli, Namespace namespace, Throwable e) {
    cli.getStdErr().println(describe(e));
  }

  static Namespace withDefaultFile(Namespace namespace, String defaultConfig) {
    Map<String, Object> attrs = new HashMap<>(namespace.getAttrs());
    if (attrs.get("file") == null) {
      attrs.put("file", defaultConfig);
    }
    return new Namespace(attrs);
  }

  /** The one-line (or, for several bad settings, one-line-per-setting) error text. */
  public static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StartupException) {
        return "error: " + t.getMessage();
      }
      if (t instanceof ConfigurationException) {
        return "error: " + SettingVariables.bundled().annotate(t.getMessage().strip());
      }
      if (t instanceof BindException) {
        return "error: a port is already in use ("
            + t.getMessage()
            + "); set HTTP_PORT / ADMIN_PORT to free ports";
      }
    }
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    return "error: unexpected failure at start-up: " + e + "\n" + trace;
  }
}
