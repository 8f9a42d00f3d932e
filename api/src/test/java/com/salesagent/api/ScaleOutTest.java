package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.embedded.EmbeddedMongoServer;
import com.salesagent.api.embedded.EmbeddedS3Server;
import com.salesagent.api.embedded.EmbeddedTemporalServer;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.api.webhook.WebhookSignature;
import com.salesagent.temporal.Ports;
import com.salesagent.tools.chaos.ChildEnvironment;
import com.salesagent.tools.chaos.ChildProcess;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out shape: two API processes and two worker processes (four JVMs) against one Temporal
 * and one MongoDB. Leads enrolled on either API are each sent exactly once, both workers take
 * workflow and activity tasks, and a reply delivered to both APIs (Meta retrying to another
 * replica) is processed once.
 */
class ScaleOutTest {
  static final int LEADS = 16;
  static final String TOKEN = "scale-token-0123456789abcdef0123456789";

  @TempDir Path data;

  @Test
  void twoApisAndTwoWorkersShareTheLoadWithoutDoubleProcessing() throws Exception {
    EmbeddedTemporalServer temporal = new EmbeddedTemporalServer(0);
    EmbeddedMongoServer mongo = new EmbeddedMongoServer(0, true);
    EmbeddedS3Server s3 = new EmbeddedS3Server(0, data.resolve("s3"));
    WhatsAppEmulator emulator =
        new WhatsAppEmulator(0, "15550004444", "t", "s", "v", AppTestHarness.ackOnly());
    List<ChildProcess> processes = new ArrayList<>();
    WorkflowServiceStubs stubs = null;
    try (MongoClient client = startAll(temporal, mongo, s3, emulator)) {
      Map<String, String> env = environment(temporal, mongo, s3, emulator);
      List<Integer> apiPorts = new ArrayList<>();
      List<Integer> workerPorts = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        int port = Ports.freePort();
        apiPorts.add(port);
        Map<String, String> apiEnv = new LinkedHashMap<>(env);
        apiEnv.put("HTTP_PORT", String.valueOf(port));
        apiEnv.put("ADMIN_PORT", String.valueOf(Ports.freePort()));
        apiEnv.put("DATA_DIR", data.resolve("api-" + i).toString());
        processes.add(
            new ChildProcess(
                "api-" + i,
                "com.salesagent.api.SalesAgentApplication",
                List.of("server"),
                apiEnv,
                data,
                List.of("-Xmx384m")));
        int admin = Ports.freePort();
        workerPorts.add(admin);
        Map<String, String> workerEnv = new LinkedHashMap<>(env);
        workerEnv.put("WORKER_ADMIN_PORT", String.valueOf(admin));
        workerEnv.put("DATA_DIR", data.resolve("worker-" + i).toString());
        processes.add(
            new ChildProcess(
                "worker-" + i,
                "com.salesagent.worker.WorkerApplication",
                List.of("server"),
                workerEnv,
                data,
                List.of("-Xmx512m")));
      }
      for (ChildProcess p : processes) {
        p.start();
      }
      for (int i = 0; i < 2; i++) {
        awaitPort(apiPorts.get(i), processes.get(2 * i));
        awaitPort(workerPorts.get(i), processes.get(2 * i + 1));
      }
      // Statuses go to the first API; replies below to both.
      emulator.setWebhookUrl("http://127.0.0.1:" + apiPorts.get(0) + "/webhooks/whatsapp");

      HttpClient http = HttpClient.newHttpClient();
      List<String> phones = new ArrayList<>();
      for (int i = 0; i < LEADS; i++) {
        String phone = "+55119%08d".formatted(70_000_000 + i);
        phones.add(phone);
        HttpResponse<String> r =
            post(
                http,
                apiPorts.get(i % 2),
                "/api/leads",
                AppTestHarness.leadJson("scale-" + i, phone),
                "Bearer " + TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      }
      LeadStore store = new LeadStore(client.getDatabase("scale"));
      try {
        AppTestHarness.await(
            "every lead's first message delivered",
            Duration.ofSeconds(90),
            () ->
                phones.stream().allMatch(p -> emulator.acceptedFor(p) == 1)
                    && store
                            .messages()
                            .collection()
                            .countDocuments(Filters.in("status", List.of("delivered", "read")))
                        == LEADS);
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(whereTheLeadsAre(temporal, store, emulator, phones, processes), e);
      }

      // Meta delivers each reply twice, once to each API.
      WebhookSignature signature = new WebhookSignature(emulator.appSecret());
      for (int i = 0; i < LEADS / 2; i++) {
        String wamid = store.messages().messagesOf("scale-" + i).get(0).getString("wamid");
        String body = reply(emulator.phoneNumberId(), phones.get(i), i, wamid);
        for (int port : List.of(apiPorts.get(1), apiPorts.get(0))) {
          HttpResponse<String> r =
              post(
                  http,
                  port,
                  "/webhooks/whatsapp",
                  body,
                  null,
                  signature.sign(body.getBytes(StandardCharsets.UTF_8)));
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
      }
      AppTestHarness.await(
          "every reply processed",
          Duration.ofSeconds(60),
          () ->
              store.feedback().countDocuments(Filters.regex("leadId", "^scale-")) >= LEADS / 2
                  && store.interactions().timeline("scale-" + (LEADS / 2 - 1)).stream()
                      .anyMatch(e -> "replied".equals(e.getString("type"))));
      Thread.sleep(2000); // a second processing, if any, would land now

      for (int i = 0; i < LEADS; i++) {
        assertThat(emulator.acceptedFor(phones.get(i))).as("sends to lead %d", i).isEqualTo(1);
        assertThat(store.messages().messagesOf("scale-" + i))
            .as("messages of lead %d", i)
            .hasSize(1);
      }
      assertThat(emulator.duplicateKeys()).isEmpty();
      for (int i = 0; i < LEADS / 2; i++) {
        String leadId = "scale-" + i;
        assertThat(store.feedback().countDocuments(Filters.eq("leadId", leadId)))
            .as("feedback of %s", leadId)
            .isEqualTo(1);
        assertThat(store.interactions().timeline(leadId).stream().filter(e -> isReplied(e)).count())
            .as("replied events of %s", leadId)
            .isEqualTo(1);
      }

      stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build());
      WorkflowClient temporalClient = WorkflowClient.newInstance(stubs);
      Set<String> workflowWorkers = new HashSet<>();
      Set<String> activityWorkers = new HashSet<>();
      for (int i = 0; i < LEADS; i++) {
        for (HistoryEvent e :
            temporalClient
                .fetchHistory(LeadWorkflow.workflowId("scale-" + i))
                .getHistory()
                .getEventsList()) {
          if (e.hasWorkflowTaskCompletedEventAttributes()) {
            workflowWorkers.add(e.getWorkflowTaskCompletedEventAttributes().getIdentity());
          }
          if (e.hasActivityTaskStartedEventAttributes()) {
            activityWorkers.add(e.getActivityTaskStartedEventAttributes().getIdentity());
          }
        }
      }
      assertThat(workflowWorkers).as("workers that completed workflow tasks").hasSize(2);
      assertThat(activityWorkers).as("workers that ran activities").hasSize(2);
    } finally {
      for (ChildProcess p : processes) {
        p.close();
      }
      if (stubs != null) {
        stubs.shutdownNow();
      }
      emulator.stop();
      s3.stop();
      mongo.stop();
      temporal.close();
    }
  }

  /** What a timeout shows: each lead's sends, messages, stage and last events; the logs' tails. */
  private static String whereTheLeadsAre(
      EmbeddedTemporalServer temporal,
      LeadStore store,
      WhatsAppEmulator emulator,
      List<String> phones,
      List<ChildProcess> processes) {
    StringBuilder b = new StringBuilder("leads not delivered within 90 s:\n");
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build());
    try {
      WorkflowClient client = WorkflowClient.newInstance(stubs);
      for (int i = 0; i < phones.size(); i++) {
        String leadId = "scale-" + i;
        List<String> statuses =
            store.messages().messagesOf(leadId).stream().map(m -> m.getString("status")).toList();
        b.append(leadId)
            .append(": accepted ")
            .append(emulator.acceptedFor(phones.get(i)))
            .append(", messages ")
            .append(statuses);
        try {
          List<HistoryEvent> events =
              client.fetchHistory(LeadWorkflow.workflowId(leadId)).getHistory().getEventsList();
          b.append(", last events ")
              .append(
                  events.subList(Math.max(0, events.size() - 4), events.size()).stream()
                      .map(e -> e.getEventType().name().replace("EVENT_TYPE_", ""))
                      .toList());
        } catch (RuntimeException e) {
          b.append(", history: ").append(e.getMessage());
        }
        b.append('\n');
      }
    } finally {
      stubs.shutdownNow();
    }
    for (ChildProcess p : processes) {
      b.append("--- ").append(p.name()).append(p.alive() ? " (alive)" : " (exited)").append('\n');
      try {
        List<String> lines = Files.readAllLines(p.log());
        lines
            .subList(Math.max(0, lines.size() - 15), lines.size())
            .forEach(l -> b.append(l, 0, Math.min(l.length(), 300)).append('\n'));
      } catch (IOException e) {
        b.append(e.getMessage()).append('\n');
      }
    }
    return b.toString();
  }

  private static boolean isReplied(org.bson.Document event) {
    return "replied".equals(event.getString("type"));
  }

  private static MongoClient startAll(
      EmbeddedTemporalServer temporal,
      EmbeddedMongoServer mongo,
      EmbeddedS3Server s3,
      WhatsAppEmulator emulator)
      throws Exception {
    temporal.start();
    mongo.start();
    s3.start();
    emulator.start();
    return MongoClients.create(mongo.connectionString());
  }

  private static Map<String, String> environment(
      EmbeddedTemporalServer temporal,
      EmbeddedMongoServer mongo,
      EmbeddedS3Server s3,
      WhatsAppEmulator emulator) {
    Map<String, String> env =
        ChildEnvironment.of(
            temporal.target(), mongo.connectionString(), "scale", s3, emulator, TOKEN);
    // No sticky cache: every workflow task is matched afresh, so any worker continues any lead
    // (what matters when one of them stops). With a cache the dev server keeps a lead's tasks on
    // the worker that took its first one, which was always the first worker to poll.
    env.put("WORKER_WORKFLOW_CACHE", "0");
    env.put("FOLLOW_UP_UNREAD", "6h");
    env.put("FOLLOW_UP_READ_NO_REPLY", "6h");
    env.put("CONNECT_TIMEOUT_SECONDS", "120");
    env.put("LOG_LEVEL", "WARN");
    env.put("DJL_OFFLINE", "true");
    return env;
  }

  private static String reply(String phoneNumberId, String phone, int i, String wamid) {
    String waId = phone.substring(1);
    return ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"waba-1\",\"changes\":"
            + "[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":"
            + "{\"display_phone_number\":\"15550000000\",\"phone_number_id\":\"%s\"},"
            + "\"contacts\":[{\"profile\":{\"name\":\"Lead\"},\"wa_id\":\"%s\"}],"
            + "\"messages\":[{\"from\":\"%s\",\"id\":\"wamid.in-scale-%d\",\"timestamp\":\"%d\","
            + "\"type\":\"text\",\"text\":{\"body\":\"Sounds interesting, tell me more\"},"
            + "\"context\":{\"from\":\"15550000000\",\"id\":\"%s\"}}]}}]}]}")
        .formatted(phoneNumberId, waId, waId, i, Instant.now().getEpochSecond(), wamid);
  }

  private static HttpResponse<String> post(
      HttpClient http, int port, String path, String body, String auth, String... signature)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    if (signature.length > 0) {
      b.header("X-Hub-Signature-256", signature[0]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitPort(int port, ChildProcess process) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(process.alive()).as(process.name() + ": " + process.log()).isTrue();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(300);
      }
    }
    throw new AssertionError(process.name() + " never listened: " + process.log());
  }
}
