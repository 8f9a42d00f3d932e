package com.salesagent.api.leads;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.lead.ApprovalDecision;
import com.salesagent.workflows.lead.ApprovalResult;
import com.salesagent.workflows.lead.DeliveryDecision;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * Durable human approval of messages the quality gate held: the pending list comes from MongoDB; a
 * decision is a Temporal Update on the lead's workflow, which validates it (right message, allowed
 * decision) before accepting it.
 */
@Path("/api/approvals")
@Produces(MediaType.APPLICATION_JSON)
public class ApprovalResource {
  /**
   * {@code POST /api/leads/{leadId}/approval}. {@code approver} is refused when given: the approver
   * is whoever the token authenticated (API_OPERATOR_NAME), never what a request says.
   */
  public record ApprovalRequest(String decision, String text, String approver) {}

  /** {@code POST /api/leads/{leadId}/delivery}: resend, assume_sent or stop. */
  public record DeliveryRequest(String decision) {}

  private final LeadStore store;
  private final WorkflowClient temporal;

  public ApprovalResource(LeadStore store, WorkflowClient temporal) {
    this.store = store;
    this.temporal = temporal;
  }

  @GET
  public Response pending() {
    List<Map<String, Object>> items = new ArrayList<>();
    for (Document m :
        store
            .messages()
            .find(Filters.eq("approval.status", "pending"))
            .sort(Sorts.ascending("approval.slaAt"))
            .limit(500)) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("leadId", m.getString("leadId"));
      item.put("idempotencyKey", m.getString("idempotencyKey"));
      item.put("variantId", m.getString("variantId"));
      item.put("purpose", m.getString("purpose"));
      item.put("text", m.getString("text"));
      item.put("gate", m.get("gate"));
      item.put("slaAt", m.get("approval", Document.class).get("slaAt"));
      items.add(item);
    }
    List<Map<String, Object>> unknown = new ArrayList<>();
    for (Document m : store.messages().find(Filters.eq("delivery.status", "unknown")).limit(500)) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("leadId", m.getString("leadId"));
      item.put("idempotencyKey", m.getString("idempotencyKey"));
      item.put("variantId", m.getString("variantId"));
      item.put("purpose", m.getString("purpose"));
      item.put("text", m.getString("text"));
      item.put("unknown", m.get("unknown"));
      unknown.add(item);
    }
    return Response.ok(Map.of("pending", items, "deliveryUnknown", unknown)).build();
  }

  /** {@code POST /api/leads/{leadId}/delivery}, routed here by {@link LeadResource}. */
  public Response decideDelivery(String leadId, DeliveryRequest request, String operator) {
    if (request == null
        || !List.of(DeliveryDecision.RESEND, DeliveryDecision.ASSUME_SENT, DeliveryDecision.STOP)
            .contains(request.decision())) {
      return LeadResource.errors(
          422,
          "invalid delivery decision",
          List.of(new FieldError("decision", "must be resend, assume_sent or stop")));
    }
    try {
      DeliveryDecision result =
          temporal
              .newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId))
              .resolveDelivery(new DeliveryDecision(null, request.decision(), operator));
      return Response.ok(result).build();
    } catch (WorkflowUpdateException e) {
      return LeadResource.errors(409, reasonOf(e), List.of());
    } catch (WorkflowNotFoundException e) {
      return LeadResource.errors(409, "the lead's workflow has ended", List.of());
    }
  }

  /** The validator's words, without the Java exception or Temporal's failure wrapper. */
  static String reasonOf(WorkflowUpdateException e) {
    Throwable cause = e.getCause();
    if (cause instanceof io.temporal.failure.ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    return cause == null ? e.getMessage() : cause.getMessage();
  }

  /** {@code POST /api/leads/{leadId}/approval}, routed here by {@link LeadResource}. */
  public Response decide(String leadId, ApprovalRequest request, String approver) {
    List<FieldError> errors = new ArrayList<>();
    if (request != null && request.approver() != null) {
      errors.add(
          new FieldError(
              "approver",
              "set by the server from the token's operator (API_OPERATOR_NAME): remove it"));
    }
    if (request == null
        || !List.of(ApprovalDecision.APPROVE, ApprovalDecision.EDIT, ApprovalDecision.REJECT)
            .contains(request.decision())) {
      errors.add(new FieldError("decision", "must be approve, edit or reject"));
    }
    if (request != null && ApprovalDecision.EDIT.equals(request.decision())) {
      if (request.text() == null || request.text().isBlank()) {
        errors.add(new FieldError("text", "required for edit: the text to send instead"));
      } else if (request.text().length() > 4096) {
        errors.add(new FieldError("text", "at most 4,096 characters (WhatsApp's limit)"));
      }
    }
    if (!errors.isEmpty()) {
      return LeadResource.errors(422, "invalid approval", errors);
    }
    Document pending =
        store
            .messages()
            .find(
                Filters.and(Filters.eq("leadId", leadId), Filters.eq("approval.status", "pending")))
            .first();
    if (pending == null) {
      return LeadResource.errors(
          409, "no message of lead " + leadId + " is waiting for approval", List.of());
    }
    String key = pending.getString("idempotencyKey");
    if (ApprovalDecision.EDIT.equals(request.decision())) {
      // Stored before the update: the send reads it only if the workflow accepts the edit.
      store
          .messages()
          .updateOne(Filters.eq("idempotencyKey", key), Updates.set("editedText", request.text()));
    }
    try {
      ApprovalResult result =
          temporal
              .newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId))
              .approval(new ApprovalDecision(key, request.decision(), approver));
      return Response.ok(result).build();
    } catch (WorkflowUpdateException e) {
      return LeadResource.errors(409, reasonOf(e), List.of());
    } catch (WorkflowNotFoundException e) {
      return LeadResource.errors(409, "the lead's workflow has ended", List.of());
    }
  }
}
