package com.salesagent.api.suppressions;

import static com.salesagent.api.suppressions.SuppressionReasons.kept;
import static com.salesagent.api.suppressions.SuppressionReasons.reason;
import static com.salesagent.api.suppressions.SuppressionReasons.stripped;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.JsonBodies;
import com.salesagent.api.http.ReadableText;
import com.salesagent.api.leads.LeadValidator;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;
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
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * The do-not-contact list for operators: look a number up, suppress one by hand or a whole list (a
 * compliance team's upload, {@link SuppressionImport}), and lift a suppression — one at a time,
 * only with the lead's new consent (where and when they opted in again), which is kept with the
 * suppression and in the audit log.
 */
@Tag(name = "suppressions", description = "Numbers that asked not to be contacted")
@Timed
@Path("/api/suppressions")
@Produces(MediaType.APPLICATION_JSON)
public class SuppressionResource {
  /**
   * {@code POST /api/suppressions}: {@code {"number": "+55...", "reason": "..."}}; {@code region}
   * (or {@code ?region=}) is the two-letter country of a number written without its country code.
   */
  public record SuppressRequest(String number, String reason, String region) {
    public SuppressRequest(String number, String reason) {
      this(number, reason, null);
    }
  }

  /** {@code POST /api/suppressions/{number}/lift}: the new consent, required. */
  public record LiftRequest(Consent consent, String reason) {
    public record Consent(String source, String at) {}
  }

  private final Suppressions suppressions;
  private final MongoDatabase db;
  private final LeadValidator phones;
  private final Clock clock;
  private final SuppressedLeads leads;
  private final SuppressionUploads uploads;

  public SuppressionResource(MongoDatabase db, LeadValidator phones, Clock clock) {
    this(db, phones, clock, null);
  }

  /**
   * With {@code leads}: a number suppressed by hand has its live leads told at once (their
   * workflows end, they leave the Hand-offs queue); null where nothing runs workflows.
   */
  public SuppressionResource(
      MongoDatabase db, LeadValidator phones, Clock clock, SuppressedLeads leads) {
    this(db, phones, clock, leads, SuppressionImport.MAX_NUMBERS);
  }

  /** With {@code maxNumbers}: how many lines an uploaded list may hold. */
  SuppressionResource(
      MongoDatabase db, LeadValidator phones, Clock clock, SuppressedLeads leads, int maxNumbers) {
    this.db = db;
    this.suppressions = new Suppressions(db);
    this.phones = phones;
    this.clock = clock;
    this.leads = leads;
    this.uploads = new SuppressionUploads(suppressions, db, phones, clock, leads, maxNumbers);
  }

  /**
   * {@code GET /api/suppressions?active=true|false|all}: the active suppressions (the default), the
   * lifted ones, or both; a page of them, newest first, and how many there are in all.
   */
  @GET
  public Response list(
      @QueryParam("active") @DefaultValue("true") String activeParam,
      @QueryParam("page") @DefaultValue("0") int page,
      @QueryParam("pageSize") @DefaultValue("50") int pageSize) {
    List<FieldError> paging = new ArrayList<>();
    if (page < 0 || page > 10_000) {
      paging.add(new FieldError("page", "0 <= page <= 10000"));
    }
    if (pageSize < 1 || pageSize > 500) {
      paging.add(new FieldError("pageSize", "1 <= pageSize <= 500"));
    }
    if (!paging.isEmpty()) {
      throw new ApiException(400, "bad paging", paging);
    }
    // Jersey reads anything but "true" as false for a boolean: "maybe" listed lifted ones.
    Boolean active;
    if ("true".equalsIgnoreCase(activeParam)) {
      active = true;
    } else if ("false".equalsIgnoreCase(activeParam)) {
      active = false;
    } else if ("all".equalsIgnoreCase(activeParam)) {
      active = null;
    } else {
      throw new ApiException(
          400,
          "bad filter",
          List.of(new FieldError("active", "true (active), false (lifted) or all")));
    }
    List<Suppression> rows = new ArrayList<>();
    for (Document d : suppressions.list(active, page * pageSize, pageSize)) {
      rows.add(view(d));
    }
    return Response.ok(new SuppressionList(rows, suppressions.count(active))).build();
  }

  @GET
  @Path("/{number}")
  public Response get(@PathParam("number") String raw, @QueryParam("region") String regionParam) {
    String number = number(raw, regionParam);
    Document d = suppressions.find(number);
    if (d == null) {
      throw new ApiException(
          404, "this number is not suppressed", List.of(new FieldError("number", "not listed")));
    }
    return Response.ok(view(d)).build();
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response suppress(
      @Auth Operator operator, @QueryParam("region") String regionParam, SuppressRequest request) {
    if (request == null) {
      throw new ApiException(422, "not a phone number", List.of(NUMBER));
    }
    String number =
        number(request.number(), request.region() != null ? request.region() : regionParam);
    List<FieldError> errors = new ArrayList<>();
    ReadableText.checkLine(errors, "reason", stripped(request.reason()));
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid suppression", errors);
    }
    Instant now = clock.instant();
    suppressions.suppress(
        List.of(number), Suppressions.OPERATOR, now, reason(request.reason(), operator));
    audit(operator, "suppression_added", number, kept(request.reason()), null);
    // Stored (and marked to be told) first: a lead not told now is told by the sweep.
    if (leads != null) {
      leads.tellNow(number);
    }
    return Response.ok(view(suppressions.find(number))).build();
  }

  /**
   * {@code POST /api/suppressions/import}: a do-not-contact list (a compliance team's, a CRM's
   * export) suppressed in one request: a CSV ({@code text/csv}: one number per line, or a header
   * naming the number's column among others), JSON lines or a JSON array. Every line is answered
   * ({@code suppressed}, {@code already_suppressed}, {@code invalid} naming the field); an invalid
   * line never stops the others. The numbers go through the store's path of a suppression by hand
   * (each number's to-tell mark first, then the suppression), {@value SuppressionUploads#BATCH} at
   * a time, and their live leads are told at once. Nothing is lifted: a lift needs the lead's new
   * consent.
   */
  @POST
  @Path("/import")
  @Consumes(MediaType.WILDCARD)
  @JsonBodies.RawBody
  public Response importList(
      @Auth Operator operator,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @QueryParam("region") String regionParam,
      @QueryParam("reason") String reasonParam,
      @QueryParam("column") String column,
      @RequestBody(
              description =
                  "The numbers: CSV (one per line; a header naming the number's column is"
                      + " optional), JSON lines or a JSON array (each a number, or {\"number\","
                      + " \"region\"})",
              content = {
                @Content(mediaType = "text/csv", schema = @Schema(type = "string")),
                @Content(mediaType = "application/x-ndjson", schema = @Schema(type = "string")),
                @Content(mediaType = "application/json", schema = @Schema(type = "array"))
              })
          InputStream body) {
    return uploads.importList(operator, contentType, regionParam, reasonParam, column, body);
  }

  /** One line's answer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LineResult(
      long line,
      String number,
      String status,
      Long duplicateOf,
      String value,
      List<FieldError> errors) {}

  /** An upload's answer: its counts, then every line's. */
  public record ImportResult(Map<String, Object> summary, List<LineResult> results) {}

  @POST
  @Path("/{number}/lift")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response lift(
      @Auth Operator operator,
      @PathParam("number") String raw,
      @QueryParam("region") String regionParam,
      LiftRequest request) {
    String number = number(raw, regionParam);
    List<FieldError> errors = new ArrayList<>();
    Instant consentAt = null;
    if (request == null || request.consent() == null) {
      errors.add(
          new FieldError(
              "consent", "required: {source, at}: where and when the lead opted in again (kept)"));
    } else {
      if (request.consent().source() == null || request.consent().source().isBlank()) {
        errors.add(new FieldError("consent.source", "required: where the lead opted in again"));
      } else if (!ReadableText.checkLine(
              errors, "consent.source", request.consent().source().strip())
          && ReadableText.length(request.consent().source().strip()) > 200) {
        errors.add(new FieldError("consent.source", "at most 200 characters"));
      }
      try {
        consentAt = OffsetDateTime.parse(String.valueOf(request.consent().at())).toInstant();
        if (consentAt.isAfter(clock.instant().plusSeconds(300))) {
          errors.add(new FieldError("consent.at", "is in the future"));
        }
      } catch (DateTimeParseException e) {
        errors.add(new FieldError("consent.at", "an ISO-8601 time such as 2026-11-25T10:00:00Z"));
      }
    }
    if (request != null) {
      ReadableText.checkLine(errors, "reason", stripped(request.reason()));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "a lift needs the lead's new consent", errors);
    }
    Document before = suppressions.find(number);
    if (before != null
        && before.getDate("at") != null
        && !consentAt.isAfter(before.getDate("at").toInstant())) {
      throw new ApiException(
          422,
          "the new consent must be later than the opt-out it lifts",
          List.of(
              new FieldError(
                  "consent.at", "before the opt-out of " + before.getDate("at").toInstant())));
    }
    if (!suppressions.lift(
        number, operator.name(), request.consent().source().strip(), consentAt, clock.instant())) {
      throw new ApiException(
          404, "this number is not suppressed", List.of(new FieldError("number", "not listed")));
    }
    audit(
        operator,
        "suppression_lifted",
        number,
        kept(request.reason()),
        new Document("source", request.consent().source().strip())
            .append("at", Date.from(consentAt)));
    return Response.ok(view(suppressions.find(number))).build();
  }

  private static final FieldError NUMBER =
      new FieldError(
          "number", "required: a phone number with + and its country code, e.g. +5511998765432");

  /**
   * The number in E.164. Written with + and its country code, as is; without it, only in the {@code
   * region} named (the two-letter country, e.g. BR: else 400 naming {@code region}), never in the
   * server's default region: "(21) 3456-7890" is a Rio number to a Brazilian operator and a Los
   * Angeles one under DEFAULT_PHONE_REGION=US. Else 422 naming {@code number}.
   */
  private String number(String raw, String regionParam) {
    String region = LeadValidator.region(regionParam);
    String written = raw == null ? "" : raw.strip();
    SuppressionImport.Read read =
        SuppressionImport.read(
            region == null ? phones : phones.withRegion(region), written, region);
    if (read.error() == null) {
      return read.number();
    }
    boolean local =
        !written.isEmpty() && written.length() <= 40 && !written.startsWith("+") && region == null;
    throw new ApiException(
        422,
        local ? "a number without its country code" : "not a phone number",
        List.of(read.error()));
  }

  private void audit(
      Operator operator, String action, String number, String reason, Document consent) {
    Document entry =
        new Document("at", Date.from(clock.instant()))
            .append("actor", operator.name())
            .append("action", action)
            .append("number", number)
            .append("reason", reason);
    if (consent != null) {
      entry.append("consent", consent);
    }
    db.getCollection(Collections.AUDIT_LOG).insertOne(entry);
  }

  /** A number that asked not to be contacted, and the lift of that ask if any. */
  public record Suppression(
      String number, boolean active, String source, Date at, String detail, Object lifted) {}

  /** {@code GET /api/suppressions}: a page, and how many the filter holds in all. */
  public record SuppressionList(List<Suppression> suppressions, long total) {}

  private static Suppression view(Document d) {
    return new Suppression(
        d.getString("number"),
        d.getBoolean("active", false),
        d.getString("source"),
        d.getDate("at"),
        d.getString("detail"),
        d.get("lifted"));
  }
}
