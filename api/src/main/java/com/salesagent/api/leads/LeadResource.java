package com.salesagent.api.leads;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.auth.Operator;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.dropwizard.auth.Auth;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * Enrolment and the lead's view. Lists and counts come from MongoDB (the dev server has no
 * visibility queries); the single lead adds the workflow's live state query.
 */
@Path("/api/leads")
@Produces(MediaType.APPLICATION_JSON)
public class LeadResource {
  /** The deepest page a list reaches: skip-based paging costs the skipped rows. */
  static final long MAX_OFFSET = 1_000_000;

  private final LeadValidator validator;
  private final Enrolment enrolment;
  private final LeadStore store;
  private final WorkflowClient temporal;
  private final String temporalUiUrl;
  private final String namespace;
  private final ObjectMapper strict;
  private final ApprovalResource approvals;

  public LeadResource(
      LeadValidator validator,
      Enrolment enrolment,
      LeadStore store,
      WorkflowClient temporal,
      ObjectMapper mapper,
      String temporalUiUrl,
      String namespace,
      ApprovalResource approvals) {
    this.approvals = approvals;
    this.validator = validator;
    this.enrolment = enrolment;
    this.store = store;
    this.temporal = temporal;
    this.temporalUiUrl = temporalUiUrl;
    this.namespace = namespace;
    this.strict = mapper.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  public Response enrol(byte[] body) {
    LeadRequest request;
    try {
      request = strict.readValue(body, LeadRequest.class);
    } catch (IOException e) {
      return errors(400, "the body is not a JSON lead", List.of(jsonError(e)));
    }
    LeadValidator.Result result = validator.validate(request);
    if (!result.valid()) {
      return errors(422, "invalid lead", result.errors());
    }
    Enrolment.Outcome outcome = enrolment.enrol(result.lead());
    if (!outcome.started()) {
      return refusal(outcome);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("leadId", outcome.leadId());
    answer.put("workflowId", outcome.workflowId());
    answer.put("status", outcome.status());
    if ("already_enrolled".equals(outcome.status())) {
      answer.put("message", "this leadId is enrolled already: no second workflow was started");
      return Response.ok(answer).build();
    }
    return Response.accepted(answer).build();
  }

  /** 409 for a suppressed number or a phone with another active lead in the campaign. */
  static Response refusal(Enrolment.Outcome outcome) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", 409);
    body.put("leadId", outcome.leadId());
    body.put("status", outcome.status());
    if (Enrolment.SUPPRESSED.equals(outcome.status())) {
      Suppressions.Entry s = outcome.suppression();
      body.put(
          "message",
          "this number asked not to be contacted ("
              + s.source()
              + ", "
              + s.at()
              + "): no lead may"
              + " message it until an operator lifts the suppression with a new consent");
      body.put("errors", List.of(new FieldError("phone", "suppressed: " + s.source())));
      body.put("suppression", Map.of("source", s.source(), "at", String.valueOf(s.at())));
    } else {
      body.put(
          "message",
          "this phone already has an active lead in this campaign: "
              + outcome.activeLeadId()
              + " (one lead per phone per campaign; enrol again once it has ended)");
      body.put("errors", List.of(new FieldError("phone", "active lead " + outcome.activeLeadId())));
      body.put("activeLeadId", outcome.activeLeadId());
    }
    return Response.status(409).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
  }

  @POST
  @Path("/import")
  @Consumes(MediaType.WILDCARD)
  @Produces("application/x-ndjson")
  public Response importLeads(
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, InputStream body) {
    boolean csv = contentType != null && contentType.toLowerCase().startsWith("text/csv");
    boolean jsonLines =
        contentType != null
            && (contentType.toLowerCase().contains("ndjson")
                || contentType.toLowerCase().contains("jsonl")
                || contentType.toLowerCase().contains("json-lines"));
    if (!csv && !jsonLines) {
      return errors(
          415,
          "send text/csv (with a header row) or application/x-ndjson (one JSON lead per line)",
          List.of(new FieldError("Content-Type", "unsupported: " + contentType)));
    }
    PushbackInputStream in = new PushbackInputStream(body, 1);
    int first;
    try {
      first = in.read();
    } catch (IOException e) {
      return errors(
          400, "the body could not be read", List.of(new FieldError("body", e.getMessage())));
    }
    if (first == -1) {
      return errors(
          400,
          csv
              ? "empty CSV: send a header row naming the columns, then one lead per row"
              : "empty body: send one JSON lead per line",
          List.of(new FieldError("body", "empty")));
    }
    try {
      in.unread(first);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LeadImport importer = new LeadImport(validator, enrolment, strict, LeadImport.MAX_ROWS);
    StreamingOutput output = out -> importer.run(in, csv, out);
    return Response.ok(output).build();
  }

  @GET
  public Response list(
      @QueryParam("stage") String stage,
      @QueryParam("campaignId") String campaignId,
      @QueryParam("segment") String segment,
      @QueryParam("variantId") String variantId,
      @QueryParam("page") @DefaultValue("0") int page,
      @QueryParam("pageSize") @DefaultValue("50") int pageSize) {
    if (page < 0 || pageSize < 1 || pageSize > 500 || (long) page * pageSize > MAX_OFFSET) {
      return errors(
          400,
          "bad paging",
          List.of(
              new FieldError(
                  pageSize < 1 || pageSize > 500 ? "pageSize" : "page",
                  "page >= 0, 1 <= pageSize <= 500, page x pageSize <= "
                      + MAX_OFFSET
                      + " (narrow the filters to go further)")));
    }
    List<Map<String, Object>> leads = new ArrayList<>();
    LeadStore.ContactQuery query =
        new LeadStore.ContactQuery(stage, campaignId, segment, variantId);
    for (Document c : store.listContacts(query, page, pageSize)) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (String key :
          List.of(
              "leadId",
              "name",
              "company",
              "campaignId",
              "stage",
              "segment",
              "variantId",
              "nextAction",
              "nextActionAt",
              "enrolledAt")) {
        row.put(key, c.get(key));
      }
      leads.add(row);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("page", page);
    answer.put("pageSize", pageSize);
    // Unfiltered, the collection's count from its metadata: no scan.
    answer.put(
        "total",
        blank(stage) && blank(campaignId) && blank(segment) && blank(variantId)
            ? store.contacts().estimatedDocumentCount()
            : store.countContacts(query));
    answer.put("leads", leads);
    return Response.ok(answer).build();
  }

  @GET
  @Path("/{leadId}")
  public Response get(@PathParam("leadId") String leadId) {
    Document contact = store.contact(leadId);
    if (contact == null) {
      return errors(404, "no lead " + leadId, List.of(new FieldError("leadId", "unknown")));
    }
    contact.remove("_id");
    // Dashboards get screen-shared: the number is masked here too (MongoDB keeps it whole).
    contact.put("phone", com.salesagent.activities.Phones.mask(contact.getString("phone")));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("lead", contact);
    answer.put("stage", contact.get("stage"));
    answer.put("nextAction", contact.get("nextAction"));
    answer.put("nextActionAt", contact.get("nextActionAt"));
    List<Document> messages = store.messagesOf(leadId);
    messages.forEach(m -> m.remove("_id"));
    answer.put("messages", messages);
    Document persona =
        store
            .database()
            .getCollection(com.salesagent.activities.mongo.Collections.PERSONAS)
            .find(com.mongodb.client.model.Filters.eq("leadId", leadId))
            .first();
    if (persona != null) {
      persona.remove("_id");
    }
    answer.put("persona", persona);
    answer.put("research", researchUsed(leadId, messages));
    List<Document> feedback =
        store
            .feedback()
            .find(com.mongodb.client.model.Filters.eq("leadId", leadId))
            .sort(com.mongodb.client.model.Sorts.ascending("receivedAt"))
            .into(new ArrayList<>());
    feedback.forEach(f -> f.remove("_id"));
    answer.put("feedback", feedback);
    List<Document> interactions = store.interactions(leadId);
    interactions.forEach(i -> i.remove("_id"));
    answer.put("interactions", interactions);
    answer.put("workflowId", LeadWorkflow.workflowId(leadId));
    answer.put("workflow", liveState(leadId));
    if (!temporalUiUrl.isBlank()) {
      answer.put(
          "temporalUi",
          temporalUiUrl.replaceAll("/+$", "")
              + "/namespaces/"
              + namespace
              + "/workflows/"
              + LeadWorkflow.workflowId(leadId));
    }
    return Response.ok(answer).build();
  }

  /** The research chunks the messages used, with their text, best score first. */
  private List<Map<String, Object>> researchUsed(String leadId, List<Document> messages) {
    Map<Object, Double> scores = new LinkedHashMap<>();
    for (Document m : messages) {
      for (Document r : m.getList("retrieved", Document.class, List.of())) {
        Number score = r.get("score", Number.class);
        scores.merge(r.get("chunkId"), score == null ? 0.0 : score.doubleValue(), Math::max);
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    if (scores.isEmpty()) {
      return out;
    }
    for (Document chunk :
        store
            .database()
            .getCollection(com.salesagent.activities.mongo.Collections.RESEARCH_RESULTS)
            .find(
                com.mongodb.client.model.Filters.and(
                    com.mongodb.client.model.Filters.eq("leadId", leadId),
                    com.mongodb.client.model.Filters.in("_id", scores.keySet())))
            .projection(new Document("embedding", 0))) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("text", chunk.getString("text"));
      row.put("source", chunk.getString("source"));
      row.put("score", scores.get(chunk.get("_id")));
      out.add(row);
    }
    out.sort((a, b) -> Double.compare((Double) b.get("score"), (Double) a.get("score")));
    return out;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private Object liveState(String leadId) {
    try {
      LeadWorkflow stub = lead(leadId);
      return CompletableFuture.supplyAsync(stub::state).get(3, TimeUnit.SECONDS);
    } catch (Exception e) {
      return Map.of("unavailable", e.getClass().getSimpleName());
    }
  }

  @POST
  @Path("/{leadId}/approval")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response approval(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      ApprovalResource.ApprovalRequest request) {
    return approvals.decide(leadId, request, operator.name());
  }

  /**
   * {@code POST /api/leads/{leadId}/delivery}: decides on a send whose fate stayed unknown ({@code
   * {"decision": "resend" | "assume_sent" | "stop"}}); the operator is the token's.
   */
  @POST
  @Path("/{leadId}/delivery")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response delivery(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      ApprovalResource.DeliveryRequest request) {
    return approvals.decideDelivery(leadId, request, operator.name());
  }

  @POST
  @Path("/{leadId}/pause")
  public Response pause(@PathParam("leadId") String leadId) {
    return signal(leadId, "pause", LeadWorkflow::pause);
  }

  @POST
  @Path("/{leadId}/resume")
  public Response resume(@PathParam("leadId") String leadId) {
    return signal(leadId, "resume", LeadWorkflow::resume);
  }

  @POST
  @Path("/{leadId}/stop")
  public Response stop(@PathParam("leadId") String leadId, @QueryParam("reason") String reason) {
    String why =
        reason == null || reason.isBlank()
            ? "stopped by an operator"
            : LeadValidator.line(reason.length() > 200 ? reason.substring(0, 200) : reason);
    return signal(leadId, "stop", w -> w.stop(why));
  }

  private LeadWorkflow lead(String leadId) {
    return temporal.newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId));
  }

  private Response signal(
      String leadId, String name, java.util.function.Consumer<LeadWorkflow> send) {
    if (store.contact(leadId) == null) {
      return errors(404, "no lead " + leadId, List.of(new FieldError("leadId", "unknown")));
    }
    try {
      send.accept(lead(leadId));
    } catch (WorkflowNotFoundException e) {
      return errors(
          409, "the lead's workflow has ended", List.of(new FieldError("leadId", "closed")));
    }
    return Response.accepted(Map.of("leadId", leadId, "signal", name)).build();
  }

  static FieldError jsonError(IOException e) {
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      StringBuilder field = new StringBuilder();
      for (JsonMappingException.Reference ref : m.getPath()) {
        if (ref.getFieldName() != null) {
          field.append(field.length() == 0 ? "" : ".").append(ref.getFieldName());
        }
      }
      return new FieldError(field.toString(), m.getOriginalMessage().split("\n")[0]);
    }
    String message =
        e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
    return new FieldError("body", message == null ? "malformed JSON" : message.split("\n")[0]);
  }

  public static Response errors(int status, String message, List<FieldError> errors) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", status);
    body.put("message", message);
    body.put("errors", errors);
    return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
  }
}
