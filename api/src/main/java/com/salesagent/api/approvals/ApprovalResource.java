package com.salesagent.api.approvals;

import com.codahale.metrics.annotation.Timed;
import com.salesagent.activities.mongo.HeldMessages;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import com.salesagent.workflows.lead.ApprovalDecision;
import com.salesagent.workflows.lead.ApprovalResult;
import com.salesagent.workflows.lead.DeliveryDecision;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.temporal.client.WorkflowClient;
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

  /** {@code POST /api/leads/{leadId}/delivery}: resend, assume_sent or stop. */
  public record DeliveryRequest(String decision) {}

  /**
   * A message the quality gate held, waiting for a person until {@code slaAt}. {@code editable}:
   * free text a reviewer may edit; false for an approved WhatsApp template (approve or reject it).
   * {@code variantSwitchedOff}: its variant was switched off since it was held, so its text will
   * never go out (any decision composes the lead's message again on another variant).
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
      boolean variantSwitchedOff) {}

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

  public ApprovalResource(HeldMessages held, WorkflowClient temporal) {
    this.held = held;
    this.temporal = temporal;
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
                  String.valueOf(m.getString("variantId")), v -> held.variantSwitchedOff(m))));
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

  /** {@code POST /api/leads/{leadId}/delivery}, routed here by the lead resource. */
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
    return lead(leadId).resolveDelivery(new DeliveryDecision(null, request.decision(), operator));
  }

  /** {@code POST /api/leads/{leadId}/approval}, routed here by the lead resource. */
  public ApprovalResult decide(String leadId, ApprovalRequest request, String approver) {
    List<FieldError> errors = new ArrayList<>();
    if (request != null && request.approver() != null) {
      errors.add(
          new FieldError(
              "approver",
              "set by the server from the token's operator (API_OPERATOR_NAME): remove it"));
    }
    // List.of(...).contains(null) throws: a missing decision is checked first.
    if (request == null
        || request.decision() == null
        || !List.of(ApprovalDecision.APPROVE, ApprovalDecision.EDIT, ApprovalDecision.REJECT)
            .contains(request.decision())) {
      errors.add(new FieldError("decision", "must be approve, edit or reject"));
    }
    if (request != null && ApprovalDecision.EDIT.equals(request.decision())) {
      if (request.text() == null || request.text().isBlank()) {
        errors.add(new FieldError("text", "required for edit: the text to send instead"));
      } else if (request.text().length() > 4096) {
        errors.add(new FieldError("text", "at most 4,096 characters (WhatsApp's limit)"));
      } else if (ReadableText.textProblem(request.text()) != null) {
        errors.add(new FieldError("text", ReadableText.textProblem(request.text())));
      }
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid approval", errors);
    }
    Document pending = held.pendingApproval(leadId);
    if (pending == null) {
      throw new ApiException(
          409,
          "no message of lead " + leadId + " is waiting for approval",
          new FieldError("leadId", "no message waiting for approval"));
    }
    String key = pending.getString("idempotencyKey");
    if (request.idempotencyKey() != null && !request.idempotencyKey().equals(key)) {
      throw new ApiException(
              409,
              "message "
                  + request.idempotencyKey()
                  + " is not the one waiting for approval: "
                  + key
                  + " is (read it before deciding)",
              new FieldError("idempotencyKey", "not the message waiting for approval"))
          .with("idempotencyKey", key);
    }
    String variantId = pending.getString("variantId");
    boolean reject = ApprovalDecision.REJECT.equals(request.decision());
    boolean switchedOff = !reject && held.variantSwitchedOff(pending);
    if (switchedOff) {
      // The kill-switch's signal may still be on its way to this lead: without it, an approval
      // would send the text of a variant an operator switched off.
      lead(leadId).variantDisabled(variantId);
    }
    if (ApprovalDecision.EDIT.equals(request.decision())) {
      held.setEditedText(key, request.text());
    }
    ApprovalResult result =
        lead(leadId).approval(new ApprovalDecision(key, request.decision(), approver));
    if (ApprovalResult.RECOMPOSE.equals(result.outcome())
        || (result.outcome() == null && switchedOff)) {
      throw new ApiException(
              409,
              "not sent: variant "
                  + variantId
                  + " was switched off after this message was held, so its text will never go"
                  + " out. The decision released it: the lead's message is composed again on"
                  + " another variant (and listed here again if the quality gate holds it).",
              new FieldError("variantId", "switched off after this message was held"))
          .with("reason", VARIANT_SWITCHED_OFF)
          .with("leadId", leadId)
          .with("idempotencyKey", key)
          .with("variantId", variantId)
          .with("decision", request.decision())
          .with("outcome", ApprovalResult.RECOMPOSE);
    }
    return result;
  }

  /** The {@code reason} of the 409 that answers a decision on a switched-off variant's message. */
  public static final String VARIANT_SWITCHED_OFF = "variant_switched_off";

  private LeadWorkflow lead(String leadId) {
    return temporal.newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId));
  }
}
