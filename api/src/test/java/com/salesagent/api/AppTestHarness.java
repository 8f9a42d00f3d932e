package com.salesagent.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.config.ApiConfiguration;
import com.salesagent.api.embedded.EmulatorBehaviour;
import com.salesagent.api.embedded.WhatsAppEmulator;
import com.salesagent.worker.cli.ConfigSources;
import com.salesagent.workflows.lead.LeadState;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The embedded application the lead lifecycle test classes share, and their helpers: the REST API
 * with the admin token, the WhatsApp emulator, the lead store, leads with unique phone numbers.
 * Follow-up delays are shrunk to seconds by configuration and there are no quiet hours.
 *
 * <p>One application serves every class permitted below (a boot costs seconds): started before the
 * first of them, stopped after the last of them, or at the end of the run when only some of them
 * run. The classes run one after another on it, so a test that changes something global (the
 * emulator's behaviour, the enabled variants, the auto-disable settings) sets it itself or puts it
 * back in a finally block, and every test uses its own lead ids and phone numbers.
 */
@ExtendWith(AppTestHarness.SharedApplication.class)
abstract sealed class AppTestHarness
    permits LeadLifecycleTest,
        ApprovalsApplicationTest,
        VariantsApplicationTest,
        EnrolmentApplicationTest,
        ErasureApplicationTest,
        VoiceNoteApplicationTest,
        WebhookApplicationTest,
        AfterEndApplicationTest,
        ReturningContactApplicationTest,
        AdminPortApplicationTest,
        ProxiedClientsApplicationTest,
        SuppressedLeadsApplicationTest,
        QueryIdsApplicationTest,
        ImportRecordsApplicationTest,
        RetentionApplicationTest,
        SubjectAccessApplicationTest {
  static final String TOKEN = "lifecycle-token-0123456789abcdef01234";

  /** HubSpot's webhooks to us: the app's client secret and the public URL they are signed for. */
  static final String HUBSPOT_SECRET = "hubspot-client-secret-0123456789";

  static final String HUBSPOT_WEBHOOK_URL = "https://agent.example.com/webhooks/hubspot";

  /** The outbound webhooks' receiver: every body with its X-Signature-256, as received. */
  static final String NOTIFY_SECRET = "notify-secret-0123456789";

  static final java.util.List<String[]> NOTIFIED =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private static com.sun.net.httpserver.HttpServer receiver;

  private static synchronized String notifyUrl() {
    if (receiver == null) {
      try {
        receiver =
            com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      receiver.createContext(
          "/notify",
          exchange -> {
            String body =
                new String(
                    exchange.getRequestBody().readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            NOTIFIED.add(
                new String[] {body, exchange.getRequestHeaders().getFirst("X-Signature-256")});
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
          });
      receiver.setExecutor(
          java.util.concurrent.Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "notify-receiver");
                t.setDaemon(true);
                return t;
              }));
      receiver.start();
    }
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/notify";
  }

  /** A local HubSpot (the CRM connector writes to it as it would to HubSpot's API). */
  static final com.salesagent.api.crm.HubSpotStub HUBSPOT;

  static {
    try {
      HUBSPOT = new com.salesagent.api.crm.HubSpotStub("pat-test-0123456789");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Map<String, String> environment() {
    Map<String, String> env = EmbeddedEnvironment.anyHour(TOKEN);
    env.put("HUBSPOT_ACCESS_TOKEN", HUBSPOT.token);
    env.put("HUBSPOT_BASE_URL", HUBSPOT.baseUrl());
    env.put("HUBSPOT_CLIENT_SECRET", HUBSPOT_SECRET);
    env.put("HUBSPOT_WEBHOOK_URL", HUBSPOT_WEBHOOK_URL);
    env.put("NOTIFY_WEBHOOK_URL", notifyUrl());
    env.put("NOTIFY_WEBHOOK_SECRET", NOTIFY_SECRET);
    env.put("FOLLOW_UP_READ_NO_REPLY", "3s");
    env.put("FOLLOW_UP_UNREAD", "6s");
    env.put("ERASURE_SWEEP_AFTER", "2s");
    // The tests reach the port from loopback, as a reverse proxy would
    // (ProxiedClientsApplicationTest).
    env.put("TRUSTED_PROXIES", "127.0.0.1,::1");
    return env;
  }

  /** The shared application while one of the classes runs (set by {@link SharedApplication}). */
  static volatile DropwizardAppExtension<ApiConfiguration> APP;

  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  SalesAgentApplication app() {
    return APP.getApplication();
  }

  WhatsAppEmulator emulator() {
    return app().emulator();
  }

  LeadStore store() {
    return new LeadStore(app().connections().mongo().database());
  }

  String url(String path) {
    return "http://localhost:" + APP.getLocalPort() + path;
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> postJson(String path, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url(path)))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> get(String path) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + TOKEN));
  }

  /** Meta's notification, signed with the emulator's app secret, posted to the webhook. */
  HttpResponse<String> metaWebhook(String body) throws Exception {
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return send(
        HttpRequest.newBuilder(URI.create(url("/webhooks/whatsapp")))
            .header("Content-Type", "application/json")
            .header(
                "X-Hub-Signature-256",
                new com.salesagent.api.webhook.WebhookSignature(emulator().appSecret()).sign(bytes))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
  }

  /** Meta's notification of a text from {@code phone} answering our {@code wamid}, sent now. */
  String textFrom(String phone, String wamid, String text) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"waba-1","changes":[{"field":"messages",
         "value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550000000",
         "phone_number_id":"%s"},"messages":[{"from":"%s","id":"wamid.in-%s","timestamp":"%d",
         "type":"text","text":{"body":"%s"},"context":{"from":"15550000000","id":"%s"}}]}}]}]}
        """
        .formatted(
            emulator().phoneNumberId(),
            phone.substring(1),
            UUID.randomUUID(),
            java.time.Instant.now().getEpochSecond(),
            text,
            wamid);
  }

  static String leadJson(String leadId, String phone) {
    return """
        {"leadId":"%s","name":"Zoë Ñúñez","phone":"%s","company":"Acme","jobTitle":"Head of Sales",
         "industry":"retail","companySize":"30","timezone":"America/Sao_Paulo",
         "notes":"Met at the retail fair.\\n\\nExpanding to three new cities.",
         "consent":{"whatsappOptIn":true,"source":"web form","at":"2026-11-20T10:00:00Z"}}
        """
        .formatted(leadId, phone);
  }

  /** Polls every 100 ms until the condition holds; fails naming {@code what} after the timeout. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    Awaitility.await(what)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .until(condition::getAsBoolean);
  }

  /**
   * {@link #await} for a lead's workflow; on a timeout the failure carries the workflow's history
   * (each event's time and type, signals and timers named), to tell a run that waited on the dev
   * server from one that waited on its own timer or never got the signal.
   */
  void awaitLead(String leadId, String what, Duration timeout, BooleanSupplier condition) {
    try {
      await(what, timeout, condition);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + history(leadId), e);
    }
  }

  /** The lead's workflow history as one line per event, or why it could not be read. */
  String history(String leadId) {
    try {
      var events =
          app()
              .connections()
              .temporal()
              .client()
              .fetchHistory(LeadWorkflow.workflowId(leadId))
              .getEvents();
      StringBuilder out = new StringBuilder("history of " + leadId + ":");
      for (var e : events) {
        out.append("\n  ")
            .append(
                java.time.Instant.ofEpochSecond(
                    e.getEventTime().getSeconds(), e.getEventTime().getNanos()))
            .append(' ')
            .append(e.getEventId())
            .append(' ')
            .append(e.getEventType());
        if (e.hasWorkflowExecutionSignaledEventAttributes()) {
          out.append(' ').append(e.getWorkflowExecutionSignaledEventAttributes().getSignalName());
        } else if (e.hasTimerStartedEventAttributes()) {
          var t = e.getTimerStartedEventAttributes();
          out.append(" timer ")
              .append(t.getTimerId())
              .append(' ')
              .append(t.getStartToFireTimeout().getSeconds())
              .append('s');
        } else if (e.hasActivityTaskScheduledEventAttributes()) {
          out.append(' ')
              .append(e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
        } else if (e.hasWorkflowTaskFailedEventAttributes()) {
          out.append(' ').append(e.getWorkflowTaskFailedEventAttributes().getCause());
        }
      }
      return out.toString();
    } catch (RuntimeException e) {
      return "history of " + leadId + " unreadable: " + e;
    }
  }

  LeadState state(String leadId) {
    return app()
        .connections()
        .temporal()
        .client()
        .newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId))
        .state();
  }

  /** The last number {@link #phone} gave, from a random start: no two tests share a number. */
  private static final java.util.concurrent.atomic.AtomicLong LAST_PHONE =
      new java.util.concurrent.atomic.AtomicLong(
          Math.floorMod(UUID.randomUUID().hashCode(), 100_000_000));

  static String phone() {
    // +55 11 9xxxx-xxxx: valid Brazilian mobile numbers, unique in the run (the shared
    // application lives as long as the run: a number an earlier test's lead opted out of, or an
    // erasure kept suppressed, stays suppressed for every later test).
    return "+55119" + String.format("%08d", LAST_PHONE.incrementAndGet() % 100_000_000);
  }

  /** Enrols a lead and returns the wamid of its first message once the emulator accepted it. */
  String enrolAndAwaitFirstSend(String leadId, String phone) throws Exception {
    postJson("/api/leads", leadJson(leadId, phone));
    // A wait, not a speed check: a test JVM's first lead (cold JIT, the other fork busy on 2
    // cores) has taken over 20 s to reach its first send.
    await(
        "sent",
        Duration.ofSeconds(60),
        () ->
            store().messages().messagesOf(leadId).stream()
                .anyMatch(m -> m.getString("wamid") != null));
    return store().messages().messagesOf(leadId).get(0).getString("wamid");
  }

  static EmulatorBehaviour ackOnly() {
    return new EmulatorBehaviour(
        "ack_only", 1.0, 0.0, 0.0, 0.0, 0, 50, 100, 0, 0, List.of("x"), List.of("STOP"), 1);
  }

  /**
   * Starts the application lazily in the root store, so the classes of one run share it, and stops
   * it once every permitted class has finished; whatever is still running when the run ends (only
   * some of the classes were selected) the root store closes.
   */
  static final class SharedApplication implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(SharedApplication.class);
    private static final Set<Class<?>> FINISHED = ConcurrentHashMap.newKeySet();

    @Override
    public void beforeAll(ExtensionContext context) {
      APP =
          context
              .getRoot()
              .getStore(NAMESPACE)
              .getOrComputeIfAbsent(Running.class, k -> Running.start(), Running.class)
              .app();
    }

    @Override
    public void afterAll(ExtensionContext context) {
      FINISHED.add(context.getRequiredTestClass());
      if (FINISHED.containsAll(List.of(AppTestHarness.class.getPermittedSubclasses()))) {
        Running running =
            context.getRoot().getStore(NAMESPACE).remove(Running.class, Running.class);
        APP = null;
        if (running != null) {
          running.close();
        }
      }
    }
  }

  /** The running application; closing it stops it. */
  record Running(DropwizardAppExtension<ApiConfiguration> app) implements AutoCloseable {
    static Running start() {
      DropwizardAppExtension<ApiConfiguration> app =
          new DropwizardAppExtension<>(
              SalesAgentApplication.class,
              "embedded.yml",
              ConfigSources.fileOrClasspath(environment()));
      try {
        app.before();
      } catch (Exception e) {
        app.after();
        throw new IllegalStateException("the shared embedded application did not start", e);
      }
      return new Running(app);
    }

    @Override
    public void close() {
      app.after();
    }
  }
}
