package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.leads.LeadResource.Enrolled;
import jakarta.ws.rs.core.Response;
import java.io.IOException;

/**
 * {@code POST /api/leads}: the body read as a lead (strictly), checked by {@link LeadValidator},
 * enrolled by {@link Enrolment} (or its recontacting variant for {@code ?recontact=true}) and
 * answered: 202 started, 200 enrolled before, else the refusal of {@link EnrolRefusals}.
 */
final class EnrolRequests {
  private final LeadValidator validator;
  private final Enrolment enrolment;
  private final ObjectMapper strict;

  EnrolRequests(LeadValidator validator, Enrolment enrolment, ObjectMapper strict) {
    this.validator = validator;
    this.enrolment = enrolment;
    this.strict = strict;
  }

  Response enrol(String recontact, byte[] body) {
    LeadRequest request;
    try {
      request = strict.readValue(body, LeadRequest.class);
    } catch (IOException e) {
      throw new ApiException(400, "the body is not a JSON lead", FieldError.ofJson(e));
    }
    LeadValidator.Result result = validator.validate(request);
    if (!result.valid()) {
      throw new ApiException(422, "invalid lead", result.errors());
    }
    Enrolment.Outcome outcome =
        (RecentContacts.recontact(recontact) ? enrolment.recontacting() : enrolment)
            .enrol(result.lead());
    if (!outcome.started()) {
      throw EnrolRefusals.refusal(outcome, request.leadId() != null && !request.leadId().isBlank());
    }
    if ("already_enrolled".equals(outcome.status())) {
      return Response.ok(
              new Enrolled(
                  outcome.leadId(),
                  outcome.workflowId(),
                  outcome.status(),
                  "this leadId is enrolled already: no second workflow was started"))
          .build();
    }
    return Response.accepted(
            new Enrolled(outcome.leadId(), outcome.workflowId(), outcome.status(), null))
        .build();
  }
}
