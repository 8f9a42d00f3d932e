package com.salesagent.api.leads;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code POST /api/leads} and one row of an import. Validated by {@link LeadValidator}. */
@JsonIgnoreProperties(ignoreUnknown = false)
public record LeadRequest(
    String leadId,
    String name,
    String phone,
    String company,
    String jobTitle,
    String industry,
    String companySize,
    String timezone,
    String locale,
    String notes,
    String website,
    String researchText,
    String campaignId,
    Consent consent) {

  public record Consent(Boolean whatsappOptIn, String source, String at) {}
}
