package com.salesagent.activities.triage;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * What a reply says. {@code intent}: interested, not_now, objection, not_interested, wrong_person,
 * opt_out, closing or other; {@code objection}: cost, timing, competitor or other (for objections);
 * {@code notBefore}: the date a "not now" names, if any.
 */
public record Triage(
    String intent,
    String objection,
    String sentiment,
    List<String> keywords,
    LocalDate notBefore,
    String classifier) {

  /**
   * A reply that is only thanks, a goodbye, an "ok" or an acknowledging emoji ("Ok, thanks. Bye",
   * "👍", "gracias, saludos"): nothing for a person to answer. It never starts a new run of an
   * ended lead, nor puts it on the "wrote after the end" list; a live run is told it as {@code
   * other} ({@link #toldToTheRun}).
   */
  public static final String CLOSING = "closing";

  /**
   * The intent of a reply only a person can read yet (a voice note or media without a caption,
   * offline).
   */
  public static final String NEEDS_REVIEW = "needs_review";

  /** Every intent a reply is stored with: the classifiers' ones, a closing, one for a person. */
  public static final List<String> INTENTS =
      java.util.stream.Stream.concat(
              LlmClassifier.INTENTS.stream(), java.util.stream.Stream.of(CLOSING, NEEDS_REVIEW))
          .toList();

  /** Every objection a reply is stored with (an objection's kind; none for other intents). */
  public static final List<String> OBJECTIONS = List.of("cost", "timing", "competitor", "other");

  /** Every sentiment a reply is stored with. */
  public static final List<String> SENTIMENTS = List.of("positive", "neutral", "negative");

  /**
   * The intent a lead's live run is told for a reply triaged {@code intent}: a closing is told as
   * {@code other}, as it was triaged before closings were read, so a running workflow acts as it
   * always did (a lead in a conversation with a person is told it, a first reply goes to a person)
   * and no workflow code branches on the new value (a history an older worker recorded replays the
   * same); the feedback, the timeline and the rewards keep {@code closing}.
   */
  public static String toldToTheRun(String intent) {
    return CLOSING.equals(intent) ? "other" : intent;
  }

  /**
   * How long a "not now" that names no date snoozes the lead unless configured (NOT_NOW_SNOOZE).
   */
  public static final Duration DEFAULT_NOT_NOW_SNOOZE = Duration.ofDays(30);

  /**
   * When a "not now" snoozes the lead: 10:00 on the day it named in the lead's time zone (UTC when
   * it has none or an unknown one). One that named no day snoozes for {@code undated} after the
   * reply: whole days to 10:00 that many days after the reply's day, less than a day (demos, tests)
   * exactly; zero or null leaves it a reply that ends the lead. Null for any other reply.
   */
  public static Instant snoozeUntil(
      String intent, LocalDate notBefore, String timezone, Instant repliedAt, Duration undated) {
    if (!"not_now".equals(intent)) {
      return null;
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(timezone);
    } catch (RuntimeException e) {
      zone = ZoneOffset.UTC;
    }
    LocalDate day = notBefore;
    if (day == null) {
      if (undated == null || undated.isZero() || undated.isNegative() || repliedAt == null) {
        return null;
      }
      if (undated.compareTo(Duration.ofDays(1)) < 0) {
        return repliedAt.plus(undated);
      }
      day = repliedAt.atZone(zone).toLocalDate().plusDays(undated.toDays());
    }
    return day.atTime(10, 0).atZone(zone).toInstant();
  }
}
