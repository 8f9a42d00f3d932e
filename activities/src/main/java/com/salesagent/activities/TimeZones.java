package com.salesagent.activities;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The time zones a lead, an owner or the default may have: a region of the IANA database ({@code
 * Europe/Paris}, {@code America/Sao_Paulo}), whose rules follow its daylight saving time, or UTC
 * ({@code UTC}, {@code Etc/UTC}). A fixed offset ({@code +05:30}, {@code GMT+1}, {@code UTC+2},
 * {@code Etc/GMT-3}) is refused: quiet hours and send windows held to it would drift by an hour
 * across a DST change. Zones read back from storage are still read with {@link ZoneId#of}, so one
 * stored before this rule keeps working.
 */
public final class TimeZones {
  /** The database's fixed offsets written as zones (with POSIX's inverted sign); 0 is UTC. */
  private static final Pattern ETC_OFFSET = Pattern.compile("Etc/GMT[+-]0*[1-9][0-9]*");

  private static final Set<String> REGIONS = ZoneId.getAvailableZoneIds();

  /** What an error says about a refused time zone. */
  public static final String EXPECTED =
      "an IANA time zone region such as Europe/Paris or UTC, not an offset such as +05:30";

  /** The country of each region ({@code tz/zone-countries.tab}, from the tz database). */
  private static final Map<String, String> COUNTRIES = countries();

  private TimeZones() {}

  /**
   * The ISO 3166 country of a region ({@code America/Sao_Paulo} is BR), or null: UTC, a link the
   * database lists under another name, or no region.
   */
  public static String country(String id) {
    return id == null ? null : COUNTRIES.get(id.strip());
  }

  /**
   * The one time zone of a country (ISO 3166: {@code IN} is Asia/Kolkata, {@code AE} Asia/Dubai),
   * or null when it has none or several that keep different local times: a country whose zones all
   * keep the same offsets over the coming year ({@code DE}: Berlin and Busingen; {@code AR}) is the
   * first of them, one whose zones differ ({@code US}, {@code BR}, {@code CN}: Shanghai and Urumqi)
   * has no one time zone and is null (its number does not say which part it is in).
   */
  public static String onlyZoneOf(String country, java.time.Instant now) {
    if (country == null) {
      return null;
    }
    java.util.List<String> zones =
        COUNTRIES.entrySet().stream()
            .filter(e -> e.getValue().equals(country))
            .map(Map.Entry::getKey)
            .filter(REGIONS::contains)
            .sorted()
            .toList();
    return commonZone(zones, now);
  }

  /**
   * The first of these zones when they all keep the same local time over the coming year (the zones
   * libphonenumber gives a number's area code: {@code +1 415} is America/Los_Angeles; a mobile
   * prefix of Australia is six zones that differ), or null: none, an unknown one ({@code
   * Etc/Unknown}), or zones that differ.
   */
  public static String commonZone(java.util.List<String> zones, java.time.Instant now) {
    java.util.List<String> known = zones.stream().filter(REGIONS::contains).toList();
    if (known.isEmpty() || known.size() < zones.size()) {
      return null;
    }
    for (String zone : known.subList(1, known.size())) {
      if (!sameLocalTime(known.get(0), zone, now)) {
        return null;
      }
    }
    return known.get(0);
  }

  /** Whether two zones keep the same offsets, twice a month over the coming year. */
  public static boolean sameLocalTime(String a, String b, java.time.Instant now) {
    java.time.zone.ZoneRules first = ZoneId.of(a).getRules();
    java.time.zone.ZoneRules rules = ZoneId.of(b).getRules();
    for (int day = 0; day <= 366; day += 15) {
      java.time.Instant at = now.plus(java.time.Duration.ofDays(day));
      if (!first.getOffset(at).equals(rules.getOffset(at))) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, String> countries() {
    Map<String, String> countries = new HashMap<>();
    try (InputStream in = TimeZones.class.getResourceAsStream("/tz/zone-countries.tab")) {
      if (in == null) {
        throw new IllegalStateException("tz/zone-countries.tab is missing from the classpath");
      }
      new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
          .lines()
          .filter(line -> !line.isBlank() && !line.startsWith("#"))
          .map(line -> line.split("\t"))
          .forEach(f -> countries.put(f[0], f[1]));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.copyOf(countries);
  }

  /** Whether this id names a region (or UTC) of the IANA database, not a fixed offset. */
  public static boolean isRegion(String id) {
    return id != null && REGIONS.contains(id) && !ETC_OFFSET.matcher(id).matches();
  }
}
