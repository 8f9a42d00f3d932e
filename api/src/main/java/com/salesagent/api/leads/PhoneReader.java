package com.salesagent.api.leads;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import com.salesagent.activities.TimeZones;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A lead's phone number read as people write and paste it (libphonenumber): to E.164, in the lead's
 * own countries (its locale's region, its time zone's country) before the configured default
 * region, without the invisible characters a copied number carries, with 00 for + when no region
 * reads it, never a desk phone's extension, Mexico's old mobile form read as today's; and whether a
 * lead id carries the number. {@link LeadValidator} reports what it refuses under {@code phone}.
 */
final class PhoneReader {
  static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

  /** Invisible characters a copied number carries: direction marks, zero-width characters. */
  private static final Pattern INVISIBLE_IN_NUMBERS =
      Pattern.compile("[\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF\\u061C\\u00AD]");

  private final String defaultRegion;

  PhoneReader(String defaultRegion) {
    this.defaultRegion = defaultRegion;
  }

  /**
   * The region an import names for numbers without their country code, upper-cased: two letters
   * libphonenumber knows (US, BR), else a 400 naming {@code region}. Null when none is named.
   */
  static String region(String raw) {
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
                  + (ReadableText.length(raw) > 8 ? ReadableText.cut(raw, 8) + "…" : raw)));
    }
    return region;
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

  /**
   * The lead's own countries, most telling first: its locale's region (pt-BR), then its time zone's
   * country (America/Sao_Paulo is BR). A number written without its country code is read in them
   * before the configured default region.
   */
  static List<String> leadRegions(LeadRequest r) {
    java.util.LinkedHashSet<String> regions = new java.util.LinkedHashSet<>();
    if (!LeadFields.blank(r.locale())) {
      String[] parts = r.locale().trim().split("[-_]");
      if (parts.length > 1 && parts[1].matches("[A-Za-z]{2}")) {
        regions.add(parts[1].toUpperCase(Locale.ROOT));
      }
    }
    String country = LeadFields.blank(r.timezone()) ? null : TimeZones.country(r.timezone());
    if (country != null) {
      regions.add(country);
    }
    return List.copyOf(regions);
  }

  /**
   * The number in E.164, read in the lead's own countries ({@link #leadRegions}) then the default
   * region; null with the reason in {@code errors} (under {@code phone}) when it reads none.
   */
  String read(List<FieldError> errors, String raw, List<String> leadRegions) {
    if (LeadFields.blank(raw)) {
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
   * The number as enrolled today of an E.164 number that may be in Mexico's old mobile form ({@link
   * #withoutMexicosOldMobileOne}); any other number, or one that does not parse, as given.
   */
  static String currentForm(String e164) {
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
  static List<String> spellingsOf(String e164) {
    if (e164 == null || !e164.startsWith("+52") || e164.length() != 13) {
      return java.util.Collections.singletonList(e164);
    }
    String old = "+521" + e164.substring(3);
    return currentForm(old).equals(e164) ? List.of(e164, old) : List.of(e164);
  }

  /**
   * Mexico's mobile numbers took a 1 after +52 until 2019 (+52 1 55 1234 5678); CRMs still hold
   * them so and WhatsApp still reports many Mexican wa_ids with it, but the number is now the one
   * without (+52 55 1234 5678), the only one libphonenumber calls valid. An invalid Mexican number
   * of 11 digits after +52 that starts with that 1 is read without it when that makes it valid; any
   * other number is as parsed.
   */
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
}
