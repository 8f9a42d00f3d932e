package com.salesagent.api.leads;

import com.codahale.metrics.annotation.Timed;
import com.mongodb.client.MongoCursor;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * The records of lead imports ({@link ImportRecords}): {@code GET /api/imports} (newest first, a
 * page), {@code GET /api/imports/{importId}} (status, counts, summary) and {@code GET
 * /api/imports/{importId}/rows} (each row's answer line as the import streamed it, NDJSON, all or
 * one {@code status}, from {@code afterSeq} on, at most {@code limit}); {@code POST
 * /api/imports/{importId}/cancel} stops a running one.
 */
@Tag(name = "leads")
@Timed
@Path("/api/imports")
public class ImportResource {
  static final int MAX_PAGE_SIZE = 200;
  static final int MAX_ROWS = LeadImport.MAX_ROWS;
  static final Pattern STATUS = Pattern.compile("[a-z_]{1,40}");

  private final ImportRecords records;

  public ImportResource(ImportRecords records) {
    this.records = records;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, Object> list(
      @Context UriInfo uri,
      @QueryParam("page") String page,
      @QueryParam("pageSize") String pageSize) {
    known(uri, Set.of("page", "pageSize"));
    List<FieldError> errors = new ArrayList<>();
    int p = number(page, 0, 0, 10_000, "page", errors);
    int size = number(pageSize, 50, 1, MAX_PAGE_SIZE, "pageSize", errors);
    if (!errors.isEmpty()) {
      throw new ApiException(400, "invalid paging", errors);
    }
    List<Map<String, Object>> imports = new ArrayList<>();
    for (Document d : records.list(p * size, size)) {
      imports.add(records.view(d));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("imports", imports);
    out.put("page", p);
    out.put("pageSize", size);
    out.put("total", records.count());
    return out;
  }

  @GET
  @Path("/{importId}")
  @Produces(MediaType.APPLICATION_JSON)
  public Map<String, Object> get(@Context UriInfo uri, @PathParam("importId") String importId) {
    known(uri, Set.of());
    return records.view(record(importId));
  }

  @GET
  @Path("/{importId}/rows")
  @Produces("application/x-ndjson")
  public Response rows(
      @Context UriInfo uri,
      @PathParam("importId") String importId,
      @QueryParam("status") String status,
      @QueryParam("afterSeq") String afterSeq,
      @QueryParam("limit") String limit) {
    known(uri, Set.of("status", "afterSeq", "limit"));
    List<FieldError> errors = new ArrayList<>();
    if (status != null && !STATUS.matcher(status).matches()) {
      errors.add(
          new FieldError("status", "a row's status: enrolled, already_enrolled, rejected, ..."));
    }
    int after = number(afterSeq, 0, 0, Integer.MAX_VALUE, "afterSeq", errors);
    int max = number(limit, MAX_ROWS, 1, MAX_ROWS, "limit", errors);
    checkId(importId);
    if (!errors.isEmpty()) {
      throw new ApiException(400, "invalid rows query", errors);
    }
    record(importId);
    StreamingOutput body =
        out -> {
          try (MongoCursor<Document> cursor =
              records.rows(importId, status, after, max).iterator()) {
            while (cursor.hasNext()) {
              Document row = cursor.next();
              out.write(row.getString("result").getBytes(StandardCharsets.UTF_8));
              out.write('\n');
            }
          }
        };
    return Response.ok(body).build();
  }

  /**
   * Stops a running import at its next write of the record (within a second or 200 rows): it ends
   * {@code interrupted}, naming the operator and the last line processed. The dashboard's Stop. An
   * import that has ended is 409.
   */
  @POST
  @Path("/{importId}/cancel")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response cancel(
      @Auth Operator operator, @Context UriInfo uri, @PathParam("importId") String importId) {
    known(uri, Set.of());
    Object status = records.view(record(importId)).get("status");
    if (!(ImportStatus.RUNNING.equals(status) || ImportStatus.QUEUED.equals(status))
        || !records.cancel(importId, operator == null ? null : operator.name())) {
      Object now = records.view(record(importId)).get("status");
      throw new ApiException(
              409,
              "this import is not running: it has ended (" + now + ")",
              new FieldError("importId", "not running"))
          .with("status", now);
    }
    return Response.accepted(records.view(record(importId))).build();
  }

  private Document record(String importId) {
    checkId(importId);
    Document d = records.find(importId);
    if (d == null) {
      throw ApiException.notFound(
          "import with this id (or it expired: IMPORT_RETENTION)", "importId");
    }
    return d;
  }

  private static void checkId(String importId) {
    if (importId == null || !ImportRecords.ID.matcher(importId).matches()) {
      throw new ApiException(
          400,
          "an import id is imp_ and 24 hex digits (the Import-Id header of its answer)",
          new FieldError("importId", "imp_ and 24 hex digits"));
    }
  }

  private static void known(UriInfo uri, Set<String> names) {
    List<FieldError> unknown = new ArrayList<>();
    for (String name : uri.getQueryParameters().keySet()) {
      if (!names.contains(name)) {
        unknown.add(new FieldError(name, "unknown parameter"));
      }
    }
    if (!unknown.isEmpty()) {
      throw new ApiException(400, "unknown query parameter", unknown);
    }
  }

  private static int number(
      String value, int fallback, int min, int max, String field, List<FieldError> errors) {
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    errors.add(new FieldError(field, min + " <= " + field + " <= " + max));
    return fallback;
  }
}
