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
import io.temporal.client.WorkflowUpdateException;
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
   *
   * <p>The workflow is told the hold too ({@link DeliveryDecision#heldAt}: the one named, else the
   * one listed), and refuses a decision on another (it holds the send again since MongoDB was
   * read): 409 naming {@code heldAt} ({@code hold_superseded}, with the workflow's open hold), this
   * request's record put back. With no hold listed (none open, or one the workflow holds and
   * MongoDB has not recorded yet) nothing is sent to the workflow: 409 naming {@code heldAt}
   * ({@code reason: hold_not_listed}), since a decision taken with no record of its hold could not
   * be told from its own retry on the send's next hold.
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
        held.deliveries()
            .deliveryDecided(
                seen.getString("idempotencyKey"), decidedHold, status, delivery.getString("by"));
        if (request.decision().equals(status) && operator.equals(delivery.getString("by"))) {
          return new DeliveryDecision(
              seen.getString("idempotencyKey"), status, operator, decidedHold.toInstant());
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
              seen.getString("idempotencyKey"), request.decision(), operator, named(named));
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
          && ApprovalResource.withinRetryWindow(HeldMessages.decidedAt(review))) {
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
          held.deliveries()
              .deliveryDecided(
                  seen.getString("idempotencyKey"), reviewed.getDate("heldAt"), status, operator);
        }
        return new DeliveryDecision(
            seen.getString("idempotencyKey"),
            status,
            operator,
            reviewed == null ? null : named(reviewed.getDate("heldAt")));
      }
      if (decided(status)) {
        throw decidedAlready(seen, status, delivery.getString("by"));
      }
    }
    if (seen == null || !"unknown".equals(status)) {
      // No hold of the lead is listed: none is open, or the workflow is holding a send whose hold
      // MongoDB has not recorded yet (it unsets the send's delivery as it holds it again; the
      // record comes with its next activity). Sent on, a decision would be taken with no record of
      // its hold, and its own retry, once the send was resent and held again, would look like a
      // new decision: one press, two resends. Nobody saw such a hold listed either.
      throw holdNotListed(leadId, seen == null ? asked : seen.getString("idempotencyKey"));
    }
    java.util.Date heldAt = delivery.getDate("at");
    // The hold decided, named to the workflow too: it refuses the decision if it holds another
    // (the send resent and held again since this request read MongoDB).
    DeliveryDecision decision =
        new DeliveryDecision(
            seen.getString("idempotencyKey"), request.decision(), operator, named(heldAt));
    Instant claimedAt = Instant.now();
    // Which hold it decides, before the workflow is told: a retry once the send is held again is
    // told from a new decision even when this request never hears the answer.
    Document replaced =
        heldAt == null
            ? null
            : held.deliveries()
                .deliveryDeciding(
                    decision.idempotencyKey(), heldAt, request.decision(), operator, claimedAt);
    DeliveryDecision taken;
    try {
      taken =
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
    } catch (WorkflowUpdateException refused) {
      Instant openNow = DeliveryDecision.holdSuperseded(refused);
      if (openNow == null) {
        // Refused otherwise (decided already, the lead ended), or taken and failed: this request's
        // record stays as written; the workflow's own record of what it took replaces it.
        throw refused;
      }
      // The workflow holds another hold (the send was resent and held again since this request
      // read MongoDB; after a continue-as-new Temporal no longer knows the update id): nothing
      // taken, and this request's record of the earlier hold goes back to what it replaced.
      if (heldAt != null) {
        held.deliveries()
            .deliveryRefused(
                decision.idempotencyKey(),
                heldAt,
                request.decision(),
                operator,
                claimedAt,
                replaced);
      }
      throw holdSuperseded(
          seen, heldAt == null ? 0 : heldAt.getTime(), java.util.Date.from(openNow), null);
    }
    if (heldAt != null) {
      held.deliveries()
          .deliveryDecided(decision.idempotencyKey(), heldAt, taken.decision(), taken.operator());
    }
    // The hold decided, as listed (a hold opened before the workflow kept its time: its answer
    // names none), so the same decision sent again answers with the same body.
    return taken.heldAt() != null || heldAt == null
        ? taken
        : new DeliveryDecision(
            taken.idempotencyKey(), taken.decision(), taken.operator(), heldAt.toInstant());
  }

  /** A hold's time as a decision names it to the workflow (null: none). */
  private static Instant named(java.util.Date heldAt) {
    return heldAt == null ? null : heldAt.toInstant();
  }

  /** A hold's time, named in epoch milliseconds, as a decision names it (null: none). */
  private static Instant named(Long heldAt) {
    return heldAt == null ? null : Instant.ofEpochMilli(heldAt);
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

  /**
   * 409 naming {@code heldAt}: no hold of the lead's send ({@code key}, null: any) is listed, so a
   * decision has no hold to be recorded on (one being held is listed in a moment).
   */
  private static ApiException holdNotListed(String leadId, String key) {
    ApiException e =
        new ApiException(
                409,
                (key == null ? "no send of lead " + leadId : "send " + key)
                    + " is not listed as held for a decision (a send being held again is listed"
                    + " once its hold is recorded, in a moment). Load the approvals again and"
                    + " decide naming the heldAt listed",
                new FieldError("heldAt", "no hold listed to decide"))
            .with("reason", ApprovalResource.HOLD_NOT_LISTED);
    return key == null ? e : e.with("idempotencyKey", key);
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
