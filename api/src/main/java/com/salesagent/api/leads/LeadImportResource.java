package com.salesagent.api.leads;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.JsonBodies;
import com.salesagent.api.http.RequestJson;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/leads/import}: many leads in one request, as CSV (a header row, then one lead
 * per row) or JSON lines; each row validated and enrolled like {@code POST /api/leads} and answered
 * on its own line as it goes ({@link LeadImport}).
 */
@Tag(name = "leads")
@Timed
@Path("/api/leads/import")
public class LeadImportResource {
  private final LeadValidator validator;
  private final Enrolment enrolment;
  private final ObjectMapper strict;
  private final ImportRecords records;

  public LeadImportResource(
      LeadValidator validator, Enrolment enrolment, ObjectMapper mapper, ImportRecords records) {
    this.validator = validator;
    this.enrolment = enrolment;
    this.strict = RequestJson.strict(mapper.copy());
    this.records = records;
  }

  /** The response header that names the import's record before any row. */
  public static final String IMPORT_ID = "Import-Id";

  /** A file's name: at most this many characters, no control characters. */
  static final int MAX_FILENAME = 255;

  @POST
  @Consumes(MediaType.WILDCARD)
  @JsonBodies.RawBody
  @Produces("application/x-ndjson")
  public Response importLeads(
      @Auth Operator operator,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam("Content-Disposition") String disposition,
      @QueryParam("filename") String filename,
      @QueryParam("unknownColumns") String unknownColumns,
      @QueryParam("region") String region,
      @QueryParam("recontact") String recontact,
      @RequestBody(
              description =
                  "Leads as CSV (a header row, then one lead per row) or as JSON lines (one lead"
                      + " object per line, the body of POST /api/leads)",
              content = {
                @Content(mediaType = "text/csv", schema = @Schema(type = "string")),
                @Content(mediaType = "application/x-ndjson", schema = @Schema(type = "string"))
              })
          InputStream body) {
    boolean csv = contentType != null && contentType.toLowerCase().startsWith("text/csv");
    boolean jsonLines =
        contentType != null
            && (contentType.toLowerCase().contains("ndjson")
                || contentType.toLowerCase().contains("jsonl")
                || contentType.toLowerCase().contains("json-lines"));
    if (!csv && !jsonLines) {
      throw new ApiException(
          415,
          "send text/csv (with a header row) or application/x-ndjson (one JSON lead per line)",
          List.of(
              new FieldError(
                  "Content-Type",
                  "unsupported: "
                      + (contentType == null ? "none" : JsonBodies.shown(contentType)))));
    }
    boolean ignoreUnknown = "ignore".equals(unknownColumns);
    if (unknownColumns != null && !ignoreUnknown && !"refuse".equals(unknownColumns)) {
      throw new ApiException(
          400,
          "unknownColumns is refuse (the default: a CSV column the import does not know is 400) or"
              + " ignore (its values are left out, and the summary names it)",
          new FieldError("unknownColumns", "refuse|ignore"));
    }
    // A file of one country's numbers written without their country code (a Brazilian export on a
    // server whose DEFAULT_PHONE_REGION is US): read in that country after the lead's own.
    String phoneRegion = LeadValidator.region(region);
    LeadValidator rows = phoneRegion == null ? validator : validator.withRegion(phoneRegion);
    String name = filename(filename, disposition);
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("contentType", JsonBodies.shown(contentType));
    options.put("unknownColumns", ignoreUnknown ? "ignore" : "refuse");
    options.put("region", phoneRegion);
    options.put("recontact", RecentContacts.recontact(recontact));
    ImportRecords.Recorder recorder =
        records.start(
            csv ? "csv" : "json_lines", operator == null ? null : operator.name(), name, options);
    // The body is read ahead into a file as fast as it comes (BodySpool): a client that sent it
    // all and went away leaves every row to be imported and recorded.
    BodySpool spool = BodySpool.start(body, recorder::bodyReceived);
    try {
      return started(csv, contentType, ignoreUnknown, rows, recontact, recorder, spool);
    } catch (ApiException e) {
      spool.close();
      recorder.refused(e.status(), e.getMessage());
      throw e.withHeader(IMPORT_ID, recorder.id());
    } catch (RuntimeException e) {
      spool.close();
      recorder.refused(500, "failed before any row: " + e);
      throw e;
    }
  }

  private Response started(
      boolean csv,
      String contentType,
      boolean ignoreUnknown,
      LeadValidator rows,
      String recontact,
      ImportRecords.Recorder recorder,
      BodySpool spool) {
    PushbackInputStream in =
        new PushbackInputStream(spool.reader(recorder::tick), CsvCharset.SNIFF);
    int first;
    try {
      first = in.read();
    } catch (IOException e) {
      throw new ApiException(
          400, "the body could not be read", new FieldError("body", e.getMessage()));
    }
    if (first == -1) {
      throw new ApiException(
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
    // An operator's recontact=true enrols numbers our message reached lately that never answered.
    LeadImport importer =
        new LeadImport(
                rows,
                RecentContacts.recontact(recontact) ? enrolment.recontacting() : enrolment,
                strict,
                LeadImport.MAX_ROWS)
            .recordingTo(recorder);
    StreamingOutput output;
    if (csv) {
      CsvRecords records = LeadImport.csvRecords(in, CsvCharset.of(contentType, in));
      CsvHeader header = CsvHeader.read(records, ignoreUnknown);
      output =
          out -> {
            try (spool) {
              importer.csv(records, header, out);
            }
          };
    } else {
      output =
          out -> {
            try (spool) {
              importer.jsonLines(in, out);
            }
          };
    }
    return Response.ok(output)
        .header(IMPORT_ID, recorder.id())
        .header(HttpHeaders.LOCATION, "/api/imports/" + recorder.id())
        .build();
  }

  /**
   * The file's name, from {@code ?filename=} or the Content-Disposition header's {@code filename}:
   * kept on the import's record (never logged).
   */
  static String filename(String query, String disposition) {
    String name = query;
    String field = "filename";
    if (name == null && disposition != null) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("(?i)filename\\s*=\\s*(\"([^\"]*)\"|[^;]+)")
              .matcher(disposition);
      if (m.find()) {
        name = (m.group(2) != null ? m.group(2) : m.group(1)).trim();
        field = "Content-Disposition";
      }
    }
    if (name == null || name.isEmpty()) {
      return null;
    }
    if (name.length() > MAX_FILENAME || name.chars().anyMatch(Character::isISOControl)) {
      throw new ApiException(
          400,
          "a file's name is at most " + MAX_FILENAME + " characters, without control characters",
          new FieldError(field, "at most " + MAX_FILENAME + " printable characters"));
    }
    return name;
  }
}
