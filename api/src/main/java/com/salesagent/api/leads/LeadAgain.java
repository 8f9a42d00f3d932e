package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.workflows.lead.Stage;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * A new conversation with a lead whose run ended ({@code POST /api/leads/{leadId}/enrol-again}):
 * outside WhatsApp's 24 h window nothing but a new sales sequence may write to it (its first
 * message an approved template), and that is a new enrolment. The new lead is made from the ended
 * one's contact (the same person, number, company, research text and consent) without the operator
 * having to find the original row: the same checks as any enrolment (a suppressed number, another
 * live lead of the number in the campaign: 409), and the first message of any enrolment of a number
 * we know: when the ended lead replied or converted, the returning-contact variant's greeting,
 * never the cold introduction ({@code ReturningContacts}, at the variant's assignment).
 *
 * <p>The new lead's id is the caller's {@code leadId}, else the ended one's with {@code .again<n>}
 * (n: how many times it was enrolled again, plus one), so a retried request finds the lead it made
 * (200, {@code already_enrolled}) instead of making a second. The two leads name each other ({@code
 * previousLeadId} on the new contact, {@code enrolledAgainAs} on the ended one), the ended lead
 * leaves the "wrote after the end" list (the new lead is its conversation now), and the audit log
 * records who did it ({@code lead_enrolled_again}).
 */
final class LeadAgain {
  /** What the caller may choose: the new lead's id and its campaign (both default). */
  public record AgainRequest(String leadId, String campaignId) {}

  /** The new lead. */
  public record EnrolledAgain(
      String leadId, String previousLeadId, String workflowId, String status) {}

  static final String PREVIOUS = "previousLeadId";
  static final String AGAIN_AS = "enrolledAgainAs";

  /** A lead enrolled again more often than this is refused: a loop, not a sales team. */
  static final int MAX_AGAIN = 20;

  private final LeadStore store;
  private final LeadValidator validator;
  private final Enrolment enrolment;
  private final ObjectMapper strict;
  private final Clock clock;

  LeadAgain(
      LeadStore store,
      LeadValidator validator,
      Enrolment enrolment,
      ObjectMapper strict,
      Clock clock) {
    this.store = store;
    this.validator = validator;
    this.enrolment = enrolment;
    this.strict = strict;
    this.clock = clock;
  }

  /**
   * {@code recontact}: an operator's {@code ?recontact=true}. Without it the new lead is guarded as
   * any enrolment ({@link RecentContacts}): a lead that wrote, replied or converted is never
   * refused so, but one that never answered the opener our message delivered (ended {@code
   * no_response}, stopped, lost...) is 409 {@code recently_contacted} within {@code
   * RECONTACT_AFTER}, as a CSV row or the API would be: one click must not send a second cold
   * opener to a number that stayed silent.
   */
  Response enrolAgain(String operator, String leadId, byte[] body, boolean recontact) {
    AgainRequest request;
    try {
      request =
          body == null || body.length == 0
              ? new AgainRequest(null, null)
              : strict.readValue(body, AgainRequest.class);
    } catch (IOException e) {
      throw new ApiException(
          400, "the body is not a JSON object {leadId, campaignId}", FieldError.ofJson(e));
    }
    if (request == null) {
      request = new AgainRequest(null, null);
    }
    Document ended = store.contact(leadId);
    if (ended == null) {
      throw ApiException.notFound("lead " + leadId, "leadId");
    }
    ReplyRefusals.erasing(ended);
    Stage stage = Stage.of(ended.getString("stage"));
    if (stage == null || !stage.terminal()) {
      throw new ApiException(
          409,
          "the lead's run is live: it is in a conversation already",
          List.of(new FieldError("leadId", "stage " + ended.getString("stage"))));
    }
    List<String> before = ended.getList(AGAIN_AS, String.class, List.of());
    if (request.leadId() == null && !before.isEmpty()) {
      // A retried request: the lead it made, while that one is live, is the answer.
      String last = before.get(before.size() - 1);
      Document made = store.contact(last);
      Stage madeStage = made == null ? null : Stage.of(made.getString("stage"));
      if (madeStage != null && !madeStage.terminal()) {
        return Response.ok(
                new EnrolledAgain(
                    last,
                    leadId,
                    com.salesagent.workflows.lead.LeadWorkflow.workflowId(last),
                    Enrolment.ALREADY_ENROLLED))
            .build();
      }
    }
    if (before.size() >= MAX_AGAIN) {
      throw new ApiException(
          409,
          "this lead was enrolled again " + before.size() + " times already",
          List.of(new FieldError("leadId", "at most " + MAX_AGAIN + " new conversations")));
    }
    if (leadId.equals(request.leadId())) {
      throw new ApiException(
          422,
          "the new conversation needs a lead id of its own",
          List.of(
              new FieldError("leadId", "the ended lead's own id: leave it out or name a new one")));
    }
    if (request.leadId() != null && !before.contains(request.leadId())) {
      // Another existing lead (an earlier lead of the number) would answer already_enrolled:
      // nothing enrolled, the two linked as if one made the other, the row taken off the list.
      Document taken = store.contact(request.leadId());
      if (taken != null && !leadId.equals(taken.getString(PREVIOUS))) {
        throw new ApiException(
            409,
            "lead " + request.leadId() + " exists: the new conversation needs a new lead id",
            List.of(
                new FieldError(
                    "leadId", "names an existing lead: leave it out or name a new one")));
      }
    }
    String newId = request.leadId() != null ? request.leadId() : againId(leadId, before.size());
    LeadValidator.Result result = validator.validate(copy(ended, newId, request.campaignId()));
    if (!result.valid()) {
      // Only what the caller chose can be wrong: the rest passed these checks at enrolment.
      throw new ApiException(422, "invalid enrolment", result.errors());
    }
    Enrolment.Outcome outcome =
        (recontact ? enrolment.recontacting() : enrolment).enrol(result.lead());
    if (!outcome.started()) {
      throw LeadResource.refusal(outcome, true);
    }
    store
        .contacts()
        .updateOne(Filters.eq("leadId", outcome.leadId()), Updates.set(PREVIOUS, leadId));
    store
        .contacts()
        .updateOne(Filters.eq("leadId", leadId), Updates.addToSet(AGAIN_AS, outcome.leadId()));
    new com.salesagent.activities.mongo.AfterEndReplies(store).clear(leadId);
    if (!Enrolment.ALREADY_ENROLLED.equals(outcome.status())) {
      store
          .database()
          .getCollection(Collections.AUDIT_LOG)
          .insertOne(
              new Document("action", "lead_enrolled_again")
                  .append("by", operator)
                  .append("leadId", leadId)
                  .append("detail", outcome.leadId())
                  .append("at", Date.from(clock.instant())));
    }
    EnrolledAgain made =
        new EnrolledAgain(outcome.leadId(), leadId, outcome.workflowId(), outcome.status());
    return Enrolment.ALREADY_ENROLLED.equals(outcome.status())
        ? Response.ok(made).build()
        : Response.accepted(made).build();
  }

  /** {@code <leadId>.again<n>}, the ended lead's id cut so the whole fits the 64 characters. */
  static String againId(String leadId, int times) {
    String suffix = ".again" + (times + 1);
    String base =
        leadId.length() + suffix.length() > 64 ? leadId.substring(0, 64 - suffix.length()) : leadId;
    return base + suffix;
  }

  /** The enrolment the ended lead had, under a new id (and campaign, if given). */
  private static LeadRequest copy(Document c, String leadId, String campaignId) {
    Document consent = c.get("consent", Document.class);
    Date consentAt = consent == null ? null : consent.getDate("at");
    return new LeadRequest(
        leadId,
        c.getString("name"),
        c.getString("phone"),
        c.getString("company"),
        c.getString("jobTitle"),
        c.getString("industry"),
        c.getString("companySize"),
        c.getString("timezone"),
        c.getString("locale"),
        c.getString("notes"),
        c.getString("website"),
        c.getString("researchText"),
        campaignId != null ? campaignId : c.getString("campaignId"),
        consent == null
            ? null
            : new LeadRequest.Consent(
                consent.getBoolean("whatsappOptIn"),
                consent.getString("source"),
                consentAt == null ? null : consentAt.toInstant().toString()));
  }
}
