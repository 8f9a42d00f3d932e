package com.salesagent.api.leads;

import com.codahale.metrics.annotation.Timed;
import com.salesagent.api.auth.Operator;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code POST /api/subject-access}: everything held about one person (GDPR Art. 15), found by their
 * number or one of their leads ({@link SubjectAccess}). The number travels in the body, never the
 * URL, so the request log never holds it.
 */
@Tag(
    name = "subject access",
    description = "Everything held about one person (a subject access request, GDPR Art. 15)")
@Timed
@Path("/api/subject-access")
@Produces(MediaType.APPLICATION_JSON)
public class SubjectAccessResource {
  private final SubjectAccess access;
  private final LeadErasure erasure;

  public SubjectAccessResource(SubjectAccess access, LeadErasure erasure) {
    this.access = access;
    this.erasure = erasure;
  }

  @POST
  @Path("/erasure")
  @Consumes(MediaType.WILDCARD)
  @Operation(
      summary = "Erase every lead of one person, found by number and/or lead id",
      description =
          "Body {phone, leadId, region, reason, keepSuppressed}: the person as the export finds"
              + " them (every lead of their numbers, all campaigns); each lead is erased as DELETE"
              + " /api/leads/{leadId} erases it (reason and keepSuppressed the same). 202 with"
              + " each lead's status (erasing, erasing already, gone) and more: true when more"
              + " leads remain than one call erases (ask again); 200 with no lead when none holds"
              + " the person. 400 naming phone, leadId, region, reason or keepSuppressed (before anything is done). Audited as"
              + " subject_erasure_requested (lead ids and the number's SHA-256).")
  public Response erase(
      @Auth Operator operator,
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = SubjectAccess.ErasureOfPerson.class)))
          byte[] body) {
    return access.erase(operator.name(), body, erasure);
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @Operation(
      summary = "Export everything held about one person, by number and/or lead id",
      description =
          "Body {phone, leadId, region}: phone with + and its country code (or region, the"
              + " two-letter country of a number written without it), leadId one lead of the"
              + " person; at least one. 200 with one JSON document, streamed: generatedAt, the"
              + " person's numbers, every lead of them (all campaigns; a lead being erased says"
              + " so) with its contact, messages, replies, timeline, persona, research chunks"
              + " (text), drafts, hand-off, outcome, HubSpot ids, outbox events and media links;"
              + " the numbers' suppressions, import rows, audit entries and raw webhook payloads;"
              + " notIncluded (what is held elsewhere); complete: true as its last member. At most"
              + " 100 leads (truncated, leadsNotExported). An unknown number or lead is 200 with"
              + " leads [] (its suppression or audit entries are still data held). 400 naming"
              + " phone, leadId or region. Audited as subject_access_exported (lead ids and the"
              + " number's SHA-256, never the number).")
  public Response export(
      @Auth Operator operator,
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = SubjectAccess.Request.class)))
          byte[] body) {
    return access.export(operator.name(), body);
  }
}
