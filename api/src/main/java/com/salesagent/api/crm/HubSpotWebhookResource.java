package com.salesagent.api.crm;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.auth.PublicEndpoint;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.leads.LeadOutcomes;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.temporal.client.WorkflowClient;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HubSpot tells us when a deal moves ({@code deal.propertyChange} of {@code dealstage}): a deal
 * this connector created for a lead ({@code crm_links}) moved to the stage mapped to {@code
 * converted} or {@code lost} ({@code HUBSPOT_DEAL_STAGES}) sets the lead's outcome as an operator
 * would (by "hubspot"), so the CRM is where a sale can be closed and the bandit still learns it.
 * Verified before anything is read: {@code X-HubSpot-Signature-v3} is the base64 HMAC-SHA256, with
 * the app's client secret, of method + the URL HubSpot called ({@code HUBSPOT_WEBHOOK_URL}) + the
 * raw body + {@code X-HubSpot-Request-Timestamp}, which must be within five minutes. Each event id
 * is handled once; anything else (other objects, properties, stages, deals we did not create, an
 * outcome set already) is acknowledged and ignored, so HubSpot does not retry it.
 */
@Path("/webhooks/hubspot")
@PublicEndpoint(
    "HubSpot calls it without our token: every POST must carry a valid X-HubSpot-Signature-v3")
public class HubSpotWebhookResource {
  private static final Logger LOG = LoggerFactory.getLogger(HubSpotWebhookResource.class);
  static final Duration MAX_AGE = Duration.ofMinutes(5);
  static final String EVENTS = "crm_events";
  static final int MAX_EVENTS = 100;

  private final String secret;
  private final String url;
  private final Map<String, String> outcomeOfStage = new LinkedHashMap<>();
  private final MongoCollection<Document> links;
  private final MongoCollection<Document> events;
  private final LeadOutcomes outcomes;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  /** The outcome each HubSpot stage id stands for, from the connector's stage map. */
  public HubSpotWebhookResource(
      String secret,
      String url,
      Map<String, String> stages,
      LeadStore store,
      WorkflowClient temporal,
      ObjectMapper mapper,
      Clock clock) {
    this.secret = secret == null ? "" : secret;
    this.url = url == null ? "" : url;
    for (String outcome : new String[] {"converted", "lost"}) {
      if (stages.get(outcome) != null) {
        outcomeOfStage.put(stages.get(outcome), outcome);
      }
    }
    this.links = store.database().getCollection(HubSpotSync.LINKS);
    this.events = store.database().getCollection(EVENTS);
    this.outcomes =
        new LeadOutcomes(
            store,
            leadId -> temporal.newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId)),
            mapper.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
    this.clock = clock;
  }

  /** What a delivery did: events seen, outcomes set. */
  public record Handled(int events, int outcomes) {}

  @POST
  @Consumes(MediaType.WILDCARD)
  public Handled receive(
      @HeaderParam("X-HubSpot-Signature-v3") String signature,
      @HeaderParam("X-HubSpot-Request-Timestamp") String timestamp,
      byte[] body) {
    if (secret.isEmpty() || url.isEmpty()) {
      throw ApiException.notFound(
          "HubSpot webhooks (HUBSPOT_CLIENT_SECRET, HUBSPOT_WEBHOOK_URL)", "url");
    }
    if (!valid(signature, timestamp, body == null ? new byte[0] : body)) {
      throw new ApiException(
          401,
          "not signed by HubSpot",
          new FieldError("X-HubSpot-Signature-v3", "invalid or stale"));
    }
    JsonNode payload;
    try {
      payload = json.readTree(body);
    } catch (IOException e) {
      throw new ApiException(400, "the body is not JSON", FieldError.ofJson(e));
    }
    if (payload == null || !payload.isArray() || payload.size() > MAX_EVENTS) {
      throw new ApiException(
          400,
          "not HubSpot's event list",
          new FieldError("body", "an array of at most 100 events"));
    }
    int set = 0;
    for (JsonNode event : payload) {
      if (handle(event)) {
        set++;
      }
    }
    return new Handled(payload.size(), set);
  }

  /** One event, once: true when it set a lead's outcome. */
  private boolean handle(JsonNode event) {
    String eventId = event.path("eventId").asText("");
    if (!"deal.propertyChange".equals(event.path("subscriptionType").asText())
        || !"dealstage".equals(event.path("propertyName").asText())
        || eventId.isEmpty()
        || eventId.length() > 40) {
      return false;
    }
    String outcome = outcomeOfStage.get(event.path("propertyValue").asText());
    String dealId = event.path("objectId").asText("");
    Document link = outcome == null ? null : links.find(Filters.eq("dealId", dealId)).first();
    if (link == null) {
      return false; // another stage, or a deal this connector did not create
    }
    try {
      events.insertOne(
          new Document("_id", "hubspot:" + eventId)
              .append("dealId", dealId)
              .append("at", Date.from(clock.instant())));
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
        return false; // delivered again
      }
      throw e;
    }
    String leadId = link.getString("_id"); // crm_links are keyed by lead
    String reason = "HubSpot deal " + dealId + " moved to " + event.path("propertyValue").asText();
    try {
      outcomes.setBySystem(
          "hubspot",
          leadId,
          json.createObjectNode()
              .put("outcome", outcome)
              .put("reason", reason)
              .toString()
              .getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (ApiException e) {
      LOG.info("HubSpot deal {}: outcome {} not set ({})", dealId, outcome, e.getMessage());
      return false;
    }
  }

  private boolean valid(String signature, String timestamp, byte[] body) {
    if (signature == null || timestamp == null || !timestamp.matches("\\d{1,15}")) {
      return false;
    }
    long at = Long.parseLong(timestamp);
    if (Math.abs(clock.millis() - at) > MAX_AGE.toMillis()) {
      return false;
    }
    byte[] expected = sign(secret, "POST", url, body, timestamp);
    byte[] given;
    try {
      given = Base64.getDecoder().decode(signature.strip());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(expected, given);
  }

  /** HubSpot's v3 signature: HMAC-SHA256(secret, method + uri + body + timestamp). */
  public static byte[] sign(
      String secret, String method, String uri, byte[] body, String timestamp) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((method + uri).getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
      return mac.doFinal();
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
