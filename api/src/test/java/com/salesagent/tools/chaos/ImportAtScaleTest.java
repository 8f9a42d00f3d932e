package com.salesagent.tools.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.api.embedded.EmbeddedMongoServer;
import com.salesagent.api.embedded.EmbeddedS3Server;
import com.salesagent.api.embedded.EmbeddedTemporalServer;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.temporal.Ports;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A 10,000-row CSV import streamed into an API process whose heap is capped at 256 MiB: the first
 * result line comes back while the body is still being written (the writer waits for it halfway),
 * every row is answered, and the process is still up.
 */
class ImportAtScaleTest {
  static final int ROWS = 10_000;

  @Test
  void tenThousandRowsStreamThroughASmallHeap() throws Exception {
    Path data = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "import-");
    EmbeddedTemporalServer temporal = new EmbeddedTemporalServer(0);
    EmbeddedMongoServer mongo = new EmbeddedMongoServer(0, false);
    EmbeddedS3Server s3 = new EmbeddedS3Server(0, data.resolve("s3"));
    WhatsAppEmulator emulator =
        new WhatsAppEmulator(0, "15550002222", "t", "s", "v", EmulatorBehaviour.defaults());
    ChildProcess api = null;
    try {
      temporal.start();
      mongo.start();
      s3.start();
      emulator.start();
      int port = Ports.freePort();
      var credentials = s3.credentials().resolveCredentials();
      Map<String, String> env = new LinkedHashMap<>();
      env.put("TEMPORAL_ADDRESS", temporal.target());
      env.put("MONGODB_URI", mongo.connectionString());
      env.put("S3_ENDPOINT", s3.endpoint());
      env.put("AWS_ACCESS_KEY_ID", credentials.accessKeyId());
      env.put("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey());
      env.put("WHATSAPP_API_BASE_URL", emulator.baseUrl());
      env.put("WHATSAPP_PHONE_NUMBER_ID", "15550002222");
      env.put("WHATSAPP_ACCESS_TOKEN", "t");
      env.put("WHATSAPP_APP_SECRET", "s");
      env.put("WHATSAPP_VERIFY_TOKEN", "v");
      env.put("API_ADMIN_TOKEN", "import-token-0123456789abcdef0123456789");
      env.put("PII_HASH_KEY", "aW1wb3J0LWF0LXNjYWxlLWtleS0wMTIzNDU2Nzg5YWJjZGVm");
      env.put("WORKER_IN_PROCESS", "false");
      env.put("HTTP_PORT", String.valueOf(port));
      env.put("ADMIN_PORT", String.valueOf(Ports.freePort()));
      env.put("DATA_DIR", data.resolve("api").toString());
      env.put("LOG_LEVEL", "WARN");
      api =
          new ChildProcess(
              "api",
              "com.salesagent.api.SalesAgentApplication",
              List.of("server"),
              env,
              data,
              "-Xmx256m");
      api.start();
      awaitPort(port, api);

      CountDownLatch firstLine = new CountDownLatch(1);
      List<String> answers = new ArrayList<>();
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(300_000);
        CompletableFuture<Void> reader =
            CompletableFuture.runAsync(
                () -> {
                  try {
                    BufferedReader in =
                        new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                    String line;
                    boolean body = false;
                    while ((line = in.readLine()) != null) {
                      if (!body) {
                        body = line.isEmpty();
                        continue;
                      }
                      if (line.startsWith("{")) {
                        answers.add(line);
                        firstLine.countDown();
                        if (line.startsWith("{\"summary\"")) {
                          return;
                        }
                      }
                    }
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /api/leads/import HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer import-token-0123456789abcdef0123456789\r\n"
                    + "Content-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        chunk(out, "leadId,name,phone,company,consentOptIn,consentSource,consentAt\n");
        boolean answeredBeforeTheEnd = false;
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < ROWS; i++) {
          rows.append(
              "scale-%d,Lead %d,+5511%09d,Acme %d,true,import,2026-11-20T10:00:00Z\n"
                  .formatted(i, i, 900_000_000 + i, i));
          if (rows.length() > 8_000) {
            chunk(out, rows.toString());
            rows.setLength(0);
          }
          if (i == ROWS / 2) {
            // Halfway: the first answers must already be here (the import streams).
            answeredBeforeTheEnd = firstLine.await(60, TimeUnit.SECONDS);
          }
        }
        chunk(out, rows.toString());
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        reader.get(5, TimeUnit.MINUTES);
        assertThat(answeredBeforeTheEnd).as("a result line before the body ended").isTrue();
      }
      String summary = answers.get(answers.size() - 1);
      assertThat(summary).contains("\"rows\":" + ROWS).contains("\"enrolled\":" + ROWS);
      assertThat(answers).hasSize(ROWS + 1);
      assertThat(api.alive()).as("the 256 MiB process is still up").isTrue();
      assertThat(Files.readString(api.log())).doesNotContain("OutOfMemoryError");
    } finally {
      if (api != null) {
        api.close();
      }
      emulator.stop();
      s3.stop();
      mongo.stop();
      temporal.close();
    }
  }

  private static void chunk(OutputStream out, String text) throws java.io.IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static void awaitPort(int port, ChildProcess api) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(api.alive()).as("the API process: " + api.log()).isTrue();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (java.io.IOException e) {
        Thread.sleep(300);
      }
    }
    throw new AssertionError("the API never listened: " + api.log());
  }
}
