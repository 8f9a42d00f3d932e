package com.salesagent.api.leads;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A CSV row of an import, read by its header's columns ({@link CsvHeader}, {@link CsvColumns}): as
 * the lead it asks for, its values without the spreadsheet's formula guard, and as it is echoed in
 * its answer.
 */
final class CsvRows {
  /**
   * The quote a spreadsheet (and the dashboard's failures download) puts before a value that would
   * run as a formula (= + - @, a tab or carriage return first, at the start or after a separator
   * inside the value): taken off on import, so a fixed row goes back in as it was ("-Lee" came back
   * "'-Lee").
   */
  private static final Pattern FORMULA_GUARD =
      Pattern.compile("(?<=^[ \"]{0,16}|[,;\t\r\n][ \"]{0,16})'(?=[=+\\-@\t\r])");

  private CsvRows() {}

  /**
   * A record's values as RFC 4180 reads them (a quoted value may hold the separator, line breaks
   * and doubled quotes), or null when its quotes are not well formed (Jackson then says why).
   */
  static List<String> values(String record, char separator) {
    List<String> out = new ArrayList<>();
    StringBuilder value = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    int i = 0;
    int n = record.length();
    while (i <= n) {
      if (i == n) {
        if (quoted) {
          return null;
        }
        out.add(value.toString());
        break;
      }
      char c = record.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < n && record.charAt(i + 1) == '"') {
            value.append('"');
            i += 2;
            continue;
          }
          quoted = false;
        } else {
          value.append(c);
        }
      } else if (c == separator) {
        out.add(value.toString());
        value.setLength(0);
        wasQuoted = false;
      } else if (c == '"' && !wasQuoted && value.toString().isBlank()) {
        quoted = true;
        wasQuoted = true;
        value.setLength(0);
      } else {
        value.append(c);
      }
      i++;
    }
    return out;
  }

  /** The row of these values under the header's columns (the first value the first column's). */
  static Map<String, String> byColumns(List<String> columns, List<String> values) {
    Map<String, String> row = new LinkedHashMap<>();
    for (int i = 0; i < values.size(); i++) {
      row.put(columns.get(i), values.get(i));
    }
    return row;
  }

  static Map<String, String> unguarded(Map<String, String> row) {
    Map<String, String> out = new LinkedHashMap<>();
    row.forEach(
        (k, v) ->
            out.put(
                k, v == null || v.indexOf('\'') < 0 ? v : FORMULA_GUARD.matcher(v).replaceAll("")));
    return out;
  }

  /** The row as echoed in its answer: ignored columns under the header's own names. */
  static Map<String, String> echoed(Map<String, String> row, Map<String, String> names) {
    if (names.isEmpty()) {
      return row;
    }
    Map<String, String> out = new LinkedHashMap<>();
    row.forEach((k, v) -> out.put(names.getOrDefault(k, k), v));
    return out;
  }

  static LeadRequest lead(Map<String, String> r) {
    String optIn = r.get("consentOptIn");
    return new LeadRequest(
        r.get("leadId"),
        CsvColumns.name(r),
        r.get("phone"),
        r.get("company"),
        r.get("jobTitle"),
        r.get("industry"),
        r.get("companySize"),
        r.get("timezone"),
        r.get("locale"),
        r.get("notes"),
        r.get("website"),
        r.get("researchText"),
        r.get("campaignId"),
        optIn == null && r.get("consentSource") == null && r.get("consentAt") == null
            ? null
            : new LeadRequest.Consent(
                CsvOptIn.value(optIn), r.get("consentSource"), r.get("consentAt")));
  }
}
