package com.salesagent.api.personas;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.persona.PersonaFields;
import com.salesagent.activities.persona.Segments;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import com.salesagent.api.http.RequestJson;
import com.salesagent.api.variants.VariantGaps;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * {@code /api/segments}: operators' segments, saved facet queries over the persona (as {@code GET
 * /api/personas/search} and discovery read them), in order, first match wins; each names its
 * variant pool and its {@code workflow_definitions} entry. A lead's segment is chosen at its
 * profile step; no match leaves it in its company-size band (the catch-all). Changes are audited.
 */
@Tag(name = "personas", description = "Who the leads are, searchable by text and facets")
@Timed
@Path("/api/segments")
@Produces(MediaType.APPLICATION_JSON)
public class SegmentResource {
  /** A segment as the API takes it. */
  public record SegmentRequest(
      String segmentId,
      String name,
      Integer order,
      Map<String, Object> query,
      List<String> variants,
      String workflowDefinition,
      Boolean enabled) {}

  public record SegmentList(List<Document> segments) {}

  /** Which segment a lead's persona matches now, and the segment it was given. */
  public record Match(String leadId, String matches, String assigned) {}

  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,39}");
  static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_+\\-]{1,64}");
  static final int MAX_VALUES = 20;
  static final int MAX_VARIANTS = 50;

  /** Unknown fields are refused ("workflowDefiniton" must not silently mean the default). */
  private static final ObjectMapper STRICT = RequestJson.strict(new ObjectMapper());

  private final MongoDatabase db;
  private final Segments segments;
  private final Clock clock;

  public SegmentResource(MongoDatabase db, Clock clock) {
    this.db = db;
    this.segments = new Segments(db);
    this.clock = clock;
  }

  /** The body as a request; 422 naming the field of a type error or an unknown field. */
  static SegmentRequest parse(String body) {
    if (body == null || body.isBlank()) {
      throw new ApiException(422, "invalid segment", new FieldError("body", "required"));
    }
    try {
      return STRICT.readValue(body, SegmentRequest.class);
    } catch (java.io.IOException e) {
      throw new ApiException(422, "invalid segment", FieldError.ofJson(e));
    }
  }

  @GET
  @Operation(summary = "The segments in matching order (disabled ones too)")
  public SegmentList list() {
    return new SegmentList(
        db.getCollection(Collections.SEGMENTS)
            .find()
            .projection(new Document("_id", 0))
            .sort(new Document("order", 1).append("segmentId", 1))
            .into(new ArrayList<>()));
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Create a segment",
      description =
          "query: {facet: [values]} over industry, sizeBand, seniority, function, country,"
              + " topic, objection, intent, sentiment, and q (a phrase); variants: the pool"
              + " (existing variant ids; empty: variants listing the segment or *);"
              + " workflowDefinition: a workflow_definitions entry's segment key; order: lower"
              + " matches first (default 100).")
  public Response create(@Auth Operator operator, String body) {
    Document doc = validated(parse(body), null);
    try {
      db.getCollection(Collections.SEGMENTS).insertOne(doc);
    } catch (MongoWriteException e) {
      if (ErrorCategory.fromErrorCode(e.getCode()) == ErrorCategory.DUPLICATE_KEY) {
        throw new ApiException(
            409, "segment exists", new FieldError("segmentId", "already exists"));
      }
      throw e;
    }
    audit(operator, "segment_created", doc);
    Map<String, Object> created = new LinkedHashMap<>();
    created.put("segmentId", doc.getString("segmentId"));
    List<VariantGaps.Warning> warnings = warnings(doc);
    if (!warnings.isEmpty()) {
      created.put("warnings", warnings);
    }
    return Response.status(201).entity(created).build();
  }

  @PUT
  @Path("/{segmentId}")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Replace a segment (leads already in it keep it; new leads match anew)")
  public Document replace(
      @Auth Operator operator, @PathParam("segmentId") String segmentId, String body) {
    Document doc = validated(parse(body), segmentId);
    Document existing = segments.find(segmentId);
    if (existing == null) {
      throw ApiException.notFound("segment " + segmentId, "segmentId");
    }
    doc.put("createdAt", existing.get("createdAt"));
    db.getCollection(Collections.SEGMENTS).replaceOne(Filters.eq("segmentId", segmentId), doc);
    audit(operator, "segment_replaced", doc);
    doc.remove("_id");
    List<VariantGaps.Warning> warnings = warnings(doc);
    if (!warnings.isEmpty()) {
      doc.put("warnings", warnings);
    }
    return doc;
  }

  /**
   * The segment's gap as saved: its pool has no enabled variant, so its leads get one outside it,
   * or there is none at all and they wait. A disabled segment takes no new leads: it is warned of
   * only while running leads are still in it (VariantGaps). A warning, not a refusal: an operator
   * may enable the pool's variants next.
   */
  private List<VariantGaps.Warning> warnings(Document segment) {
    VariantGaps.Warning gap =
        VariantGaps.of(db, segment.getString("segmentId"), segments.snapshot());
    return gap == null ? List.of() : List.of(gap);
  }

  @GET
  @Path("/match")
  @Operation(summary = "Which segment a lead's persona matches now")
  public Match match(@QueryParam("leadId") String leadId) {
    if (leadId == null || leadId.isBlank() || leadId.length() > 200) {
      throw new ApiException(400, "bad match", new FieldError("leadId", "required, 1 to 200"));
    }
    Document persona =
        db.getCollection(Collections.PERSONAS).find(Filters.eq("leadId", leadId)).first();
    Document contact =
        db.getCollection(Collections.CONTACTS).find(Filters.eq("leadId", leadId)).first();
    if (contact == null) {
      throw ApiException.notFound("lead " + leadId, "leadId");
    }
    Document matched = segments.match(persona);
    return new Match(
        leadId,
        matched == null ? null : matched.getString("segmentId"),
        contact.getString("segment"));
  }

  private Document validated(SegmentRequest r, String pathId) {
    List<FieldError> errors = new ArrayList<>();
    if (r == null) {
      throw new ApiException(422, "invalid segment", new FieldError("body", "required"));
    }
    String id = pathId != null && r.segmentId() == null ? pathId : r.segmentId();
    if (id == null || !ID.matcher(id).matches()) {
      errors.add(
          new FieldError(
              "segmentId", "1 to 40 of a-z, 0-9, '_' or '-', starting with a letter or digit"));
    } else if (Segments.BUILT_IN.contains(id)) {
      errors.add(
          new FieldError(
              "segmentId", "built-in catch-all (company-size bands): choose another id"));
    } else if (pathId != null && !pathId.equals(id)) {
      errors.add(new FieldError("segmentId", "differs from the path"));
    }
    if (r.name() != null && ReadableText.length(r.name()) > 100) {
      errors.add(new FieldError("name", "at most 100 characters"));
    } else if (r.name() != null) {
      ReadableText.checkLine(errors, "name", r.name().strip());
    }
    int order = r.order() == null ? 100 : r.order();
    if (order < 0 || order > 1_000_000) {
      errors.add(new FieldError("order", "0 to 1,000,000"));
    }
    Document query = new Document();
    if (r.query() == null || r.query().isEmpty()) {
      errors.add(
          new FieldError(
              "query",
              "at least one facet or q: leads that match nothing stay in their company-size"
                  + " band, the catch-all"));
    } else {
      r.query().forEach((k, v) -> clause(k, v, query, errors));
    }
    List<String> pool = r.variants() == null ? List.of() : r.variants();
    if (pool.size() > MAX_VARIANTS) {
      errors.add(new FieldError("variants", "at most " + MAX_VARIANTS));
    } else {
      for (int i = 0; i < pool.size(); i++) {
        String v = pool.get(i);
        if (v == null
            || db.getCollection(Collections.PROMPT_VARIANTS)
                    .countDocuments(Filters.eq("variantId", v))
                == 0) {
          errors.add(new FieldError("variants[" + i + "]", "no such variant"));
        }
      }
    }
    String definition = r.workflowDefinition();
    if (definition != null
        && (definition.length() > 40
            || db.getCollection(Collections.WORKFLOW_DEFINITIONS)
                    .countDocuments(Filters.eq("segment", definition))
                == 0)) {
      errors.add(
          new FieldError(
              "workflowDefinition", "no workflow_definitions entry with that segment key"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid segment", errors);
    }
    Date now = Date.from(clock.instant());
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("segmentId", id);
    fields.put("name", r.name() == null ? id : r.name());
    fields.put("order", order);
    fields.put("query", query);
    fields.put("variants", pool);
    fields.put("workflowDefinition", definition);
    fields.put("enabled", r.enabled() == null || r.enabled());
    fields.put("createdAt", now);
    fields.put("updatedAt", now);
    return new Document(fields);
  }

  private void clause(String key, Object value, Document query, List<FieldError> errors) {
    String field = "query." + key;
    if ("q".equals(key)) {
      if (!(value instanceof String q)
          || ReadableText.length(q) > PersonaResource.MAX_QUERY
          || PersonaFields.normaliseQuery(q).isEmpty()) {
        // Blank, or symbols alone (".*"): normalised to nothing, it matched every persona.
        errors.add(new FieldError(field, "a phrase of 1 to 200 characters with a letter or digit"));
      } else {
        query.append("q", q.strip());
      }
      return;
    }
    if (!PersonaFields.FACETS.containsKey(key)) {
      errors.add(
          new FieldError(
              field,
              "unknown facet; known: "
                  + String.join(", ", new java.util.TreeSet<>(PersonaFields.FACETS.keySet()))
                  + ", and q"));
      return;
    }
    List<?> values = value instanceof List<?> l ? l : value == null ? null : List.of(value);
    if (values == null || values.isEmpty() || values.size() > MAX_VALUES) {
      errors.add(new FieldError(field, "1 to " + MAX_VALUES + " values"));
      return;
    }
    List<String> out = new ArrayList<>();
    for (Object v : values) {
      if (!(v instanceof String s) || !VALUE.matcher(s).matches()) {
        errors.add(new FieldError(field, "values are 1 to 64 letters, digits, '_', '+' or '-'"));
        return;
      }
      // As the search reads it: the stored spelling in any case, a value a closed facet lacks
      // refused (a segment on seniority VP, stored vp, matched no lead and took none).
      String stored = PersonaFields.canonical(key, s);
      if (stored == null) {
        errors.add(new FieldError(field, PersonaResource.unknownValue(key, s)));
        return;
      }
      if (PersonaFields.TOPIC.equals(key)) {
        stored = topicAsListed(s);
      }
      if (!out.contains(stored)) {
        out.add(stored);
      }
    }
    query.append(key, out);
  }

  /**
   * A topic id as the topic list (at most a few hundred ids) spells it, in any case; else as given.
   */
  private String topicAsListed(String topic) {
    for (Document t :
        db.getCollection(com.salesagent.activities.persona.Topics.COLLECTION)
            .find()
            .projection(new Document("topicId", 1))
            .limit(1_000)) {
      if (t.get("topicId") instanceof String id && id.equalsIgnoreCase(topic)) {
        return id;
      }
    }
    return topic;
  }

  private void audit(Operator operator, String action, Document segment) {
    db.getCollection(Collections.AUDIT_LOG)
        .insertOne(
            new Document("action", action)
                .append("by", operator.name())
                .append("segmentId", segment.getString("segmentId"))
                .append("query", segment.get("query"))
                .append("variants", segment.get("variants"))
                .append("workflowDefinition", segment.get("workflowDefinition"))
                .append("enabled", segment.get("enabled"))
                .append("at", Date.from(clock.instant())));
  }
}
