package com.salesagent.api.leads;

import java.util.LinkedHashMap;
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
