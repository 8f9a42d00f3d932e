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
    java.util.concurrent.CountDownLatch logged = new java.util.concurrent.CountDownLatch(5);
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
      assertThat(logged.await(10, java.util.concurrent.TimeUnit.SECONDS))
          .as("the five requests handed to the log")
          .isTrue();
    } finally {
      server.stop(); // stops the appenders: the asynchronous one writes what it holds
    }

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(5);
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
        .anySatisfy(line -> assertThat(line).contains("\"GET /api/leads/lead-20261204 "));
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
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 ").endsWith("hello");
    }
  }
}
