package com.salesagent.api.leads;

import com.salesagent.api.http.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An import row's answer, as its result line gives it: {@code line}, {@code status}, and for a row
 * not enrolled the field to fix ({@code errors}, as a rejected row names them) with the message; a
 * CSV row not enrolled carries its own columns back ({@link #withColumns}), and its errors name the
 * column beside the field, and the file's own header of that column.
 */
final class RowAnswers {
  /** The most columns of a row echoed in its answer, and the most characters of each. */
  static final int MAX_ECHOED_COLUMNS = 100;

  static final int MAX_ECHOED_VALUE = 4_000;

  private RowAnswers() {}

  /** A row rejected before enrolment, naming every bad field. */
  static Map<String, Object> rejected(long line, List<FieldError> errors) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("line", line);
    answer.put("status", "rejected");
    answer.put("errors", errors);
    return answer;
  }

  /**
   * Puts the enrolment's {@code outcome} into the row's {@code answer}: its status and lead, the
   * workflow it started, or why it was not enrolled (the same facts POST /api/leads gives).
   */
  static void outcome(Map<String, Object> answer, Enrolment.Outcome outcome) {
    answer.put("status", outcome.status());
    answer.put("leadId", outcome.leadId());
    // A row not enrolled names its field in errors, as a rejected row does.
    if (outcome.started()) {
      answer.put("workflowId", outcome.workflowId());
    } else if (Enrolment.LEAD_ID_TAKEN.equals(outcome.status())) {
      String message =
          "this leadId is another lead's (another "
              + String.join(" and ", outcome.differs())
              + "): a new lead needs its own leadId";
      answer.put("message", message);
      answer.put("errors", List.of(new FieldError("leadId", message)));
    } else if (Enrolment.LEAD_ERASING.equals(outcome.status())) {
      String message =
          "this leadId's lead is being erased: enrol it again after retryAt, as a new lead";
      answer.put("message", message);
      answer.put("retryAt", outcome.retryAt().toString());
      answer.put("errors", List.of(new FieldError("leadId", message)));
    } else if (outcome.suppression() != null) {
      // The same facts as POST /api/leads says: the source and the date.
      String message = Enrolment.suppressedMessage(outcome.suppression());
      answer.put("message", message);
      answer.put("suppression", Enrolment.suppressionFacts(outcome.suppression()));
      answer.put(
          "errors",
          List.of(new FieldError("phone", "suppressed: " + outcome.suppression().source())));
    } else if (Enrolment.RECENTLY_CONTACTED.equals(outcome.status())) {
      String message = RecentContacts.message(outcome.activeLeadId(), outcome.retryAt());
      answer.put("earlierLeadId", outcome.activeLeadId());
      answer.put("retryAt", outcome.retryAt().toString());
      answer.put("message", message);
      answer.put("errors", List.of(new FieldError("phone", message)));
    } else if (Enrolment.PHONE_ENROLLING.equals(outcome.status())) {
      answer.put("retryAt", outcome.retryAt().toString());
      answer.put("message", RecentContacts.ENROLLING);
      answer.put("errors", List.of(new FieldError("phone", RecentContacts.ENROLLING)));
    } else if (Enrolment.PHONE_ACTIVE.equals(outcome.status())) {
      String message =
          "this number has a live lead in this campaign, "
              + outcome.activeLeadId()
              + " (a duplicate row, or enrolled before): one lead per number and campaign";
      answer.put("activeLeadId", outcome.activeLeadId());
      answer.put("message", message);
      answer.put("errors", List.of(new FieldError("phone", message)));
    } else {
      answer.put("activeLeadId", outcome.activeLeadId());
    }
  }

  /** A row whose lead exists (enrolled now or before): it has nothing to fix. */
  static boolean hasLead(Map<String, Object> answer) {
    return Enrolment.ENROLLED.equals(answer.get("status"))
        || Enrolment.WORKFLOW_STARTED.equals(answer.get("status"))
        || Enrolment.ALREADY_ENROLLED.equals(answer.get("status"));
  }

  /**
   * A CSV row refused or rejected carries its own columns back ({@code columns}, the header's names
   * in the file's order), so the dashboard's failures CSV holds the rows to fix and import again in
   * the same shape. Capped: {@value #MAX_ECHOED_COLUMNS} columns, {@value #MAX_ECHOED_VALUE}
   * characters each ({@code columnsCut}: true when something was left out). The operator's own
   * file, answered to the request that sent it; nothing of it is logged. JSON lines carry none.
   */
  static Map<String, Object> withColumns(Map<String, Object> answer, Map<String, String> columns) {
    return withColumns(answer, columns, Map.of());
  }

  /**
   * As {@link #withColumns(Map, Map)}, each error naming beside its {@code column} the file's own
   * header of it ({@code headers}: {@code phone} -> {@code Phone Number}; {@link
   * CsvHeader#fileHeaders}).
   */
  static Map<String, Object> withColumns(
      Map<String, Object> answer, Map<String, String> columns, Map<String, String> headers) {
    if (columns == null || columns.isEmpty()) {
      return answer;
    }
    Map<String, String> echoed = new LinkedHashMap<>();
    boolean cut = false;
    for (Map.Entry<String, String> c : columns.entrySet()) {
      if (echoed.size() == MAX_ECHOED_COLUMNS) {
        cut = true;
        break;
      }
      String v = c.getValue();
      if (v != null && com.salesagent.api.http.ReadableText.length(v) > MAX_ECHOED_VALUE) {
        v = com.salesagent.api.http.ReadableText.cut(v, MAX_ECHOED_VALUE);
        cut = true;
      }
      echoed.put(c.getKey(), v);
    }
    answer.put("columns", echoed);
    if (answer.get("errors") instanceof List<?> errors) {
      answer.put("errors", byColumn(errors, echoed, headers));
    }
    if (cut) {
      answer.put("columnsCut", true);
    }
    return answer;
  }

  /**
   * A CSV row's errors naming the import's column beside the lead's field ({@code "field":
   * "consent.at", "column": "consentAt"}), and the file's own header of that column ({@code
   * "header": "Consent Date"}, the same as {@code column} when the file used the import's name):
   * the operator fixes a cell of their sheet, not a JSON path. A field no column of the row gives
   * (a name given in parts, {@code row}) has neither.
   */
  private static List<Object> byColumn(
      List<?> errors, Map<String, String> echoed, Map<String, String> headers) {
    List<Object> out = new ArrayList<>(errors.size());
    for (Object e : errors) {
      if (e instanceof FieldError f) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("field", f.field());
        String column = CsvColumns.ofField(f.field());
        if (column != null && echoed.containsKey(column)) {
          error.put("column", column);
          String header = headers.get(column);
          if (header != null) {
            error.put("header", header);
          }
        }
        error.put("message", f.message());
        out.add(error);
      } else {
        out.add(e);
      }
    }
    return out;
  }
}
