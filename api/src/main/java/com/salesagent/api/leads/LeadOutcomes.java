package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OutcomeSignal;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bson.Document;

/** The business outcome of a lead (converted or lost), set by an operator through the API. */
public final class LeadOutcomes {
  /** What an operator sends to set a lead's outcome. */
  public record OutcomeRequest(String outcome, String reason) {}

  /** The outcome recorded; {@code workflow}: signalled (it ends with it) or ended (stage set). */
  public record OutcomeRecorded(String leadId, String outcome, String workflow) {}

  static final int MAX_REASON = 500;

  private final LeadStore store;
  private final Function<String, LeadWorkflow> lead;
  private final ObjectMapper strict;

  public LeadOutcomes(LeadStore store, Function<String, LeadWorkflow> lead, ObjectMapper strict) {
    this.store = store;
    this.lead = lead;
    this.strict = strict;
  }

  /**
   * Records the outcome an operator set: on the contact once (outcome, by whom, when), in the
   * timeline and the audit log; the lead's workflow ends with it, or, when it has ended already (a
   * reply without interest, no response), the stage becomes the outcome (not of a lead stopped or
   * opted out: {@link #KEEPS_ITS_STAGE}). The same outcome again is 200 (a retry: the workflow is
   * told again), another is 409; a bad body 400, a bad field 422, an unknown lead 404, a lead being
   * erased 409 naming {@code leadId}. The contact, the timeline and the workflow name the owner who
   * acted, as an owner's reply or meeting does ({@link ActingOwner}: the lead's owner, "Ana Lima
   * (ana)", or the operator on a lead nobody owns); the audit log the operator who called.
   */
  public Response set(String operator, String leadId, byte[] body) {
    return set(operator, leadId, body, true);
  }

  /**
   * {@link #set} by a system rather than a person ({@code hubspot}: a deal moved there): it is
   * named as itself everywhere, never as the lead's owner.
   */
  public Response setBySystem(String system, String leadId, byte[] body) {
    return set(system, leadId, body, false);
  }

  /**
   * A reason's line as {@link ReadableText#checkLine} reads it, and one the timeline can keep: a
   * reason with no letter or digit ("👍", "...") was accepted and then stored as none (the line
   * kept only what is readable), so the operator's answer said taken and the reason was lost; it is
   * refused naming {@code reason}, as a stop's is ({@code LeadResource.operatorReason}). A blank
   * reason is none.
   */
  static void checkReadable(List<FieldError> errors, String reason) {
    int before = errors.size();
    ReadableText.checkLine(errors, "reason", reason.strip());
    if (errors.size() == before && !reason.isBlank() && LeadValidator.line(reason) == null) {
      errors.add(new FieldError("reason", "has no letters or digits"));
    }
  }

  private Response set(String operator, String leadId, byte[] body, boolean byOwner) {
    OutcomeRequest request;
    try {
      request = strict.readValue(body, OutcomeRequest.class);
    } catch (IOException e) {
      throw new ApiException(400, "the body is not a JSON outcome", FieldError.ofJson(e));
    }
    List<FieldError> errors = new ArrayList<>();
    if (request == null
        || !(OutcomeSignal.CONVERTED.equals(request.outcome())
            || OutcomeSignal.LOST.equals(request.outcome()))) {
      errors.add(new FieldError("outcome", "converted or lost"));
    }
    if (request != null
        && request.reason() != null
        && ReadableText.length(request.reason()) > MAX_REASON) {
      errors.add(new FieldError("reason", "at most " + MAX_REASON + " characters"));
    } else if (request != null && request.reason() != null) {
      checkReadable(errors, request.reason());
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid outcome", errors);
    }
    Document contact = store.contact(leadId);
    if (contact == null) {
      throw ApiException.notFound("lead " + leadId, "leadId");
    }
    // A lead being erased: no outcome on its tombstone, its timeline or the CRM's feed.
    ReplyRefusals.erasing(contact);
    String by =
        byOwner
            ? ActingOwner.of(new Owners(store.database()), operator, null, contact).label()
            : operator;
    String reason = request.reason() == null ? null : LeadValidator.line(request.reason());
    java.util.Date at = new java.util.Date();
    long set =
        store
            .contacts()
            .updateOne(
                com.mongodb.client.model.Filters.and(
                    com.mongodb.client.model.Filters.eq("leadId", leadId),
                    com.mongodb.client.model.Filters.exists("outcome", false)),
                com.mongodb.client.model.Updates.set(
                    "outcome",
                    new Document("value", request.outcome())
                        .append("reason", reason)
                        .append("by", by)
                        .append("operator", operator)
                        .append("at", at)))
            .getModifiedCount();
    if (set == 0) {
      String already = outcomeOf(leadId);
      if (!request.outcome().equals(already)) {
        throw new ApiException(
            409,
            "the lead's outcome is set already",
            List.of(new FieldError("outcome", "already " + already)));
      }
      // The same outcome again: a retry after a failure between the writes and the signal (or a
      // double click). What the first call wrote is completed from the stored outcome (a crash
      // after the contact's write left the timeline or the audit without it); the workflow is
      // told again (it ignores a second outcome).
      Document stored = store.contact(leadId).get("outcome", Document.class);
      recordOnce(leadId, contact, request.outcome(), stored);
      String workflow = tell(leadId, request, contact, reason, stored.getString("by"));
      return Response.ok(new OutcomeRecorded(leadId, request.outcome(), workflow)).build();
    }
    recordOnce(
        leadId, contact, request.outcome(), store.contact(leadId).get("outcome", Document.class));
    String workflow = tell(leadId, request, contact, reason, by);
    return Response.accepted(new OutcomeRecorded(leadId, request.outcome(), workflow)).build();
  }

  /**
   * The outcome in the lead's timeline and in the audit log, each written unless already there:
   * from the outcome as stored on the contact (who set it, why, when), so a retry completes what a
   * crash between the writes left out and never writes either twice. The timeline names who acted
   * ({@code by}), the audit log who called ({@code operator}; an outcome stored before it was kept:
   * {@code by}).
   */
  private void recordOnce(String leadId, Document contact, String outcome, Document stored) {
    String by = stored.getString("by");
    String operator = stored.getString("operator") == null ? by : stored.getString("operator");
    String reason = stored.getString("reason");
    java.util.Date at = stored.getDate("at");
    // The variant whose evidence the lead is: the one it stayed with when the kill switch moved it
    // after its reply (Switched.EVIDENCE), else its own.
    String variantId = com.salesagent.activities.variants.Switched.evidenceVariant(contact);
    // Once per outcome, not per lead: a lead lost that wrote again (a new run) may be converted.
    if (store.interactions().timeline(leadId).stream()
        .noneMatch(e -> outcome.equals(e.getString("type")) && at.equals(e.getDate("ts")))) {
      // With the wording the lead counts for (WordingStats): what the recount reads.
      store
          .interactions()
          .recordInteractions(
              List.of(
                  com.salesagent.activities.variants.WordingStats.withRevision(
                      com.salesagent.activities.mongo.Interactions.interaction(
                          leadId,
                          contact.getString("campaignId"),
                          variantId,
                          outcome,
                          null,
                          "by " + by + (reason == null ? "" : ": " + reason),
                          at.toInstant()),
                      contact)));
    }
    // The contact read after the outcome's write: a lead a person wrote to before its first reply
    // (marked only while it had no conversion) is no evidence for its variant (Assisted), nor one
    // the kill switch moved off a variant it had been sent (Switched).
    if (OutcomeSignal.CONVERTED.equals(outcome)) {
      // The campaign's funnel counts the lead converted once, on the day of its first conversion.
      new com.salesagent.activities.mongo.FunnelStats(store.database())
          .reach(leadId, "converted", at.toInstant());
    }
    if (OutcomeSignal.CONVERTED.equals(outcome)
        && !com.salesagent.activities.variants.Switched.outOfEvidence(store.contact(leadId))) {
      // The bandit's reward when it learns on conversions: counted once per lead, retries too.
      new com.salesagent.activities.variants.CountedOnce(store.database())
          .incrementAll(
              List.of(
                  new com.salesagent.activities.variants.CountedOnce.Count(
                      "converted:" + leadId,
                      variantId,
                      contact.getString("segment"),
                      "converted",
                      at.toInstant())));
      // And for the wording the lead was assigned with (WordingStats), once per lead.
      new com.salesagent.activities.variants.WordingStats(store.database())
          .convertedOnce(store.contacts(), leadId, variantId, at.toInstant());
    }
    var audit =
        store.database().getCollection(com.salesagent.activities.mongo.Collections.AUDIT_LOG);
    if (audit
            .find(
                com.mongodb.client.model.Filters.and(
                    com.mongodb.client.model.Filters.eq("action", "lead_outcome"),
                    com.mongodb.client.model.Filters.eq("leadId", leadId),
                    com.mongodb.client.model.Filters.eq("at", at)))
            .first()
        == null) {
      audit.insertOne(
          new Document("action", "lead_outcome")
              .append("by", operator)
              .append("leadId", leadId)
              .append("outcome", outcome)
              .append("reason", reason)
              .append("at", at));
    }
  }

  /**
   * Tells the lead's workflow, which ends with the outcome ("signalled"); when it has ended already
   * (replied, no response), the outcome becomes the lead's stage and its event is queued ("ended").
   * Safe to repeat.
   */
  private String tell(
      String leadId, OutcomeRequest request, Document contact, String reason, String by) {
    try {
      lead.apply(leadId).outcome(new OutcomeSignal(request.outcome(), reason, by));
      return "signalled";
    } catch (io.temporal.client.WorkflowNotFoundException e) {
      Document now = store.contact(leadId);
      String ended = now == null ? null : now.getString("stage");
      if (!KEEPS_ITS_STAGE.contains(ended)) {
        store.setContactFields(leadId, new Document("stage", request.outcome()));
      }
      new com.salesagent.activities.notify.Notifications(
              store.database(), java.time.Clock.systemUTC())
          .emitInRun(
              "lead." + request.outcome(),
              leadId,
              contact.getString("campaignId"),
              request.outcome(),
              reason,
              store.interactions().countInteractions(leadId, "reopened"));
      return "ended";
    }
  }

  /**
   * Where a run ended that an outcome set afterwards does not replace: the lead's stage keeps
   * saying it was stopped or opted out (the lists, the counts by stage and "never after stop",
   * which a person's message is checked against, read it), and the outcome is recorded beside it.
   */
  static final java.util.Set<String> KEEPS_ITS_STAGE = java.util.Set.of("stopped", "opted_out");

  private String outcomeOf(String leadId) {
    Document c = store.contact(leadId);
    Document o = c == null ? null : c.get("outcome", Document.class);
    return o == null ? "set" : o.getString("value");
  }
}
