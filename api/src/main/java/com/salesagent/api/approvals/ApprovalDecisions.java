package com.salesagent.api.approvals;

import com.salesagent.activities.mongo.HeldMessages;
import com.salesagent.activities.whatsapp.WhatsAppLimits;
import com.salesagent.api.approvals.ApprovalResource.ApprovalRequest;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.IfMatch;
import com.salesagent.api.http.ReadableText;
import com.salesagent.workflows.lead.ApprovalDecision;
import com.salesagent.workflows.lead.ApprovalResult;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;

/**
 * A person's decision on a held message ({@code POST /api/leads/{leadId}/approval}): claimed on the
 * message before the lead's workflow is told, answered again as the first when sent again, refused
 * when stale (If-Match) or taken by another reviewer. Split from {@link ApprovalResource}, which
 * lists the held messages and decides the sends of unknown fate.
 */
final class ApprovalDecisions {
  private final HeldMessages held;
  private final WorkflowClient temporal;

  ApprovalDecisions(HeldMessages held, WorkflowClient temporal) {
    this.held = held;
    this.temporal = temporal;
  }

  /**
   * {@code POST /api/leads/{leadId}/approval}, routed here by the lead resource. {@code ifMatch}:
   * the held message's {@code revision} as the reviewer read it (null: whatever it is now).
   *
   * <p>The decision is claimed on the message in MongoDB before the workflow is told ({@link
   * HeldMessages#claimDecision}): of two decisions at once one is claimed and the other is 409 (or
   * 412 when it named the revision it read), so a second reviewer's edit never overwrites the text
   * the first one's decision was taken on. The same decision sent again by the same operator (a
   * retried request, a double click; an edit with the same text) answers as the first one did, 200
   * with the same body (or the same 409 for a switched-off variant); the workflow's update carries
   * an id made of the message, the decision and the text, so a retry whose first attempt reached
   * the workflow is answered by Temporal with the first outcome, never applied twice.
   *
   * <p>The message a decision names ({@code idempotencyKey}) is the hold it decides: once another
   * message of the lead waits, a decision naming the earlier one, the same decision sent again
   * included (a retry come late), is 409 naming {@code idempotencyKey} ({@code hold_superseded}),
   * never a decision on the message held since. Naming none, a decision is taken on the waiting
   * message as before, unless the same one by the same operator was taken on the lead's previous
   * message less than {@link ApprovalResource#RETRY_WINDOW} ago: that may be it sent again, so it
   * is 409 naming {@code idempotencyKey} ({@code hold_required}); later, it is a new decision (an
   * API client approving each of a lead's messages in turn without naming them).
   */
  public ApprovalResult decide(
      String leadId, ApprovalRequest request, String approver, String ifMatch) {
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
      } else if (!WhatsAppLimits.fits(request.text(), WhatsAppLimits.TEXT_BODY)) {
        // Counted as the send counts what goes to Meta (an emoji is one), as a rep's message is.
        errors.add(new FieldError("text", "at most 4,096 characters (WhatsApp's limit)"));
      } else if (ReadableText.textProblem(request.text()) != null) {
        errors.add(new FieldError("text", ReadableText.textProblem(request.text())));
      }
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid approval", errors);
    }
    IfMatch expected = revisionAsked(ifMatch);
    boolean edit = ApprovalDecision.EDIT.equals(request.decision());
    String asked = request.idempotencyKey();
    for (int round = 0; round < 3; round++) {
      Document pending = held.pendingApproval(leadId);
      Document seen =
          asked != null
              ? held.message(leadId, asked)
              : pending != null ? pending : held.lastReviewed(leadId);
      Document review = seen == null ? null : seen.get(HeldMessages.REVIEW, Document.class);
      if (asked != null && pending != null && !asked.equals(pending.getString("idempotencyKey"))) {
        // The message it names is not the one waiting (decided, its next one held since): never
        // a decision on the next one; the same decision sent again too (a retry come late).
        throw notTheOneWaiting(asked, seen, pending.getString("idempotencyKey"));
      }
      if (asked == null && pending != null) {
        Document last = held.lastReviewed(leadId);
        Document lastReview = last == null ? null : last.get(HeldMessages.REVIEW, Document.class);
        if (lastReview != null
            && !pending.getString("idempotencyKey").equals(last.getString("idempotencyKey"))
            && sameDecision(last, lastReview, request, approver)
            && ApprovalResource.withinRetryWindow(HeldMessages.decidedAt(lastReview))) {
          // Naming no message, it may be the decision taken on the lead's previous one sent
          // again: applied, it would decide the message held since, which nobody saw.
          throw holdRequired(last, pending.getString("idempotencyKey"), request.decision());
        }
      }
      if (review != null && review.getString("decision") != null) {
        if (sameDecision(seen, review, request, approver)) {
          return replay(leadId, seen, review, request, approver);
        }
        if (!expected.matches(HeldMessages.revisionOf(seen))) {
          // Read before another reviewer's decision was claimed on it.
          throw stale(expected.describe(), HeldMessages.revisionOf(seen), review);
        }
        throw decidedAlready(seen, review.getString("decision"), review.getString("by"));
      }
      Document approval = seen == null ? null : seen.get("approval", Document.class);
      String status = approval == null ? null : approval.getString("status");
      if (!"pending".equals(status)) {
        if (seen != null && status != null && List.of(DECIDED).contains(status)) {
          throw decidedAlready(seen, status, approval.getString("by"));
        }
        throw new ApiException(
            409,
            "no message of lead " + leadId + " is waiting for approval",
            new FieldError("leadId", "no message waiting for approval"));
      }
      String key = seen.getString("idempotencyKey");
      int revision = HeldMessages.revisionOf(seen);
      if (!expected.matches(revision)) {
        throw stale(expected.describe(), revision, null);
      }
      // Whether the message goes as a template (not to be edited) is the workflow's to say: a
      // message composed from a template goes as free text inside the 24 h window, and the
      // workflow's validator refuses an edit only of one that goes as a template (the claim is then
      // released below).
      String variantId = seen.getString("variantId");
      boolean reject = ApprovalDecision.REJECT.equals(request.decision());
      boolean switchedOff = !reject && held.variantSwitchedOff(seen);
      if (!held.claimDecision(
          seen, request.decision(), edit ? request.text() : null, approver, Instant.now())) {
        continue; // another decision (or edit) came since the read: read it again
      }
      ApprovalResult result;
      try {
        if (switchedOff) {
          // The kill-switch's signal may still be on its way to this lead: without it, an approval
          // would send the text of a variant an operator switched off.
          lead(leadId).variantDisabled(variantId);
        }
        result =
            approvalUpdate(
                leadId, new ApprovalDecision(key, request.decision(), approver), request.text());
      } catch (RuntimeException e) {
        // Refused (decided otherwise meanwhile, e.g. by its SLA's default; the lead ended), or
        // Temporal did not answer (a deadline, unavailable): the claim goes, so the message is not
        // left "decided" by a decision the workflow may never have had; the workflow stays the
        // judge (a second decision is refused by it if the first one did land, and the same one
        // sent again carries the same update id: Temporal answers it with the first outcome).
        held.releaseDecision(key, request.decision(), approver);
        throw e;
      }
      held.decided(key, request.decision(), result.approver(), result.outcome());
      return answer(
          leadId,
          key,
          variantId,
          request.decision(),
          result,
          result.outcome() == null && switchedOff);
    }
    throw new ApiException(
        409,
        "the message waiting for approval kept changing: read it again",
        new FieldError("leadId", "decided by others meanwhile"));
  }

  /** The approval statuses a decision records on the message. */
  private static final String[] DECIDED = {
    ApprovalDecision.APPROVE, ApprovalDecision.EDIT, ApprovalDecision.REJECT
  };

  /** The same decision by the same operator (an edit with the same text): a request sent again. */
  private static boolean sameDecision(
      Document message, Document review, ApprovalRequest request, String approver) {
    return request.decision().equals(review.getString("decision"))
        && approver.equals(review.getString("by"))
        && (!ApprovalDecision.EDIT.equals(request.decision())
            || request.text().equals(message.getString("editedText")));
  }

  /**
   * A decision sent again: the first one's answer. Its outcome once the workflow gave it; else the
   * update is sent again with the same id (Temporal answers a retry of an update it took with its
   * outcome, and applies one it never got), and when the workflow has moved on it is read from the
   * message as recorded.
   */
  private ApprovalResult replay(
      String leadId, Document message, Document review, ApprovalRequest request, String approver) {
    String key = message.getString("idempotencyKey");
    String variantId = message.getString("variantId");
    String outcome = review.getString("outcome");
    ApprovalResult result;
    if (outcome != null) {
      result =
          new ApprovalResult(
              key,
              request.decision(),
              review.get("approver") instanceof String a ? a : approver,
              outcome);
    } else {
      Document approval = message.get("approval", Document.class);
      String status = approval == null ? null : approval.getString("status");
      boolean recorded = status != null && !"pending".equals(status);
      if (recorded && !request.decision().equals(status)) {
        // The workflow took another decision (its SLA's default) before this one reached it.
        throw decidedAlready(message, status, approval.getString("by"));
      }
      if (!recorded
          && !ApprovalDecision.REJECT.equals(request.decision())
          && held.variantSwitchedOff(message)) {
        // As the first attempt did: the kill-switch's signal before the decision, which the first
        // attempt may have failed to send.
        lead(leadId).variantDisabled(variantId);
      }
      try {
        result =
            approvalUpdate(
                leadId, new ApprovalDecision(key, request.decision(), approver), request.text());
      } catch (WorkflowUpdateException e) {
        if (!recorded) {
          throw e;
        }
        boolean reject = ApprovalDecision.REJECT.equals(request.decision());
        result =
            new ApprovalResult(
                key,
                request.decision(),
                approval.getString("by"),
                reject
                    ? ApprovalResult.STOP
                    : held.variantSwitchedOff(message)
                        ? ApprovalResult.RECOMPOSE
                        : ApprovalResult.SEND);
      }
      held.decided(key, request.decision(), result.approver(), result.outcome());
    }
    return answer(leadId, key, variantId, request.decision(), result, false);
  }

  /** The decision's answer: the result, or the 409 of a switched-off variant's message. */
  private static ApprovalResult answer(
      String leadId,
      String key,
      String variantId,
      String decision,
      ApprovalResult result,
      boolean switchedOffUnsaid) {
    if (ApprovalResult.RECOMPOSE.equals(result.outcome()) || switchedOffUnsaid) {
      throw new ApiException(
              409,
              "not sent: variant "
                  + variantId
                  + " was switched off after this message was held, so its text will never go"
                  + " out. The decision released it: the lead's message is composed again on"
                  + " another variant (and listed here again if the quality gate holds it).",
              new FieldError("variantId", "switched off after this message was held"))
          .with("reason", ApprovalResource.VARIANT_SWITCHED_OFF)
          .with("leadId", leadId)
          .with("idempotencyKey", key)
          .with("variantId", variantId)
          .with("decision", decision)
          .with("outcome", ApprovalResult.RECOMPOSE);
    }
    return result;
  }

  /** The workflow's approval update, with an id a retry of the same decision repeats. */
  private ApprovalResult approvalUpdate(String leadId, ApprovalDecision decision, String text) {
    String id = "approval-" + decision.idempotencyKey() + "-" + decision.decision();
    if (ApprovalDecision.EDIT.equals(decision.decision())) {
      id += "-" + digest(text);
    }
    return WorkflowStub.fromTyped(lead(leadId))
        .startUpdate(
            UpdateOptions.newBuilder(ApprovalResult.class)
                .setUpdateName("approval")
                .setUpdateId(id)
                .setWaitForStage(WorkflowUpdateStage.COMPLETED)
                .build(),
            decision)
        .getResult();
  }

  /** The first 16 hex digits of the text's SHA-256: an edit's text in its update's id. */
  private static String digest(String text) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * 409 naming {@code idempotencyKey} ({@code reason: hold_superseded}): the message a decision
   * names is not the one waiting; with the decision taken on it, if one was.
   */
  private static ApiException notTheOneWaiting(String asked, Document named, String key) {
    Document review = named == null ? null : named.get(HeldMessages.REVIEW, Document.class);
    Document approval = named == null ? null : named.get("approval", Document.class);
    String decided = review == null ? null : review.getString("decision");
    String by = review == null ? null : review.getString("by");
    if (decided == null
        && approval != null
        && approval.get("status") instanceof String st
        && List.of(DECIDED).contains(st)) {
      decided = approval.getString("status");
      by = approval.getString("by");
    }
    ApiException e =
        new ApiException(
                409,
                "message "
                    + asked
                    + " is not the one waiting for approval"
                    + (decided == null
                        ? ""
                        : " (" + decided + (by == null ? "" : " by " + by) + " was taken on it)")
                    + ": "
                    + key
                    + " is (read it before deciding)",
                new FieldError("idempotencyKey", "not the message waiting for approval"))
            .with("reason", ApprovalResource.HOLD_SUPERSEDED)
            .with("idempotencyKey", key);
    if (decided != null) {
      e = e.with("decided", decided).with("by", by);
    }
    return e;
  }

  /**
   * 409 naming {@code idempotencyKey} ({@code reason: hold_required}): a decision naming no
   * message, the same as the one {@code by} took on the lead's previous message.
   */
  private static ApiException holdRequired(Document last, String key, String decision) {
    return new ApiException(
            409,
            "message "
                + key
                + " waits for approval, and "
                + decision
                + " by you was taken on the lead's previous message "
                + last.getString("idempotencyKey")
                + ": this request may be that decision sent again. Name the message to decide:"
                + " idempotencyKey as listed in GET /api/approvals",
            new FieldError(
                "idempotencyKey",
                "required: the same decision by you was taken on the lead's previous message"))
        .with("reason", ApprovalResource.HOLD_REQUIRED)
        .with("idempotencyKey", key);
  }

  /** 409 naming {@code decision}: another decision was taken on the message. */
  private static ApiException decidedAlready(Document message, String decision, String by) {
    return new ApiException(
            409,
            "message "
                + message.getString("idempotencyKey")
                + " was decided already: "
                + decision
                + (by == null ? "" : " by " + by)
                + " (the same decision again answers as the first)",
            new FieldError("decision", "decided already: " + decision))
        .with("idempotencyKey", message.getString("idempotencyKey"))
        .with("decided", decision);
  }

  /** 412 naming {@code If-Match}: the held message changed (another decision) since it was read. */
  private static ApiException stale(String read, int now, Document review) {
    return new ApiException(
            412,
            "the held message changed since it was read"
                + (review == null
                    ? ""
                    : ": " + review.getString("decision") + " by " + review.getString("by"))
                + ". Load the approvals again",
            new FieldError(
                "If-Match", "read at revision " + read + "; the message is at revision " + now))
        .with("revision", now);
  }

  /**
   * The revisions an {@code If-Match} names (the held message's {@code revision}, or a list of
   * them; none or {@code *}: any), read as a variant's are ({@link IfMatch}); 400 naming {@code
   * If-Match} when malformed, 412 when every tag is weak.
   */
  private static IfMatch revisionAsked(String ifMatch) {
    return IfMatch.parse(
        ifMatch, "the held message's revision as read: its revision in GET /api/approvals");
  }

  private LeadWorkflow lead(String leadId) {
    return temporal.newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId));
  }
}
