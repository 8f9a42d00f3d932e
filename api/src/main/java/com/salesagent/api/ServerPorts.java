package com.salesagent.api;

import java.util.Arrays;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;

/** The ports Jetty really bound (0 in the configuration means any free one). */
final class ServerPorts {
  private ServerPorts() {}

  static int application(Server server) {
    return port(server, "application");
  }

  static int admin(Server server) {
    return port(server, "admin");
  }

  private static int port(Server server, String name) {
    return Arrays.stream(server.getConnectors())
        .filter(c -> c instanceof NetworkConnector)
        .filter(c -> name.equals(c.getName()))
        .mapToInt(c -> ((NetworkConnector) c).getLocalPort())
        .findFirst()
        .orElse(-1);
  }
}
