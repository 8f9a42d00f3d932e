package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The admin port (no token, loopback) against the browser on the same machine: a web page of
 * another site may neither drive its tasks (a form POST needs no preflight) nor read it under a
 * name rebound to 127.0.0.1; probes, scrapers and curl still pass.
 */
final class AdminPortApplicationTest extends AppTestHarness {
  /** A logger nothing else uses: what a task sets on it shows whether the task ran. */
  private static final String LOGGER = "com.salesagent.admin-port-test";

  private String admin(String path) {
    return "http://localhost:" + APP.getAdminPort() + path;
  }

  private HttpResponse<String> setLevel(String origin, String site) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(admin("/tasks/log-level")))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("logger=" + LOGGER + "&level=TRACE"));
    if (origin != null) {
      request.header("Origin", origin);
    }
    if (site != null) {
      request.header("Sec-Fetch-Site", site);
    }
    return send(request);
  }

  private static ch.qos.logback.classic.Level level() {
    return ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(LOGGER)).getLevel();
  }

  private static void resetLevel() {
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(LOGGER)).setLevel(null);
  }

  @Test
  void aFormPostFromAnotherSiteDoesNotRunAnAdminTask() throws Exception {
    resetLevel();
    // What a page elsewhere sends with <form method=post action=http://127.0.0.1:8081/tasks/...>.
    HttpResponse<String> older = setLevel("https://attacker.example", null);
    HttpResponse<String> newer = setLevel("https://attacker.example", "cross-site");
    HttpResponse<String> sandboxed = setLevel("null", "cross-site");

    assertThat(older.statusCode()).isEqualTo(403);
    assertThat(older.body()).contains("\"field\":\"Origin\"");
    assertThat(newer.statusCode()).isEqualTo(403);
    assertThat(sandboxed.statusCode()).isEqualTo(403);
    assertThat(level()).as("the task did not run").isNull();
  }

  @Test
  void aPageUnderANameReboundToLoopbackCannotReadTheAdminPort() throws Exception {
    // DNS rebinding: the page's own origin, its name now resolving to 127.0.0.1.
    String host = "rebound.attacker.example:" + APP.getAdminPort();
    try (Socket socket = new Socket("127.0.0.1", APP.getAdminPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /threads HTTP/1.1\r\nHost: "
                  + host
                  + "\r\nOrigin: http://"
                  + host
                  + "\r\nSec-Fetch-Site: same-origin\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 403");
      assertThat(answer).contains("\"field\":\"Host\"").doesNotContain("\"main\"");
    }
  }

  @Test
  void probesScrapersAndTheAdminPortsOwnPagesStillPass() throws Exception {
    resetLevel();
    try {
      HttpResponse<String> curl = setLevel(null, null);
      assertThat(curl.statusCode()).isEqualTo(200);
      assertThat(level()).isEqualTo(ch.qos.logback.classic.Level.TRACE);
      resetLevel();

      HttpResponse<String> ownPage =
          setLevel("http://localhost:" + APP.getAdminPort(), "same-origin");
      assertThat(ownPage.statusCode()).isEqualTo(200);
      assertThat(level()).isEqualTo(ch.qos.logback.classic.Level.TRACE);

      HttpResponse<String> typed =
          send(
              HttpRequest.newBuilder(URI.create(admin("/healthcheck")))
                  .header("Sec-Fetch-Site", "none"));
      assertThat(typed.statusCode()).isIn(200, 500);
      assertThat(typed.body()).contains("\"mongodb\"");
    } finally {
      resetLevel();
    }
  }
}
