package com.salesagent.api.leads;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.JsonBodies;
import com.salesagent.api.http.ReadableText;
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
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.bson.Document;

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
  private final ImportRecords records;
  private final ImportOutputs outputs;
  private final BackgroundImports backgroundImports;

  /**
   * {@code background}: where asynchronous imports ({@code ?async=true}) run, a bounded executor (a
   * full one refuses with 503). Their bodies are not kept: a process that stops leaves them
   * interrupted.
   */
  public LeadImportResource(
      LeadValidator validator,
      Enrolment enrolment,
      ObjectMapper mapper,
      ImportRecords records,
      Executor background) {
    this(validator, enrolment, mapper, records, background, null);
  }

  /**
   * As above, an asynchronous import's body kept in {@code bodies} (the object store) from its 202
   * to its end: a process that stops while it waits or runs leaves it to another ({@link
   * ImportResumer}).
   */
  public LeadImportResource(
      LeadValidator validator,
      Enrolment enrolment,
      ObjectMapper mapper,
      ImportRecords records,
      Executor background,
      ObjectStorage bodies) {
    this.validator = validator;
    this.records = records;
    this.outputs = new ImportOutputs(enrolment, RequestJson.strict(mapper.copy()));
    this.backgroundImports = new BackgroundImports(validator, records, background, bodies, outputs);
  }

  /** Where an asynchronous import's body is kept. */
  static String bodyKey(String importId) {
    return "imports/" + importId + ".body";
  }

  /** Asynchronous imports at once, and waiting, in one process. */
  public static final int BACKGROUND_THREADS = 2;

  public static final int BACKGROUND_QUEUE = 8;

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
      @QueryParam("async") String async,
      @HeaderParam("Prefer") String prefer,
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
    boolean inBackground = async(async, prefer);
    String name = filename(filename, disposition);
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("contentType", JsonBodies.shown(contentType));
    options.put("unknownColumns", ignoreUnknown ? "ignore" : "refuse");
    options.put("region", phoneRegion);
    options.put("recontact", RecentContacts.recontact(recontact));
    options.put("async", inBackground);
    ImportRecorder recorder =
        records.start(
            csv ? "csv" : "json_lines", operator == null ? null : operator.name(), name, options);
    // The body is read ahead into a file as fast as it comes (BodySpool): a client that sent it
    // all and went away leaves every row to be imported and recorded.
    BodySpool spool = BodySpool.start(body, recorder::bodyReceived);
    try {
      StreamingOutput output =
          outputs.started(
              csv,
              contentType,
              ignoreUnknown,
              rows,
              RecentContacts.recontact(recontact),
              recorder,
              spool.reader(recorder::tick),
              spool,
              null);
      if (inBackground) {
        return backgroundImports.inBackground(output, recorder, spool);
      }
      return Response.ok(output)
          .header(IMPORT_ID, recorder.id())
          .header(HttpHeaders.LOCATION, "/api/imports/" + recorder.id())
          .build();
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

  /** Runs an import on a background thread; its kept body is deleted at its end. */
  /** Takes over an asynchronous import whose process stopped ({@link BackgroundImports#resume}). */
  boolean resume(Document record) {
    return backgroundImports.resume(record);
  }

  /** {@code ?async=true} or {@code Prefer: respond-async}. */
  static boolean async(String async, String prefer) {
    if (async != null && !"true".equals(async) && !"false".equals(async)) {
      throw new ApiException(
          400,
          "async is true (answer 202 at once, the import runs on the server: read its record) or"
              + " false (the default: the answer streams each row)",
          new FieldError("async", "true|false"));
    }
    return "true".equals(async)
        || (async == null
            && prefer != null
            && prefer.toLowerCase(java.util.Locale.ROOT).contains("respond-async"));
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
    if (ReadableText.length(name) > MAX_FILENAME
        || name.chars().anyMatch(Character::isISOControl)) {
      throw new ApiException(
          400,
          "a file's name is at most " + MAX_FILENAME + " characters, without control characters",
          new FieldError(field, "at most " + MAX_FILENAME + " printable characters"));
    }
    return name;
  }
}
