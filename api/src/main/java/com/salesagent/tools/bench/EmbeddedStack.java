package com.salesagent.tools.bench;

import com.salesagent.api.SalesAgentApplication;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.NetworkConnector;

/** The embedded stack started in this JVM on free ports, for benchmarks and simulations. */
record EmbeddedStack(SalesAgentApplication app, int port, String token) {
  static void printMachine() {
    System.out.printf(
        "%nMachine: %d cores, %s %s, max heap %d MB%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() / (1024 * 1024));
  }

  /** {@code name} labels the data directory; the token is generated. */
  static EmbeddedStack start(String name, Map<String, String> extra) throws Exception {
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    String token = name + "-" + HexFormat.of().formatHex(random);
    Map<String, String> env = new HashMap<>();
    for (String port :
        List.of(
            "HTTP_PORT",
            "ADMIN_PORT",
            "TEMPORAL_PORT",
            "EMBEDDED_MONGODB_PORT",
            "EMBEDDED_S3_PORT",
            "WHATSAPP_EMULATOR_PORT")) {
      env.put(port, "0");
    }
    env.put("DATA_DIR", Files.createTempDirectory("sales-agent-" + name).toString());
    env.put("API_ADMIN_TOKEN", token);
    env.put("QUIET_HOURS_START", "00:00");
    env.put("QUIET_HOURS_END", "00:00");
    env.put("LOG_LEVEL", "WARN");
    // The tuning a run is compared by, taken from the bench's own environment.
    for (String tuning : List.of("WEBHOOK_CONCURRENCY")) {
      String value = System.getenv(tuning);
      if (value != null && !value.isBlank()) {
        env.put(tuning, value);
      }
    }
    env.putAll(extra);
    SalesAgentApplication app = new SalesAgentApplication(env);
    app.runCommand(System.out, System.err, "embedded");
    int port =
        Arrays.stream(app.server().getConnectors())
            .filter(c -> "application".equals(c.getName()))
            .mapToInt(c -> ((NetworkConnector) c).getLocalPort())
            .findFirst()
            .orElseThrow();
    return new EmbeddedStack(app, port, token);
  }
}
