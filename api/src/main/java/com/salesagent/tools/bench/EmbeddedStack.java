package com.salesagent.tools.bench;

import com.mongodb.ConnectionString;
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

  /**
   * What of the bench's own environment it passes on: the settings that choose a real Temporal,
   * MongoDB or S3 (a variable naming a real address replaces that embedded part). Nothing else: the
   * WhatsApp Cloud API stays the emulator whatever the environment says (a bench sends thousands of
   * messages to made-up numbers), and the ports, data directory, token and quiet hours are the
   * bench's.
   */
  static final List<String> OUTSIDE_PREFIXES = List.of("TEMPORAL_", "MONGODB_", "S3_", "AWS_");

  /** The one the bench sets itself: the embedded dev server's port. */
  private static final String OWN = "TEMPORAL_PORT";

  /** {@code name} labels the data directory; the token is generated. */
  static EmbeddedStack start(String name, Map<String, String> extra) throws Exception {
    return start(name, extra, System.getenv());
  }

  /**
   * {@link #start(String, Map)} with {@code outside} as the bench's environment. A real MongoDB
   * gets a database of the run's own ({@code bench_<name>_<random>}), whatever MONGODB_DATABASE
   * says: the bench's thousands of leads never land among real ones.
   */
  static EmbeddedStack start(String name, Map<String, String> extra, Map<String, String> outside)
      throws Exception {
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
    outside.forEach(
        (k, v) -> {
          if (!k.equals(OWN) && OUTSIDE_PREFIXES.stream().anyMatch(k::startsWith)) {
            env.put(k, v);
          }
        });
    String mongo = env.getOrDefault("MONGODB_URI", "embedded");
    if (!mongo.isBlank() && !mongo.equals("embedded")) {
      env.put(
          "MONGODB_DATABASE",
          "bench_"
              + name.replaceAll("[^A-Za-z0-9]", "_")
              + "_"
              + HexFormat.of().formatHex(random, 0, 4));
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
    System.out.println(parts(env));
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

  /** Which part is embedded and which is outside (hosts only: a URI may carry a password). */
  static String parts(Map<String, String> env) {
    String temporal = env.getOrDefault("TEMPORAL_ADDRESS", "embedded");
    String mongo = env.getOrDefault("MONGODB_URI", "embedded");
    String s3 = env.getOrDefault("S3_ENDPOINT", "embedded");
    return String.format(
        "Bench stack: Temporal %s, MongoDB %s, S3 %s, WhatsApp: the emulator%n",
        temporal.isBlank() || temporal.equals("embedded")
            ? "embedded"
            : temporal
                + " (outside, namespace "
                + env.getOrDefault("TEMPORAL_NAMESPACE", "default")
                + ")",
        mongo.isBlank() || mongo.equals("embedded")
            ? "embedded"
            : String.join(",", new ConnectionString(mongo).getHosts())
                + " (outside, database "
                + env.get("MONGODB_DATABASE")
                + ")",
        s3.equals("embedded") ? "embedded" : (s3.isBlank() ? "AWS" : s3) + " (outside)");
  }
}
