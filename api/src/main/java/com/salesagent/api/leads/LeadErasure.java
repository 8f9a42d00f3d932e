package com.salesagent.api.leads;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.temporal.TaskQueues;
import com.salesagent.workflows.erasure.ErasureReport;
import com.salesagent.workflows.erasure.ErasureRequest;
import com.salesagent.workflows.erasure.LeadErasureWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * Erasure on request ({@code DELETE /api/leads/{leadId}}): accepted once the durable erasure
 * workflow has started (202), audited with the operator's name; {@code GET
 * /api/leads/{leadId}/erasure} says how far it got and, once done, what it removed.
 */
public final class LeadErasure {
  private static final String BY_RETENTION =
      com.salesagent.activities.erasure.LeadErasureActivitiesImpl.BY_RETENTION;

  private final LeadStore store;
  private final WorkflowClient temporal;
  private final Duration sweepAfter;
  private final Clock clock;
  private final Starter starter;

  /** Starts the erasure's workflow (a test may fail it). */
  interface Starter {
    void start(LeadErasureWorkflow erasure, ErasureRequest request);
  }

  public LeadErasure(LeadStore store, WorkflowClient temporal, Duration sweepAfter, Clock clock) {
    this(
        store,
        temporal,
        sweepAfter,
        clock,
        (erasure, request) -> WorkflowClient.start(erasure::erase, request));
  }

  LeadErasure(
      LeadStore store, WorkflowClient temporal, Duration sweepAfter, Clock clock, Starter starter) {
    this.store = store;
    this.temporal = temporal;
    this.sweepAfter = sweepAfter;
    this.clock = clock;
    this.starter = starter;
  }

  /** What {@code DELETE} and {@code GET .../erasure} answer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ErasureView(
      String leadId,
      String workflowId,
      String status,
      String step,
      ErasureReport report,
      List<String> otherLeads,
      String otherLeadsNote) {
    ErasureView(
        String leadId, String workflowId, String status, String step, ErasureReport report) {
      this(leadId, workflowId, status, step, report, null, null);
    }

    /** The same view naming the other leads of the erased lead's numbers, when there are any. */
    ErasureView naming(List<String> others) {
      return others.isEmpty()
          ? this
          : new ErasureView(leadId, workflowId, status, step, report, others, OTHER_LEADS);
    }
  }

  /**
   * What the 202 says of the other leads of the erased lead's numbers (other campaigns, a new
   * conversation): an erasure is one lead's, and the same person's other leads keep their data.
   */
  static final String OTHER_LEADS =
      "other leads of this lead's numbers (the same person, in another campaign or conversation)"
          + " keep their data: erase each of them too when the person asked to be forgotten";

  /** The leads of the contact's numbers besides {@code leadId}, less those being erased. */
  private List<String> otherLeads(String leadId, Document contact) {
    java.util.Set<String> others = new java.util.TreeSet<>();
    for (String number : LeadStore.numbersOf(contact)) {
      others.addAll(store.byWhatsAppId().leadIdsByWhatsAppId(number));
    }
    others.remove(leadId);
    return List.copyOf(others);
  }

  /**
   * Why a lead being erased gets no draft, and what its page says of its workflow: the erasure
   * ({@code GET /api/leads/{leadId}/erasure}) is under way, not the lead's run.
   */
  static final String ERASING_WHY =
      "lead_erasing: the lead is being erased on request; nothing is drafted, sent or recorded for"
          + " it (GET /api/leads/{leadId}/erasure shows how far the erasure got)";

  Response request(String leadId, String operator, String reason, String keepSuppressed) {
    boolean keep;
    if (keepSuppressed == null || keepSuppressed.equals("true")) {
      keep = true;
    } else if (keepSuppressed.equals("false")) {
      keep = false;
    } else {
      throw new ApiException(
          400, "keepSuppressed is true or false", new FieldError("keepSuppressed", "true|false"));
    }
    String why = LeadResource.operatorReason(reason, "erasure requested by " + operator);
    Document contact = store.contact(leadId);
    if (contact == null) {
      throw ApiException.notFound("lead " + leadId, "leadId");
    }
    String workflowId = LeadErasureWorkflow.workflowId(leadId);
    LeadErasureWorkflow erasure =
        temporal.newWorkflowStub(
            LeadErasureWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(TaskQueues.LEADS)
                // A lead enrolled again under the same id after its erasure may be erased again.
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .build());
    // From the moment the erasure is accepted no webhook reaches the lead (a new lead on the same
    // number gets the person's replies), though its workflow deletes its data only later. The mark
    // keeps the lead the number's active lead in its campaign until the workflow has started: an
    // erasure that fails to start leaves the lead going on, and no other lead in its place.
    Instant now = clock.instant();
    boolean marked = store.erasures().markErasing(leadId, now, keep);
    try {
      starter.start(
          erasure, new ErasureRequest(leadId, operator, why, keep, sweepAfter.toSeconds()));
    } catch (WorkflowExecutionAlreadyStarted e) {
      // A retry of a DELETE whose writes after the start failed (a 5xx) finishes them: all are
      // idempotent, and the request is the first one's (its workflow runs with its choice).
      Document mark = erasureMark(leadId);
      Instant requested = requestedAt(mark, now);
      boolean first =
          mark == null || mark.getBoolean("keepSuppressed") == null
              ? keep
              : mark.getBoolean("keepSuppressed");
      accepted(leadId, contact, operator, first, now);
      audit(leadId, operator, why, first, requested);
      return Response.accepted(
              new ErasureView(leadId, workflowId, "erasing already", null, null)
                  .naming(otherLeads(leadId, contact)))
          .build();
    } catch (RuntimeException e) {
      if (marked) {
        store.erasures().unmarkErasing(leadId, now); // not accepted: the lead goes on as it was
      }
      throw e;
    }
    accepted(leadId, contact, operator, keep, now);
    audit(leadId, operator, why, keep, marked ? now : requestedAt(erasureMark(leadId), now));
    return Response.accepted(
            new ErasureView(leadId, workflowId, "erasing", null, null)
                .naming(otherLeads(leadId, contact)))
        .build();
  }

  private Document erasureMark(String leadId) {
    Document current = store.contact(leadId);
    return current == null ? null : current.get(LeadStore.ERASURE, Document.class);
  }

  private static Instant requestedAt(Document mark, Instant otherwise) {
    Date at = mark == null ? null : mark.getDate("requestedAt");
    return at == null ? otherwise : at.toInstant();
  }

  /**
   * The request's audit line, once per request (its requestedAt): a retry after a failure writes
   * the line the first try could not, and never a second one.
   */
  private void audit(String leadId, String operator, String why, boolean keep, Instant requested) {
    store
        .database()
        .getCollection(Collections.AUDIT_LOG)
        .updateOne(
            com.mongodb.client.model.Filters.and(
                com.mongodb.client.model.Filters.eq("action", "lead_erasure_requested"),
                com.mongodb.client.model.Filters.eq("leadId", leadId),
                com.mongodb.client.model.Filters.eq("requestedAt", Date.from(requested))),
            com.mongodb.client.model.Updates.combine(
                com.mongodb.client.model.Updates.setOnInsert("at", Date.from(requested)),
                com.mongodb.client.model.Updates.setOnInsert("actor", operator),
                com.mongodb.client.model.Updates.setOnInsert("reason", why),
                com.mongodb.client.model.Updates.setOnInsert("keepSuppressed", keep)),
            new com.mongodb.client.model.UpdateOptions().upsert(true));
  }

  /** What follows an erasure's start: the numbers suppressed, the lead's place given up. */
  private void accepted(
      String leadId, Document contact, String operator, boolean keep, Instant now) {
    if (!keep && !BY_RETENTION.equals(operator)) {
      // Asked to be forgotten, the number not suppressed: an import under way (or to be resumed)
      // that holds a row of it must not enrol the person again. An erasure by LEAD_RETENTION is
      // no request of the person's: their row in an import is a new enrolment like any.
      ImportRecords.forgetNumbers(store.database(), LeadStore.numbersOf(contact));
    }
    if (keep) {
      // Suppressed now, not only by the first pass seconds later: the number enrolled again
      // meanwhile (any campaign) is refused, and a send already composed for another lead on it
      // finds the suppression right before its call. The first pass suppresses the numbers again
      // in the same form (changing nothing), adding those seen since.
      new Suppressions(store.database()).suppressErased(LeadStore.numbersOf(contact), now);
    }
    // Accepted: the number enrolled again in the campaign is a new lead (suppressed first).
    store.erasures().erasureAccepted(leadId, now);
  }

  /**
   * 409 for the leadId of a lead being erased ({@link Enrolment#LEAD_ERASING}): when to enrol it
   * again ({@code retryAt}, {@code Retry-After}), as a new lead.
   */
  static ApiException erasingRefusal(Enrolment.Outcome outcome, Instant now) {
    long seconds = Math.max(1, Duration.between(now, outcome.retryAt()).toSeconds());
    return new ApiException(
            409,
            "lead "
                + outcome.leadId()
                + " is being erased: enrol it again after "
                + outcome.retryAt()
                + ", as a new lead with nothing of the erased one (GET /api/leads/"
                + outcome.leadId()
                + "/erasure says when it is done)",
            new FieldError("leadId", "being erased"))
        .with("leadId", outcome.leadId())
        .with("status", outcome.status())
        .with("retryAt", outcome.retryAt().toString())
        .withHeader("Retry-After", seconds);
  }

  ErasureView status(String leadId) {
    String workflowId = LeadErasureWorkflow.workflowId(leadId);
    WorkflowStub stub = temporal.newUntypedWorkflowStub(workflowId);
    WorkflowExecutionStatus status;
    try {
      status = stub.describe().getStatus();
    } catch (WorkflowNotFoundException e) {
      throw ApiException.notFound("erasure of lead " + leadId, "leadId");
    }
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return new ErasureView(leadId, workflowId, "erasing", stub.query("step", String.class), null);
    }
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
      return new ErasureView(
          leadId, workflowId, "erased", "done", stub.getResult(ErasureReport.class));
    }
    return new ErasureView(
        leadId,
        workflowId,
        status.name().replace("WORKFLOW_EXECUTION_STATUS_", "").toLowerCase(java.util.Locale.ROOT),
        null,
        null);
  }
}
