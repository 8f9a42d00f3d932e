package com.salesagent.api;

import com.salesagent.api.config.ApiConfiguration;
import com.salesagent.temporal.Ports;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import java.util.List;

/**
 * Checks the HTTP ports before anything starts, so a taken port is one clear line naming the
 * setting instead of a Jetty stack trace after the other servers have started.
 */
final class PortPreflight {
  private PortPreflight() {}

  static void check(ApiConfiguration config) {
    if (config.getServerFactory() instanceof DefaultServerFactory server) {
      check(server.getApplicationConnectors(), "REST API", "HTTP_PORT");
      check(server.getAdminConnectors(), "admin (health, metrics)", "ADMIN_PORT");
    }
  }

  private static void check(List<ConnectorFactory> connectors, String what, String setting) {
    for (ConnectorFactory connector : connectors) {
      if (connector instanceof HttpConnectorFactory http && http.getPort() != 0) {
        Ports.requireFree(http.getPort(), what, setting);
      }
    }
  }
}
