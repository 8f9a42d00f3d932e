package com.salesagent.api.leads;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a lead and normalises it: phone to E.164 (libphonenumber), time zone (an IANA region,
 * never an offset), locale (BCP 47), consent (required, opted in, with source and time). Every bad
 * field is reported.
 */
public class LeadValidator {
  private static final Pattern LEAD_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

  /**
   * A campaign id: it is shown and filtered on in the dashboard and used in queries, so letters,
   * digits, '-' and '_' only (as a HubSpot import's campaign).
   */
  static final Pattern CAMPAIGN_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /**
   * A company size: a count of employees ("40", "1,200", "5k", "1000+", "12000 employees") or a
   * range ("11-50"), never negative nor fractional.
   */
  private static final Pattern COMPANY_SIZE =
      Pattern.compile(
          "(\\d{1,3}(?:,\\d{3})+|\\d+)(k?)(?:\\s*[-\u2013]\\s*(\\d{1,3}(?:,\\d{3})+|\\d+)(k?)|\\+)?"
              + "(?:\\s+employees)?",
          Pattern.CASE_INSENSITIVE);

  /** The earliest consent time taken: an older one is a typo or a placeholder. */
  static final Instant EARLIEST_CONSENT = Instant.parse("2000-01-01T00:00:00Z");

  /** How far in the future a consent time may be (clocks differ a little). */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  /** Bidi overrides and isolates, and the marks that reorder text: they disguise what it says. */
  private static final Pattern BIDI =
      Pattern.compile("[\\u202A-\\u202E\\u2066-\\u2069\\u200E\\u200F\\u061C]");

  /** Invisible characters a copied number carries: direction marks, zero-width characters. */
  private static final Pattern INVISIBLE_IN_NUMBERS =
      Pattern.compile("[\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF\\u061C\\u00AD]");

  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
  private static final Pattern CONTROL_BUT_LINES = Pattern.compile("[\\p{Cntrl}&&[^\\n\\t]]");
  private static final Pattern VISIBLE = Pattern.compile("[\\p{L}\\p{N}]");

  private final String defaultTimezone;
  private final String defaultRegion;
  private final Clock clock;

  public LeadValidator(String defaultTimezone, String defaultRegion) {
    this(defaultTimezone, defaultRegion, Clock.systemUTC());
  }

  public LeadValidator(String defaultTimezone, String defaultRegion, Clock clock) {
    this.defaultTimezone = defaultTimezone;
    this.defaultRegion = defaultRegion;
    this.clock = clock;
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
    if (raw == null) {
      return null;
    }
    String region = raw.strip().toUpperCase(Locale.ROOT);
    if (!region.matches("[A-Z]{2}") || !PHONES.getSupportedRegions().contains(region)) {
      throw new com.salesagent.api.http.ApiException(
          400,
          "region is the two-letter country of numbers written without their country code, such"
              + " as US or BR",
          new FieldError(
              "region",
              "not a country libphonenumber knows: "
                  + (raw.length() > 8 ? raw.substring(0, 8) + "…" : raw)));
    }
    return region;
  }

  /**
   * A one-line field without control or bidi characters (a newline or tab becomes a space, runs of
   * spaces one), or null when nothing visible is left.
   */
  static String line(String s) {
    if (s == null) {
      return null;
    }
    String cleaned =
        BIDI.matcher(CONTROL.matcher(s).replaceAll(" "))
            .replaceAll("")
            .replaceAll(" {2,}", " ")
            .strip();
    return VISIBLE.matcher(cleaned).find() ? cleaned : null;
  }

  /** A multi-line field: lines and tabs kept, other control and bidi characters removed. */
  static String text(String s) {
    if (s == null) {
      return null;
    }
    String cleaned =
        BIDI.matcher(CONTROL_BUT_LINES.matcher(s.replace("\r\n", "\n")).replaceAll(""))
            .replaceAll("")
            .strip();
    return cleaned.isEmpty() ? null : cleaned;
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
    readable(errors, "name", r.name());
    readable(errors, "company", r.company());
    readable(errors, "jobTitle", r.jobTitle());
    readable(errors, "industry", r.industry());
    readable(errors, "companySize", r.companySize());
    readable(errors, "notes", r.notes());
    readable(errors, "researchText", r.researchText());
    if (r.consent() != null) {
      readable(errors, "consent.source", r.consent().source());
    }
    String name = line(r.name());
    String company = line(r.company());
    String jobTitle = line(r.jobTitle());
    String industry = line(r.industry());
    String companySize = line(r.companySize());
    String campaignId = line(r.campaignId());
    String notes = text(r.notes());
    String researchText = text(r.researchText());
    required(errors, "name", r.name(), name, 200);
    required(errors, "company", r.company(), company, 200);
    optional(errors, "jobTitle", jobTitle, 200);
    optional(errors, "industry", industry, 200);
    optional(errors, "companySize", companySize, 50);
    plain(errors, "name", name);
    plain(errors, "company", company);
    plain(errors, "jobTitle", jobTitle);
    plain(errors, "industry", industry);
    optional(errors, "notes", notes, 20_000);
    optional(errors, "researchText", researchText, 200_000);
    if (campaignId != null && !CAMPAIGN_ID.matcher(campaignId).matches()) {
      errors.add(new FieldError("campaignId", "1-64 letters, digits, '-' or '_'"));
    }
    if (companySize != null && companySize.length() <= 50 && !companySize(companySize)) {
      errors.add(
          new FieldError(
              "companySize",
              "a number of employees (0 or more) such as 40, 1,200, 5k or a range such as 11-50"));
    }
    String phone = phone(errors, r.phone(), leadRegions(r));
    if (phone != null && !blank(r.leadId()) && holdsPhone(leadId, phone)) {
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
        && holdsPhone(campaignId, phone)) {
      errors.add(
          new FieldError(
              "campaignId",
              "holds the lead's phone number: the campaign id is a search attribute of the lead's"
                  + " workflow (CampaignId) that Temporal and its Web UI show, where no phone"
                  + " number may be (a CRM column mapped to the wrong field?)"));
    }
    if (name != null && !blank(r.leadId()) && holdsName(leadId, name)) {
      errors.add(
          new FieldError(
              "leadId",
              "holds the lead's name: the lead id is the workflow id (lead-<leadId>) that"
                  + " Temporal, its Web UI and the logs show, where no name may be; use the CRM's"
                  + " record id, or leave it out for a generated one"));
    }
    String timezone = blank(r.timezone()) ? timezoneOf(phone) : r.timezone().trim();
    if (!TimeZones.isRegion(timezone)) {
      errors.add(new FieldError("timezone", TimeZones.EXPECTED));
    }
    // "pt_BR" is how WhatsApp's template languages are written: the same tag as "pt-BR".
    String locale = blank(r.locale()) ? "en" : r.locale().trim().replace('_', '-');
    try {
      new Locale.Builder().setLanguageTag(locale);
    } catch (IllformedLocaleException e) {
      errors.add(new FieldError("locale", "not a BCP 47 language tag such as en or pt-BR"));
    }
    optional(errors, "website", r.website(), 2048);
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
      consentSource = line(r.consent().source());
      if (consentSource == null) {
        errors.add(new FieldError("consent.source", "required: where the lead opted in"));
      } else if (consentSource.length() > 200) {
        errors.add(new FieldError("consent.source", "at most 200 characters"));
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
            trim(r.website()),
            researchText,
            campaignId == null ? "default" : campaignId,
            consentSource,
            consentAt),
        List.of());
  }

  /**
   * The time zone of a lead enrolled without one: its number's country's, when the country has one
   * ({@link TimeZones#onlyZoneOf}: +91 is Asia/Kolkata, +81 Asia/Tokyo), else its area code's
   * (libphonenumber's map: +1 415 is America/Los_Angeles, +55 11 America/Sao_Paulo), else
   * DEFAULT_TIMEZONE (also when it keeps the same local time as the number's zone). Quiet hours are
   * held in it: an Japanese lead enrolled without a time zone on a server whose default is UTC was
   * sent its first contact at 23:00 in Tokyo, and an Indian lead's send window was 13:30 to 01:30
   * its time.
   */
  private String timezoneOf(String e164) {
    if (e164 == null) {
      return defaultTimezone;
    }
    com.google.i18n.phonenumbers.Phonenumber.PhoneNumber number;
    try {
      number = PHONES.parse(e164, null);
    } catch (NumberParseException e) {
      return defaultTimezone;
    }
    java.time.Instant now = clock.instant();
    String country = PHONES.getRegionCodeForNumber(number);
    // A country of one local time by its own name (Asia/Kolkata, not the area-code map's
    // Asia/Calcutta); else the zone of the number's area code where it has one (+1 415 is
    // America/Los_Angeles, +55 92 America/Manaus); a mobile prefix of a country of several (+61 4,
    // +7 9) says nothing.
    String zone = country == null ? null : TimeZones.onlyZoneOf(country, now);
    if (zone == null) {
      zone = TimeZones.commonZone(ZONES_BY_NUMBER.getTimeZonesForNumber(number), now);
    }
    if (zone == null && country != null && country.equals(TimeZones.country(defaultTimezone))) {
      return defaultTimezone;
    }
    // DEFAULT_TIMEZONE when it keeps the same local time (the operator's choice of name for it).
    return zone == null || TimeZones.sameLocalTime(zone, defaultTimezone, now)
        ? defaultTimezone
        : zone;
  }

  private static final com.google.i18n.phonenumbers.PhoneNumberToTimeZonesMapper ZONES_BY_NUMBER =
      com.google.i18n.phonenumbers.PhoneNumberToTimeZonesMapper.getInstance();

  /**
   * The request's number in E.164 as {@link #validate} reads it (in the lead's own countries, then
   * the default region), or null when it reads none; whatever else the request gets wrong.
   */
  public String phoneOf(LeadRequest r) {
    if (r == null) {
      return null;
    }
    List<FieldError> errors = new ArrayList<>();
    String phone = phone(errors, r.phone(), leadRegions(r));
    return errors.isEmpty() ? phone : null;
  }

  /** The number in E.164, or null when it is not a valid phone number. */
  public String normalisePhone(String raw) {
    List<FieldError> errors = new ArrayList<>();
    String phone = phone(errors, raw);
    return errors.isEmpty() ? phone : null;
  }

  /**
   * Whether the lead id spells the lead's name ("ana.souza", "souza-7", "asouza"): two words of the
   * name (two letters or more) that are whole words of the id (its letters between digits and . _ :
   * -), or one word of five letters or more anywhere in it; accents and case aside. A short given
   * name alone ("ana_1", "sim-3" for "Sim Lead 3") identifies nobody and is taken: refusing it
   * refused ordinary ids that share a short word with a name.
   */
  static boolean holdsName(String leadId, String name) {
    String id = folded(leadId);
    java.util.Set<String> idWords = new java.util.HashSet<>(List.of(id.split("[^a-z]+")));
    java.util.Set<String> whole = new java.util.HashSet<>();
    for (String word : folded(name).split("[^a-z]+")) {
      if (word.length() >= 5 && id.contains(word)) {
        return true;
      }
      if (word.length() >= 2 && idWords.contains(word)) {
        whole.add(word);
      }
    }
    return whole.size() >= 2;
  }

  /** Lower case without accents ("Zoë Ñúñez" -> "zoe nunez"). */
  private static String folded(String text) {
    return java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFD)
        .replaceAll("\\p{M}+", "")
        .toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Whether a lead id carries the lead's number: its digits, as one run once separators are
   * dropped, hold the number's national significant number (at least 7 digits), with or without the
   * country code.
   */
  static boolean holdsPhone(String leadId, String e164) {
    try {
      String national = PHONES.getNationalSignificantNumber(PHONES.parse(e164, null));
      if (national.length() < 7) {
        return false;
      }
      for (String run : leadId.split("[^0-9._:\\-]+")) {
        if (run.replaceAll("[^0-9]", "").contains(national)) {
          return true;
        }
      }
      return false;
    } catch (NumberParseException e) {
      return false;
    }
  }

  private String phone(List<FieldError> errors, String raw) {
    return phone(errors, raw, List.of());
  }

  /**
   * The lead's own countries, most telling first: its locale's region (pt-BR), then its time zone's
   * country (America/Sao_Paulo is BR). A number written without its country code is read in them
   * before the configured default region.
   */
  private static List<String> leadRegions(LeadRequest r) {
    java.util.LinkedHashSet<String> regions = new java.util.LinkedHashSet<>();
    if (!blank(r.locale())) {
      String[] parts = r.locale().trim().split("[-_]");
      if (parts.length > 1 && parts[1].matches("[A-Za-z]{2}")) {
        regions.add(parts[1].toUpperCase(Locale.ROOT));
      }
    }
    String country = blank(r.timezone()) ? null : TimeZones.country(r.timezone());
    if (country != null) {
      regions.add(country);
    }
    return List.copyOf(regions);
  }

  private String phone(List<FieldError> errors, String raw, List<String> leadRegions) {
    if (blank(raw)) {
      errors.add(
          new FieldError("phone", "required, in international format such as +5511998765432"));
      return null;
    }
    // Direction marks and zero-width characters a number copied from a right-to-left page, a chat
    // or a spreadsheet carries ("+91\u200E9876543210" was "not a phone number").
    String written = INVISIBLE_IN_NUMBERS.matcher(raw).replaceAll("").trim();
    java.util.LinkedHashSet<String> regions = new java.util.LinkedHashSet<>(leadRegions);
    regions.add(defaultRegion);
    NumberParseException unreadable = null;
    boolean read = false;
    // The valid reading of each of the lead's own countries, then of the default region.
    java.util.Map<String, String> valid = new java.util.LinkedHashMap<>();
    for (String region : regions) {
      if (!valid.isEmpty() && !leadRegions.contains(region)) {
        break; // the lead's own countries read it: the default region is not asked
      }
      try {
        Phonenumber.PhoneNumber number = withoutMexicosOldMobileOne(PHONES.parse(written, region));
        read = true;
        if (PHONES.isValidNumber(number)) {
          valid.put(region, PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
        }
      } catch (NumberParseException e) {
        unreadable = unreadable == null ? e : unreadable;
      }
      if (written.startsWith("+")) {
        break; // its country code says where it is: no region reads it otherwise
      }
    }
    if (valid.isEmpty()) {
      String international = withoutInternationalPrefix(written);
      if (international != null) {
        try {
          Phonenumber.PhoneNumber number =
              withoutMexicosOldMobileOne(PHONES.parse(international, null));
          if (PHONES.isValidNumber(number)) {
            read = true;
            valid.put("00", PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
          }
        } catch (NumberParseException e) {
          // not one either: the refusal below says what was tried
        }
      }
    }
    if (!valid.isEmpty() && hasExtension(written, regions)) {
      errors.add(
          new FieldError(
              "phone",
              "has an extension: WhatsApp reaches a mobile number, never a desk phone's"
                  + " extension (the message would go to the switchboard's number); give the"
                  + " lead's own number without it"));
      return null;
    }
    java.util.Set<String> numbers = new java.util.LinkedHashSet<>(valid.values());
    if (numbers.size() > 1) {
      // Two of the lead's countries read different numbers (a US number without +1 is a valid
      // Brazilian landline too): no guess, whichever country comes first.
      errors.add(
          new FieldError(
              "phone",
              "a number without its country code that reads differently in "
                  + String.join(" and ", valid.keySet())
                  + " (the lead's locale and time zone): write it with its country code, such as"
                  + " +5511998765432"));
      return null;
    }
    if (numbers.size() == 1) {
      return numbers.iterator().next();
    }
    if (!read) {
      errors.add(new FieldError("phone", "not a phone number: " + unreadable.getMessage()));
    } else if (written.startsWith("+")) {
      errors.add(new FieldError("phone", "not a valid phone number"));
    } else {
      errors.add(
          new FieldError(
              "phone",
              "not a valid phone number of "
                  + String.join(" or ", regions)
                  + " (a number without its country code is read as one of the lead's locale or"
                  + " time zone, else DEFAULT_PHONE_REGION's): write it with its country code, such"
                  + " as +5511998765432"));
    }
    return null;
  }

  /**
   * A number written with 00, the international call prefix of most of the world, before its
   * country code ("0049 30 901820", as Europe writes it) as "+49 30 901820", or null. It is tried
   * only when no region reads the number as written (a US default read "0049..." as no number and
   * refused it as "not a valid phone number of US").
   */
  private static String withoutInternationalPrefix(String written) {
    String s = written.replaceFirst("^[^0-9+]+", "");
    return s.startsWith("00") && s.length() > 2 && s.charAt(2) != '0' ? "+" + s.substring(2) : null;
  }

  /** Whether a region the number is read in finds an extension on it ("ext. 12", "x33"). */
  private static boolean hasExtension(String written, java.util.Collection<String> regions) {
    for (String region : regions) {
      try {
        if (PHONES.parse(written, region).hasExtension()) {
          return true;
        }
      } catch (NumberParseException e) {
        // not read in this region
      }
      if (written.startsWith("+")) {
        break;
      }
    }
    return false;
  }

  /**
   * Mexico's mobile numbers took a 1 after +52 until 2019 (+52 1 55 1234 5678); CRMs still hold
   * them so and WhatsApp still reports many Mexican wa_ids with it, but the number is now the one
   * without (+52 55 1234 5678), the only one libphonenumber calls valid. An invalid Mexican number
   * of 11 digits after +52 that starts with that 1 is read without it when that makes it valid; any
   * other number is as parsed.
   */
  /**
   * The number as enrolled today of an E.164 number that may be in Mexico's old mobile form ({@link
   * #withoutMexicosOldMobileOne}); any other number, or one that does not parse, as given.
   */
  public static String currentForm(String e164) {
    try {
      Phonenumber.PhoneNumber number = PHONES.parse(e164, null);
      Phonenumber.PhoneNumber current = withoutMexicosOldMobileOne(number);
      return current == number
          ? e164
          : PHONES.format(current, PhoneNumberUtil.PhoneNumberFormat.E164);
    } catch (NumberParseException e) {
      return e164;
    }
  }

  /**
   * The spellings a suppression of this E.164 number may be stored under: the number, and for a
   * Mexican mobile number the old form with its 1 after +52 too (a STOP from such a wa_id was
   * suppressed under that form alone before the form without was added).
   */
  public static List<String> spellingsOf(String e164) {
    if (e164 == null || !e164.startsWith("+52") || e164.length() != 13) {
      return java.util.Collections.singletonList(e164);
    }
    String old = "+521" + e164.substring(3);
    return currentForm(old).equals(e164) ? List.of(e164, old) : List.of(e164);
  }

  static Phonenumber.PhoneNumber withoutMexicosOldMobileOne(Phonenumber.PhoneNumber number) {
    if (number.getCountryCode() != 52 || PHONES.isValidNumber(number)) {
      return number;
    }
    String national = PHONES.getNationalSignificantNumber(number);
    if (national.length() != 11 || national.charAt(0) != '1') {
      return number;
    }
    Phonenumber.PhoneNumber without =
        new Phonenumber.PhoneNumber()
            .setCountryCode(52)
            .setNationalNumber(Long.parseLong(national.substring(1)));
    return PHONES.isValidNumber(without) ? without : number;
  }

  private static void required(
      List<FieldError> errors, String field, String raw, String value, int max) {
    if (blank(raw)) {
      errors.add(new FieldError(field, "required"));
    } else if (value == null) {
      errors.add(
          new FieldError(field, "required: only invisible or control characters were given"));
    } else if (value.length() > max) {
      errors.add(new FieldError(field, "at most " + max + " characters"));
    }
  }

  /** An HTML tag or character reference: not a name, and sent to the lead as written. */
  private static final Pattern MARKUP =
      Pattern.compile("<\\s*/?\\s*[A-Za-z!?][^>]*>|&(#\\d{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});");

  /** A field a template fills: plain text, as the lead will read it. */
  private static void plain(List<FieldError> errors, String field, String value) {
    if (value != null && MARKUP.matcher(value).find()) {
      errors.add(
          new FieldError(field, "plain text only: no HTML tags or entities such as <b> or &amp;"));
    }
  }

  private static void optional(List<FieldError> errors, String field, String value, int max) {
    if (value != null && value.length() > max) {
      errors.add(new FieldError(field, "at most " + max + " characters"));
    }
  }

  private static void readable(List<FieldError> errors, String field, String raw) {
    if (ReadableText.unreadable(raw)) {
      errors.add(new FieldError(field, ReadableText.MESSAGE));
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String trim(String s) {
    return blank(s) ? null : s.trim();
  }

  /** A company size in one of {@link #COMPANY_SIZE}'s forms, a range not upside down. */
  static boolean companySize(String size) {
    Matcher m = COMPANY_SIZE.matcher(size.trim());
    if (!m.matches()) {
      return false;
    }
    if (m.group(3) == null) {
      return true;
    }
    return count(m.group(1), m.group(2)) <= count(m.group(3), m.group(4));
  }

  private static double count(String digits, String thousands) {
    return Double.parseDouble(digits.replace(",", "")) * (thousands.isEmpty() ? 1 : 1000);
  }
}
