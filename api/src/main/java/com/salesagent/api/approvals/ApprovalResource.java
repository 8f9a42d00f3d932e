package com.salesagent.api.approvals;

import com.codahale.metrics.annotation.Timed;
import com.salesagent.activities.mongo.HeldMessages;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.workflows.lead.ApprovalResult;
import com.salesagent.workflows.lead.DeliveryDecision;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateStage;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * Durable human approval of messages the quality gate held: the pending list comes from MongoDB; a
 * decision is a Temporal Update on the lead's workflow, which validates it (right message, allowed
 * decision) before accepting it. A refused update or a closed workflow answers 409 through {@link
 * com.salesagent.api.http.WorkflowExceptionMapper}.
 */
@Tag(
    name = "approvals",
    description = "Messages the quality gate held, and sends whose fate is unknown")
@Timed
@Path("/api/approvals")
@Produces(MediaType.APPLICATION_JSON)
public class ApprovalResource {
  /**
   * {@code POST /api/leads/{leadId}/approval}. {@code approver} is refused when given: the approver
   * is whoever the token authenticated (API_OPERATOR_NAME), never what a request says. {@code
   * idempotencyKey} (optional; the dashboard sends it) names the message the reviewer saw: a
   * decision on another one (e.g. its recomposition) is refused with 409.
   */
  public record ApprovalRequest(
      String decision, String text, String approver, String idempotencyKey) {}

  /**
   * {@code POST /api/leads/{leadId}/delivery}: resend, assume_sent or stop; {@code idempotencyKey}
   * (optional) the send the operator saw (a decision on another one is 409).
   */
  public record DeliveryRequest(String decision, String idempotencyKey) {}

  /**
   * A message the quality gate held, waiting for a person until {@code slaAt}. {@code editable}:
   * free text a reviewer may edit; false for an approved WhatsApp template (approve or reject it).
   * {@code variantSwitchedOff}: its variant was switched off since it was held, so its text will
   * never go out (any decision composes the lead's message again on another variant). {@code
   * revision}: what a decision sends as {@code If-Match} (412 when another one was taken since).
   */
  public record PendingApproval(
      String leadId,
      String idempotencyKey,
      String variantId,
      String purpose,
      String text,
      Object gate,
      Object slaAt,
      Media media,
      boolean editable,
      boolean variantSwitchedOff,
      int revision) {}

  /**
   * The image card or voice note that goes with a held message (served by {@code GET
   * /api/leads/{leadId}/media/{sha256}}), so the approver sees or hears what the lead would get.
   */
  public record Media(String kind, String sha256, String contentType, Object size, String madeBy) {
    static Media of(Document message) {
      Document m = message.get("media", Document.class);
      return m == null || m.getString("sha256") == null
          ? null
          : new Media(
              m.getString("kind"),
              m.getString("sha256"),
              m.getString("contentType"),
              m.get("size"),
              m.getString("madeBy"));
    }
  }

  /** A send Meta never confirmed nor refused: resend, assume it went, or stop the lead. */
  public record DeliveryUnknown(
      String leadId,
      String idempotencyKey,
      String variantId,
      String purpose,
      String text,
      Object unknown) {}

  /** {@code GET /api/approvals}. */
  public record Queue(List<PendingApproval> pending, List<DeliveryUnknown> deliveryUnknown) {}

  static final int LIMIT = 500;
  private final HeldMessages held;
  private final WorkflowClient temporal;
  private final ApprovalDecisions decisions;

  public ApprovalResource(HeldMessages held, WorkflowClient temporal) {
    this.held = held;
    this.temporal = temporal;
    this.decisions = new ApprovalDecisions(held, temporal);
  }

  @GET
  public Queue pending() {
    List<PendingApproval> pending = new ArrayList<>();
    Map<String, Boolean> switchedOff = new HashMap<>();
    for (Document m : held.pendingApprovals(LIMIT)) {
      pending.add(
          new PendingApproval(
              m.getString("leadId"),
              m.getString("idempotencyKey"),
              m.getString("variantId"),
              m.getString("purpose"),
              m.getString("text"),
              m.get("gate"),
              m.get("approval", Document.class).get("slaAt"),
              Media.of(m),
              m.get("template") == null,
              // A reviewer read a text that would never go; the decision's 409 said so after.
              switchedOff.computeIfAbsent(
                  String.valueOf(m.getString("variantId")), v -> held.variantSwitchedOff(m)),
              HeldMessages.revisionOf(m)));
    }
    List<DeliveryUnknown> unknown = new ArrayList<>();
    for (Document m : held.deliveryUnknown(LIMIT)) {
      unknown.add(
          new DeliveryUnknown(
              m.getString("leadId"),
              m.getString("idempotencyKey"),
              m.getString("variantId"),
              m.getString("purpose"),
              m.getString("text"),
              m.get("unknown")));
    }
    return new Queue(pending, unknown);
  }

  /**
   * {@code POST /api/leads/{leadId}/delivery}, routed here by the lead resource. The same decision
   * sent again by the same operator (a retried request, a double click) answers as the first: 200
   * with the same body, read from the message once the workflow recorded it, and before that from
   * Temporal (the update's id is the send's key, the hold's time and the decision, so a retry is
   * never applied twice); another decision on a send decided already is 409 naming {@code
   * decision}. {@code idempotencyKey} (optional) names the send the operator saw.
   */
  public DeliveryDecision decideDelivery(String leadId, DeliveryRequest request, String operator) {
    if (request == null
        || request.decision() == null
        || !List.of(DeliveryDecision.RESEND, DeliveryDecision.ASSUME_SENT, DeliveryDecision.STOP)
            .contains(request.decision())) {
      throw new ApiException(
          422,
          "invalid delivery decision",
          new FieldError("decision", "must be resend, assume_sent or stop"));
    }
    String asked = request.idempotencyKey();
    Document seen =
        asked != null ? held.message(leadId, asked) : held.deliveryHeldOrDecided(leadId);
    Document delivery = seen == null ? null : seen.get("delivery", Document.class);
    String status = delivery == null ? null : delivery.getString("status");
    if (seen != null && !"unknown".equals(status)) {
      if (request.decision().equals(status) && operator.equals(delivery.getString("by"))) {
        // Sent again: the first one's answer, as the workflow recorded it.
        return new DeliveryDecision(seen.getString("idempotencyKey"), status, operator);
      }
      if (List.of(DeliveryDecision.RESEND, DeliveryDecision.ASSUME_SENT, DeliveryDecision.STOP)
          .contains(status)) {
        throw new ApiException(
                409,
                "send "
                    + seen.getString("idempotencyKey")
                    + " was decided already: "
                    + status
                    + (delivery.getString("by") == null ? "" : " by " + delivery.getString("by"))
                    + " (the same decision again answers as the first)",
                new FieldError("decision", "decided already: " + status))
            .with("idempotencyKey", seen.getString("idempotencyKey"))
            .with("decided", status);
      }
    }
    DeliveryDecision decision =
        new DeliveryDecision(
            seen == null ? asked : seen.getString("idempotencyKey"), request.decision(), operator);
    if (seen == null || !"unknown".equals(status)) {
      // Nothing held that MongoDB knows of: the workflow says what it holds (409 when nothing).
      return lead(leadId).resolveDelivery(decision);
    }
    java.util.Date heldAt = delivery.getDate("at");
    return WorkflowStub.fromTyped(lead(leadId))
        .startUpdate(
            UpdateOptions.newBuilder(DeliveryDecision.class)
                .setUpdateName("resolveDelivery")
                .setUpdateId(
                    "delivery-"
                        + decision.idempotencyKey()
                        + "-"
                        + (heldAt == null ? 0 : heldAt.getTime())
                        + "-"
                        + request.decision())
                .setWaitForStage(WorkflowUpdateStage.COMPLETED)
                .build(),
            decision)
        .getResult();
  }

  /**
   * {@code POST /api/leads/{leadId}/approval}, routed here by the lead resource: {@link
   * ApprovalDecisions#decide}.
   */
  public ApprovalResult decide(
      String leadId, ApprovalRequest request, String approver, String ifMatch) {
    return decisions.decide(leadId, request, approver, ifMatch);
  }

  /** The {@code reason} of the 409 that answers a decision on a switched-off variant's message. */
  public static final String VARIANT_SWITCHED_OFF = "variant_switched_off";

  private LeadWorkflow lead(String leadId) {
    return temporal.newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId));
  }
}
