package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.config.ApiConfiguration;
import com.salesagent.api.embedded.EmbeddedMongoServer;
import com.salesagent.api.embedded.EmbeddedS3Server;
import com.salesagent.api.embedded.EmbeddedTemporalServer;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.worker.WorkerApplication;
import com.salesagent.worker.cli.ConfigSources;
import com.salesagent.worker.config.WorkerConfiguration;
import io.dropwizard.testing.DropwizardTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real-stack shape by configuration alone: the API ('server' command, server.yml) and the
 * worker (WorkerApplication, worker.yml) as two applications that share nothing but the servers
 * named in their environment: a Temporal frontend, a MongoDB, an S3 endpoint with credentials from
 * the AWS default chain, and a WhatsApp Cloud API. Here those servers are the wire-compatible
 * stand-ins; docker-compose.yml gives the same applications real ones.
 */
class SeparateProcessesTest {
  @TempDir static Path data;
  static EmbeddedTemporalServer temporal;
  static EmbeddedMongoServer mongo;
  static EmbeddedS3Server s3;
  static WhatsAppEmulator whatsapp;
  static DropwizardTestSupport<ApiConfiguration> api;
  static DropwizardTestSupport<WorkerConfiguration> worker;

  @BeforeAll
  static void start() throws Exception {
    temporal = new EmbeddedTemporalServer(0);
    temporal.start();
    mongo = new EmbeddedMongoServer(0, true); // a replica set offers change streams
    mongo.start();
    s3 = new EmbeddedS3Server(0, data.resolve("s3"));
    s3.start();
    whatsapp =
        new WhatsAppEmulator(
            0,
            "1555000111",
            "real-token",
            "real-secret",
            "real-verify",
            EmulatorBehaviour.defaults());
    whatsapp.start();
    var credentials = s3.credentials().resolveCredentials();
    // The AWS default chain reads these system properties (and AWS_ACCESS_KEY_ID / ... env vars).
    System.setProperty("aws.accessKeyId", credentials.accessKeyId());
    System.setProperty("aws.secretAccessKey", credentials.secretAccessKey());

    Map<String, String> env = new HashMap<>();
    env.put("TEMPORAL_ADDRESS", temporal.target());
    env.put("MONGODB_URI", mongo.connectionString());
    env.put("MONGODB_DATABASE", "split_test");
    env.put("S3_ENDPOINT", s3.endpoint());
    env.put("S3_BUCKET", "split-media");
    env.put("WHATSAPP_API_BASE_URL", whatsapp.baseUrl());
    env.put("WHATSAPP_PHONE_NUMBER_ID", "1555000111");
    env.put("WHATSAPP_ACCESS_TOKEN", "real-token");
    env.put("WHATSAPP_APP_SECRET", "real-secret");
    env.put("WHATSAPP_VERIFY_TOKEN", "real-verify");
    env.put("API_ADMIN_TOKEN", "split-token-0123456789abcdef0123456789");
    env.put("PII_HASH_KEY", "c3BsaXQta2V5LTAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5");
    env.put("HTTP_PORT", "0");
    env.put("ADMIN_PORT", "0");
    env.put("WORKER_ADMIN_PORT", "0");
    env.put("QUIET_HOURS_START", "00:00");
    env.put("QUIET_HOURS_END", "00:00");
    env.put("CONNECT_TIMEOUT_SECONDS", "20");
    env.put("LOG_LEVEL", "WARN");

    api =
        new DropwizardTestSupport<>(
            SalesAgentApplication.class, "server.yml", ConfigSources.fileOrClasspath(env));
    api.before();
    worker =
        new DropwizardTestSupport<>(
            WorkerApplication.class, "worker.yml", ConfigSources.fileOrClasspath(env));
    worker.before();
    whatsapp.setWebhookUrl("http://127.0.0.1:" + api.getLocalPort() + "/webhooks/whatsapp");
  }

  @AfterAll
  static void stop() throws Exception {
    worker.after();
    api.after();
    whatsapp.stop();
    s3.stop();
    mongo.stop();
    temporal.close();
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + api.getLocalPort() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer split-token-0123456789abcdef0123456789")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theApiHostsNoWorkerAndTheSeparateWorkerRunsTheDiagnostics() throws Exception {
    assertThat(api.getConfiguration().getWorker().isInProcess()).isFalse();
    assertThat(api.getConfiguration().getEmbedded().isEnabled()).isFalse();

    HttpResponse<String> response = post("/api/system/diagnostics", "");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("\"component\":\"s3\",\"ok\":true");
    worker
        .getEnvironment()
        .healthChecks()
        .runHealthChecks()
        .forEach((name, result) -> assertThat(result.isHealthy()).as(name).isTrue());
  }

  @Test
  void aLeadEnrolledOnTheApiIsSentByTheWorkerThroughTheConfiguredCloudApi() throws Exception {
    whatsapp.setBehaviour(
        new EmulatorBehaviour(
            "ack_only", 1.0, 0, 0, 0, 0, 20, 50, 0, 0, List.of("x"), List.of("STOP"), 3));
    HttpResponse<String> enrolled =
        post("/api/leads", AppTestHarness.leadJson("split-1", "+5511987654321"));
    assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(202);

    LeadStore store =
        new LeadStore(api.<SalesAgentApplication>getApplication().connections().mongo().database());
    Awaitility.await("delivered")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                "delivered"
                    .equals(
                        store.messages().messagesOf("split-1").stream()
                            .map(m -> m.getString("status"))
                            .findFirst()
                            .orElse(null)));
    assertThat(store.messages().messagesOf("split-1")).hasSize(1);
    assertThat(store.messages().messagesOf("split-1").get(0).getString("status"))
        .isEqualTo("delivered");
    assertThat(new ObjectMapper().readTree(enrolled.body()).path("workflowId").asText())
        .isEqualTo("lead-split-1");
  }
}
