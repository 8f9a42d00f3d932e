package com.salesagent.api.approvals;

import com.codahale.metrics.annotation.Timed;
import com.salesagent.activities.mongo.HeldMessages;
import com.salesagent.workflows.lead.ApprovalResult;
import com.salesagent.workflows.lead.DeliveryDecision;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.temporal.client.WorkflowClient;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
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
   * idempotencyKey} (optional; the dashboard sends it) names the message the reviewer saw, the hold
   * decided: a decision on another one (e.g. its recomposition, or the lead's next message held
   * since a retried decision's first attempt) is refused with 409; naming none, the same decision
   * by the same operator as on the lead's previous message is 409 too ({@link
   * ApprovalDecisions#decide}).
   */
  public record ApprovalRequest(
      String decision, String text, String approver, String idempotencyKey) {}

  /**
   * {@code POST /api/leads/{leadId}/delivery}: resend, assume_sent or stop; {@code idempotencyKey}
   * (optional) the send the operator saw (a decision on another one is 409); {@code heldAt}
   * (optional, ISO-8601 instant or epoch milliseconds) the hold the operator saw, as listed in
   * {@code GET /api/approvals}: a send resent and held unknown again is another hold, and a
   * decision naming an earlier one is 409 naming {@code heldAt}, never applied to the new one.
   */
  public record DeliveryRequest(String decision, String idempotencyKey, String heldAt) {}

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

  /**
   * A send Meta never confirmed nor refused: resend, assume it went, or stop the lead. {@code
   * heldAt}: the hold's identity (when it was held for an operator), what a decision sends as
   * {@code heldAt}; a resend held unknown again is listed with a new one.
   */
  public record DeliveryUnknown(
      String leadId,
      String idempotencyKey,
      String variantId,
      String purpose,
      String text,
      Object unknown,
      String heldAt) {}

  /** {@code GET /api/approvals}. */
  public record Queue(List<PendingApproval> pending, List<DeliveryUnknown> deliveryUnknown) {}

  static final int LIMIT = 500;
  private final HeldMessages held;
  private final WorkflowClient temporal;
  private final ApprovalDecisions decisions;
  private final DeliveryDecisions deliveries;

  public ApprovalResource(HeldMessages held, WorkflowClient temporal) {
    this.held = held;
    this.temporal = temporal;
    this.decisions = new ApprovalDecisions(held, temporal);
    this.deliveries = new DeliveryDecisions(held, temporal);
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
              m.get("unknown"),
              iso(m.get("delivery", Document.class).getDate("at"))));
    }
    return new Queue(pending, unknown);
  }

  /**
   * {@code POST /api/leads/{leadId}/delivery}, routed here by the lead resource: {@link
   * DeliveryDecisions#decide}.
   */
  public DeliveryDecision decideDelivery(String leadId, DeliveryRequest request, String operator) {
    return deliveries.decide(leadId, request, operator);
  }

  /**
   * How long after a decision the same one by the same operator, naming no hold, is taken for that
   * decision sent again (a client's retry after a lost answer, a double click) rather than a new
   * decision on the hold opened since: {@code hold_required} within it, decided after it (an API
   * client deciding each of a lead's holds in turn without naming them keeps working).
   */
  static final java.time.Duration RETRY_WINDOW = java.time.Duration.ofMinutes(10);

  /**
   * Whether a decision taken {@code at} (null: not recorded, so unknown) may still be retried. The
   * window starts when the decision was taken ({@link HeldMessages#decidedAt}), not when it was
   * claimed: an update that took long leaves its retry the whole window.
   */
  static boolean withinRetryWindow(java.util.Date at) {
    return at == null || at.toInstant().isAfter(Instant.now().minus(RETRY_WINDOW));
  }

  /** The {@code reason} of the 409 that answers a decision naming a hold no longer open. */
  public static final String HOLD_SUPERSEDED = "hold_superseded";

  /**
   * The {@code reason} of the 409 that answers a delivery decision while no hold of the send is
   * listed (none open, or the workflow holding it again before MongoDB has its record): nothing is
   * decided without a record of the hold it decides.
   */
  public static final String HOLD_NOT_LISTED = "hold_not_listed";

  /**
   * The {@code reason} of the 409 that answers a decision naming no hold when the same one was
   * taken on an earlier hold: it may be that one sent again.
   */
  public static final String HOLD_REQUIRED = "hold_required";

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

  /** An instant as ISO-8601 (milliseconds, as MongoDB keeps it), or null. */
  private static String iso(java.util.Date at) {
    return DeliveryDecisions.iso(at);
  }
}
