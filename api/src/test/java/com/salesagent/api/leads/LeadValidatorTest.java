package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.api.http.FieldError;
import java.time.Instant;
import java.util.List;
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

  static LeadRequest localNumber(String phone, String timezone, String locale) {
    return new LeadRequest(
        null,
        "Ana Souza",
        phone,
        "Acme",
        null,
        null,
        null,
        timezone,
        locale,
        null,
        null,
        null,
        "c-1",
        CONSENT);
  }

  /**
   * A number written as its country writes it, without the country code, is read in the lead's own
   * country, told by its locale's region (pt-BR) or its time zone (America/Sao_Paulo), before the
   * configured default region; a number with its code is read as written.
   */
  @Test
  void aLocalNumberIsReadInTheLeadsCountry() {
    assertThat(validator.validate(localNumber("(11) 98765-4329", "America/Sao_Paulo", "en")).lead())
        .extracting(LeadValidator.Lead::phone)
        .isEqualTo("+5511987654329");
    assertThat(validator.validate(localNumber("(11) 98765-4329", null, "pt-BR")).lead())
        .extracting(LeadValidator.Lead::phone)
        .isEqualTo("+5511987654329");
    assertThat(validator.validate(localNumber("612 34 56 78", "Europe/Madrid", "es")).lead())
        .extracting(LeadValidator.Lead::phone)
        .isEqualTo("+34612345678");
    // The default region still reads a number the lead's country does not.
    assertThat(validator.validate(localNumber("(415) 555-0132", "Europe/Madrid", "es")).lead())
        .extracting(LeadValidator.Lead::phone)
        .isEqualTo("+14155550132");
    // A number with its code is the number it says, wherever the lead is.
    assertThat(
            validator
                .validate(localNumber("+34 612 34 56 78", "America/Sao_Paulo", "pt-BR"))
                .lead())
        .extracting(LeadValidator.Lead::phone)
        .isEqualTo("+34612345678");
  }

  /**
   * A Brazilian living in California (pt-BR, America/Los_Angeles) writes a US number without +1:
   * its digits are a valid Curitiba landline too. Read in the locale's region first, it became a
   * Brazilian number nobody answers; two of the lead's countries reading it differently is no guess
   * to make: the error says how to write it. A number only one of them reads is that one.
   */
  @Test
  void aLocalNumberTwoOfTheLeadsCountriesReadDifferentlyIsAskedForItsCountryCode() {
    LeadValidator.Result r =
        validator.validate(localNumber("(415) 555-0132", "America/Los_Angeles", "pt-BR"));
    assertThat(r.errors()).hasSize(1);
    assertThat(r.errors().get(0).field()).isEqualTo("phone");
    assertThat(r.errors().get(0).message()).contains("BR").contains("US").contains("country code");
    assertThat(
            validator
                .validate(localNumber("(11) 98765-4329", "America/Los_Angeles", "pt-BR"))
                .lead())
        .extracting(LeadValidator.Lead::phone)
        .isEqualTo("+5511987654329");
    assertThat(
            validator
                .validate(localNumber("+1 415 555 0132", "America/Los_Angeles", "pt-BR"))
                .lead())
        .extracting(LeadValidator.Lead::phone)
        .isEqualTo("+14155550132");
  }

  /** A local number no country of the lead reads says how to write it. */
  @Test
  void aLocalNumberThatIsNoneOfTheLeadsCountriesSaysHowToWriteIt() {
    LeadValidator.Result r = validator.validate(localNumber("98765-43", "Asia/Tokyo", "en"));
    assertThat(r.errors()).hasSize(1);
    assertThat(r.errors().get(0).field()).isEqualTo("phone");
    assertThat(r.errors().get(0).message())
        .contains("JP")
        .contains("US")
        .contains("country code")
        .contains("DEFAULT_PHONE_REGION");
  }

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
  void aLocaleWrittenAsWhatsAppsTemplateLanguageCodeIsTakenAsItsLanguageTag() {
    LeadRequest base = lead("+55 (11) 99876-5432", "America/Sao_Paulo", CONSENT);
    for (String written : java.util.List.of("pt_BR", "pt-BR", " pt_BR ")) {
      LeadRequest r =
          new LeadRequest(
              base.leadId(),
              base.name(),
              base.phone(),
              base.company(),
              base.jobTitle(),
              base.industry(),
              base.companySize(),
              base.timezone(),
              written,
              base.notes(),
              base.website(),
              base.researchText(),
              base.campaignId(),
              base.consent());
      LeadValidator.Result result = validator.validate(r);
      assertThat(result.errors()).as(written).isEmpty();
      assertThat(result.lead().locale()).as(written).isEqualTo("pt-BR");
    }
  }

  /**
   * Mexico dropped the 1 its mobile numbers took after +52 in 2019, and CRMs still hold them so
   * (+52 1 55 …); WhatsApp still reports many Mexican wa_ids with it. Such a number is the mobile
   * number without the 1, stored once as E.164, never refused.
   */
  @Test
  void anOldMexicanMobileNumberWithItsOneIsReadWithoutIt() {
    for (String written :
        List.of(
            "+52 1 55 1234 5678", "+5215512345678", "+52 (1) 55-1234-5678", "+52 55 1234 5678")) {
      assertThat(validator.validate(lead(written, "America/Mexico_City", CONSENT)).lead())
          .as(written)
          .extracting(LeadValidator.Lead::phone)
          .isEqualTo("+525512345678");
    }
    assertThat(
            validator
                .validate(localNumber("1 55 1234 5678", "America/Mexico_City", "es-MX"))
                .lead())
        .extracting(LeadValidator.Lead::phone)
        .isEqualTo("+525512345678");
    assertThat(validator.normalisePhone("+52 1 33 1234 5678")).isEqualTo("+523312345678");
    // A 1 that is not the old mobile prefix is not dropped: that number stays invalid.
    assertThat(validator.validate(lead("+52 1 55 1234 567", null, CONSENT)).errors())
        .extracting(FieldError::field)
        .containsExactly("phone");
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
  void aTimeZoneMustBeARegionNotAnOffset() {
    for (String offset :
        List.of("+05:30", "-03:00", "Z", "GMT+1", "UTC+2", "UT+01:00", "Etc/GMT+3", "Etc/GMT-14")) {
      assertThat(validator.validate(lead("+5511998765432", offset, CONSENT)).errors())
          .as(offset)
          .extracting(FieldError::field)
          .containsExactly("timezone");
    }
    for (String region :
        List.of("Europe/Paris", "America/Sao_Paulo", "Asia/Kolkata", "UTC", "Etc/UTC")) {
      LeadValidator.Result r = validator.validate(lead("+5511998765432", region, CONSENT));
      assertThat(r.errors()).as(region).isEmpty();
      assertThat(r.lead().timezone()).isEqualTo(region);
    }
  }

  /**
   * A lead enrolled without a time zone has its number's country's, where the country has one: on a
   * server whose DEFAULT_TIMEZONE is UTC an Indian lead got UTC and quiet hours (20:00-08:00) held
   * in UTC, so its first contact went out at 01:30 in India, a Japanese lead's at 23:00 in Tokyo
   * (the QA walk). A country of several zones (US, Brazil) keeps the default, as does a number of
   * the default's own country; a time zone given is kept whatever the number.
   */
  @Test
  void aLeadWithoutATimeZoneHasItsNumbersCountrysWhereItHasOne() {
    java.util.Map<String, String> expected =
        java.util.Map.ofEntries(
            java.util.Map.entry("+91 98765 43210", "Asia/Kolkata"),
            java.util.Map.entry("+81 90 1234 5678", "Asia/Tokyo"),
            java.util.Map.entry("+971 50 123 4567", "Asia/Dubai"),
            java.util.Map.entry("+234 803 123 4567", "Africa/Lagos"),
            java.util.Map.entry("+49 151 23456789", "Europe/Berlin"),
            java.util.Map.entry("+44 20 7123 4567", "Europe/London"),
            java.util.Map.entry("+1 415 555 0101", "America/Los_Angeles"),
            java.util.Map.entry("+1 212 555 0101", "America/New_York"),
            java.util.Map.entry("+55 11 99876-5432", "America/Sao_Paulo"),
            java.util.Map.entry("+55 92 98765-4321", "America/Manaus"),
            java.util.Map.entry("+86 138 1234 5678", "Asia/Shanghai"),
            java.util.Map.entry("+61 412 345 678", "UTC"));
    expected.forEach(
        (phone, zone) -> {
          LeadValidator.Result r = validator.validate(localNumber(phone, null, "en"));
          assertThat(r.errors()).as(phone).isEmpty();
          assertThat(r.lead().timezone()).as(phone).isEqualTo(zone);
        });
    assertThat(validator.validate(localNumber("+91 98765 43210", "America/New_York", "en")).lead())
        .extracting(LeadValidator.Lead::timezone)
        .isEqualTo("America/New_York");
    // A country of several zones whose number's area code says which: not the default's zone.
    assertThat(
            new LeadValidator("America/New_York", "US")
                .validate(localNumber("+1 415 555 0101", null, "en"))
                .lead())
        .extracting(LeadValidator.Lead::timezone)
        .isEqualTo("America/Los_Angeles");
    // An Australian mobile says nothing of its zone: the default in its own country.
    assertThat(
            new LeadValidator("Australia/Sydney", "AU")
                .validate(localNumber("+61 412 345 678", null, "en"))
                .lead())
        .extracting(LeadValidator.Lead::timezone)
        .isEqualTo("Australia/Sydney");
    // DEFAULT_TIMEZONE in the number's own country is kept (the operator's choice for it).
    assertThat(
            new LeadValidator("Europe/Busingen", "DE")
                .validate(localNumber("+49 151 23456789", null, "de"))
                .lead())
        .extracting(LeadValidator.Lead::timezone)
        .isEqualTo("Europe/Busingen");
  }

  /**
   * Numbers as people paste them (the QA walk): 00 before the country code, as Europe, Africa and
   * Asia write it, was refused on a US default as "not a valid phone number of US"; a desk phone's
   * extension was dropped and the switchboard's number enrolled, to be messaged as the lead.
   */
  @Test
  void aNumberWith00BeforeItsCountryCodeIsReadAndOneWithAnExtensionRefused() {
    java.util.Map<String, String> read =
        java.util.Map.of(
            "0049 30 901820", "+4930901820",
            "0049 151 23456789", "+4915123456789",
            "'0044 20 7123 4567", "+442071234567",
            "00971 50 123 4567", "+971501234567",
            "011 49 30 901820", "+4930901820");
    read.forEach(
        (phone, e164) -> {
          LeadValidator.Result r = validator.validate(localNumber(phone, null, "en"));
          assertThat(r.errors()).as(phone).isEmpty();
          assertThat(r.lead().phone()).as(phone).isEqualTo(e164);
        });
    // A number its own country reads as written keeps that reading.
    assertThat(validator.validate(localNumber("0049 30 901820", "Europe/Berlin", "de")).lead())
        .extracting(LeadValidator.Lead::phone)
        .isEqualTo("+4930901820");
    for (String phone :
        List.of("+1 415 555 0104 ext. 12", "(415) 555-0105 x33", "+44 20 7123 4567 ext 5")) {
      List<FieldError> errors = validator.validate(localNumber(phone, null, "en")).errors();
      assertThat(errors).as(phone).extracting(FieldError::field).containsExactly("phone");
      assertThat(errors.get(0).message()).as(phone).contains("extension");
    }
  }

  /**
   * A number copied from a right-to-left page or a chat carries direction marks and zero-width
   * characters, inside it as well as around it: "+91\u200E9876543213" was 422 "not a phone number".
   */
  @Test
  void invisibleCharactersInACopiedNumberAreNotPartOfIt() {
    for (String phone :
        List.of(
            "+91\u200E9876543213",
            "\u200F+91 98765\u200F 43213\u200F",
            "\u202A+91\u2066 98765 43213\u2069\u202C",
            "+91\u00a098765\u200B43213",
            "\uFEFF+91 98765\u2060 43213",
            "\uff0b\uff19\uff11\uff19\uff18\uff17\uff16\uff15\uff14\uff13\uff12\uff11\uff13",
            "+\u0669\u0661 \u0669\u0668\u0667\u0666\u0665 \u0664\u0663\u0662\u0661\u0663")) {
      LeadValidator.Result r = validator.validate(localNumber(phone, null, "en"));
      assertThat(r.errors()).as(phone).isEmpty();
      assertThat(r.lead().phone()).as(phone).isEqualTo("+919876543213");
    }
  }

  @Test
  void consentIsRequired() {
    assertThat(validator.validate(lead("+5511998765432", null, null)).errors())
        .extracting(FieldError::field)
        .containsExactly("consent");
  }

  static LeadRequest withSize(String companySize) {
    return new LeadRequest(
        null,
        "Ana Souza",
        "+5511998765432",
        "Acme",
        null,
        null,
        companySize,
        null,
        null,
        null,
        null,
        null,
        "c-1",
        CONSENT);
  }

  static LeadRequest withCampaign(String campaignId) {
    return new LeadRequest(
        null,
        "Ana Souza",
        "+5511998765432",
        "Acme",
        null,
        null,
        "120",
        null,
        null,
        null,
        null,
        null,
        campaignId,
        CONSENT);
  }

  static LeadRequest consentAt(String at) {
    return lead("+5511998765432", null, new LeadRequest.Consent(true, "web form", at));
  }

  @Test
  void aCompanySizeIsANonNegativeCountOrRange() {
    for (String ok :
        List.of(
            "0", "40", "120", "1,200", "11-50", "200 - 500", "5k", "1000+", "12000 employees")) {
      assertThat(validator.validate(withSize(ok)).errors()).as(ok).isEmpty();
    }
    for (String bad : List.of("-5", "1.5", "forty", "50-11", "5 apples")) {
      assertThat(validator.validate(withSize(bad)).errors())
          .as(bad)
          .extracting(FieldError::field)
          .containsExactly("companySize");
    }
  }

  @Test
  void aConsentTimeIsNotBefore2000NorInTheFuture() {
    assertThat(validator.validate(consentAt("1900-01-01T00:00:00Z")).errors())
        .extracting(FieldError::field)
        .containsExactly("consent.at");
    assertThat(validator.validate(consentAt("1999-12-31T23:59:59Z")).errors())
        .extracting(FieldError::field)
        .containsExactly("consent.at");
    assertThat(validator.validate(consentAt("2000-01-01T00:00:00Z")).errors()).isEmpty();
    assertThat(validator.validate(consentAt(Instant.now().plusSeconds(3600).toString())).errors())
        .extracting(FieldError::field)
        .containsExactly("consent.at");
    assertThat(validator.validate(consentAt(Instant.now().plusSeconds(60).toString())).errors())
        .as("a little clock skew is allowed")
        .isEmpty();
  }

  @Test
  void aCampaignIdIsLettersDigitsDashOrUnderscore() {
    for (String ok : List.of("c-1", "spring_2026", "dash-6f1c2d9e-8a8b-4b5e-9a51-0c7f2e0f9b11")) {
      assertThat(validator.validate(withCampaign(ok)).errors()).as(ok).isEmpty();
    }
    for (String bad : List.of("a b/c$", "$where.x", "x".repeat(65), "c.1")) {
      assertThat(validator.validate(withCampaign(bad)).errors())
          .as(bad)
          .extracting(FieldError::field)
          .containsExactly("campaignId");
    }
    assertThat(validator.validate(withCampaign(null)).lead().campaignId()).isEqualTo("default");
  }

  static LeadRequest named(String name, String company, String jobTitle, String industry) {
    return new LeadRequest(
        null,
        name,
        "+5511998765432",
        company,
        jobTitle,
        industry,
        "120",
        null,
        null,
        null,
        null,
        null,
        "c-1",
        CONSENT);
  }

  /**
   * The fields a template fills are plain text: markup would go out to the lead as written
   * (WhatsApp shows it verbatim: "Companies in <i>saas</i> like <svg onload=alert(3)>Corp").
   */
  @Test
  void theFieldsATemplateFillsAreRefusedWithMarkup() {
    assertThat(
            validator
                .validate(named("Ana <b>Souza</b>", "<svg onload=alert(3)>Corp", "CEO", "saas"))
                .errors())
        .extracting(FieldError::field)
        .containsExactly("name", "company");
    assertThat(
            validator
                .validate(named("Ana", "Acme", "<i>Head</i> of Sales", "<i>saas</i>"))
                .errors())
        .extracting(FieldError::field)
        .containsExactly("jobTitle", "industry");
    assertThat(validator.validate(named("Ana", "Acme &amp; Co", "CEO", null)).errors())
        .extracting(FieldError::field)
        .containsExactly("company");
    for (String plain : List.of("A < B Logistics", "I <3 Bakery", "Smith & Sons", "R&D Labs")) {
      assertThat(validator.validate(named("Ana", plain, "CEO", null)).errors()).as(plain).isEmpty();
    }
  }

  static LeadRequest withId(String leadId, String phone) {
    return new LeadRequest(
        leadId,
        "Ana Souza",
        phone,
        "Acme",
        null,
        null,
        null,
        "America/Los_Angeles",
        "en",
        null,
        null,
        null,
        "c-1",
        CONSENT);
  }

  /**
   * The lead id is the workflow id ({@code lead-<leadId>}: Temporal, its Web UI, every log line of
   * the run), where no phone number may be. A CRM export whose id column is the phone
   * ("14155550778", "wa-5511987654321") once enrolled {@code lead-14155550778}; an id that only
   * shares a few digits with the number, or a CRM's numeric record id, is taken.
   */
  @Test
  void aLeadIdThatHoldsTheLeadsPhoneNumberIsRefused() {
    for (String id :
        List.of(
            "14155550778", "4155550778", "wa-14155550778", "lead_415-555-0778", "+14155550778")) {
      LeadValidator.Result r = validator.validate(withId(id.replace("+", ""), "+1 415 555 0778"));
      assertThat(r.errors()).as(id).extracting(FieldError::field).containsExactly("leadId");
      assertThat(r.errors().get(0).message()).as(id).contains("phone number").contains("workflow");
    }
    assertThat(validator.validate(withId("5511987654321", "+55 11 98765-4321")).errors())
        .extracting(FieldError::field)
        .containsExactly("leadId");
    for (String id : List.of("crm-0778", "51234567890", "hubspot-415555", "c4958")) {
      assertThat(validator.validate(withId(id, "+1 415 555 0778")).errors()).as(id).isEmpty();
    }
  }

  static LeadRequest inCampaign(String campaignId, String phone) {
    return new LeadRequest(
        null,
        "Ana Souza",
        phone,
        "Acme",
        null,
        null,
        null,
        "UTC",
        "en",
        null,
        null,
        null,
        campaignId,
        CONSENT);
  }

  /**
   * The campaign id is the lead workflow's CampaignId search attribute, shown by Temporal and its
   * Web UI: the lead's number in it (a CRM export's phone column mapped to the campaign) was
   * enrolled (the ops walk: campaignId "5511987650030" for +55 11 98765-0030, 202), as it is
   * refused in the lead id. A campaign id that only shares digits with the number is taken.
   */
  @Test
  void aCampaignIdThatHoldsTheLeadsPhoneNumberIsRefused() {
    for (String id : List.of("5511987650030", "11987650030", "wa-5511987650030")) {
      LeadValidator.Result r = validator.validate(inCampaign(id, "+55 11 98765-0030"));
      assertThat(r.errors()).as(id).extracting(FieldError::field).containsExactly("campaignId");
      assertThat(r.errors().get(0).message()).as(id).contains("phone number");
    }
    for (String id : List.of("spring-2026", "c-0030", "1198765")) {
      assertThat(validator.validate(inCampaign(id, "+55 11 98765-0030")).errors()).as(id).isEmpty();
    }
  }

  static LeadRequest namedWithId(String leadId, String name) {
    return new LeadRequest(
        leadId,
        name,
        "+5511998765432",
        "Acme",
        null,
        null,
        null,
        "UTC",
        "en",
        null,
        null,
        null,
        "c-1",
        CONSENT);
  }

  /**
   * The lead id is the workflow id (lead-<leadId>) that Temporal, its Web UI and every log line of
   * the lead show: a lead's name may not be in it, as its phone number may not.
   */
  @Test
  void aLeadIdHoldingTheLeadsNameIsRefused() {
    for (String id :
        List.of("ana.souza", "souza-7", "ASouza", "crm:ana-souza", "gretchen.zimmermann")) {
      String name = id.startsWith("gretchen") ? "Gretchen Zimmermann" : "Ana Souza";
      assertThat(validator.validate(namedWithId(id, name)).errors())
          .as(id)
          .extracting(FieldError::field)
          .contains("leadId");
    }
    assertThat(validator.validate(namedWithId("zoe-nunez-2", "Zoë Ñúñez")).errors())
        .extracting(FieldError::field)
        .contains("leadId");
    for (String id : List.of("crm-000123", "hs:98123", "3fa85f64-5717-4562-b3fc-2c963f66afa6")) {
      assertThat(validator.validate(namedWithId(id, "Ana Souza")).errors()).as(id).isEmpty();
    }
    // A short word the id shares with the name identifies nobody: ordinary ids were refused.
    assertThat(validator.validate(namedWithId("ana_1", "Ana Souza")).errors()).isEmpty();
    assertThat(validator.validate(namedWithId("sim-4-12", "Sim Lead 12")).errors()).isEmpty();
    assertThat(validator.validate(namedWithId("dash-page-7", "Page")).errors()).isEmpty();
  }

  /**
   * A lead's name and company caps count code points, what a person sees: a name of 200 with 196
   * emoji, or 200 CJK extension letters (non-BMP, two UTF-16 chars each) are within the cap of 200,
   * 201 are not. Before, 101 of them (202 chars) were refused as "at most 200 characters".
   */
  @Test
  void aNamesCapCountsCodePointsNotUtf16Chars() {
    String emoji = new String(Character.toChars(0x1F600));
    String cjk = new String(Character.toChars(0x20000));
    LeadRequest at =
        new LeadRequest(
            null,
            "Ana " + emoji.repeat(196),
            "+5511998765432",
            cjk.repeat(200),
            null,
            null,
            null,
            "UTC",
            "en",
            null,
            null,
            null,
            "c-1",
            CONSENT);
    assertThat(validator.validate(at).errors()).isEmpty();
    LeadRequest past =
        new LeadRequest(
            null,
            "Ana " + emoji.repeat(197),
            "+5511998765432",
            cjk.repeat(200) + "a",
            null,
            null,
            null,
            "UTC",
            "en",
            null,
            null,
            null,
            "c-1",
            CONSENT);
    assertThat(validator.validate(past).errors())
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("name", "company");
  }

  /**
   * A consent's source is capped at 200 characters counted as a person sees them (code points): 200
   * CJK extension letters (non-BMP, 400 UTF-16 chars) are taken whole, 201 are refused naming
   * consent.source.
   */
  @Test
  void aConsentSourcesCapCountsCodePoints() {
    String cjk = new String(Character.toChars(0x20000));
    java.util.function.Function<String, LeadRequest> withSource =
        source ->
            new LeadRequest(
                null,
                "Ana Souza",
                "+5511998765432",
                "Acme",
                null,
                null,
                null,
                "UTC",
                "en",
                null,
                null,
                null,
                "c-1",
                new LeadRequest.Consent(true, source, "2026-11-20T10:00:00Z"));
    LeadValidator.Result at = validator.validate(withSource.apply(cjk.repeat(200)));
    assertThat(at.errors()).isEmpty();
    assertThat(validator.validate(withSource.apply(cjk.repeat(201))).errors())
        .extracting(FieldError::field)
        .containsExactly("consent.source");
  }
}
