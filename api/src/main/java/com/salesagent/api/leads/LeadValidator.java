package com.salesagent.api.leads;

import com.salesagent.activities.TimeZones;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Checks a lead and normalises it: phone to E.164 (libphonenumber: {@link PhoneReader}), time zone
 * (an IANA region, never an offset; one from the number where none is given: {@link
 * LeadTimeZones}), locale (BCP 47), consent (required, opted in, with source and time), text fields
 * cleaned ({@link LeadFields}). Every bad field is reported.
 */
public class LeadValidator {
  private static final Pattern LEAD_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  /**
   * A campaign id: it is shown and filtered on in the dashboard and used in queries, so letters,
   * digits, '-' and '_' only (as a HubSpot import's campaign).
   */
  static final Pattern CAMPAIGN_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** The earliest consent time taken: an older one is a typo or a placeholder. */
  static final Instant EARLIEST_CONSENT = Instant.parse("2000-01-01T00:00:00Z");

  /** How far in the future a consent time may be (clocks differ a little). */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private final String defaultTimezone;
  private final Clock clock;
  private final PhoneReader phones;
  private final LeadTimeZones zones;

  public LeadValidator(String defaultTimezone, String defaultRegion) {
    this(defaultTimezone, defaultRegion, Clock.systemUTC());
  }

  public LeadValidator(String defaultTimezone, String defaultRegion, Clock clock) {
    this.defaultTimezone = defaultTimezone;
    this.clock = clock;
    this.phones = new PhoneReader(defaultRegion);
    this.zones = new LeadTimeZones(defaultTimezone, clock);
  }

  /**
   * This validator with {@code region} in place of DEFAULT_PHONE_REGION (an import's {@code
   * ?region=}: a file of one country's numbers without their country code, on a server whose
   * default is another's). The lead's own locale and time zone still come first.
   */
  public LeadValidator withRegion(String region) {
    return new LeadValidator(defaultTimezone, region, clock);
  }

  /**
   * The region an import names for numbers without their country code, upper-cased: two letters
   * libphonenumber knows (US, BR), else a 400 naming {@code region}. Null when none is named.
   */
  public static String region(String raw) {
    return PhoneReader.region(raw);
  }

  /**
   * The number as enrolled today of an E.164 number that may be in Mexico's old mobile form (+52 1
   * ...); any other number, or one that does not parse, as given.
   */
  public static String currentForm(String e164) {
    return PhoneReader.currentForm(e164);
  }

  /**
   * The spellings a suppression of this E.164 number may be stored under: the number, and for a
   * Mexican mobile number the old form with its 1 after +52 too.
   */
  public static List<String> spellingsOf(String e164) {
    return PhoneReader.spellingsOf(e164);
  }

  /**
   * A one-line field without control or bidi characters (a newline or tab becomes a space, runs of
   * spaces one), or null when nothing visible is left.
   */
  static String line(String s) {
    return LeadFields.line(s);
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
    String leadId = LeadFields.blank(r.leadId()) ? UUID.randomUUID().toString() : r.leadId().trim();
    if (!LEAD_ID.matcher(leadId).matches()) {
      errors.add(new FieldError("leadId", "1-64 characters among letters, digits and . _ : -"));
    }
    LeadFields.readable(errors, "name", r.name());
    LeadFields.readable(errors, "company", r.company());
    LeadFields.readable(errors, "jobTitle", r.jobTitle());
    LeadFields.readable(errors, "industry", r.industry());
    LeadFields.readable(errors, "companySize", r.companySize());
    LeadFields.readable(errors, "notes", r.notes());
    LeadFields.readable(errors, "researchText", r.researchText());
    if (r.consent() != null) {
      LeadFields.readable(errors, "consent.source", r.consent().source());
    }
    String name = LeadFields.line(r.name());
    String company = LeadFields.line(r.company());
    String jobTitle = LeadFields.line(r.jobTitle());
    String industry = LeadFields.line(r.industry());
    String companySize = LeadFields.line(r.companySize());
    String campaignId = LeadFields.line(r.campaignId());
    String notes = LeadFields.text(r.notes());
    String researchText = LeadFields.text(r.researchText());
    LeadFields.required(errors, "name", r.name(), name, 200);
    LeadFields.required(errors, "company", r.company(), company, 200);
    LeadFields.optional(errors, "jobTitle", jobTitle, 200);
    LeadFields.optional(errors, "industry", industry, 200);
    LeadFields.optional(errors, "companySize", companySize, 50);
    LeadFields.plain(errors, "name", name);
    LeadFields.plain(errors, "company", company);
    LeadFields.plain(errors, "jobTitle", jobTitle);
    LeadFields.plain(errors, "industry", industry);
    LeadFields.optional(errors, "notes", notes, 20_000);
    LeadFields.optional(errors, "researchText", researchText, 200_000);
    if (campaignId != null && !CAMPAIGN_ID.matcher(campaignId).matches()) {
      errors.add(new FieldError("campaignId", "1-64 letters, digits, '-' or '_'"));
    }
    if (companySize != null && companySize.length() <= 50 && !LeadFields.companySize(companySize)) {
      errors.add(
          new FieldError(
              "companySize",
              "a number of employees (0 or more) such as 40, 1,200, 5k or a range such as 11-50"));
    }
    String phone = phones.read(errors, r.phone(), PhoneReader.leadRegions(r));
    if (phone != null && !LeadFields.blank(r.leadId()) && PhoneReader.holdsPhone(leadId, phone)) {
      errors.add(
          new FieldError(
              "leadId",
              "holds the lead's phone number: the lead id is the workflow id (lead-<leadId>) that"
                  + " Temporal, its Web UI and the logs show, where no phone number may be; use"
                  + " the CRM's record id, or leave it out for a generated one"));
    }
    if (phone != null
        && campaignId != null
        && CAMPAIGN_ID.matcher(campaignId).matches()
        && PhoneReader.holdsPhone(campaignId, phone)) {
      errors.add(
          new FieldError(
              "campaignId",
              "holds the lead's phone number: the campaign id is a search attribute of the lead's"
                  + " workflow (CampaignId) that Temporal and its Web UI show, where no phone"
                  + " number may be (a CRM column mapped to the wrong field?)"));
    }
    if (name != null && !LeadFields.blank(r.leadId()) && LeadFields.holdsName(leadId, name)) {
      errors.add(
          new FieldError(
              "leadId",
              "holds the lead's name: the lead id is the workflow id (lead-<leadId>) that"
                  + " Temporal, its Web UI and the logs show, where no name may be; use the CRM's"
                  + " record id, or leave it out for a generated one"));
    }
    String timezone = LeadFields.blank(r.timezone()) ? zones.of(phone) : r.timezone().trim();
    if (!TimeZones.isRegion(timezone)) {
      errors.add(new FieldError("timezone", TimeZones.EXPECTED));
    }
    // "pt_BR" is how WhatsApp's template languages are written: the same tag as "pt-BR".
    String locale = LeadFields.blank(r.locale()) ? "en" : r.locale().trim().replace('_', '-');
    try {
      new Locale.Builder().setLanguageTag(locale);
    } catch (IllformedLocaleException e) {
      errors.add(new FieldError("locale", "not a BCP 47 language tag such as en or pt-BR"));
    }
    LeadFields.optional(errors, "website", r.website(), 2048);
    if (!LeadFields.blank(r.website())) {
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
      consentSource = LeadFields.line(r.consent().source());
      if (consentSource == null) {
        errors.add(new FieldError("consent.source", "required: where the lead opted in"));
      } else if (ReadableText.length(consentSource) > 200) {
        errors.add(new FieldError("consent.source", "at most 200 characters"));
      }
      if (LeadFields.blank(r.consent().at())) {
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
        if (consentAt != null && consentAt.isBefore(EARLIEST_CONSENT)) {
          errors.add(
              new FieldError(
                  "consent.at", "is before 2000-01-01: give the time the lead actually opted in"));
        }
        if (consentAt != null && consentAt.isAfter(clock.instant().plus(CLOCK_SKEW))) {
          errors.add(
              new FieldError(
                  "consent.at", "is in the future: give the time the lead actually opted in"));
        }
      }
    }
    if (!errors.isEmpty()) {
      return new Result(null, errors);
    }
    return new Result(
        new Lead(
            leadId,
            name,
            phone,
            company,
            jobTitle,
            industry,
            companySize,
            timezone,
            locale,
            notes,
            LeadFields.trim(r.website()),
            researchText,
            campaignId == null ? "default" : campaignId,
            consentSource,
            consentAt),
        List.of());
  }

  /**
   * The request's number in E.164 as {@link #validate} reads it (in the lead's own countries, then
   * the default region), or null when it reads none; whatever else the request gets wrong.
   */
  public String phoneOf(LeadRequest r) {
    if (r == null) {
      return null;
    }
    List<FieldError> errors = new ArrayList<>();
    String phone = phones.read(errors, r.phone(), PhoneReader.leadRegions(r));
    return errors.isEmpty() ? phone : null;
  }

  /** The number in E.164, or null when it is not a valid phone number. */
  public String normalisePhone(String raw) {
    List<FieldError> errors = new ArrayList<>();
    String phone = phones.read(errors, raw, List.of());
    return errors.isEmpty() ? phone : null;
  }
}
