package com.salesagent.api.leads;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.approvals.ApprovalResource;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.RequestJson;
import com.salesagent.workflows.lead.ApprovalResult;
import com.salesagent.workflows.lead.DeliveryDecision;
import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.temporal.client.WorkflowClient;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * Enrolment, the leads list and the routes that act on one lead. Lists and counts come from MongoDB
 * (the dev server has no visibility queries); the single lead's page is {@link LeadViews} (with the
 * workflow's live state query); imports are {@link LeadImportResource}.
 */
@Tag(
    name = "leads",
    description =
        "Enrol leads (one or by CSV/NDJSON import), list them, read one, pause, resume, stop")
@Timed
@Path("/api/leads")
@Produces(MediaType.APPLICATION_JSON)
public class LeadResource {
  private final EnrolRequests enrolRequests;
  private final LeadSignals signals;
  private final ApprovalResource approvals;
  private final LeadErasure erasure;
  private final LeadViews views;
  private final LeadList leadList;
  private final LeadOutcomes outcomes;
  private final LeadMeetings meetings;
  private final LeadConversation conversation;
  private final LeadAgain again;
  private final LeadHandOffs handOffs;

  public LeadResource(
      LeadValidator validator,
      Enrolment enrolment,
      LeadStore store,
      WorkflowClient temporal,
      ObjectMapper mapper,
      String temporalUiUrl,
      String namespace,
      ApprovalResource approvals,
      LeadErasure erasure) {
    this.approvals = approvals;
    this.erasure = erasure;
    this.signals = new LeadSignals(store, temporal);
    this.views = new LeadViews(store, signals::lead, mapper, temporalUiUrl, namespace);
    this.leadList = new LeadList(store, views.nextActions());
    ObjectMapper strict = RequestJson.strict(mapper.copy());
    this.enrolRequests = new EnrolRequests(validator, enrolment, strict);
    this.outcomes = new LeadOutcomes(store, signals::lead, strict);
    this.meetings =
        new LeadMeetings(store, signals::lead, strict, java.time.Clock.systemUTC(), outcomes);
    this.conversation =
        new LeadConversation(
            store,
            signals::lead,
            AfterEndMessages.temporal(temporal),
            strict,
            java.time.Clock.systemUTC());
    this.handOffs = new LeadHandOffs(store, signals::lead, strict, java.time.Clock.systemUTC());
    this.again = new LeadAgain(store, validator, enrolment, strict, java.time.Clock.systemUTC());
  }

  /**
   * Where a rep's freed place goes (a lead released or reassigned away from them): the oldest lead
   * waiting for them is taken at once, off the request's thread.
   */
  public LeadResource whenOwnerFreed(java.util.function.Consumer<String> ownerFreed) {
    handOffs.whenOwnerFreed(ownerFreed);
    return this;
  }

  /** What an enrolment answers: 202 started, or 200 when the lead was enrolled before. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Enrolled(String leadId, String workflowId, String status, String message) {}

  /** A signal the lead's workflow accepted. */
  public record Signalled(String leadId, String signal) {}

  @POST
  @Consumes(MediaType.WILDCARD)
  public Response enrol(
      @QueryParam("recontact") String recontact,
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = LeadRequest.class)))
          byte[] body) {
    return enrolRequests.enrol(recontact, body);
  }

  /** The 409 of an enrolment refused: {@link EnrolRefusals}. */
  static ApiException refusal(Enrolment.Outcome outcome, boolean named) {
    return EnrolRefusals.refusal(outcome, named);
  }

  @GET
  public LeadList.LeadPage list(
      @QueryParam("stage") String stage,
      @QueryParam("campaignId") String campaignId,
      @QueryParam("segment") String segment,
      @QueryParam("variantId") String variantId,
      @QueryParam("evidenceVariantId") String evidenceVariantId,
      @QueryParam("ownerId") String ownerId,
      @QueryParam("page") @DefaultValue("0") int page,
      @QueryParam("pageSize") @DefaultValue("50") int pageSize,
      @Context UriInfo uri) {
    return leadList.page(
        uri.getQueryParameters().keySet(),
        stage,
        campaignId,
        segment,
        variantId,
        evidenceVariantId,
        ownerId,
        page,
        pageSize);
  }

  @GET
  @Path("/{leadId}")
  public LeadViews.LeadView get(@PathParam("leadId") String leadId) {
    return views.view(leadId);
  }

  @POST
  @Path("/{leadId}/approval")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Decide on the message the quality gate held: approve, edit or reject",
      description =
          "Body {decision, text (edit only), idempotencyKey (optional: the message the reviewer"
              + " saw)}. 200 {idempotencyKey, decision, approver, outcome}: outcome send (it goes"
              + " out in the lead's send window) or stop (rejected: the lead stops). 409 with"
              + " reason variant_switched_off when the message's variant was switched off after"
              + " it was held: its text is never sent; the decision released it and the lead's"
              + " message is composed again on another variant (listed again if the gate holds"
              + " it). 409 too when no message waits, another one does, or another decision"
              + " was taken on it. The same decision sent again (a retry, a double click; an"
              + " edit with the same text) answers as the first, 200 with the same body."
              + " If-Match: the held message's revision as listed (412 with a JSON body when"
              + " another decision was taken on it since). idempotencyKey is the hold's identity:"
              + " a decision naming a message that is not the one waiting (decided, the lead's"
              + " next one held since), the same decision sent again included, is 409 naming"
              + " idempotencyKey (reason hold_superseded, with the decision taken on it); one"
              + " naming none, when the same decision by the same operator was taken on the"
              + " lead's previous message and another one waits now, is 409 naming"
              + " idempotencyKey (reason hold_required): it may be that decision sent again.")
  public ApprovalResult approval(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      @HeaderParam("If-Match") String ifMatch,
      ApprovalResource.ApprovalRequest request) {
    return approvals.decide(leadId, request, operator.name(), ifMatch);
  }

  /**
   * {@code POST /api/leads/{leadId}/delivery}: decides on a send whose fate stayed unknown ({@code
   * {"decision": "resend" | "assume_sent" | "stop"}}); the operator is the token's.
   */
  @POST
  @Path("/{leadId}/delivery")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Decide on a send whose fate stayed unknown: resend, assume_sent or stop",
      description =
          "Body {decision, idempotencyKey (optional: the send the operator saw), heldAt"
              + " (optional: the hold the operator saw, as GET /api/approvals lists it in"
              + " deliveryUnknown; an ISO-8601 instant or epoch milliseconds)}. 200 {idempotencyKey,"
              + " decision, operator}. The same decision on the same hold sent again answers as"
              + " the first. A send resent and held unknown again is a new hold: a decision"
              + " naming an earlier one (a retry come late) is 409 naming heldAt (reason"
              + " hold_superseded, with the decision taken on it and the open hold's heldAt),"
              + " never applied to the new hold; one naming no hold when the same decision by"
              + " the same operator was taken on an earlier hold is 409 naming heldAt (reason"
              + " hold_required). 422 naming heldAt when it is not a time; 409 naming decision"
              + " when another decision was taken on the hold.")
  public DeliveryDecision delivery(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      ApprovalResource.DeliveryRequest request) {
    return approvals.decideDelivery(leadId, request, operator.name());
  }

  @POST
  @Path("/{leadId}/pause")
  public Response pause(@PathParam("leadId") String leadId) {
    return signals.pause(leadId);
  }

  /** A pause or resume that changed nothing: why. */
  public record Unchanged(String leadId, String signal, String unchanged) {}

  @POST
  @Path("/{leadId}/resume")
  public Response resume(@PathParam("leadId") String leadId) {
    return signals.resume(leadId);
  }

  @POST
  @Path("/{leadId}/stop")
  public Response stop(@PathParam("leadId") String leadId, @QueryParam("reason") String reason) {
    return signals.stop(leadId, reason);
  }

  /** An operator's {@code ?reason=} as kept, else {@code fallback}: {@link OperatorReasons}. */
  static String operatorReason(String reason, String fallback) {
    return OperatorReasons.operatorReason(reason, fallback);
  }

  /**
   * {@code POST /api/leads/{leadId}/outcome} {@code {"outcome": "converted" | "lost", "reason":
   * "..."}}: the business outcome, set by an operator ({@link LeadOutcomes}).
   */
  @POST
  @Path("/{leadId}/outcome")
  @Consumes(MediaType.WILDCARD)
  public Response outcome(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = LeadOutcomes.OutcomeRequest.class)))
          byte[] body) {
    return outcomes.set(operator.name(), leadId, body);
  }

  /**
   * {@code POST /api/leads/{leadId}/meeting} {@code {"at": "2026-12-10T15:00:00Z", "source":
   * "calendly", "bookingId": "..."}}: a meeting booked with an interested lead ({@link
   * LeadMeetings}); the lead is MEETING_BOOKED.
   */
  @POST
  @Path("/{leadId}/meeting")
  @Consumes(MediaType.WILDCARD)
  public Response meeting(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = LeadMeetings.MeetingRequest.class)))
          byte[] body) {
    return meetings.book(operator.name(), leadId, body);
  }

  /**
   * {@code POST /api/leads/{leadId}/replies} {@code {"text": "..."}} inside WhatsApp's 24 h window,
   * or {@code {"template": "re_engagement"}} outside it; optional {@code ownerId} (the sales rep),
   * {@code requestId} (a retry with the same id sends once), {@code seenMessageId} (the latest lead
   * message the rep saw: 409 when a different person answered after it) and {@code force} (send
   * anyway). A person's message through the lead's own send path, audited with the operator's name
   * ({@link LeadConversation}, {@link ReplyCollisions}).
   */
  @POST
  @Path("/{leadId}/replies")
  @Consumes(MediaType.WILDCARD)
  public Response reply(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = LeadConversation.ReplyRequest.class)))
          byte[] body) {
    return conversation.reply(operator.name(), leadId, body);
  }

  /**
   * {@code POST /api/leads/{leadId}/enrol-again} (optional {@code {"leadId", "campaignId"}}): a new
   * conversation with a lead whose run ended, as a new lead made from its contact ({@link
   * LeadAgain}); 202 with the new lead, 200 for a retry, 409 when the lead is live, being erased,
   * its number suppressed or another lead of the number live in the campaign, or {@code
   * recently_contacted} when the number never answered the opener that reached it lately ({@code
   * ?recontact=true} enrols it all the same).
   */
  @POST
  @Path("/{leadId}/enrol-again")
  @Consumes(MediaType.WILDCARD)
  public Response enrolAgain(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      @QueryParam("recontact") String recontact,
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = LeadAgain.AgainRequest.class)))
          byte[] body) {
    return again.enrolAgain(operator.name(), leadId, body, RecentContacts.recontact(recontact));
  }

  /**
   * {@code POST /api/leads/{leadId}/handoff/accept} (optional {@code {"ownerId": "..."}}): the
   * sales rep takes the lead handed to them; the SLA is met and the lead is in conversation.
   */
  @POST
  @Path("/{leadId}/handoff/accept")
  @Consumes(MediaType.WILDCARD)
  public Response acceptHandOff(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = LeadConversation.AcceptRequest.class)))
          byte[] body) {
    return conversation.accept(operator.name(), leadId, body);
  }

  /**
   * {@code POST /api/leads/{leadId}/handoff/reassign} {@code {"ownerId": "bob", "byOwnerId":
   * "ana"}}: an operator, or the lead's owner ({@code byOwnerId}), hands one held lead to another
   * active rep, who must act on it within a fresh SLA ({@link LeadHandOffs#reassign}).
   */
  @POST
  @Path("/{leadId}/handoff/reassign")
  @Consumes(MediaType.WILDCARD)
  public Response reassignHandOff(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = LeadHandOffs.ReassignRequest.class)))
          byte[] body) {
    return handOffs.reassign(operator.name(), leadId, body);
  }

  /**
   * {@code POST /api/leads/{leadId}/handoff/release} {@code {"byOwnerId": "ana", "reason": "..."}}:
   * the rep (or an operator) gives an interested lead back to the agent: nobody holds it, no SLA
   * runs, its next reply with interest goes to a person again ({@link LeadHandOffs#release}).
   */
  @POST
  @Path("/{leadId}/handoff/release")
  @Consumes(MediaType.WILDCARD)
  public Response releaseHandOff(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = LeadHandOffs.ReleaseRequest.class)))
          byte[] body) {
    return handOffs.release(operator.name(), leadId, body);
  }

  /**
   * {@code POST /api/leads/{leadId}/handoff/snooze} {@code {"until": "2026-12-08T09:00:00Z"}}: the
   * rep puts a lead they took aside until then, at most 30 days ({@link LeadHandOffs#snooze}).
   */
  @POST
  @Path("/{leadId}/handoff/snooze")
  @Consumes(MediaType.WILDCARD)
  public Response snoozeHandOff(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = LeadHandOffs.SnoozeRequest.class)))
          byte[] body) {
    return handOffs.snooze(operator.name(), leadId, body);
  }

  /**
   * {@code DELETE /api/leads/{leadId}/handoff/snooze?byOwnerId=}: the snooze ends now (a rep's own
   * lead only; an operator's, any).
   */
  @DELETE
  @Path("/{leadId}/handoff/snooze")
  public Response unsnoozeHandOff(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      @QueryParam("byOwnerId") String byOwnerId) {
    return handOffs.unsnooze(operator.name(), leadId, byOwnerId);
  }

  /**
   * Erasure on request: the lead's workflow is stopped and its documents, media objects and raw
   * webhook payloads removed by a durable workflow (202 once it started); its numbers stay
   * suppressed unless {@code keepSuppressed=false}. Audited with the operator's name.
   */
  @DELETE
  @Path("/{leadId}")
  public Response erase(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      @QueryParam("reason") String reason,
      @QueryParam("keepSuppressed") String keepSuppressed) {
    return erasure.request(leadId, operator.name(), reason, keepSuppressed);
  }

  /** How far the lead's erasure got and, once done, what it removed. */
  @GET
  @Path("/{leadId}/erasure")
  public LeadErasure.ErasureView erasure(@PathParam("leadId") String leadId) {
    return erasure.status(leadId);
  }
}
