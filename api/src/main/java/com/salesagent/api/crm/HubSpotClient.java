package com.salesagent.api.crm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The few HubSpot CRM v3 calls the connector makes (contacts, deals, notes: search, create,
 * update), with a private app's token, 5 s to connect and 10 s per call, its whole answer included
 * (a server that drips its body slowly is cut at the deadline), and at most {@link
 * #MAX_ANSWER_BYTES} of answer. A refusal comes back as {@link HubSpotException} with HubSpot's
 * status, {@code category} and {@code correlationId}.
 */
public final class HubSpotClient {
  /** Association type ids HubSpot defines: deal to contact, note to contact, note to deal. */
  static final int DEAL_TO_CONTACT = 3;

  static final int NOTE_TO_CONTACT = 202;
  static final int NOTE_TO_DEAL = 214;

  /** The most of an answer read: a batch of 100 contacts' properties is a few hundred KiB. */
  static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;

  /** The most pages of one list read: 10,000 members are 40 pages of 250. */
  static final int MAX_PAGES = 1_000;

  private final URI base;
  private final String token;
  private final HttpClient http;
  private final Duration deadline;
  private final int maxPages;
  private final ObjectMapper json = new ObjectMapper();

  public HubSpotClient(String baseUrl, String token) {
    this(baseUrl, token, Duration.ofSeconds(10), MAX_PAGES);
  }

  HubSpotClient(String baseUrl, String token, Duration deadline, int maxPages) {
    this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    this.token = token;
    this.deadline = deadline;
    this.maxPages = maxPages;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * HubSpot's list paging did not end: a cursor it gave before, or more than {@link #MAX_PAGES}.
   */
  public static final class PagingException extends IOException {
    PagingException(String message) {
      super(message);
    }
  }

  /** HubSpot refused or failed a call. */
  public static final class HubSpotException extends IOException {
    private final int status;
    private final String category;

    HubSpotException(int status, String category, String message) {
      super("HubSpot " + status + (category == null ? "" : " " + category) + ": " + message);
      this.status = status;
      this.category = category;
    }

    public int status() {
      return status;
    }

    public String category() {
      return category;
    }

    /** Worth trying again: throttled, or HubSpot's own failure. */
    public boolean retryable() {
      return status == 429 || status >= 500;
    }
  }

  /**
   * The id of the first {@code objectType} whose {@code property} {@code operator} value, or null.
   */
  public String search(String objectType, String property, String operator, String value)
      throws IOException, InterruptedException {
    ObjectNode filter =
        json.createObjectNode()
            .put("propertyName", property)
            .put("operator", operator)
            .put("value", value);
    ObjectNode body = json.createObjectNode();
    body.putArray("filterGroups").addObject().putArray("filters").add(filter);
    body.put("limit", 1);
    JsonNode found = call("POST", "crm/v3/objects/" + objectType + "/search", body);
    JsonNode first = found.path("results").path(0);
    return first.isMissingNode() ? null : first.path("id").asText(null);
  }

  /** Creates the object with these properties and associations (to id, type id); its id. */
  public String create(
      String objectType, Map<String, String> properties, Map<String, Integer> associations)
      throws IOException, InterruptedException {
    ObjectNode body = json.createObjectNode();
    ObjectNode props = body.putObject("properties");
    properties.forEach(props::put);
    if (!associations.isEmpty()) {
      ArrayNode list = body.putArray("associations");
      associations.forEach(
          (to, type) -> {
            ObjectNode a = list.addObject();
            a.putObject("to").put("id", to);
            a.putArray("types")
                .addObject()
                .put("associationCategory", "HUBSPOT_DEFINED")
                .put("associationTypeId", type);
          });
    }
    return call("POST", "crm/v3/objects/" + objectType, body).path("id").asText();
  }

  /** One page of a list's members: record ids, and where the next page starts (null: last). */
  public record Members(List<String> ids, String after) {}

  /**
   * Every member id of list {@code listId}, page by page, stopping once there are more than {@code
   * max} (the caller refuses so many); a page cursor HubSpot gave before, or more than {@link
   * #MAX_PAGES} pages, is a {@link PagingException} rather than a request that never ends.
   */
  public List<String> allMembers(String listId, int max) throws IOException, InterruptedException {
    List<String> ids = new java.util.ArrayList<>();
    java.util.Set<String> cursors = new java.util.HashSet<>();
    String after = null;
    int pages = 0;
    do {
      if (++pages > maxPages) {
        throw new PagingException("HubSpot's list paging went past " + maxPages + " pages");
      }
      Members page = listMembers(listId, after);
      ids.addAll(page.ids());
      after = page.after();
      if (after != null && !cursors.add(after)) {
        throw new PagingException("HubSpot's list paging gave a page cursor again");
      }
    } while (after != null && ids.size() <= max);
    return ids;
  }

  /** A page of the members of list {@code listId} (at most 250), from {@code after}. */
  public Members listMembers(String listId, String after) throws IOException, InterruptedException {
    JsonNode page =
        call(
            "GET",
            "crm/v3/lists/"
                + listId
                + "/memberships?limit=250"
                + (after == null
                    ? ""
                    : "&after="
                        + java.net.URLEncoder.encode(
                            after, java.nio.charset.StandardCharsets.UTF_8)),
            null);
    List<String> ids = new java.util.ArrayList<>();
    page.path("results").forEach(r -> ids.add(r.path("recordId").asText()));
    JsonNode next = page.path("paging").path("next").path("after");
    return new Members(ids, next.isMissingNode() || next.isNull() ? null : next.asText());
  }

  /** Contacts by id (at most 100): id -> the properties asked for. */
  public Map<String, Map<String, String>> readContacts(List<String> ids, List<String> properties)
      throws IOException, InterruptedException {
    ObjectNode body = json.createObjectNode();
    ArrayNode props = body.putArray("properties");
    properties.forEach(props::add);
    ArrayNode inputs = body.putArray("inputs");
    ids.forEach(id -> inputs.addObject().put("id", id));
    JsonNode answer = call("POST", "crm/v3/objects/contacts/batch/read", body);
    Map<String, Map<String, String>> out = new java.util.LinkedHashMap<>();
    for (JsonNode r : answer.path("results")) {
      Map<String, String> values = new java.util.LinkedHashMap<>();
      r.path("properties")
          .fields()
          .forEachRemaining(
              e -> values.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
      out.put(r.path("id").asText(), values);
    }
    return out;
  }

  /**
   * Archives the object (HubSpot keeps it restorable for 90 days); one already gone (404) is done.
   */
  public void archive(String objectType, String id) throws IOException, InterruptedException {
    try {
      call("DELETE", "crm/v3/objects/" + objectType + "/" + id, null);
    } catch (HubSpotException e) {
      if (e.status() != 404) {
        throw e;
      }
    }
  }

  /**
   * Permanently deletes the contact and its associated content, as a GDPR erasure ({@code POST
   * crm/v3/objects/contacts/gdpr-delete}); one already gone (404) is done.
   */
  public void gdprDeleteContact(String id) throws IOException, InterruptedException {
    try {
      call(
          "POST",
          "crm/v3/objects/contacts/gdpr-delete",
          json.createObjectNode().put("objectId", id));
    } catch (HubSpotException e) {
      if (e.status() != 404) {
        throw e;
      }
    }
  }

  /** Sets properties of an existing object. */
  public void update(String objectType, String id, Map<String, String> properties)
      throws IOException, InterruptedException {
    ObjectNode body = json.createObjectNode();
    ObjectNode props = body.putObject("properties");
    properties.forEach(props::put);
    call("PATCH", "crm/v3/objects/" + objectType + "/" + id, body);
  }

  private JsonNode call(String method, String path, JsonNode body)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response;
    try {
      // The whole answer within the deadline (the request's own timeout ends with the headers).
      response =
          com.salesagent.activities.http.WholeAnswer.send(
              http,
              HttpRequest.newBuilder(base.resolve(path))
                  .timeout(deadline)
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .method(
                      method,
                      body == null
                          ? HttpRequest.BodyPublishers.noBody()
                          : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                  .build(),
              deadline,
              MAX_ANSWER_BYTES);
    } catch (java.net.http.HttpTimeoutException e) {
      throw new java.net.http.HttpTimeoutException(
          "HubSpot's answer was not whole within " + deadline.toMillis() + " ms");
    } catch (com.salesagent.activities.http.WholeAnswer.TooLarge e) {
      throw new IOException("HubSpot's answer is longer than " + e.max() + " bytes");
    }
    JsonNode answer;
    try {
      answer =
          response.body().length == 0 ? json.createObjectNode() : json.readTree(response.body());
    } catch (IOException e) {
      answer = json.createObjectNode();
    }
    if (response.statusCode() / 100 != 2) {
      throw new HubSpotException(
          response.statusCode(),
          answer.path("category").asText(null),
          answer.path("message").asText("no message")
              + (answer.hasNonNull("correlationId")
                  ? " (correlationId " + answer.path("correlationId").asText() + ")"
                  : ""));
    }
    return answer;
  }
}
