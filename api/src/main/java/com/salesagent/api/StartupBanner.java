package com.salesagent.api;

import com.salesagent.api.auth.ApiSecurity;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/** What a person sees once everything is up: every URL, and how long state lives. */
final class StartupBanner {
  private StartupBanner() {}

  static void print(
      PrintStream out,
      boolean embedded,
      int apiPort,
      int adminPort,
      List<String> embeddedUrls,
      String adminToken,
      boolean tokenGenerated,
      String temporalUiUrl,
      Duration startedIn) {
    String line = "=".repeat(78);
    out.println();
    out.println(line);
    out.println(
        embedded
            ? " Sales agent is running on its embedded default (one JVM, no Docker)"
            : " Sales agent API is running");
    out.printf(" Started in %.1f s%n", startedIn.toMillis() / 1000.0);
    out.println(line);
    out.println(" Dashboard:                  http://localhost:" + apiPort + "/dashboard/");
    out.println(" REST API:                   http://localhost:" + apiPort + "/api");
    out.println(" API description:            http://localhost:" + apiPort + "/api-docs/");
    out.println(
        "                             (listens on every interface: it is the product; set"
            + " HTTP_BIND_HOST=127.0.0.1 to keep it on this machine)");
    out.println(" WhatsApp webhook:           http://localhost:" + apiPort + "/webhooks/whatsapp");
    out.println(
        " Health checks:              http://localhost:"
            + adminPort
            + "/healthcheck  (admin port: loopback only unless ADMIN_BIND_HOST)");
    out.println(
        " Metrics:                    http://localhost:"
            + adminPort
            + "/metrics, Prometheus: /prometheus");
    embeddedUrls.forEach(u -> out.println(" " + u));
    if (!temporalUiUrl.isBlank()) {
      out.println(" Temporal Web UI:            " + temporalUiUrl);
    }
    out.println(
        " Admin token:                "
            + (tokenGenerated
                ? adminToken + "  (generated; set API_ADMIN_TOKEN to choose one)"
                : "from API_ADMIN_TOKEN, " + ApiSecurity.fingerprint(adminToken)));
    out.println(
        " Try: curl -X POST -H 'Authorization: Bearer <token>' http://localhost:"
            + apiPort
            + "/api/system/diagnostics");
    if (embedded) {
      out.println();
      out.println(
          " NOTE: Temporal and MongoDB state is in memory and lives as long as this process.");
      out.println(
          "       Stopping it (Ctrl-C) discards every workflow and document. For durable state,");
      out.println("       run the real stack: docker compose up (see README.md).");
    }
    out.println(line);
    out.flush();
  }

  private static void row(PrintStream out, String label, String value) {
    out.printf(" %-29s %s%n", label + ":", value);
  }
}
