package com.salesagent.api.approvals;

import com.salesagent.activities.mongo.HeldMessages;
import com.salesagent.api.approvals.ApprovalResource.DeliveryRequest;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.workflows.lead.DeliveryDecision;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateStage;
import java.time.Instant;
import java.util.List;
import org.bson.Document;

/**
 * An operator's decision on a send of unknown fate ({@code POST /api/leads/{leadId}/delivery}):
 * resend, assume it sent, or stop the lead; the hold it decides, its replay, and the workflow's
 * update.
 */
final class DeliveryDecisions {
  private final HeldMessages held;
  private final WorkflowClient temporal;

  DeliveryDecisions(HeldMessages held, WorkflowClient temporal) {
    this.held = held;
    this.temporal = temporal;
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
   * (of this send, or with no {@code idempotencyKey} of the lead's) less than {@link
   * ApprovalResource#RETRY_WINDOW} ago: it may be that decision's retry, so it is 409 naming {@code
   * heldAt} ({@code reason: hold_required}) rather than applied to the open hold.
   */
  DeliveryDecision decide(String leadId, DeliveryRequest request, String operator) {
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
    if (named != null && seen == null) {
      // No send of the lead is held, or decided, in MongoDB: the hold it names is not one that
      // is open (the workflow may hold one MongoDB has not recorded yet; its listing names it).
      throw holdNotOpen(leadId, named);
    }
    boolean pending = reviewed != null && Boolean.TRUE.equals(reviewed.get(HeldMessages.PENDING));
    if (named != null && (open == null || open.getTime() != named)) {
      java.util.Date decidedHold = reviewed == null ? null : reviewed.getDate("heldAt");
      if (pending
          && decidedHold != null
          && decidedHold.getTime() == named
          && open == null
          && decided(status)) {
        // The hold it names was decided, and this request's first attempt never heard it (its
        // record still pending): the workflow's record says which decision, by whom.
        held.deliveryDecided(
            seen.getString("idempotencyKey"), decidedHold, status, delivery.getString("by"));
        if (request.decision().equals(status) && operator.equals(delivery.getString("by"))) {
          return new DeliveryDecision(seen.getString("idempotencyKey"), status, operator);
        }
        throw decidedAlready(seen, status, delivery.getString("by"));
      }
      // A decision whose answer never came is not said to be taken: the hold is only not open.
      boolean decidedThis = decidedHold != null && decidedHold.getTime() == named && !pending;
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
    // The send held again, and MongoDB not told yet (the workflow unset its delivery when it held
    // it again; the hold's record comes with the next activity): no hold to compare with.
    boolean notListed = status == null;
    if (named == null && (open != null || notListed)) {
      Document last = asked != null ? seen : held.lastDeliveryReviewed(leadId);
      Document review =
          last == null ? null : last.get(HeldMessages.DELIVERY_REVIEW, Document.class);
      boolean sameHold =
          review != null
              && open != null
              && seen.getString("idempotencyKey").equals(last.getString("idempotencyKey"))
              && review.getDate("heldAt") != null
              && review.getDate("heldAt").getTime() == open.getTime();
      if (review != null
          && !sameHold
          && request.decision().equals(review.getString("decision"))
          && operator.equals(review.getString("by"))
          && ApprovalResource.withinRetryWindow(review.getDate("at"))) {
        String key = (seen != null ? seen : last).getString("idempotencyKey");
        throw new ApiException(
                409,
                "send "
                    + key
                    + (open != null
                        ? " is held again since " + iso(open)
                        : " is being held again (not listed yet)")
                    + ", and "
                    + review.getString("decision")
                    + " by "
                    + operator
                    + " was taken on an earlier hold"
                    + (last.getString("idempotencyKey").equals(key)
                        ? " of it"
                        : " of the lead's send " + last.getString("idempotencyKey"))
                    + ": this request may be that decision sent again. Name the hold to decide:"
                    + " heldAt as listed in GET /api/approvals",
                new FieldError(
                    "heldAt", "required: the same decision by you was taken on an earlier hold"))
            .with("reason", ApprovalResource.HOLD_REQUIRED)
            .with("idempotencyKey", key)
            .with("heldAt", iso(open));
      }
    }
    if (seen != null && !"unknown".equals(status)) {
      if (request.decision().equals(status) && operator.equals(delivery.getString("by"))) {
        // Sent again: the first one's answer, as the workflow recorded it (and the hold's record
        // no longer pending, when the first request stopped before saying so).
        if (pending) {
          held.deliveryDecided(
              seen.getString("idempotencyKey"), reviewed.getDate("heldAt"), status, operator);
        }
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
    if (heldAt != null) {
      // Which hold it decides, before the workflow is told: a retry once the send is held again
      // is told from a new decision even when this request never hears the answer.
      held.deliveryDeciding(
          decision.idempotencyKey(), heldAt, request.decision(), operator, Instant.now());
    }
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
      held.deliveryDecided(decision.idempotencyKey(), heldAt, taken.decision(), taken.operator());
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
            .with("reason", ApprovalResource.HOLD_SUPERSEDED)
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

  /** 409 naming {@code heldAt}: no send of the lead is held or decided in MongoDB. */
  private static ApiException holdNotOpen(String leadId, long named) {
    return new ApiException(
            409,
            "no send of lead "
                + leadId
                + " is held at "
                + iso(new java.util.Date(named))
                + " (it may be held again and not listed yet). Load the approvals again",
            new FieldError("heldAt", "not the send's open hold"))
        .with("reason", ApprovalResource.HOLD_SUPERSEDED);
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
  static String iso(java.util.Date at) {
    return at == null ? null : at.toInstant().toString();
  }

  private LeadWorkflow lead(String leadId) {
    return temporal.newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId));
  }
}
