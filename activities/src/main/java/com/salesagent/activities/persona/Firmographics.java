package com.salesagent.activities.persona;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the enrolment fields say about a lead's company and role: industry in the controlled
 * vocabulary ({@code persona/industries.txt}), company-size band, seniority and function from the
 * job title ({@code persona/titles.txt}, en/es/pt), country from the phone number.
 */
public final class Firmographics {
  /** Industries outside the vocabulary. */
  public static final String OTHER = "other";

  private static final Vocabulary INDUSTRIES = Vocabulary.load("/persona/industries.txt", "");
  private static final Vocabulary SENIORITY = Vocabulary.load("/persona/titles.txt", "seniority.");
  private static final Vocabulary FUNCTION = Vocabulary.load("/persona/titles.txt", "function.");
  private static final Pattern FIRST_NUMBER = Pattern.compile("(\\d[\\d,.]*)\\s*(k)?");

  private Firmographics() {}

  /** The canonical industry; {@link #OTHER} for an unknown one, null for none given. */
  public static String industry(String raw) {
    if (raw == null || Text.normalise(raw).isEmpty()) {
      return null;
    }
    String canonical = INDUSTRIES.best(raw);
    return canonical == null ? OTHER : canonical;
  }

  /** The canonical industries of the vocabulary ({@link #OTHER} aside). */
  public static Set<String> industries() {
    return INDUSTRIES.keys();
  }

  /** The size bands {@link #sizeBand} answers, smallest first. */
  public static final List<String> SIZE_BANDS =
      List.of("1-9", "10-49", "50-199", "200-999", "1000-4999", "5000+");

  /** The seniorities {@link #seniority} answers, in the vocabulary's order. */
  public static Set<String> seniorities() {
    return SENIORITY.keys();
  }

  /** The functions {@link #function} answers, in the vocabulary's order. */
  public static Set<String> functions() {
    return FUNCTION.keys();
  }

  /**
   * The size band of a company-size field ("40", "1,200", "200-500" (the first number counts, as
   * for the segment), "5k"): 1-9, 10-49, 50-199, 200-999, 1000-4999, 5000+; null when no number.
   */
  public static String sizeBand(String companySize) {
    Long headcount = headcount(companySize);
    if (headcount == null) {
      return null;
    }
    long n = headcount;
    if (n < 10) {
      return "1-9";
    }
    return n < 50
        ? "10-49"
        : n < 200 ? "50-199" : n < 1000 ? "200-999" : n < 5000 ? "1000-4999" : "5000+";
  }

  /**
   * The people a company-size field counts, by its first number ("40", "1,200", "200-500" -> 200,
   * "5k" -> 5,000, "1.5k" -> 1,500); null when it has no number. The segment's band and the
   * persona's read it alike.
   */
  public static Long headcount(String companySize) {
    if (companySize == null) {
      return null;
    }
    Matcher m = FIRST_NUMBER.matcher(companySize.toLowerCase(java.util.Locale.ROOT));
    if (!m.find()) {
      return null;
    }
    String number = m.group(1).replaceAll("[.,]$", "");
    try {
      if (m.group(2) != null) {
        // "1.5k" and "1,5k": a decimal thousand; "5k": five thousand.
        return Math.round(Double.parseDouble(number.replace(",", ".")) * 1000);
      }
      return Long.parseLong(number.replace(",", "").replace(".", ""));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** c_level, vp, head, director, manager or ic; null when the title says none of them. */
  public static String seniority(String jobTitle) {
    return jobTitle == null ? null : SENIORITY.first(jobTitle);
  }

  /** engineering, it, product, sales, marketing, operations, finance, hr, ...; null if unknown. */
  public static String function(String jobTitle) {
    return jobTitle == null ? null : FUNCTION.first(jobTitle);
  }

  /** The ISO country of an E.164 number ("BR"), null when it cannot be told. */
  public static String country(String phone) {
    if (phone == null || phone.isBlank()) {
      return null;
    }
    try {
      PhoneNumberUtil util = PhoneNumberUtil.getInstance();
      String region = util.getRegionCodeForNumber(util.parse(phone, "ZZ"));
      return region == null || "ZZ".equals(region) ? null : region;
    } catch (NumberParseException e) {
      return null;
    }
  }
}
