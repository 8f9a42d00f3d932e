package com.salesagent.activities.triage;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.time.temporal.TemporalAdjusters;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The day a reply names for coming back, in English, Spanish and Portuguese (read from text folded
 * to lower case without accents, {@link LexiconClassifier#fold}): what a "not now" snoozes to.
 */
final class NamedDate {
  private static final Map<String, Month> MONTHS =
      Map.ofEntries(
          Map.entry("january", Month.JANUARY),
          Map.entry("february", Month.FEBRUARY),
          Map.entry("march", Month.MARCH),
          Map.entry("april", Month.APRIL),
          Map.entry("may", Month.MAY),
          Map.entry("june", Month.JUNE),
          Map.entry("july", Month.JULY),
          Map.entry("august", Month.AUGUST),
          Map.entry("september", Month.SEPTEMBER),
          Map.entry("october", Month.OCTOBER),
          Map.entry("november", Month.NOVEMBER),
          Map.entry("december", Month.DECEMBER),
          Map.entry("enero", Month.JANUARY),
          Map.entry("febrero", Month.FEBRUARY),
          Map.entry("marzo", Month.MARCH),
          Map.entry("abril", Month.APRIL),
          Map.entry("mayo", Month.MAY),
          Map.entry("junio", Month.JUNE),
          Map.entry("julio", Month.JULY),
          Map.entry("agosto", Month.AUGUST),
          Map.entry("septiembre", Month.SEPTEMBER),
          Map.entry("octubre", Month.OCTOBER),
          Map.entry("noviembre", Month.NOVEMBER),
          Map.entry("diciembre", Month.DECEMBER),
          Map.entry("janeiro", Month.JANUARY),
          Map.entry("fevereiro", Month.FEBRUARY),
          Map.entry("marco", Month.MARCH),
          Map.entry("maio", Month.MAY),
          Map.entry("junho", Month.JUNE),
          Map.entry("julho", Month.JULY),
          Map.entry("setembro", Month.SEPTEMBER),
          Map.entry("outubro", Month.OCTOBER),
          Map.entry("novembro", Month.NOVEMBER),
          Map.entry("dezembro", Month.DECEMBER));
  private static final Pattern ISO_DATE = Pattern.compile("\\b(\\d{4}-\\d{2}-\\d{2})\\b");

  /** Month names that are ordinary words too: a month only where a date's words frame them. */
  private static final Set<String> AMBIGUOUS_MONTHS = Set.of("may", "march", "marco");

  private static final String MONTH = "(" + String.join("|", MONTHS.keySet()) + ")";

  /** "15 January", "15th of March", "3 de febrero", "dia 20 de janeiro". */
  private static final Pattern DAY_MONTH =
      Pattern.compile("\\b(\\d{1,2})(?:st|nd|rd|th)?(?: of| de)? " + MONTH + "\\b");

  /** "March 10th", "January 15". */
  private static final Pattern MONTH_DAY =
      Pattern.compile("\\b" + MONTH + " (\\d{1,2})(?:st|nd|rd|th)?\\b(?![:.]?\\d)");

  /** A month framed as a date: "in May", "until March", "mid March", "after January". */
  private static final Pattern MONTH_IN_CONTEXT =
      Pattern.compile(
          "\\b(in|until|till|by|from|around|early|mid|late|end of|start of|beginning of|next"
              + "|after|en|hasta|para|a partir de|a mediados de|mediados de|a finales de"
              + "|finales de|despues de|em|ate|a partir de|meados de|fim de|final de|inicio de"
              + "|depois de)( of| de)? "
              + MONTH
              + "\\b");

  private static final Map<String, Integer> NUMBERS =
      Map.ofEntries(
          Map.entry("a", 1),
          Map.entry("an", 1),
          Map.entry("one", 1),
          Map.entry("two", 2),
          Map.entry("three", 3),
          Map.entry("four", 4),
          Map.entry("five", 5),
          Map.entry("six", 6),
          Map.entry("eight", 8),
          Map.entry("ten", 10),
          Map.entry("a couple of", 2),
          Map.entry("a few", 3),
          Map.entry("un", 1),
          Map.entry("una", 1),
          Map.entry("dos", 2),
          Map.entry("tres", 3),
          Map.entry("cuatro", 4),
          Map.entry("cinco", 5),
          Map.entry("seis", 6),
          Map.entry("ocho", 8),
          Map.entry("diez", 10),
          Map.entry("unas", 3),
          Map.entry("um", 1),
          Map.entry("uma", 1),
          Map.entry("dois", 2),
          Map.entry("duas", 2),
          Map.entry("quatro", 4),
          Map.entry("oito", 8),
          Map.entry("dez", 10),
          Map.entry("alguns", 3),
          Map.entry("algumas", 3));

  /** "in 2 weeks", "en dos meses", "daqui a duas semanas", "em 10 dias". */
  private static final Pattern IN_SOME =
      Pattern.compile(
          "\\b(in|within|en|em|daqui a|dentro de) (\\d{1,3}|a couple of|a few|[a-z]+) "
              + "(days?|weeks?|months?|dias?|semanas?|mes|meses)\\b");

  private static final Map<String, DayOfWeek> WEEKDAYS =
      Map.ofEntries(
          Map.entry("monday", DayOfWeek.MONDAY),
          Map.entry("tuesday", DayOfWeek.TUESDAY),
          Map.entry("wednesday", DayOfWeek.WEDNESDAY),
          Map.entry("thursday", DayOfWeek.THURSDAY),
          Map.entry("friday", DayOfWeek.FRIDAY),
          Map.entry("lunes", DayOfWeek.MONDAY),
          Map.entry("martes", DayOfWeek.TUESDAY),
          Map.entry("miercoles", DayOfWeek.WEDNESDAY),
          Map.entry("jueves", DayOfWeek.THURSDAY),
          Map.entry("viernes", DayOfWeek.FRIDAY),
          Map.entry("segunda-feira", DayOfWeek.MONDAY),
          Map.entry("terca-feira", DayOfWeek.TUESDAY),
          Map.entry("quarta-feira", DayOfWeek.WEDNESDAY),
          Map.entry("quinta-feira", DayOfWeek.THURSDAY),
          Map.entry("sexta-feira", DayOfWeek.FRIDAY));

  /** A weekday: English and Spanish names; Portuguese with "-feira" (alone they are ordinals). */
  private static final Pattern WEEKDAY =
      Pattern.compile("\\b(" + String.join("|", WEEKDAYS.keySet()) + ")\\b");

  /** After the year's end: the first working week of January. */
  private static final Pattern AFTER_THE_NEW_YEAR =
      Pattern.compile(
          "\\b(after|despues de|depois d[oae]s?|pasad[oa]s? |passad[oa]s? )\\s*(the )?"
              + "(christmas|xmas|new year|navidad|ano nuevo|natal|ano novo|reveillon|fiestas"
              + "|festas)\\b");

  /**
   * The day a "not now" names, first found wins: an ISO date; a day and a month ("15 January", "3
   * de febrero"); a month framed as a date ("in May", "mid March", "after January": the month's
   * first day, its 15th, or the next month's first); a month whose name is no ordinary word
   * anywhere ("escríbeme en marzo" as "en marzo", but also "January is better"); so many days,
   * weeks or months from the reply; a weekday (the next one after the reply's day); "after
   * Christmas" (7 January); next week (Monday), month, quarter or year. Null when none: a stray
   * "may" or "march" is no date (it snoozed a lead until May). Dates that passed this year are next
   * year's.
   */
  static LocalDate in(String t, LocalDate today) {
    Matcher iso = ISO_DATE.matcher(t);
    if (iso.find()) {
      return LocalDate.parse(iso.group(1));
    }
    Matcher dayMonth = DAY_MONTH.matcher(t);
    if (dayMonth.find()) {
      LocalDate d =
          dayOf(MONTHS.get(dayMonth.group(2)), Integer.parseInt(dayMonth.group(1)), today);
      if (d != null) {
        return d;
      }
    }
    Matcher monthDay = MONTH_DAY.matcher(t);
    if (monthDay.find()) {
      LocalDate d =
          dayOf(MONTHS.get(monthDay.group(1)), Integer.parseInt(monthDay.group(2)), today);
      if (d != null) {
        return d;
      }
    }
    Matcher framed = MONTH_IN_CONTEXT.matcher(t);
    if (framed.find()) {
      Month month = MONTHS.get(framed.group(3));
      String frame = framed.group(1);
      if (frame.equals("after") || frame.startsWith("despues") || frame.startsWith("depois")) {
        return dayOf(month, 1, today).plusMonths(1);
      }
      boolean mid = frame.contains("mid") || frame.contains("mediados") || frame.contains("meados");
      return dayOf(month, mid ? 15 : 1, today);
    }
    for (String word : t.split("[^a-z0-9]+")) {
      Month month = MONTHS.get(word);
      if (month != null && !AMBIGUOUS_MONTHS.contains(word)) {
        return dayOf(month, 1, today);
      }
    }
    Matcher dayAlone = DAY_ALONE.matcher(t);
    if (dayAlone.find()) {
      String n = dayAlone.group(1) != null ? dayAlone.group(1) : dayAlone.group(2);
      LocalDate d = nextDayOfMonth(Integer.parseInt(n), today);
      if (d != null) {
        return d;
      }
    }
    Matcher some = IN_SOME.matcher(t);
    while (some.find()) {
      String n = some.group(2);
      Integer count = n.chars().allMatch(Character::isDigit) ? Integer.valueOf(n) : NUMBERS.get(n);
      if (count == null || count < 1) {
        continue;
      }
      String unit = some.group(3);
      if (unit.startsWith("day") || unit.startsWith("dia")) {
        return count <= 365 ? today.plusDays(count) : null;
      }
      if (unit.startsWith("week") || unit.startsWith("semana")) {
        return count <= 104 ? today.plusWeeks(count) : null;
      }
      return count <= 24 ? today.plusMonths(count) : null;
    }
    Matcher weekday = WEEKDAY.matcher(t);
    if (weekday.find()) {
      return today.with(TemporalAdjusters.next(WEEKDAYS.get(weekday.group(1))));
    }
    if (AFTER_THE_NEW_YEAR.matcher(t).find()) {
      LocalDate seventh = LocalDate.of(today.getYear(), 1, 7);
      return seventh.isAfter(today) ? seventh : seventh.plusYears(1);
    }
    if (t.contains("next week")
        || t.contains("proxima semana")
        || t.contains("semana que viene")
        || t.contains("semana que vem")) {
      return today.with(TemporalAdjusters.next(DayOfWeek.MONDAY));
    }
    if (t.contains("next month")
        || t.contains("proximo mes")
        || t.contains("mes que vem")
        || t.contains("mes que viene")) {
      return today.plusMonths(1).withDayOfMonth(1);
    }
    if (t.contains("next quarter") || t.contains("proximo trimestre")) {
      int nextQuarterMonth = ((today.getMonthValue() - 1) / 3 + 1) * 3 + 1;
      return nextQuarterMonth > 12
          ? LocalDate.of(today.getYear() + 1, 1, 1)
          : LocalDate.of(today.getYear(), nextQuarterMonth, 1);
    }
    if (t.contains("next year")
        || t.contains("ano que viene")
        || t.contains("ano que vem")
        || t.contains("proximo ano")) {
      return LocalDate.of(today.getYear() + 1, 1, 1);
    }
    return null;
  }

  /**
   * A day of the month named without its month ("volto dia 15", "el día 20", "back on the 3rd"):
   * the next such day. Not a bare number ("the 15 people") nor a time ("dia 15:30" is no day).
   */
  private static final Pattern DAY_ALONE =
      Pattern.compile("\\b(?:dia (\\d{1,2})|(?:on )?the (\\d{1,2})(?:st|nd|rd|th))\\b(?![:.]?\\d)");

  /** The next day {@code day} of a month after today (this month's or a later one's); or null. */
  private static LocalDate nextDayOfMonth(int day, LocalDate today) {
    if (day < 1 || day > 31) {
      return null;
    }
    for (int ahead = 0; ahead < 3; ahead++) {
      LocalDate month = today.plusMonths(ahead).withDayOfMonth(1);
      if (day <= month.lengthOfMonth()) {
        LocalDate d = month.withDayOfMonth(day);
        if (d.isAfter(today)) {
          return d;
        }
      }
    }
    return null;
  }

  /** That day of that month, this year if it is still to come, else next year; null if none. */
  private static LocalDate dayOf(Month month, int day, LocalDate today) {
    if (day < 1 || day > month.maxLength()) {
      return null;
    }
    int year = today.getYear();
    LocalDate d = LocalDate.of(year, month, Math.min(day, month.length(Year.isLeap(year))));
    if (!d.isAfter(today)) {
      year++;
      d = LocalDate.of(year, month, Math.min(day, month.length(Year.isLeap(year))));
    }
    return d;
  }

  private NamedDate() {}
}
