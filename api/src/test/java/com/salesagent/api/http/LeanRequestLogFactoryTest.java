package com.salesagent.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.salesagent.api.config.ApiConfiguration;
import com.salesagent.worker.cli.ConfigSources;
import com.salesagent.worker.observability.JsonConsoleAppenderFactory;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.logging.common.ConsoleAppenderFactory;
import io.dropwizard.request.logging.RequestLogFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request log of {@code type: lean}: found by its type name like Dropwizard's own, one line per
 * request with the fields the operator reads, never the query string, and no control character from
 * a header reaching the file.
 */
class LeanRequestLogFactoryTest {
  @TempDir Path dir;

  @Test
  void eachRequestIsOneLineWithoutItsQueryStringOrControlCharacters() throws Exception {
    Path file = dir.resolve("requests.log");
    RequestLogFactory<?> factory =
        Jackson.newObjectMapper(new YAMLFactory())
            .readValue(
                """
                type: lean
                appenders:
                  - type: file
                    currentLogFilename: %s
                    archive: false
                """
                    .formatted(file),
                RequestLogFactory.class);
    assertThat(factory).isInstanceOf(LeanRequestLogFactory.class);
    assertThat(factory.isEnabled()).isTrue();

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setPort(0);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            response.setStatus(request.getHttpURI().getPath().endsWith("missing") ? 404 : 200);
            response.write(
                true, ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), callback);
            return true;
          }
        });
    // Jetty logs a request after its answer completed, on the thread that served it: the client
    // can have its answer (and the test stop the server, with the log's appenders) before the last
    // line was handed to the log (CI lost the fifth line so). The test waits for the five calls.
    org.eclipse.jetty.server.RequestLog log = factory.build("test");
    java.util.concurrent.CountDownLatch logged = new java.util.concurrent.CountDownLatch(7);
    server.addBean(log); // started and stopped with the server: its appenders write at the stop
    server.setRequestLog(
        (request, response) -> {
          log.log(request, response);
          logged.countDown();
        });
    server.start();
    try {
      // A tab and a C1 control (CSI, 0x9b) in the user agent: both legal bytes in a header value.
      get(
          connector.getLocalPort(),
          "/webhooks/whatsapp?hub.verify_token=a-secret-guess",
          "probe\tforged \u009b[2J");
      get(connector.getLocalPort(), "/api/missing?phone=%2B5511998765432", "curl/8");
      // A number in the path (the suppressions routes name one): masked as in every other log.
      get(connector.getLocalPort(), "/api/suppressions/%2B5511987654321/lift", "curl/8");
      get(connector.getLocalPort(), "/api/suppressions/5511976543210", "curl/8");
      get(connector.getLocalPort(), "/api/leads/lead-20261204", "curl/8");
      // The number's digits percent-encoded too, and twice-encoded (Jetty answers that one 400, and
      // logs it).
      get(
          connector.getLocalPort(),
          "/api/suppressions/%2b%31%34%31%35%35%35%35%30%31%32%33",
          "curl/8");
      send(connector.getLocalPort(), "/api/suppressions/%252B14155550124;region=US/lift", "curl/8");
      assertThat(logged.await(10, java.util.concurrent.TimeUnit.SECONDS))
          .as("the seven requests handed to the log")
          .isTrue();
    } finally {
      server.stop(); // stops the appenders: the asynchronous one writes what it holds
    }

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(7);
    assertNoRunOf("14155550123", decoded(String.join("\n", lines)));
    assertNoRunOf("14155550124", decoded(String.join("\n", lines)));
    String stamp = "\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\]";
    // Each line is written when its answer completes, on the thread that served it: in any order.
    assertThat(lines)
        .anySatisfy(
            line ->
                assertThat(line)
                    .matches(
                        "127\\.0\\.0\\.1 "
                            + stamp
                            + " \"GET /webhooks/whatsapp HTTP/1\\.1\" 200 5 \\d+ ms"
                            + " \"probe\\?forged \\?\\[2J\""))
        .anySatisfy(
            line ->
                assertThat(line)
                    .matches(
                        "127\\.0\\.0\\.1 "
                            + stamp
                            + " \"GET /api/missing HTTP/1\\.1\" 404 5 \\d+ ms \"curl/8\""));
    assertThat(lines)
        .anySatisfy(
            line -> assertThat(line).contains("\"GET /api/suppressions/+55*******4321/lift "))
        .anySatisfy(line -> assertThat(line).contains("\"GET /api/suppressions/55*******3210 "))
        // A lead id's digits are not a number: kept.
        .anySatisfy(line -> assertThat(line).contains("\"GET /api/leads/lead-20261204 "))
        .anySatisfy(line -> assertThat(line).contains("\"GET /api/suppressions/+14*****0123 "))
        .anySatisfy(
            line ->
                assertThat(line).contains("\"GET /api/suppressions/+14*****0124;region=US/lift "));
    assertThat(String.join("\n", lines))
        .doesNotContain(
            "a-secret-guess",
            "verify_token",
            "5511998765432",
            "5511987654321",
            "5511976543210",
            "\t",
            "\u009b");
  }

  /**
   * A number in the path is masked however the operator wrote it: as a person writes one, with
   * spaces, dashes, dots or brackets (the suppressions routes normalise it, so {@code +55 11
   * 99876-5470} finds the number), it was logged whole. Ids that are not numbers are kept.
   */
  @Test
  void aNumberInThePathIsMaskedHoweverItIsWritten() {
    Map<String, String> masked =
        Map.of(
            "\"GET /api/suppressions/+55%2011%2099876-5470 HTTP/1.1\" 200",
            "\"GET /api/suppressions/+55*******5470 HTTP/1.1\" 200",
            "\"POST /api/suppressions/%2B1%20(415)%20555-0101/lift HTTP/1.1\" 422",
            "\"POST /api/suppressions/+14*****0101/lift HTTP/1.1\" 422",
            "\"GET /api/suppressions/%2811%29%2099876-5470 HTTP/1.1\" 422",
            "\"GET /api/suppressions/11*****5470 HTTP/1.1\" 422",
            "\"GET /api/suppressions/+55.11.99876.5470 HTTP/1.1\" 200",
            "\"GET /api/suppressions/+55*******5470 HTTP/1.1\" 200",
            "\"GET /api/suppressions/%2B5511987654321 HTTP/1.1\" 200",
            "\"GET /api/suppressions/+55*******4321 HTTP/1.1\" 200");
    for (Map.Entry<String, String> c : masked.entrySet()) {
      assertThat(LeanRequestLogFactory.maskNumbersInPath(c.getKey()))
          .as(c.getKey())
          .isEqualTo(c.getValue());
    }
    for (String kept :
        List.of(
            "\"GET /api/leads/lead-20261204 HTTP/1.1\" 200 5 3 ms \"curl/8.1\"",
            "\"GET /api/leads/fb1587b9-1a0e-4e1b-9579-69f2b2ec330c HTTP/1.1\" 200",
            "\"GET /api/leads/csv-1/erasure HTTP/1.1\" 200 \"Mozilla/5.0 (X11; Linux x86_64)\"")) {
      assertThat(LeanRequestLogFactory.maskNumbersInPath(kept)).isEqualTo(kept);
    }
  }

  /**
   * A number percent-encoded in other ways than the few escapes looked for (its digits too, twice,
   * UTF-8 full-width digits, a direction mark inside), followed by matrix parameters, after {@code
   * tel:} or in a query string (a format with {@code %r} or {@code %q}) was logged as sent: every
   * one is masked, and nothing of the number's digits stays in the line, even decoded.
   */
  @Test
  void aNumberIsMaskedEncodedOrDecodedInThePathOrQuery() {
    String fullWidth =
        java.net.URLEncoder.encode(
            "\uFF0B\uFF11\uFF14\uFF11\uFF15\uFF15\uFF15\uFF15\uFF10\uFF11\uFF12\uFF13",
            StandardCharsets.UTF_8);
    Map<String, String> masked =
        Map.ofEntries(
            Map.entry(
                "\"DELETE /api/suppressions/%2b14155550123 HTTP/1.1\" 404",
                "\"DELETE /api/suppressions/+14*****0123 HTTP/1.1\" 404"),
            Map.entry(
                "\"GET /api/suppressions/%2B%31%34%31%35%35%35%35%30%31%32%33 HTTP/1.1\" 404",
                "\"GET /api/suppressions/+14*****0123 HTTP/1.1\" 404"),
            Map.entry(
                "\"GET /api/suppressions/%252B14155550123 HTTP/1.1\" 422",
                "\"GET /api/suppressions/+14*****0123 HTTP/1.1\" 422"),
            Map.entry(
                "\"GET /api/suppressions/" + fullWidth + " HTTP/1.1\" 200",
                "\"GET /api/suppressions/+14*****0123 HTTP/1.1\" 200"),
            Map.entry(
                "\"GET /api/suppressions/+1%E2%80%8E415%20555%200123 HTTP/1.1\" 200",
                "\"GET /api/suppressions/+14*****0123 HTTP/1.1\" 200"),
            Map.entry(
                "\"POST /api/suppressions/+14155550123;region=US/lift HTTP/1.1\" 200",
                "\"POST /api/suppressions/+14*****0123;region=US/lift HTTP/1.1\" 200"),
            Map.entry(
                "\"GET /api/suppressions/tel:+14155550123 HTTP/1.1\" 200",
                "\"GET /api/suppressions/tel:+14*****0123 HTTP/1.1\" 200"),
            Map.entry(
                "\"GET /api/suppressions/+14155550123x HTTP/1.1\" 200",
                "\"GET /api/suppressions/+14*****0123x HTTP/1.1\" 200"),
            Map.entry(
                "\"GET /api/suppressions/4155550123?region=US HTTP/1.1\" 200",
                "\"GET /api/suppressions/41****0123?region=US HTTP/1.1\" 200"),
            Map.entry(
                "\"GET /api/subject-access?number=%2B14155550123&x=1 HTTP/1.1\" 200",
                "\"GET /api/subject-access?number=+14*****0123&x=1 HTTP/1.1\" 200"),
            Map.entry(
                "\"GET /api/suppressions/+1[415]555~0123 HTTP/1.1\" 200",
                "\"GET /api/suppressions/+14*****0123 HTTP/1.1\" 200"),
            Map.entry(
                "\"GET /api/suppressions/%2B1%E2%80%90415%E2%80%90555%E2%80%900123 HTTP/1.1\" 200",
                "\"GET /api/suppressions/+14*****0123 HTTP/1.1\" 200"),
            Map.entry(
                "\"GET /api/suppressions/+14155550123+14155550123 HTTP/1.1\" 404",
                "\"GET /api/suppressions/+14****************0123 HTTP/1.1\" 404"),
            Map.entry(
                "\"GET /api/suppressions/x%2F%2B14155550123 HTTP/1.1\" 404",
                "\"GET /api/suppressions/x%2F+14*****0123 HTTP/1.1\" 404"),
            Map.entry(
                "\"GET /api/subject-access?number=+1+415+555+0123 HTTP/1.1\" 200",
                "\"GET /api/subject-access?number=+14*****0123 HTTP/1.1\" 200"));
    for (Map.Entry<String, String> c : masked.entrySet()) {
      String line = LeanRequestLogFactory.maskNumbersInPath(c.getKey());
      assertThat(line).as(c.getKey()).isEqualTo(c.getValue());
      assertNoRunOf("14155550123", decoded(line));
    }
    // A normal line keeps what the operator reads: dates, versions, ids, hashes.
    for (String kept :
        List.of(
            "\"GET /api/analytics/counters?from=2026-12-01&to=2026-12-06 HTTP/1.1\" 200",
            "\"GET /api/dashboard HTTP/1.1\" 200 5 3 ms \"Mozilla/5.0 (X11; Linux x86_64)"
                + " AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36\"",
            "\"GET /api HTTP/1.1\" 200 \"Dalvik/2.1.0 (Linux; U; Android 11; Build/RP1A.200720.012)\"",
            "\"GET /api/media/ab12345678901cd0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4"
                + " HTTP/1.1\" 200",
            "\"POST /api/variants/v-2026120601/archive HTTP/1.1\" 412",
            "\"GET /api/leads?page=2&pageSize=50 HTTP/1.1\" 200")) {
      assertThat(LeanRequestLogFactory.maskNumbersInPath(kept)).isEqualTo(kept);
    }
  }

  /** Text as a reader could decode it: percent-escapes undone (repeatedly), any digit ASCII. */
  private static String decoded(String text) {
    String s = text;
    for (int i = 0; i < 4 && s.contains("%"); i++) {
      s =
          java.net.URLDecoder.decode(
              s.replace("+", "%2B").replaceAll("%(?![0-9A-Fa-f]{2})", "%25"),
              StandardCharsets.UTF_8);
    }
    StringBuilder out = new StringBuilder();
    s.codePoints()
        .filter(c -> Character.getType(c) != Character.FORMAT)
        .forEach(
            c -> {
              if (Character.isDigit(c)) {
                out.append((char) ('0' + Character.digit(c, 10)));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }

  /**
   * No six digits in a row of the number's (its mask keeps its first two or three and last four).
   */
  private static void assertNoRunOf(String digits, String text) {
    for (int i = 0; i + 6 <= digits.length(); i++) {
      assertThat(text)
          .as("a run of the number's digits")
          .doesNotContain(digits.substring(i, i + 6));
    }
  }

  @Test
  void noAppendersMeansNoRequestLog() throws Exception {
    RequestLogFactory<?> factory =
        Jackson.newObjectMapper(new YAMLFactory())
            .readValue("type: lean\nappenders: []\n", RequestLogFactory.class);
    assertThat(factory.isEnabled()).isFalse();
  }

  /**
   * The real stack's server.yml: the request log is this one, and LOG_FORMAT=json turns its lines
   * into JSON objects like the rest of the process's log (a log shipper reads one format).
   */
  @Test
  void theRealStacksRequestLogFollowsLogFormat() throws Exception {
    LeanRequestLogFactory text = requestLog(Map.of());
    LeanRequestLogFactory json = requestLog(Map.of("LOG_FORMAT", "json"));

    assertThat(text.getAppenders())
        .singleElement()
        .isExactlyInstanceOf(ConsoleAppenderFactory.class);
    assertThat(json.getAppenders()).singleElement().isInstanceOf(JsonConsoleAppenderFactory.class);
  }

  private static LeanRequestLogFactory requestLog(Map<String, String> env) throws Exception {
    // The real stack requires the key of the numbers' hashes (any valid one here).
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("PII_HASH_KEY", "cmVxdWVzdC1sb2ctdGVzdC1rZXktMDEyMzQ1Njc4OWFiY2RlZg==");
    ApiConfiguration config =
        new YamlConfigurationFactory<>(
                ApiConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw")
            .build(ConfigSources.fileOrClasspath(all), "server.yml");
    return (LeanRequestLogFactory)
        ((DefaultServerFactory) config.getServerFactory()).getRequestLogFactory();
  }

  private static void get(int port, String target, String userAgent) throws Exception {
    assertThat(send(port, target, userAgent)).startsWith("HTTP/1.1 ").endsWith("hello");
  }

  private static String send(int port, String target, String userAgent) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET "
                  + target
                  + " HTTP/1.1\r\nHost: localhost\r\nUser-Agent: "
                  + userAgent
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
