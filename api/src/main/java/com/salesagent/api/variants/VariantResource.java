package com.salesagent.api.variants;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.dropwizard.auth.Auth;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * {@code /api/variants}: create, edit, enable and disable prompt variants. Disabling is the live
 * kill-switch: new assignments skip the variant at once, and every in-flight lead on it (found in
 * MongoDB) is signalled to switch before its next send.
 */
@Path("/api/variants")
@Produces(MediaType.APPLICATION_JSON)
public class VariantResource {
  /** A variant as the API takes it. */
  public record VariantRequest(
      String variantId,
      List<String> segments,
      String angle,
      String locale,
      Double weight,
      Boolean enabled,
      Map<String, Template> templates) {}

  /** An approved WhatsApp template and the body it renders. */
  public record Template(String name, String language, String body) {}

  static final Set<String> PLACEHOLDERS =
      Set.of("firstName", "name", "company", "jobTitle", "industry", "fact");
  static final Set<String> PURPOSES = Set.of("first_contact", "follow_up_read", "follow_up_unread");
  static final List<String> TERMINAL =
      List.of("replied", "opted_out", "no_response", "failed", "stopped");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*(\\w*)\\s*}}");

  private final MongoCollection<Document> variants;
  private final MongoCollection<Document> contacts;
  private final WorkflowClient temporal;

  private final MongoDatabase db;

  public VariantResource(MongoDatabase db, WorkflowClient temporal) {
    this.db = db;
    this.variants = db.getCollection(Collections.PROMPT_VARIANTS);
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.temporal = temporal;
  }

  @GET
  public Response list() {
    List<Document> all = variants.find().into(new ArrayList<>());
    all.forEach(d -> d.remove("_id"));
    return Response.ok(Map.of("variants", all)).build();
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(VariantRequest request) {
    List<FieldError> errors = validate(request, null);
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid variant", errors);
    }
    try {
      variants.insertOne(toDocument(request, request.variantId()));
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
        throw new ApiException(
            409, "variant exists", List.of(new FieldError("variantId", "already exists")));
      }
      throw e;
    }
    return Response.status(201).entity(Map.of("variantId", request.variantId())).build();
  }

  @PUT
  @Path("/{variantId}")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response replace(@PathParam("variantId") String variantId, VariantRequest request) {
    List<FieldError> errors = validate(request, variantId);
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid variant", errors);
    }
    Document existing = variants.find(Filters.eq("variantId", variantId)).first();
    if (existing == null) {
      throw new ApiException(404, "no variant " + variantId, List.of());
    }
    variants.replaceOne(Filters.eq("variantId", variantId), toDocument(request, variantId));
    boolean disabledNow =
        existing.getBoolean("enabled", true) && Boolean.FALSE.equals(request.enabled());
    return Response.ok(
            Map.of(
                "variantId",
                variantId,
                "inFlightSignalled",
                disabledNow ? killSwitch(variantId) : 0))
        .build();
  }

  @POST
  @Path("/{variantId}/enable")
  public Response enable(@Auth Operator operator, @PathParam("variantId") String variantId) {
    if (variants
            .updateOne(Filters.eq("variantId", variantId), Updates.set("enabled", true))
            .getMatchedCount()
        == 0) {
      throw new ApiException(404, "no variant " + variantId, List.of());
    }
    // An operator's enable also lifts any auto-disable of the arm, in every segment.
    Document config =
        db.getCollection(Collections.AGENT_CONFIGURATIONS)
            .find(Filters.eq("configId", "default"))
            .first();
    Document off = config == null ? null : config.get("autoDisabled", Document.class);
    if (off != null) {
      for (String segment : off.keySet()) {
        db.getCollection(Collections.AGENT_CONFIGURATIONS)
            .updateOne(
                Filters.eq("configId", "default"),
                Updates.pull("autoDisabled." + segment, variantId));
      }
    }
    com.salesagent.activities.variants.ArmGuard.resetStrikes(
        db.getCollection(Collections.AGENT_CONFIGURATIONS), variantId);
    audit(operator, "variant_enabled", variantId, null);
    return Response.ok(Map.of("variantId", variantId, "enabled", true)).build();
  }

  @POST
  @Path("/{variantId}/disable")
  public Response disable(@Auth Operator operator, @PathParam("variantId") String variantId) {
    if (variants
            .updateOne(Filters.eq("variantId", variantId), Updates.set("enabled", false))
            .getMatchedCount()
        == 0) {
      throw new ApiException(404, "no variant " + variantId, List.of());
    }
    int signalled = killSwitch(variantId);
    com.salesagent.activities.variants.ArmGuard.resetStrikes(
        db.getCollection(Collections.AGENT_CONFIGURATIONS), variantId);
    audit(operator, "variant_disabled", variantId, signalled);
    return Response.ok(
            Map.of("variantId", variantId, "enabled", false, "inFlightSignalled", signalled))
        .build();
  }

  private void audit(Operator operator, String action, String variantId, Integer signalled) {
    Document entry =
        new Document("at", new java.util.Date())
            .append("actor", operator.name())
            .append("action", action)
            .append("variantId", variantId);
    if (signalled != null) {
      entry.append("inFlightSignalled", signalled);
    }
    db.getCollection(Collections.AUDIT_LOG).insertOne(entry);
  }

  /** {@code GET /api/variants/{id}/in-flight}: the leads the kill-switch would reach now. */
  @GET
  @Path("/{variantId}/in-flight")
  public Response inFlight(@PathParam("variantId") String variantId) {
    if (variants.countDocuments(Filters.eq("variantId", variantId)) == 0) {
      throw new ApiException(404, "no variant " + variantId, List.of());
    }
    long n =
        contacts.countDocuments(
            Filters.and(Filters.eq("variantId", variantId), Filters.nin("stage", TERMINAL)));
    return Response.ok(Map.of("variantId", variantId, "inFlight", n)).build();
  }

  /** {@code POST /api/variants/auto-disable/check}: runs the arm guard's check now. */
  @POST
  @Path("/auto-disable/check")
  public Response checkArms() {
    var disabled =
        new com.salesagent.activities.variants.ArmGuard(db, java.time.Clock.systemUTC()).check();
    return Response.ok(Map.of("autoDisabled", disabled)).build();
  }

  /** Signals every lead still running on the variant; returns how many were reached. */
  private int killSwitch(String variantId) {
    int signalled = 0;
    for (Document c :
        contacts.find(
            Filters.and(Filters.eq("variantId", variantId), Filters.nin("stage", TERMINAL)))) {
      try {
        temporal
            .newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(c.getString("leadId")))
            .variantDisabled(variantId);
        signalled++;
      } catch (WorkflowNotFoundException e) {
        // Ended meanwhile: nothing to switch.
      }
    }
    return signalled;
  }

  static List<FieldError> validate(VariantRequest r, String pathId) {
    List<FieldError> errors = new ArrayList<>();
    if (r == null) {
      return List.of(new FieldError("body", "a JSON variant is required"));
    }
    String id = pathId != null ? pathId : r.variantId();
    if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
      errors.add(new FieldError("variantId", "1-64 letters, digits, . _ -"));
    }
    if (pathId != null && r.variantId() != null && !pathId.equals(r.variantId())) {
      errors.add(new FieldError("variantId", "differs from the path"));
    }
    if (r.angle() == null || r.angle().isBlank()) {
      errors.add(new FieldError("angle", "required: what the message is about, e.g. cost savings"));
    }
    if (r.segments() == null || r.segments().isEmpty()) {
      errors.add(new FieldError("segments", "at least one segment, or [\"*\"] for all"));
    }
    if (r.weight() != null && r.weight() < 0) {
      errors.add(new FieldError("weight", "must be >= 0"));
    }
    if (r.templates() == null || r.templates().get("first_contact") == null) {
      errors.add(new FieldError("templates.first_contact", "required"));
    }
    if (r.templates() != null) {
      r.templates()
          .forEach(
              (purpose, t) -> {
                String field = "templates." + purpose;
                if (!PURPOSES.contains(purpose)) {
                  errors.add(new FieldError(field, "unknown purpose; use " + PURPOSES));
                  return;
                }
                if (t == null || t.name() == null || t.name().isBlank()) {
                  errors.add(new FieldError(field + ".name", "the approved template's name"));
                }
                if (t == null || t.body() == null || t.body().isBlank()) {
                  errors.add(new FieldError(field + ".body", "required"));
                  return;
                }
                Matcher m = PLACEHOLDER.matcher(t.body());
                while (m.find()) {
                  if (!PLACEHOLDERS.contains(m.group(1))) {
                    errors.add(
                        new FieldError(
                            field + ".body",
                            "unknown placeholder {{" + m.group(1) + "}}; use " + PLACEHOLDERS));
                  }
                }
              });
    }
    return errors;
  }

  private static Document toDocument(VariantRequest r, String variantId) {
    Document templates = new Document();
    r.templates()
        .forEach(
            (purpose, t) ->
                templates.append(
                    purpose,
                    new Document("name", t.name())
                        .append("language", t.language() == null ? "en" : t.language())
                        .append("body", t.body())));
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("variantId", variantId);
    fields.put("segments", r.segments());
    fields.put("angle", r.angle());
    fields.put("locale", r.locale() == null ? "en" : r.locale());
    fields.put("enabled", r.enabled() == null || r.enabled());
    fields.put("weight", r.weight() == null ? 1.0 : r.weight());
    fields.put("templates", templates);
    return new Document(fields);
  }
}
