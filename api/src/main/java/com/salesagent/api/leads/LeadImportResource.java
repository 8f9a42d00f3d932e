package com.salesagent.api.leads;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.JsonBodies;
import com.salesagent.api.http.RequestJson;
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
import java.util.List;

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

  public LeadImportResource(LeadValidator validator, Enrolment enrolment, ObjectMapper mapper) {
    this.validator = validator;
    this.enrolment = enrolment;
    this.strict = RequestJson.strict(mapper.copy());
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @JsonBodies.RawBody
  @Produces("application/x-ndjson")
  public Response importLeads(
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
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
    PushbackInputStream in = new PushbackInputStream(body, CsvCharset.SNIFF);
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
            LeadImport.MAX_ROWS);
    StreamingOutput output;
    if (csv) {
      CsvRecords records = LeadImport.csvRecords(in, CsvCharset.of(contentType, in));
      CsvHeader header = CsvHeader.read(records, ignoreUnknown);
      output = out -> importer.csv(records, header, out);
    } else {
      output = out -> importer.jsonLines(in, out);
    }
    return Response.ok(output).build();
  }
}
