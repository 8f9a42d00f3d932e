package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.health.HealthCheck;
import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Senders;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.api.config.ApiConfiguration;
import com.salesagent.api.system.OpenApiDocs;
import com.salesagent.temporal.TemporalConnection;
import com.salesagent.worker.Connections;
import com.salesagent.worker.cli.ConfigSources;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import jakarta.ws.rs.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The embedded default booted as the 'embedded' command boots it, on free ports. */
@ExtendWith(DropwizardExtensionsSupport.class)
class EmbeddedApplicationTest {
  static final String TOKEN = "test-admin-token-0123456789abcdef0123";

  static final DropwizardAppExtension<ApiConfiguration> APP =
      new DropwizardAppExtension<>(
          SalesAgentApplication.class,
          "embedded.yml",
          ConfigSources.fileOrClasspath(EmbeddedEnvironment.freePorts(TOKEN)));

  private final HttpClient http = HttpClient.newHttpClient();

  private Connections connections() {
    return APP.<SalesAgentApplication>getApplication().connections();
  }

  private HttpResponse<String> post(String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + APP.getLocalPort() + path))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Every (method, path template) Jersey serves, from its resource model. */
  private static Set<String> jerseyRoutes() {
    Set<Object> registered = new HashSet<>();
    registered.addAll(APP.getEnvironment().jersey().getResourceConfig().getInstances());
    registered.addAll(APP.getEnvironment().jersey().getResourceConfig().getClasses());
    Set<String> routes = new TreeSet<>();
    for (Object o : registered) {
      Class<?> type = o instanceof Class<?> c ? c : o.getClass();
      if (!type.isAnnotationPresent(Path.class) || type == OpenApiDocs.class) {
        continue;
      }
      Resource resource = Resource.from(type);
      collect(resource, resource.getPath(), routes);
    }
    return routes;
  }

  private static void collect(Resource r, String prefix, Set<String> out) {
    for (ResourceMethod m : r.getResourceMethods()) {
      out.add(
          m.getHttpMethod() + " " + ("/" + prefix).replaceAll("/+", "/").replaceAll("(.)/$", "$1"));
    }
    for (Resource child : r.getChildResources()) {
      collect(child, prefix + "/" + child.getPath(), out);
    }
  }

  @Test
  void theOpenApiDescriptionNamesEveryRouteAndTheTokenAndNeedsNoToken() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + APP.getLocalPort() + "/api/openapi.json"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + APP.getLocalPort() + "/api-docs/"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<Void> bundle =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://localhost:"
                            + APP.getLocalPort()
                            + "/api-docs/ui/swagger-ui-bundle.js"))
                .build(),
            HttpResponse.BodyHandlers.discarding());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode api = APP.getObjectMapper().readTree(response.body());
    Set<String> described = new TreeSet<>();
    api.path("paths")
        .fields()
        .forEachRemaining(
            p ->
                p.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        method -> described.add(method.toUpperCase() + " " + p.getKey())));
    assertThat(described).isEqualTo(jerseyRoutes());
    assertThat(described).contains("POST /api/leads", "GET /api/leads/{leadId}");
    assertThat(
            api.path("components")
                .path("securitySchemes")
                .path("operatorToken")
                .path("scheme")
                .asText())
        .isEqualTo("bearer");
    JsonNode webhook = api.path("paths").path("/webhooks/whatsapp").path("post");
    assertThat(webhook.isObject()).isTrue();
    assertThat(webhook.has("security")).as("the webhook needs no token").isFalse();
    assertThat(api.path("paths").path("/api/leads").path("post").path("security").toString())
        .contains("operatorToken");
    assertThat(api.path("paths").path("/api/leads").path("post").path("tags").toString())
        .contains("leads");
    // The operator a route's token authenticates is no request body: an approval's body is the
    // decision, and no operation documents the principal as its body.
    assertThat(
            api.path("paths")
                .path("/api/leads/{leadId}/approval")
                .path("post")
                .path("requestBody")
                .toString())
        .contains("ApprovalRequest");
    assertThat(api.path("components").path("schemas").has("Operator")).isFalse();
    // Routes that read their body as bytes (strict parsing, size caps) still document its JSON.
    JsonNode enrol = api.path("paths").path("/api/leads").path("post").path("requestBody");
    assertThat(enrol.path("content").has("*/*")).as(enrol.toString()).isFalse();
    assertThat(enrol.path("content").path("application/json").toString()).contains("LeadRequest");
    assertThat(
            api.path("paths")
                .path("/api/leads/{leadId}/replies")
                .path("post")
                .path("requestBody")
                .path("content")
                .path("application/json")
                .toString())
        .contains("ReplyRequest");
    assertThat(
            api.path("paths")
                .path("/api/leads/import")
                .path("post")
                .path("requestBody")
                .path("content")
                .has("text/csv"))
        .isTrue();
    // The description is built once and served many times: a route's requirement is not repeated.
    JsonNode again =
        APP.getObjectMapper()
            .readTree(
                http.send(
                        HttpRequest.newBuilder(
                                URI.create(
                                    "http://localhost:" + APP.getLocalPort() + "/api/openapi.json"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body());
    assertThat(again.path("paths").path("/api/leads").path("post").path("security").size())
        .isEqualTo(1);
    assertThat(response.body()).doesNotContain("#/components/schemas/Operator\"");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("/api-docs/ui/swagger-ui-bundle.js");
    assertThat(bundle.statusCode()).isEqualTo(200);
  }

  @Test
  void thePrometheusPageHasTheJvmDropwizardAndTemporalMeters() throws Exception {
    assertThat(post("/api/system/diagnostics", TOKEN).statusCode()).isEqualTo(200);
    String[] page = new String[1];
    Awaitility.await("the Temporal SDK's meters (reported every 2 s)")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              HttpResponse<String> r =
                  http.send(
                      HttpRequest.newBuilder(
                              URI.create("http://localhost:" + APP.getAdminPort() + "/prometheus"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              page[0] = r.statusCode() == 200 ? r.body() : "";
              return page[0].contains("temporal_workflow_completed");
            });

    assertThat(page[0])
        .contains("jvm_memory_used_bytes")
        .contains("temporal_request_total")
        // Dropwizard's timer of the resource method just called (class-level @Timed).
        .containsPattern("com_salesagent_api_system_DiagnosticsResource_\\w+_count");
  }

  @Test
  void dashboardWithoutTheSlashRedirectsToThePage() throws Exception {
    HttpResponse<String> bare =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + APP.getLocalPort() + "/dashboard"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + APP.getLocalPort() + "/dashboard/"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(bare.statusCode()).isEqualTo(303);
    assertThat(bare.headers().firstValue("Location"))
        .hasValueSatisfying(
            l ->
                assertThat(URI.create("http://localhost/").resolve(l).getPath())
                    .isEqualTo("/dashboard/"));
    assertThat(bare.body()).doesNotContain("<html");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<html");
  }

  /**
   * A route the API does not have, and a method a route does not take, name what is at fault in the
   * API's error shape ({@code path}, {@code method}), as every other 4xx does; the 405 keeps its
   * {@code Allow} header.
   */
  @Test
  void anUnknownRouteOrMethodNamesPathOrMethod() throws Exception {
    HttpResponse<String> nowhere = post("/api/no-such-route", TOKEN);
    HttpResponse<String> wrongMethod =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + APP.getLocalPort() + "/api/suppressions"))
                .header("Authorization", "Bearer " + TOKEN)
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(nowhere.statusCode()).isEqualTo(404);
    JsonNode notFound = new com.fasterxml.jackson.databind.ObjectMapper().readTree(nowhere.body());
    assertThat(notFound.path("code").asInt()).isEqualTo(404);
    assertThat(notFound.at("/errors/0/field").asText()).isEqualTo("path");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    JsonNode notAllowed =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(wrongMethod.body());
    assertThat(notAllowed.path("code").asInt()).isEqualTo(405);
    assertThat(notAllowed.at("/errors/0/field").asText()).isEqualTo("method");
    assertThat(wrongMethod.headers().firstValue("Allow"))
        .hasValueSatisfying(a -> assertThat(a).contains("GET", "POST"));
  }

  /**
   * A static file the dashboard does not have (a stale bookmark, a mistyped module) is the API's
   * JSON 404 naming {@code path}, not an empty body; a browser asking for a page gets a short HTML
   * one. Neither echoes the path asked for.
   */
  @Test
  void aMissingDashboardFileIsTheJson404NamingPathOrAShortPageForABrowser() throws Exception {
    URI missing =
        URI.create("http://localhost:" + APP.getLocalPort() + "/dashboard/js/no-such-module.js");
    HttpResponse<String> api =
        http.send(
            HttpRequest.newBuilder(missing).header("Accept", "application/json").build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> any =
        http.send(HttpRequest.newBuilder(missing).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> browser =
        http.send(
            HttpRequest.newBuilder(missing)
                .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    for (HttpResponse<String> r : List.of(api, any)) {
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
      JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
      assertThat(body.path("code").asInt()).isEqualTo(404);
      assertThat(body.at("/errors/0/field").asText()).isEqualTo("path");
      assertThat(r.body()).doesNotContain("no-such-module");
    }
    for (HttpResponse<String> r : List.of(api, any, browser)) {
      assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }
    assertThat(browser.statusCode()).isEqualTo(404);
    assertThat(browser.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(browser.body()).contains("<html").contains("404").doesNotContain("no-such-module");
  }

  /**
   * The dashboard and the API docs declare their icon (an SVG the dashboard's assets serve), so a
   * browser asks for no /favicon.ico (a 404 in its console on every load). The pages and the icon
   * load without the token, as the other static assets do.
   */
  @Test
  void everyPageDeclaresAnIconThatIsServedWithoutTheToken() throws Exception {
    for (String path : java.util.List.of("/dashboard/", "/api-docs/")) {
      URI pageUri = URI.create("http://localhost:" + APP.getLocalPort() + path);
      HttpResponse<String> page =
          http.send(HttpRequest.newBuilder(pageUri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      java.util.regex.Matcher declared =
          java.util.regex.Pattern.compile("<link rel=\"icon\" href=\"([^\"]+)\"")
              .matcher(page.body());
      assertThat(declared.find()).as(path + " declares an icon").isTrue();

      HttpResponse<String> icon =
          http.send(
              HttpRequest.newBuilder(pageUri.resolve(declared.group(1))).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(icon.statusCode()).as(path + " icon").isEqualTo(200);
      assertThat(icon.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("image/svg+xml"));
      var factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      org.w3c.dom.Element root =
          factory
              .newDocumentBuilder()
              .parse(new org.xml.sax.InputSource(new java.io.StringReader(icon.body())))
              .getDocumentElement();
      assertThat(root.getLocalName()).isEqualTo("svg");
      assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
    }
  }

  @Test
  void everyHealthCheckIsHealthy() throws Exception {
    SortedMap<String, HealthCheck.Result> results =
        APP.getEnvironment().healthChecks().runHealthChecks();

    assertThat(results).containsKeys("temporal", "mongodb", "s3", "senders");
    results.forEach((name, result) -> assertThat(result.isHealthy()).as(name).isTrue());
    // The emulator's number is covered by the in-process worker's token report (not only by the
    // senders check's start-up grace): usable by the senders API's own rule.
    Senders senders = new Senders(connections().mongo().database());
    assertThat(senders.sending()).isNotEmpty();
    Instant now = Instant.now();
    assertThat(senders.sending())
        .allSatisfy(d -> assertThat(Senders.unusable(d, now)).as(d.toJson()).isNull());
    HttpResponse<String> admin =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + APP.getAdminPort() + "/healthcheck"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(admin.body()).contains("\"temporal\"").contains("\"mongodb\"").contains("\"s3\"");
  }

  @Test
  void theDiagnosticsWorkflowCompletesOnTheInProcessWorker() throws Exception {
    // The process's own clients take the dev server's in-process endpoint, not its port.
    assertThat(connections().temporal().target()).startsWith(TemporalConnection.IN_PROCESS);
    HttpResponse<String> response = post("/api/system/diagnostics", TOKEN);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<?, ?> report = APP.getObjectMapper().readValue(response.body(), Map.class);
    assertThat(report.get("probes").toString())
        .contains("component=mongodb, ok=true")
        .contains("component=s3, ok=true");
    assertThat(report.get("startedAt").toString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
  }

  @Test
  void theApiRequiresTheBearerToken() throws Exception {
    HttpResponse<String> missing = post("/api/system/diagnostics", null);
    HttpResponse<String> wrong = post("/api/system/diagnostics", "not-the-token");

    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.body()).contains("API_ADMIN_TOKEN");
    assertThat(missing.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("wrong bearer token");
    // The one error shape, naming the header at fault.
    for (HttpResponse<String> r : List.of(missing, wrong)) {
      assertThat(r.body()).contains("\"errors\":[{\"field\":\"Authorization\"");
    }
  }

  @Test
  void aDocumentRoundTripsThroughMongo() {
    MongoCollection<Document> c = connections().mongo().database().getCollection("round_trip");
    c.insertOne(new Document("key", "k-1").append("text", "olá, 世界"));

    Document back = c.find(Filters.eq("key", "k-1")).first();

    assertThat(back).isNotNull();
    assertThat(back.getString("text")).isEqualTo("olá, 世界");
    // No oplog unless LIVE_FEED_SOURCE=change_streams (DashboardApplicationTest runs that way).
    assertThat(connections().mongo().capabilities().changeStreams()).isFalse();
  }

  @Test
  void anObjectRoundTripsThroughS3IncludingAPresignedGet() throws Exception {
    ObjectStorage storage = connections().storage().storage();
    byte[] card = "an image card, say".getBytes(StandardCharsets.UTF_8);
    storage.put("cards/lead-1.txt", card, "text/plain");

    assertThat(storage.get("cards/lead-1.txt")).isEqualTo(card);
    String url = storage.presignGet("cards/lead-1.txt", Duration.ofMinutes(5));
    HttpResponse<byte[]> fetched =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(fetched.statusCode()).isEqualTo(200);
    assertThat(fetched.body()).isEqualTo(card);

    HttpResponse<byte[]> unsigned =
        http.send(
            HttpRequest.newBuilder(URI.create(url.substring(0, url.indexOf('?')))).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(unsigned.statusCode()).isEqualTo(403);
  }

  @Test
  void aPausedBusinessNumberTurnsTheHealthCheckRedAndShowsOnTheDashboard() throws Exception {
    Senders senders = new Senders(connections().mongo().database());
    Instant now = Instant.now();
    senders.pause("test-number-1", 190, "Error validating access token: Session has expired", now);
    try {
      HealthCheck.Result result = APP.getEnvironment().healthChecks().runHealthCheck("senders");
      assertThat(result.isHealthy()).isFalse();
      assertThat(result.getMessage()).contains("test-number-1").contains("Meta error 190");
      HttpResponse<String> admin =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://localhost:" + APP.getAdminPort() + "/healthcheck"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(admin.statusCode()).isEqualTo(500);
      HttpResponse<String> summary =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://localhost:" + APP.getLocalPort() + "/api/dashboard/summary"))
                  .header("Authorization", "Bearer " + TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Map<?, ?> body = APP.getObjectMapper().readValue(summary.body(), Map.class);
      assertThat(body.get("pausedSenders").toString())
          .contains("phoneNumberId=test-number-1")
          .contains("code=190");
    } finally {
      senders.active("test-number-1", now.plusSeconds(1));
    }
    assertThat(APP.getEnvironment().healthChecks().runHealthCheck("senders").isHealthy()).isTrue();
  }
}
