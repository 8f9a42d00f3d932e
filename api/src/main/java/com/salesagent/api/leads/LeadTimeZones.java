package com.salesagent.api.leads;

import com.google.i18n.phonenumbers.NumberParseException;
import com.salesagent.activities.TimeZones;
import java.time.Clock;

/**
 * The time zone of a lead enrolled without one, from its number ({@link LeadValidator} checks one
 * given): an IANA region, never an offset, so that quiet hours and the send window are the lead's.
 */
final class LeadTimeZones {
  private final String defaultTimezone;
  private final Clock clock;

  LeadTimeZones(String defaultTimezone, Clock clock) {
    this.defaultTimezone = defaultTimezone;
    this.clock = clock;
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
  String of(String e164) {
    if (e164 == null) {
      return defaultTimezone;
    }
    com.google.i18n.phonenumbers.Phonenumber.PhoneNumber number;
    try {
      number = PhoneReader.PHONES.parse(e164, null);
    } catch (NumberParseException e) {
      return defaultTimezone;
    }
    java.time.Instant now = clock.instant();
    String country = PhoneReader.PHONES.getRegionCodeForNumber(number);
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
}
