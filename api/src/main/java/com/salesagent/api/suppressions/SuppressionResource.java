package com.salesagent.api.suppressions;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.JsonBodies;
import com.salesagent.api.http.ReadableText;
import com.salesagent.api.http.RequestGuard;
import com.salesagent.api.leads.CsvCharset;
import com.salesagent.api.leads.CsvRecords;
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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
  private final int maxNumbers;

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
    this.maxNumbers = maxNumbers;
    this.db = db;
    this.suppressions = new Suppressions(db);
    this.phones = phones;
    this.clock = clock;
    this.leads = leads;
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

  /** How many numbers of an upload are suppressed (and their leads told) in one bulk step. */
  static final int BATCH = 1000;

  private static final ObjectMapper JSON = SuppressionImport.capped(new ObjectMapper());

  /**
   * {@code POST /api/suppressions/import}: a do-not-contact list (a compliance team's, a CRM's
   * export) suppressed in one request: a CSV ({@code text/csv}: one number per line, or a header
   * naming the number's column among others), JSON lines or a JSON array. Every line is answered
   * ({@code suppressed}, {@code already_suppressed}, {@code invalid} naming the field); an invalid
   * line never stops the others. The numbers go through the store's path of a suppression by hand
   * (each number's to-tell mark first, then the suppression), {@value #BATCH} at a time, and their
   * live leads are told at once. Nothing is lifted: a lift needs the lead's new consent.
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
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).strip();
    boolean csv = type.startsWith("text/csv") || type.startsWith("text/tab-separated-values");
    boolean jsonLines =
        type.contains("ndjson") || type.contains("jsonl") || type.contains("json-lines");
    boolean jsonArray =
        !jsonLines && (type.startsWith("application/json") || type.contains("+json"));
    if (!csv && !jsonLines && !jsonArray) {
      throw new ApiException(
          415,
          "send text/csv (one number per line, a header optional), application/x-ndjson or"
              + " application/json (an array)",
          new FieldError(
              "Content-Type",
              "unsupported: " + (contentType == null ? "none" : JsonBodies.shown(contentType))));
    }
    String region = LeadValidator.region(regionParam);
    List<FieldError> errors = new ArrayList<>();
    ReadableText.checkLine(errors, "reason", stripped(reasonParam));
    if (column != null && (column.isBlank() || column.length() > 100)) {
      errors.add(
          new FieldError("column", "the header's name of the number column, 1-100 characters"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid upload", errors);
    }
    PushbackInputStream in = new PushbackInputStream(body, CsvCharset.SNIFF);
    Upload upload = new Upload(operator, reasonParam);
    SuppressionImport list = new SuppressionImport(phones, region, maxNumbers, BATCH, upload::add);
    String read = null;
    try {
      int first = in.read();
      if (first == -1) {
        throw new ApiException(
            400, "empty list: send one number per line", new FieldError("body", "empty"));
      }
      in.unread(first);
      if (csv) {
        read =
            list.csv(
                new CsvRecords(
                    new BufferedReader(new InputStreamReader(in, CsvCharset.of(contentType, in))),
                    SuppressionImport.MAX_FIELD,
                    SuppressionImport.MAX_ROW),
                column == null ? null : column.strip());
      } else if (jsonLines) {
        list.jsonLines(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), JSON);
      } else {
        list.jsonArray(in, JSON);
      }
      list.flush();
    } catch (ApiException e) {
      // Over the cap of numbers, or unreadable after some lines: the lines read are suppressed
      // (a do-not-contact list's numbers are never dropped once read), and the answer says so.
      throw upload.stopped(list, e);
    } catch (RequestGuard.TooLarge e) {
      throw upload.stopped(
          list,
          new ApiException(
                  413,
                  "the list is larger than "
                      + RequestGuard.describe(RequestGuard.SUPPRESSION_LIST_CAP)
                      + " (the limit): the lines before line "
                      + (list.lastLine() + 1)
                      + " were read and are answered in results; upload the rest as another list",
                  new FieldError(
                      "body",
                      "larger than "
                          + RequestGuard.describe(RequestGuard.SUPPRESSION_LIST_CAP)
                          + " (the limit)"))
              .withHeader("Connection", "close"));
    } catch (IOException e) {
      throw upload.stopped(
          list,
          new ApiException(
              400,
              "the body could not be read to its end: the lines before line "
                  + (list.lastLine() + 1)
                  + " were read and are answered in results",
              new FieldError("body", String.valueOf(e.getMessage()))));
    }
    return Response.ok(new ImportResult(upload.summary(read), upload.results)).build();
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

  /**
   * One upload's suppressions, made a batch at a time as its lines are read ({@link #add}): the
   * answer's line results and counts so far.
   */
  private final class Upload {
    private final Operator operator;
    private final String reason;
    private final String detail;
    private final Instant now = clock.instant();
    private final List<LineResult> results = new ArrayList<>();
    private final Map<String, Long> firstLine = new HashMap<>();
    private int suppressed;
    private int already;
    private int invalid;
    private int told;

    Upload(Operator operator, String reason) {
      this.operator = operator;
      this.reason = reason;
      this.detail = kept(reason) == null ? "imported by " + operator.name() : kept(reason);
    }

    /** Suppresses one batch of lines (their leads told) and answers each. */
    void add(List<SuppressionImport.Line> batch) {
      Set<String> numbers = new LinkedHashSet<>();
      for (SuppressionImport.Line l : batch) {
        if (l.number() != null && !firstLine.containsKey(l.number())) {
          numbers.add(l.number());
        }
      }
      Set<String> fresh = suppressions.suppressAll(numbers, Suppressions.IMPORT, now, detail);
      if (!fresh.isEmpty()) {
        List<Document> audits = new ArrayList<>();
        for (String number : fresh) {
          audits.add(
              new Document("at", Date.from(now))
                  .append("actor", operator.name())
                  .append("action", "suppression_added")
                  .append("number", number)
                  .append("reason", kept(reason))
                  .append("source", Suppressions.IMPORT));
        }
        db.getCollection(Collections.AUDIT_LOG).insertMany(audits);
      }
      // Stored (and marked to be told) first: a lead not told now is told by the sweep.
      if (leads != null) {
        told += leads.tellNow(fresh);
      }
      for (SuppressionImport.Line l : batch) {
        LineResult r;
        if (l.number() == null) {
          invalid++;
          r = new LineResult(l.line(), null, "invalid", null, l.value(), l.errors());
        } else if (firstLine.containsKey(l.number())) {
          already++;
          r =
              new LineResult(
                  l.line(),
                  l.number(),
                  "already_suppressed",
                  firstLine.get(l.number()),
                  null,
                  null);
        } else {
          firstLine.put(l.number(), l.line());
          boolean mine = fresh.contains(l.number());
          if (mine) {
            suppressed++;
          } else {
            already++;
          }
          r =
              new LineResult(
                  l.line(),
                  l.number(),
                  mine ? "suppressed" : "already_suppressed",
                  null,
                  null,
                  null);
        }
        results.add(r);
      }
    }

    Map<String, Object> summary(String column) {
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("lines", results.size());
      summary.put("suppressed", suppressed);
      summary.put("alreadySuppressed", already);
      summary.put("invalid", invalid);
      summary.put("leadsTold", told);
      if (column != null) {
        summary.put("column", column);
      }
      return summary;
    }

    /**
     * The refusal of an upload stopped while read: the lines read before it suppressed (flushed),
     * and, when there were any, the answer's summary ({@code stopped: true}) and results with it.
     */
    ApiException stopped(SuppressionImport list, ApiException e) {
      list.flush();
      if (results.isEmpty()) {
        return e;
      }
      Map<String, Object> summary = summary(null);
      summary.put("stopped", true);
      return e.with("summary", summary).with("results", List.copyOf(results));
    }
  }

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

  /** The suppression's detail: the reason as kept, else who suppressed it. */
  private static String reason(String reason, Operator operator) {
    String r = kept(reason);
    return r == null ? "by " + operator.name() : r;
  }

  /**
   * A reason as kept (in the suppression and the audit log): at most 500 characters (never half an
   * emoji), or null.
   */
  private static String kept(String reason) {
    String r = reason == null ? "" : reason.strip();
    r = ReadableText.cut(r, 500);
    return r.isEmpty() ? null : r;
  }

  private static String stripped(String text) {
    return text == null ? null : text.strip();
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
