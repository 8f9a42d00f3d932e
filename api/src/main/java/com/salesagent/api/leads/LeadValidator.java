package com.salesagent.api.leads;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Checks a lead and normalises it: phone to E.164 (libphonenumber), time zone (IANA), locale (BCP
 * 47), consent (required, opted in, with source and time). Every bad field is reported.
 */
public class LeadValidator {
  private static final Pattern LEAD_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

  private final String defaultTimezone;
  private final String defaultRegion;

  public LeadValidator(String defaultTimezone, String defaultRegion) {
    this.defaultTimezone = defaultTimezone;
    this.defaultRegion = defaultRegion;
  }

  /** A valid, normalised lead, or the list of what is wrong. */
  public record Result(Lead lead, List<FieldError> errors) {
    public boolean valid() {
      return errors.isEmpty();
    }
  }

  /** The normalised lead. */
  public record Lead(
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
      String consentSource,
      Instant consentAt) {}

  public Result validate(LeadRequest r) {
    List<FieldError> errors = new ArrayList<>();
    if (r == null) {
      return new Result(null, List.of(new FieldError("body", "a JSON lead is required")));
    }
    String leadId = blank(r.leadId()) ? UUID.randomUUID().toString() : r.leadId().trim();
    if (!LEAD_ID.matcher(leadId).matches()) {
      errors.add(new FieldError("leadId", "1-64 characters among letters, digits and . _ : -"));
    }
    required(errors, "name", r.name(), 200);
    required(errors, "company", r.company(), 200);
    optional(errors, "jobTitle", r.jobTitle(), 200);
    optional(errors, "industry", r.industry(), 200);
    optional(errors, "companySize", r.companySize(), 50);
    optional(errors, "notes", r.notes(), 20_000);
    optional(errors, "researchText", r.researchText(), 200_000);
    optional(errors, "campaignId", r.campaignId(), 100);
    String phone = phone(errors, r.phone());
    String timezone = blank(r.timezone()) ? defaultTimezone : r.timezone().trim();
    try {
      ZoneId.of(timezone);
    } catch (RuntimeException e) {
      errors.add(new FieldError("timezone", "not an IANA time zone such as Europe/Paris"));
    }
    String locale = blank(r.locale()) ? "en" : r.locale().trim();
    try {
      new Locale.Builder().setLanguageTag(locale);
    } catch (IllformedLocaleException e) {
      errors.add(new FieldError("locale", "not a BCP 47 language tag such as en or pt-BR"));
    }
    if (!blank(r.website())) {
      try {
        URI uri = URI.create(r.website().trim());
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            || uri.getHost() == null) {
          errors.add(new FieldError("website", "must be an http(s) URL"));
        }
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError("website", "must be an http(s) URL"));
      }
    }
    Instant consentAt = null;
    String consentSource = null;
    if (r.consent() == null) {
      errors.add(
          new FieldError(
              "consent",
              "required: {whatsappOptIn: true, source, at} recorded when the lead opted in"));
    } else {
      if (!Boolean.TRUE.equals(r.consent().whatsappOptIn())) {
        errors.add(
            new FieldError(
                "consent.whatsappOptIn", "must be true: WhatsApp needs the lead's opt-in"));
      }
      if (blank(r.consent().source())) {
        errors.add(new FieldError("consent.source", "required: where the lead opted in"));
      } else {
        consentSource = r.consent().source().trim();
      }
      if (blank(r.consent().at())) {
        errors.add(new FieldError("consent.at", "required: when the lead opted in (ISO-8601)"));
      } else {
        try {
          consentAt = OffsetDateTime.parse(r.consent().at().trim()).toInstant();
        } catch (DateTimeParseException e) {
          try {
            consentAt = Instant.parse(r.consent().at().trim());
          } catch (DateTimeParseException e2) {
            errors.add(
                new FieldError("consent.at", "not an ISO-8601 time such as 2026-11-25T10:00:00Z"));
          }
        }
      }
    }
    if (!errors.isEmpty()) {
      return new Result(null, errors);
    }
    return new Result(
        new Lead(
            leadId,
            r.name().trim(),
            phone,
            r.company().trim(),
            trim(r.jobTitle()),
            trim(r.industry()),
            trim(r.companySize()),
            timezone,
            locale,
            trim(r.notes()),
            trim(r.website()),
            trim(r.researchText()),
            blank(r.campaignId()) ? "default" : r.campaignId().trim(),
            consentSource,
            consentAt),
        List.of());
  }

  private String phone(List<FieldError> errors, String raw) {
    if (blank(raw)) {
      errors.add(
          new FieldError("phone", "required, in international format such as +5511998765432"));
      return null;
    }
    try {
      Phonenumber.PhoneNumber number = PHONES.parse(raw.trim(), defaultRegion);
      if (!PHONES.isValidNumber(number)) {
        errors.add(new FieldError("phone", "not a valid phone number"));
        return null;
      }
      return PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
    } catch (NumberParseException e) {
      errors.add(new FieldError("phone", "not a phone number: " + e.getMessage()));
      return null;
    }
  }

  private static void required(List<FieldError> errors, String field, String value, int max) {
    if (blank(value)) {
      errors.add(new FieldError(field, "required"));
    } else if (value.length() > max) {
      errors.add(new FieldError(field, "at most " + max + " characters"));
    }
  }

  private static void optional(List<FieldError> errors, String field, String value, int max) {
    if (value != null && value.length() > max) {
      errors.add(new FieldError(field, "at most " + max + " characters"));
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String trim(String s) {
    return blank(s) ? null : s.trim();
  }
}
