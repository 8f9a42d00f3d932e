package com.salesagent.api.leads;

import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;

/**
 * The 409 answers of an enrolment that did not start ({@link Enrolment.Outcome}): the lead being
 * erased, its leadId another lead's, its number recently contacted, being enrolled, suppressed, or
 * with another active lead in the campaign. Used by {@code POST /api/leads} ({@link EnrolRequests})
 * and enrol-again ({@link LeadAgain}, through {@link LeadResource#refusal}).
 */
final class EnrolRefusals {
  private EnrolRefusals() {}

  /** 409 for a suppressed number or a phone with another active lead in the campaign. */
  /**
   * {@code named}: the client chose the leadId, which the answer then echoes; a generated one is
   * left out (nothing was stored under it).
   */
  static ApiException refusal(Enrolment.Outcome outcome, boolean named) {
    ApiException refused = refusal(outcome);
    return named ? refused : refused.without("leadId");
  }

  static ApiException refusal(Enrolment.Outcome outcome) {
    if (Enrolment.LEAD_ERASING.equals(outcome.status())) {
      return LeadErasure.erasingRefusal(outcome, java.time.Instant.now());
    }
    if (Enrolment.LEAD_ID_TAKEN.equals(outcome.status())) {
      // The field to change is leadId (as an import row says): the phone or campaign that
      // differs is this lead's own, listed in differs.
      String message =
          "leadId "
              + outcome.leadId()
              + " is another lead's (another "
              + String.join(" and ", outcome.differs())
              + "): a new lead needs its own leadId";
      return new ApiException(409, message, new FieldError("leadId", message))
          .with("leadId", outcome.leadId())
          .with("status", outcome.status())
          .with("differs", outcome.differs());
    }
    if (Enrolment.RECENTLY_CONTACTED.equals(outcome.status())) {
      String message = RecentContacts.message(outcome.activeLeadId(), outcome.retryAt());
      return new ApiException(409, message, new FieldError("phone", message))
          .with("leadId", outcome.leadId())
          .with("status", outcome.status())
          .with("earlierLeadId", outcome.activeLeadId())
          .with("retryAt", outcome.retryAt().toString());
    }
    if (Enrolment.PHONE_ENROLLING.equals(outcome.status())) {
      long seconds =
          Math.max(
              1,
              java.time.Duration.between(java.time.Instant.now(), outcome.retryAt()).toSeconds());
      return new ApiException(
              409, RecentContacts.ENROLLING, new FieldError("phone", RecentContacts.ENROLLING))
          .with("leadId", outcome.leadId())
          .with("status", outcome.status())
          .with("retryAt", outcome.retryAt().toString())
          .withHeader("Retry-After", seconds);
    }
    if (Enrolment.SUPPRESSED.equals(outcome.status())) {
      Suppressions.Entry s = outcome.suppression();
      return new ApiException(
              409,
              Enrolment.suppressedMessage(s),
              new FieldError("phone", "suppressed: " + s.source()))
          .with("leadId", outcome.leadId())
          .with("status", outcome.status())
          .with("suppression", Enrolment.suppressionFacts(s));
    }
    return new ApiException(
            409,
            "this phone already has an active lead in this campaign: "
                + outcome.activeLeadId()
                + " (one lead per phone per campaign; enrol again once it has ended)",
            new FieldError("phone", "active lead " + outcome.activeLeadId()))
        .with("leadId", outcome.leadId())
        .with("status", outcome.status())
        .with("activeLeadId", outcome.activeLeadId());
  }
}
