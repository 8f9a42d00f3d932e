package com.salesagent.api.leads;

import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.api.http.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of a lead import: validated and enrolled, or rejected naming every bad field, counted
 * ({@link ImportProgress}) and answered ({@link ImportAnswers}). A row whose person asked to be
 * erased while the import was under way is not enrolled, and its record does not keep its columns.
 * {@code recorder} is null for an import not recorded; {@code fileHeaders} is the file's own header
 * of each of the import's columns (a CSV import), named by row errors.
 */
record RowEnrolment(
    LeadValidator validator,
    Enrolment enrolment,
    ImportRecorder recorder,
    ImportProgress progress,
    ImportAnswers answers,
    Map<String, String> fileHeaders) {
  /** A row's status: its person asked to be erased while the import was under way. */
  static final String ERASED_ON_REQUEST = "erased_on_request";

  static final String FORGOTTEN =
      "not enrolled: this number's person asked to be erased while the import was under way"
          + " (their number is not suppressed: a later import or enrolment, with their new"
          + " consent, may enrol them)";

  /** What a row's record says in place of the columns of a person who asked to be erased. */
  static final String ERASED_NOT_RECORDED = "not recorded: this number's person asked to be erased";

  /**
   * One row: validated and enrolled, or rejected naming every bad field. {@code unread} is the
   * row's error the request could not carry (a CSV consentOptIn that is neither yes nor no): it
   * rejects the row and stands for the validator's "not opted in" on the same value.
   */
  void handle(
      long line,
      LeadRequest request,
      FieldError unread,
      Map<String, String> columns,
      FieldError shortRow) {
    if (progress.handledBefore(line)) {
      return;
    }
    progress.row();
    LeadValidator.Result result = validator.validate(request);
    // The row's number as its lead would hold it: what an erasure finds its echoed columns by.
    String phone =
        columns == null
            ? null
            : result.lead() != null ? result.lead().phone() : validator.phoneOf(request);
    if (unread != null) {
      List<FieldError> errors = new ArrayList<>(List.of(unread));
      result.errors().stream()
          .filter(e -> !"consent.whatsappOptIn".equals(e.field()))
          .forEach(errors::add);
      if (shortRow != null) {
        errors.add(shortRow);
      }
      progress.rejected();
      answers.row(
          RowAnswers.withColumns(RowAnswers.rejected(line, errors), columns, fileHeaders),
          phone,
          erasedPerson(phone));
      return;
    }
    if (!result.valid()) {
      progress.rejected();
      List<FieldError> errors = new ArrayList<>(result.errors());
      if (shortRow != null) {
        errors.add(shortRow);
      }
      answers.row(
          RowAnswers.withColumns(RowAnswers.rejected(line, errors), columns, fileHeaders),
          phone,
          erasedPerson(phone));
      return;
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("line", line);
    if (recorder != null && recorder.forgotten(result.lead().phone())) {
      // The person asked to be erased while this import was under way (this row still to come, or
      // handled again after a resume): their file's row does not enrol them again, though the
      // erasure (keepSuppressed=false) suppressed nothing. A later import may, as a new consent.
      progress.refused();
      answer.put("status", ERASED_ON_REQUEST);
      answer.put("message", FORGOTTEN);
      answers.row(RowAnswers.withColumns(answer, columns, fileHeaders), phone, ERASED_NOT_RECORDED);
      return;
    }
    try {
      String number = result.lead().phone();
      Enrolment.Outcome outcome =
          enrolment.enrol(result.lead(), () -> recorder != null && recorder.forgotten(number));
      if (Enrolment.ERASED_ON_REQUEST.equals(outcome.status())) {
        // Asked to be forgotten between the check above and the enrolment's insert: taken back.
        progress.refused();
        answer.put("status", ERASED_ON_REQUEST);
        answer.put("message", FORGOTTEN);
        answers.row(
            RowAnswers.withColumns(answer, columns, fileHeaders), phone, ERASED_NOT_RECORDED);
        return;
      }
      if (Enrolment.PHONE_ACTIVE.equals(outcome.status())
          && (request.leadId() == null || request.leadId().isBlank())
          && enrolment.isLiveLeadOf(outcome.activeLeadId(), result.lead())) {
        // A row without a leadId of its own (the weekly re-import of a CRM file) whose number
        // has this person's live lead in the campaign is that lead: already enrolled, by its id.
        outcome = new Enrolment.Outcome(outcome.activeLeadId(), null, Enrolment.ALREADY_ENROLLED);
      }
      if (Enrolment.ALREADY_ENROLLED.equals(outcome.status())) {
        progress.alreadyEnrolled();
      } else if (outcome.started()) {
        progress.enrolled();
      } else {
        progress.refused();
      }
      RowAnswers.outcome(answer, outcome);
    } catch (RuntimeException e) {
      progress.rejected();
      answer.put("status", "error");
      answer.put("leadId", result.lead().leadId());
      answer.put("message", "stored but not started, enrol it again: " + e.getMessage());
    }
    // A row whose lead exists (enrolled now or before) has nothing to fix: no columns back.
    if (erased(answer)) {
      // The person asked to be erased: the operator's answer echoes the row, its record does not
      // (a CRM file imported again every week would keep it on the server for IMPORT_RETENTION).
      answers.row(RowAnswers.withColumns(answer, columns, fileHeaders), phone, ERASED_NOT_RECORDED);
      return;
    }
    answers.row(
        RowAnswers.hasLead(answer) ? answer : RowAnswers.withColumns(answer, columns, fileHeaders),
        phone);
  }

  /**
   * A row rejected before it could be read as a lead (unreadable CSV or JSON, a line too long):
   * counted and answered with its errors.
   */
  void reject(long line, List<FieldError> errors) {
    progress.row();
    progress.rejected();
    answers.row(RowAnswers.rejected(line, errors));
  }

  /**
   * {@link #ERASED_NOT_RECORDED} for a rejected row (never enrolled, so never told the number's
   * suppression) whose number an erasure suppressed; else null.
   */
  private String erasedPerson(String phone) {
    return phone != null
            && recorder != null
            && (enrolment.erasedNumber(phone) || recorder.forgotten(phone))
        ? ERASED_NOT_RECORDED
        : null;
  }

  /** A row refused because its lead is being erased or its number was suppressed by an erasure. */
  private static boolean erased(Map<String, Object> answer) {
    return Enrolment.LEAD_ERASING.equals(answer.get("status"))
        || (answer.get("suppression") instanceof Map<?, ?> s
            && Suppressions.ERASURE.equals(s.get("source")));
  }
}
