package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.api.http.FieldError;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LeadValidatorTest {
  private final LeadValidator validator = new LeadValidator("UTC", "US");

  static LeadRequest lead(String phone, String timezone, LeadRequest.Consent consent) {
    return new LeadRequest(
        null,
        "Ana Souza",
        phone,
        "Acme",
        "Head of Sales",
        "retail",
        "120",
        timezone,
        "pt-BR",
        null,
        "https://acme.example",
        null,
        "c-1",
        consent);
  }

  static final LeadRequest.Consent CONSENT =
      new LeadRequest.Consent(true, "web form", "2026-11-20T10:00:00Z");

  @Test
  void aValidLeadIsNormalised() {
    LeadValidator.Result r =
        validator.validate(lead("+55 (11) 99876-5432", "America/Sao_Paulo", CONSENT));

    assertThat(r.errors()).isEmpty();
    assertThat(r.lead().phone()).isEqualTo("+5511998765432");
    assertThat(r.lead().leadId()).isNotBlank();
    assertThat(r.lead().consentAt()).isEqualTo(Instant.parse("2026-11-20T10:00:00Z"));
  }

  @Test
  void aNationalNumberUsesTheDefaultRegion() {
    assertThat(validator.validate(lead("(202) 555-0143", null, CONSENT)).lead().phone())
        .isEqualTo("+12025550143");
  }

  @Test
  void everyBadFieldIsNamed() {
    LeadRequest bad =
        new LeadRequest(
            "bad id with spaces",
            "",
            "12345",
            null,
            null,
            null,
            null,
            "Mars/Olympus",
            "not a tag!",
            null,
            "ftp://x",
            null,
            null,
            new LeadRequest.Consent(false, "", "yesterday"));

    LeadValidator.Result r = validator.validate(bad);

    assertThat(r.valid()).isFalse();
    assertThat(r.errors())
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder(
            "leadId",
            "name",
            "company",
            "phone",
            "timezone",
            "locale",
            "website",
            "consent.whatsappOptIn",
            "consent.source",
            "consent.at");
  }

  @Test
  void consentIsRequired() {
    assertThat(validator.validate(lead("+5511998765432", null, null)).errors())
        .extracting(FieldError::field)
        .containsExactly("consent");
  }
}
