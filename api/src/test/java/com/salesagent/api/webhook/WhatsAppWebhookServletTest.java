package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.MongoTimeoutException;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.MongoDatabaseExtension;
import com.salesagent.activities.mongo.MongoSchema;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.triage.ReplyClassifier;
import com.salesagent.api.http.RequestGuard;
import com.salesagent.api.senders.SenderDirectory;
import jakarta.servlet.DispatcherType;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.function.Function;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The webhook's servlet lane on its own Jetty, with the request guard in front as in the
 * application: what it answers when the inbox stores, refuses or fails (MongoDB out of reach is a
 * 503 Meta retries, anything else a 500 with a logged id, never a Jetty HTML page), its caps and
 * its timers. The application test compares its answers with the Jersey lane's.
 */
class WhatsAppWebhookServletTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final String SECRET = "app-secret";
  private static final String NUMBER = "123";

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final MetricRegistry metrics = new MetricRegistry();
  private Server jetty;
  private WebhookInbox inbox;
  private String base;

  @BeforeEach
  void setUp() {
    MongoSchema.ensure(MONGO.database());
    new Senders(MONGO.database()).register(NUMBER, "WHATSAPP_ACCESS_TOKEN", null, true);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (jetty != null) {
      jetty.stop();
    }
    if (inbox != null) {
      inbox.stop();
    }
  }

  /** Serves the webhook whose inbox's {@code accept} is {@code accept} (the real one if null). */
  private void serve(Function<MetaNotification.Parsed, WebhookInbox.Accepted> accept)
      throws Exception {
    LeadStore store = new LeadStore(MONGO.database());
    Clock clock = Clock.systemUTC();
    inbox =
        new WebhookInbox(
            store, null, NUMBER, clock, 1, ReplyClassifier.LEXICON, Duration.ofDays(30)) {
          @Override
          public Accepted accept(MetaNotification.Parsed parsed) {
            return accept == null ? super.accept(parsed) : accept.apply(parsed);
          }
        };
    WhatsAppWebhookResource webhook =
        new WhatsAppWebhookResource(
            SECRET,
            "verify-me",
            inbox,
            new SenderDirectory(new Senders(MONGO.database()), NUMBER, clock));
    jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(
        new FilterHolder(new RequestGuard(64 * 1024, 64 * 1024)),
        "/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(
        new ServletHolder(new WhatsAppWebhookServlet(webhook, json, metrics)),
        WhatsAppWebhookServlet.PATH);
    jetty.setHandler(context);
    jetty.start();
    base = jetty.getURI().toString().replaceAll("/$", "");
  }

  private static String status(String wamid) {
    return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"waba-1\",\"changes\":[{"
        + "\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{"
        + "\"display_phone_number\":\"15550000000\",\"phone_number_id\":\""
        + NUMBER
        + "\"},\"statuses\":[{\"id\":\""
        + wamid
        + "\",\"status\":\"delivered\",\"timestamp\":\"1764064800\","
        + "\"recipient_id\":\"5511900000000\"}]}}]}]}";
  }

  private HttpResponse<String> post(String body, boolean signed) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + WhatsAppWebhookServlet.PATH))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    if (signed) {
      request.header("X-Hub-Signature-256", new WebhookSignature(SECRET).sign(bytes));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSignedNotificationIsStoredAnsweredAndTimedUnderTheResourcesName() throws Exception {
    serve(null);
    HttpResponse<String> first = post(status("wamid.servlet-1"), true);
    HttpResponse<String> again = post(status("wamid.servlet-1"), true);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json.readTree(first.body()).path("stored").asInt()).isEqualTo(1);
    assertThat(json.readTree(again.body()).path("duplicates").asInt()).isEqualTo(1);
    assertThat(new LeadStore(MONGO.database()).webhookEvents().countDocuments()).isEqualTo(1);
    // What the Jersey lane had: the guard's headers, Server-Timing, @Timed's timer by name.
    assertThat(first.headers().firstValue("Content-Security-Policy")).hasValue(RequestGuard.CSP);
    assertThat(first.headers().firstValue("Server-Timing").orElse("")).startsWith("app;dur=");
    assertThat(
            metrics.timer(MetricRegistry.name(WhatsAppWebhookResource.class, "receive")).getCount())
        .isEqualTo(2);
  }

  @Test
  void refusalsAreJsonNamingTheReasonAndStoreNothing() throws Exception {
    serve(null);
    HttpResponse<String> unsigned = post(status("wamid.servlet-2"), false);
    assertThat(unsigned.headers().firstValue("Server-Timing"))
        .as("no timings for a caller that did not sign")
        .isEmpty();
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(json.readTree(unsigned.body()).path("message").asText())
        .isEqualTo("missing X-Hub-Signature-256");
    // Every refusal names what is at fault (the header, the body, the method), never errors: [].
    assertThat(json.readTree(unsigned.body()).at("/errors/0/field").asText())
        .isEqualTo("X-Hub-Signature-256");
    HttpResponse<String> notJson = post("{not json", true);
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(json.readTree(notJson.body()).path("message").asText())
        .isEqualTo("body is not JSON");
    assertThat(json.readTree(notJson.body()).at("/errors/0/field").asText()).isEqualTo("body");
    HttpResponse<String> array = post("[1,2]", true);
    assertThat(array.statusCode()).isEqualTo(400);
    assertThat(json.readTree(array.body()).at("/errors/0/field").asText()).isEqualTo("body");

    HttpResponse<String> put =
        http.send(
            HttpRequest.newBuilder(URI.create(base + WhatsAppWebhookServlet.PATH))
                .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(405);
    assertThat(put.headers().firstValue("Allow").orElse("")).contains("POST");
    assertThat(json.readTree(put.body()).path("code").asInt()).isEqualTo(405);
    assertThat(json.readTree(put.body()).at("/errors/0/field").asText()).isEqualTo("method");

    // Past the cap without a declared length: the guard's 413, as JSON naming the body.
    byte[] big = new byte[80 * 1024];
    java.util.Arrays.fill(big, (byte) ' ');
    HttpResponse<String> tooLarge =
        http.send(
            HttpRequest.newBuilder(URI.create(base + WhatsAppWebhookServlet.PATH))
                .header("X-Hub-Signature-256", "sha256=00")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(json.readTree(tooLarge.body()).at("/errors/0/field").asText()).isEqualTo("body");
    assertThat(new LeadStore(MONGO.database()).webhookEvents().countDocuments()).isZero();
  }

  private HttpResponse<String> handshake(String token) throws Exception {
    return verify("?hub.mode=subscribe&hub.challenge=42&hub.verify_token=" + token);
  }

  private HttpResponse<String> verify(String query) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + WhatsAppWebhookServlet.PATH + query)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A refusal's status, content type, and its error's field and message. */
  private String refusal(HttpResponse<String> r) throws Exception {
    var body = json.readTree(r.body());
    return r.statusCode()
        + " "
        + r.headers().firstValue("Content-Type").orElse("")
        + " "
        + body.at("/errors/0/field").asText()
        + ": "
        + body.at("/errors/0/message").asText();
  }

  @Test
  void theHandshakeEchoesTheChallengeAsTextOnlyForTheRightToken() throws Exception {
    serve(null);
    HttpResponse<String> ok = handshake("verify-me");
    HttpResponse<String> wrong = handshake("nope");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("42");
    assertThat(ok.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(ok.headers().firstValue("Server-Timing").orElse("")).startsWith("app;dur=");
    assertThat(wrong.headers().firstValue("Server-Timing"))
        .as("no timings for a caller with a wrong verify token")
        .isEmpty();
  }

  @Test
  void aRefusedHandshakeIsJsonNamingTheField() throws Exception {
    serve(null);
    assertThat(refusal(handshake("nope")))
        .isEqualTo("403 application/json hub.verify_token: does not match");
    assertThat(refusal(verify("?hub.mode=subscribe&hub.challenge=42")))
        .isEqualTo("403 application/json hub.verify_token: required");
    assertThat(refusal(verify("?hub.mode=unsubscribe&hub.challenge=42&hub.verify_token=verify-me")))
        .isEqualTo("403 application/json hub.mode: must be subscribe");
    assertThat(refusal(verify("?hub.challenge=42&hub.verify_token=verify-me")))
        .isEqualTo("403 application/json hub.mode: must be subscribe");
    assertThat(refusal(verify("?hub.mode=subscribe&hub.verify_token=verify-me")))
        .isEqualTo("400 application/json hub.challenge: required");
    assertThat(
            refusal(
                verify(
                    "?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge="
                        + "9".repeat(257))))
        .isEqualTo("400 application/json hub.challenge: at most 256 characters");
    assertThat(json.readTree(handshake("nope").body()).path("message").asText())
        .isEqualTo("webhook verification failed: hub.verify_token does not match");
  }

  @Test
  void anUnreachableDatabaseIs503WithRetryAfterAndAnyOtherFailureA500WithItsLoggedId()
      throws Exception {
    boolean[] reachable = {false};
    serve(
        parsed -> {
          if (!reachable[0]) {
            throw new MongoTimeoutException("no server within the selection timeout");
          }
          throw new IllegalStateException("a defect");
        });
    HttpResponse<String> unreachable = post(status("wamid.servlet-3"), true);
    assertThat(unreachable.statusCode()).isEqualTo(503);
    assertThat(unreachable.headers().firstValue("Retry-After")).hasValue("5");
    JsonNode body = json.readTree(unreachable.body());
    assertThat(body.path("code").asInt()).isEqualTo(503);
    assertThat(body.path("message").asText()).contains("unreachable");

    reachable[0] = true;
    HttpResponse<String> failed = post(status("wamid.servlet-4"), true);
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(failed.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json.readTree(failed.body()).path("message").asText()).contains("logged (ID ");
  }
}
