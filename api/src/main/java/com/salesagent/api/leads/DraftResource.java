package com.salesagent.api.leads;

import com.salesagent.activities.handoff.Owners;
import com.salesagent.activities.knowledge.HeldDrafts;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.auth.Operator;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * {@code DELETE /api/leads/{leadId}/drafts/{draftId}?ownerId=&reason=}: a person dismisses the
 * agent's draft held for the lead (wrong, off-topic, or answered another way), so it no longer
 * waits on the Hand-offs and "wrote after the end" lists nor on the lead page. The draft is kept,
 * {@code superseded} by the dismissal (who, when, why), and a reply naming it is then refused as a
 * superseded draft's (409 naming {@code draftId}). Once: dismissed again answers 200 {@code
 * dismissed_before}; a draft used or superseded otherwise is 409 naming {@code draftId} and why; an
 * unknown lead or draft 404 naming it; a bad {@code ownerId} or {@code reason} 422 naming it.
 * Audited with the token's operator.
 */
@Path("/api/leads/{leadId}/drafts/{draftId}")
public class DraftResource {
  static final Pattern LEAD_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  /** What a dismissal answers. */
  public record Dismissed(String leadId, String draftId, String status, String by) {}

  private final LeadStore store;
  private final ReplyRefusals refusals;
  private final Clock clock;

  public DraftResource(LeadStore store, Clock clock) {
    this.store = store;
    this.refusals = new ReplyRefusals(new CustomerServiceWindow(store), store);
    this.clock = clock;
  }

  @DELETE
  public Response dismiss(
      @Auth Operator operator,
      @PathParam("leadId") String leadId,
      @PathParam("draftId") String draftId,
      @QueryParam("ownerId") String ownerId,
      @QueryParam("reason") String reason) {
    List<FieldError> errors = new ArrayList<>();
    if (!LEAD_ID.matcher(leadId).matches()) {
      errors.add(new FieldError("leadId", "1-64 letters, digits and ._:-"));
    }
    if (!LeadConversation.DRAFT_ID.matcher(draftId).matches()) {
      errors.add(new FieldError("draftId", "a draft's id: 1-300 letters, digits and ._:=+/-"));
    }
    if (ownerId != null && !LeadConversation.ID.matcher(ownerId).matches()) {
      errors.add(new FieldError("ownerId", "1-64 letters, digits, '-' or '_'"));
    }
    if (reason != null && ReadableText.length(reason) > LeadOutcomes.MAX_REASON) {
      errors.add(new FieldError("reason", "at most " + LeadOutcomes.MAX_REASON + " characters"));
    } else if (reason != null) {
      LeadOutcomes.checkReadable(errors, reason);
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "invalid dismissal", errors);
    }
    Document contact = store.contact(leadId);
    if (contact == null) {
      throw ApiException.notFound("lead " + leadId, "leadId");
    }
    ReplyRefusals.erasing(contact);
    Owners owners = new Owners(store.database());
    if (ownerId != null && owners.get(ownerId) == null) {
      throw new ApiException(
          422, "invalid dismissal", List.of(new FieldError("ownerId", "no such owner")));
    }
    String by = ActingOwner.of(owners, operator.name(), ownerId, contact).label();
    String why = reason == null ? null : LeadValidator.line(reason);
    HeldDrafts.Dismissal dismissal =
        new HeldDrafts(store.database())
            .dismiss(leadId, draftId, by, ownerId, why, clock.instant());
    if (dismissal == null) {
      throw ApiException.notFound("draft " + draftId + " of lead " + leadId, "draftId");
    }
    Document draft = dismissal.draft();
    Document supersededBy = draft.get(HeldDrafts.SUPERSEDED_BY, Document.class);
    boolean dismissed =
        HeldDrafts.SUPERSEDED.equals(draft.getString("status"))
            && supersededBy != null
            && HeldDrafts.DISMISSED.equals(supersededBy.getString("why"));
    if (!dismissed) {
      // Used, or superseded by a person's message or the run's end: says which, 409.
      refusals.draftNoLongerHeld(leadId, draftId, "");
    }
    boolean now = dismissal.now();
    if (now) {
      store
          .database()
          .getCollection(Collections.AUDIT_LOG)
          .insertOne(
              new Document("action", "draft_dismissed")
                  .append("by", operator.name())
                  .append("leadId", leadId)
                  .append("draftId", draftId)
                  .append("at", Date.from(clock.instant())));
    }
    return Response.ok(
            new Dismissed(
                leadId,
                draftId,
                now ? "dismissed" : "dismissed_before",
                supersededBy.getString("by")))
        .build();
  }
}
