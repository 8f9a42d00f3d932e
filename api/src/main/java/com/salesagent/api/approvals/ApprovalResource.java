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
              m.get("unknown"),
              iso(m.get("delivery", Document.class).getDate("at"))));
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
   *
   * <p>A send resent and held unknown again is a new hold of the same message, and a new update id:
   * a retry of the first resend arriving then was taken as a decision on the new hold (one press,
   * two resends). {@code heldAt} names the hold decided: one that is not the send's open hold is
   * 409 naming {@code heldAt} ({@code reason: hold_superseded}, with the decision taken on it and
   * the open hold's {@code heldAt}); the same decision on the same hold, while no new hold opened,
   * still answers 200 as the first. Without {@code heldAt} (API clients of before), a request is
   * decided as before unless the same decision by the same operator was taken on an earlier hold
   * (of this send, or with no {@code idempotencyKey} of the lead's) less than {@link #RETRY_WINDOW}
   * ago: it may be that decision's retry, so it is 409 naming {@code heldAt} ({@code reason:
   * hold_required}) rather than applied to the open hold.
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
    Long named = heldAtAsked(request.heldAt());
    String asked = request.idempotencyKey();
    Document seen =
        asked != null ? held.message(leadId, asked) : held.deliveryHeldOrDecided(leadId);
    Document delivery = seen == null ? null : seen.get("delivery", Document.class);
    String status = delivery == null ? null : delivery.getString("status");
    // The hold open now (the send waits for an operator), by the time it was held.
    java.util.Date open = "unknown".equals(status) ? delivery.getDate("at") : null;
    Document reviewed =
        seen == null ? null : seen.get(HeldMessages.DELIVERY_REVIEW, Document.class);
    if (named != null && seen != null && (open == null || open.getTime() != named)) {
      java.util.Date decidedHold = reviewed == null ? null : reviewed.getDate("heldAt");
      boolean decidedThis = decidedHold != null && decidedHold.getTime() == named;
      if (decidedThis && open == null) {
        // The hold it names is the one last decided, and no other opened since: as before.
        if (request.decision().equals(reviewed.getString("decision"))
            && operator.equals(reviewed.getString("by"))) {
          return new DeliveryDecision(
              seen.getString("idempotencyKey"), request.decision(), operator);
        }
        throw decidedAlready(seen, reviewed.getString("decision"), reviewed.getString("by"));
      }
      boolean unrecorded = reviewed == null && open == null && decided(status);
      if (!unrecorded) {
        throw holdSuperseded(seen, named, open, decidedThis ? reviewed : null);
      }
      // Decided before holds were recorded: which hold it was is not known; as before.
    }
    if (named == null && open != null) {
      Document last = asked != null ? seen : held.lastDeliveryReviewed(leadId);
      Document review =
          last == null ? null : last.get(HeldMessages.DELIVERY_REVIEW, Document.class);
      boolean sameHold =
          review != null
              && seen.getString("idempotencyKey").equals(last.getString("idempotencyKey"))
              && review.getDate("heldAt") != null
              && review.getDate("heldAt").getTime() == open.getTime();
      if (review != null
          && !sameHold
          && request.decision().equals(review.getString("decision"))
          && operator.equals(review.getString("by"))
          && withinRetryWindow(review.getDate("at"))) {
        throw new ApiException(
                409,
                "send "
                    + seen.getString("idempotencyKey")
                    + " is held again since "
                    + iso(open)
                    + ", and "
                    + review.getString("decision")
                    + " by "
                    + operator
                    + " was taken on an earlier hold"
                    + (last.getString("idempotencyKey").equals(seen.getString("idempotencyKey"))
                        ? " of it"
                        : " of the lead's send " + last.getString("idempotencyKey"))
                    + ": this request may be that decision sent again. Name the hold to decide:"
                    + " heldAt as listed in GET /api/approvals",
                new FieldError(
                    "heldAt", "required: the same decision by you was taken on an earlier hold"))
            .with("reason", HOLD_REQUIRED)
            .with("idempotencyKey", seen.getString("idempotencyKey"))
            .with("heldAt", iso(open));
      }
    }
    if (seen != null && !"unknown".equals(status)) {
      if (request.decision().equals(status) && operator.equals(delivery.getString("by"))) {
        // Sent again: the first one's answer, as the workflow recorded it.
        return new DeliveryDecision(seen.getString("idempotencyKey"), status, operator);
      }
      if (decided(status)) {
        throw decidedAlready(seen, status, delivery.getString("by"));
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
    DeliveryDecision taken =
        WorkflowStub.fromTyped(lead(leadId))
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
    if (heldAt != null) {
      // Which hold it decided: a retry once the send is held again is told from a new decision.
      held.deliveryDecided(
          decision.idempotencyKey(), heldAt, request.decision(), operator, Instant.now());
    }
    return taken;
  }

  /** The decisions an operator takes on a send of unknown fate. */
  private static final List<String> DECIDED =
      List.of(DeliveryDecision.RESEND, DeliveryDecision.ASSUME_SENT, DeliveryDecision.STOP);

  /** Whether a send's {@code delivery.status} is an operator's decision (null: none). */
  private static boolean decided(String status) {
    // List.of(...).contains(null) throws.
    return status != null && DECIDED.contains(status);
  }

  /**
   * How long after a decision the same one by the same operator, naming no hold, is taken for that
   * decision sent again (a client's retry after a lost answer, a double click) rather than a new
   * decision on the hold opened since: {@code hold_required} within it, decided after it (an API
   * client deciding each of a lead's holds in turn without naming them keeps working).
   */
  static final java.time.Duration RETRY_WINDOW = java.time.Duration.ofMinutes(10);

  /** Whether a decision taken {@code at} (null: not recorded, so unknown) may still be retried. */
  static boolean withinRetryWindow(java.util.Date at) {
    return at == null || at.toInstant().isAfter(Instant.now().minus(RETRY_WINDOW));
  }

  /** The {@code reason} of the 409 that answers a decision naming a hold no longer open. */
  public static final String HOLD_SUPERSEDED = "hold_superseded";

  /**
   * The {@code reason} of the 409 that answers a decision naming no hold when the same one was
   * taken on an earlier hold: it may be that one sent again.
   */
  public static final String HOLD_REQUIRED = "hold_required";

  /** 409 naming {@code decision}: another decision was taken on the send. */
  private static ApiException decidedAlready(Document message, String status, String by) {
    return new ApiException(
            409,
            "send "
                + message.getString("idempotencyKey")
                + " was decided already: "
                + status
                + (by == null ? "" : " by " + by)
                + " (the same decision again answers as the first)",
            new FieldError("decision", "decided already: " + status))
        .with("idempotencyKey", message.getString("idempotencyKey"))
        .with("decided", status);
  }

  /** 409 naming {@code heldAt}: the hold a decision names is not the send's open one. */
  private static ApiException holdSuperseded(
      Document message, long named, java.util.Date open, Document decidedOnIt) {
    String key = message.getString("idempotencyKey");
    ApiException e =
        new ApiException(
                409,
                "the hold of send "
                    + key
                    + " held at "
                    + iso(new java.util.Date(named))
                    + " is not open"
                    + (decidedOnIt == null
                        ? ""
                        : ": "
                            + decidedOnIt.getString("decision")
                            + " by "
                            + decidedOnIt.getString("by")
                            + " was taken on it")
                    + (open == null
                        ? ""
                        : "; the send is held again since "
                            + iso(open)
                            + " (decide that hold, naming its heldAt)")
                    + ". Load the approvals again",
                new FieldError("heldAt", "not the send's open hold"))
            .with("reason", HOLD_SUPERSEDED)
            .with("idempotencyKey", key);
    if (open != null) {
      e = e.with("heldAt", iso(open));
    }
    if (decidedOnIt != null) {
      e =
          e.with("decided", decidedOnIt.getString("decision"))
              .with("by", decidedOnIt.getString("by"));
    }
    return e;
  }

  /**
   * The hold a delivery decision names: an ISO-8601 instant or epoch milliseconds, as milliseconds;
   * null when none; 422 naming {@code heldAt} when it reads as neither.
   */
  private static Long heldAtAsked(String heldAt) {
    if (heldAt == null) {
      return null;
    }
    String s = heldAt.strip();
    try {
      return s.matches("\\d{1,15}") ? Long.parseLong(s) : Instant.parse(s).toEpochMilli();
    } catch (java.time.format.DateTimeParseException e) {
      throw new ApiException(
          422,
          "invalid delivery decision",
          new FieldError(
              "heldAt",
              "the hold's time as listed in GET /api/approvals (an ISO-8601 instant, e.g."
                  + " 2026-12-07T05:00:00.123Z)"));
    }
  }

  /** An instant as ISO-8601 (milliseconds, as MongoDB keeps it), or null. */
  private static String iso(java.util.Date at) {
    return at == null ? null : at.toInstant().toString();
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
