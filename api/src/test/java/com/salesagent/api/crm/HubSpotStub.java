package com.salesagent.api.crm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local HubSpot CRM v3 for tests, answering in HubSpot's format: objects (contacts, deals, notes)
 * created, searched (EQ, CONTAINS_TOKEN) and patched; errors as HubSpot's JSON ({@code status},
 * {@code message}, {@code correlationId}, {@code category}); a bearer token checked (401); the
 * ten-secondly rate limit (429, {@code policyName}); archived (DELETE: {@code archived} true) and
 * GDPR-deleted (contacts, removed); a deal stage outside the pipeline refused (400
 * VALIDATION_ERROR); and a fault that creates the object, then drops the connection before
 * answering (a lost answer).
 */
public final class HubSpotStub implements AutoCloseable {
  static final Set<String> STAGES =
      Set.of(
          "appointmentscheduled",
          "qualifiedtobuy",
          "presentationscheduled",
          "decisionmakerboughtin",
          "contractsent",
          "closedwon",
          "closedlost");

  public final String token;
  final Map<String, Map<String, ObjectNode>> objects = new ConcurrentHashMap<>();
  final List<String> calls = new CopyOnWriteArrayList<>();

  /** The next this many calls answer 429 (the ten-secondly limit). */
  final AtomicInteger throttleNext = new AtomicInteger();

  /** The next this many creates store the object, then close without answering. */
  final AtomicInteger loseAnswerOfNextCreates = new AtomicInteger();

  private final AtomicLong ids = new AtomicLong(1000);
  private final ObjectMapper json = new ObjectMapper();
  private final HttpServer server;

  public HubSpotStub(String token) throws IOException {
    this.token = token;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/crm/v3/objects/", this::handle);
    server.createContext("/crm/v3/lists/", this::lists);
    server.start();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Lists whose paging never ends: every page names the same next cursor (a HubSpot fault). */
  public final java.util.Set<String> loopingLists = ConcurrentHashMap.newKeySet();

  /** Lists (id -> member contact ids), served by the lists API two members a page. */
  public final Map<String, List<String>> lists = new ConcurrentHashMap<>();

  /** Run as a batch read of objects is answered (what happens while an import reads a list). */
  public volatile Runnable onBatchRead = () -> {};

  /** A contact as HubSpot holds it (its id), for a list to name. */
  public String contact(Map<String, String> properties) {
    ObjectNode o = json.createObjectNode().put("id", String.valueOf(ids.incrementAndGet()));
    ObjectNode props = o.putObject("properties");
    properties.forEach(props::put);
    objects
        .computeIfAbsent("contacts", t -> new ConcurrentHashMap<>())
        .put(o.path("id").asText(), o);
    return o.path("id").asText();
  }

  /** {@code GET /crm/v3/lists/{listId}/memberships?limit&after}, HubSpot's paging. */
  private void lists(HttpExchange ex) throws IOException {
    String[] parts = ex.getRequestURI().getPath().substring("/crm/v3/lists/".length()).split("/");
    calls.add(ex.getRequestMethod() + " lists/" + String.join("/", parts));
    if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      error(ex, 401, "INVALID_AUTHENTICATION", "Authentication credentials not found.");
      return;
    }
    List<String> members = lists.get(parts[0]);
    if (members == null || parts.length != 2 || !"memberships".equals(parts[1])) {
      error(ex, 404, "OBJECT_NOT_FOUND", "List " + parts[0] + " does not exist.");
      return;
    }
    String query = ex.getRequestURI().getQuery() == null ? "" : ex.getRequestURI().getQuery();
    int from = 0;
    for (String kv : query.split("&")) {
      if (kv.startsWith("after=")) {
        from = Integer.parseInt(kv.substring(6).replace("page-", ""));
      }
    }
    int to = Math.min(members.size(), from + 2);
    ObjectNode out = json.createObjectNode();
    var results = out.putArray("results");
    for (String id : members.subList(from, to)) {
      results.addObject().put("recordId", id).put("membershipTimestamp", "2026-12-01T10:00:00Z");
    }
    if (loopingLists.contains(parts[0])) {
      out.putObject("paging").putObject("next").put("after", "page-0");
    } else if (to < members.size()) {
      out.putObject("paging").putObject("next").put("after", "page-" + to);
    }
    send(ex, 200, out);
  }

  public List<ObjectNode> all(String type) {
    return new ArrayList<>(objects.getOrDefault(type, Map.of()).values());
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath().substring("/crm/v3/objects/".length());
    String[] parts = path.split("/");
    String method = ex.getRequestMethod();
    calls.add(method + " " + path);
    if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      error(ex, 401, "INVALID_AUTHENTICATION", "Authentication credentials not found.");
      return;
    }
    if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      ObjectNode body =
          json.createObjectNode()
              .put("status", "error")
              .put("message", "You have reached your ten_secondly_rolling limit.")
              .put("errorType", "RATE_LIMIT")
              .put("correlationId", UUID.randomUUID().toString())
              .put("policyName", "TEN_SECONDLY_ROLLING")
              .put("groupName", "publicapi:private-app:10s");
      send(ex, 429, body);
      return;
    }
    JsonNode in = json.readTree(ex.getRequestBody().readAllBytes());
    String type = parts[0];
    Map<String, ObjectNode> store = objects.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
    if ("POST".equals(method) && parts.length == 3 && "batch".equals(parts[1])) {
      onBatchRead.run();
      ObjectNode out = json.createObjectNode().put("status", "COMPLETE");
      var results = out.putArray("results");
      for (JsonNode input : in.path("inputs")) {
        ObjectNode o = store.get(input.path("id").asText());
        if (o == null) {
          continue; // HubSpot leaves missing ids out (and lists them under errors)
        }
        ObjectNode r = results.addObject().put("id", o.path("id").asText());
        ObjectNode props = r.putObject("properties");
        for (JsonNode p : in.path("properties")) {
          JsonNode v = o.path("properties").get(p.asText());
          props.set(p.asText(), v == null ? json.nullNode() : v.deepCopy());
        }
      }
      send(ex, 200, out);
      return;
    }
    if ("POST".equals(method) && parts.length == 2 && "gdpr-delete".equals(parts[1])) {
      if (store.remove(in.path("objectId").asText()) == null) {
        error(ex, 404, "OBJECT_NOT_FOUND", "Object not found.");
        return;
      }
      ex.sendResponseHeaders(204, -1);
      ex.close();
      return;
    }
    if ("DELETE".equals(method) && parts.length == 2) {
      ObjectNode o = store.get(parts[1]);
      if (o != null) {
        o.put("archived", true);
      }
      ex.sendResponseHeaders(204, -1); // HubSpot answers 204 for an id it does not have too
      ex.close();
      return;
    }
    if ("POST".equals(method) && parts.length == 2 && "search".equals(parts[1])) {
      JsonNode f = in.path("filterGroups").path(0).path("filters").path(0);
      String prop = f.path("propertyName").asText();
      String value = f.path("value").asText();
      boolean token = "CONTAINS_TOKEN".equals(f.path("operator").asText());
      List<ObjectNode> found = new ArrayList<>();
      for (ObjectNode o : store.values()) {
        String v = o.path("properties").path(prop).asText(null);
        if (v != null && (token ? v.contains(value) : v.equals(value))) {
          found.add(o);
        }
      }
      ObjectNode out = json.createObjectNode().put("total", found.size());
      out.putArray("results").addAll(found.subList(0, Math.min(found.size(), 1)));
      send(ex, 200, out);
      return;
    }
    if ("POST".equals(method) && parts.length == 1) {
      String stage = in.path("properties").path("dealstage").asText(null);
      if (stage != null && !STAGES.contains(stage)) {
        error(ex, 400, "VALIDATION_ERROR", "Property values were not valid: dealstage " + stage);
        return;
      }
      ObjectNode o = json.createObjectNode().put("id", String.valueOf(ids.incrementAndGet()));
      o.set("properties", in.path("properties").deepCopy());
      o.set("associations", in.path("associations").deepCopy());
      o.put("createdAt", "2026-12-02T10:00:00.000Z").put("archived", false);
      store.put(o.path("id").asText(), o);
      if (loseAnswerOfNextCreates.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IOException("stub: the answer is lost"); // HttpServer drops the connection
      }
      send(ex, 201, o);
      return;
    }
    if ("PATCH".equals(method) && parts.length == 2) {
      ObjectNode o = store.get(parts[1]);
      if (o == null) {
        error(ex, 404, "OBJECT_NOT_FOUND", "Object not found.  objectId are usually numeric.");
        return;
      }
      String stage = in.path("properties").path("dealstage").asText(null);
      if (stage != null && !STAGES.contains(stage)) {
        error(ex, 400, "VALIDATION_ERROR", "Property values were not valid: dealstage " + stage);
        return;
      }
      in.path("properties")
          .fields()
          .forEachRemaining(e -> ((ObjectNode) o.path("properties")).set(e.getKey(), e.getValue()));
      send(ex, 200, o);
      return;
    }
    error(ex, 404, "OBJECT_NOT_FOUND", "no route " + method + " " + path);
  }

  private void error(HttpExchange ex, int status, String category, String message)
      throws IOException {
    send(
        ex,
        status,
        json.createObjectNode()
            .put("status", "error")
            .put("message", message)
            .put("correlationId", UUID.randomUUID().toString())
            .put("category", category));
  }

  private void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json;charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
