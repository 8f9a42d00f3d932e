package com.salesagent.api.owners;

import com.fasterxml.jackson.databind.JsonNode;
import com.salesagent.activities.handoff.WorkingHours;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.ReadableText;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * The checks of an owner's fields as {@code PUT /api/owners/{ownerId}} ({@link OwnersResource#put})
 * reads them: working hours, time off and a line of text, each error added naming its field.
 */
final class OwnerFields {
  static final Pattern HH_MM = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d");

  /** At most this many time-off ranges per owner, each at most {@link #MAX_TIME_OFF_DAYS} days. */
  static final int MAX_TIME_OFF = 20;

  static final int MAX_TIME_OFF_DAYS = 366;

  private OwnerFields() {}

  static Document hours(JsonNode h, ZoneId zone, List<FieldError> errors) {
    if (h.isMissingNode() || h.isNull()) {
      return null; // always working: the SLA counts every hour
    }
    if (!h.isObject()) {
      errors.add(new FieldError("workingHours", "{start, end, days}"));
      return null;
    }
    String start = h.path("start").isTextual() ? h.path("start").textValue() : null;
    String end = h.path("end").isTextual() ? h.path("end").textValue() : null;
    if (start == null || !HH_MM.matcher(start).matches()) {
      errors.add(new FieldError("workingHours.start", "HH:mm, e.g. 09:00"));
    }
    if (end == null || !HH_MM.matcher(end).matches()) {
      errors.add(new FieldError("workingHours.end", "HH:mm, e.g. 18:00"));
    }
    List<Integer> days = new ArrayList<>();
    JsonNode d = h.path("days");
    if (d.isMissingNode()) {
      days.addAll(List.of(1, 2, 3, 4, 5));
    } else if (!d.isArray() || d.isEmpty() || d.size() > 7) {
      errors.add(new FieldError("workingHours.days", "1 to 7 days, 1 Monday to 7 Sunday"));
    } else {
      for (JsonNode day : d) {
        if (!day.isInt() || day.intValue() < 1 || day.intValue() > 7) {
          errors.add(new FieldError("workingHours.days", "1 Monday to 7 Sunday"));
          break;
        }
        if (!days.contains(day.intValue())) {
          days.add(day.intValue());
        }
      }
    }
    if (errors.stream().noneMatch(e -> e.field().startsWith("workingHours"))) {
      try {
        new WorkingHours(
            zone == null ? ZoneId.of("UTC") : zone,
            LocalTime.parse(start),
            LocalTime.parse(end),
            days.stream().map(DayOfWeek::of).collect(java.util.stream.Collectors.toSet()));
      } catch (IllegalArgumentException | DateTimeParseException e) {
        errors.add(new FieldError("workingHours.end", "must be after start (same day)"));
      }
    }
    return new Document("start", start).append("end", end).append("days", days);
  }

  /**
   * {@code timeOff}: a list of at most {@link #MAX_TIME_OFF} {@code {"from": "2026-12-24", "to":
   * "2027-01-01"}} (ISO dates in the owner's time zone, both included, {@code to} not before {@code
   * from}, at most {@link #MAX_TIME_OFF_DAYS} days); each error names its entry ({@code
   * timeOff[1].to}). Absent or null: none.
   */
  static List<Document> timeOff(JsonNode t, List<FieldError> errors) {
    List<Document> out = new ArrayList<>();
    if (t.isMissingNode() || t.isNull()) {
      return out;
    }
    if (!t.isArray() || t.size() > MAX_TIME_OFF) {
      errors.add(
          new FieldError(
              "timeOff", "a list of at most " + MAX_TIME_OFF + " {from, to} date ranges"));
      return out;
    }
    for (int i = 0; i < t.size(); i++) {
      JsonNode r = t.get(i);
      String at = "timeOff[" + i + "]";
      if (!r.isObject()) {
        errors.add(new FieldError(at, "{from, to}: ISO dates, e.g. 2026-12-24"));
        continue;
      }
      for (var names = r.fieldNames(); names.hasNext(); ) {
        String field = names.next();
        if (!Set.of("from", "to").contains(field)) {
          errors.add(new FieldError(at + "." + field, "unknown field"));
        }
      }
      java.time.LocalDate from = date(r.path("from"), at + ".from", errors);
      java.time.LocalDate to = date(r.path("to"), at + ".to", errors);
      if (from == null || to == null) {
        continue;
      }
      if (to.isBefore(from)) {
        errors.add(new FieldError(at + ".to", "must not be before from"));
      } else if (java.time.temporal.ChronoUnit.DAYS.between(from, to) >= MAX_TIME_OFF_DAYS) {
        errors.add(new FieldError(at + ".to", "at most " + MAX_TIME_OFF_DAYS + " days"));
      } else {
        out.add(new Document("from", from.toString()).append("to", to.toString()));
      }
    }
    return out;
  }

  private static java.time.LocalDate date(JsonNode v, String field, List<FieldError> errors) {
    if (v.isTextual() && v.textValue().length() == 10) {
      try {
        return java.time.LocalDate.parse(v.textValue());
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    errors.add(new FieldError(field, "required: an ISO date, e.g. 2026-12-24"));
    return null;
  }

  static String text(JsonNode v, int max) {
    if (!v.isTextual()) {
      return null;
    }
    String t = v.textValue().strip();
    return t.isEmpty() || ReadableText.length(t) > max || ReadableText.lineProblem(t) != null
        ? null
        : t;
  }
}
