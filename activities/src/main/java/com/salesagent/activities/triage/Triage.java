package com.salesagent.activities.triage;

import java.time.LocalDate;
import java.util.List;

/**
 * What a reply says. {@code intent}: interested, not_now, objection, wrong_person, opt_out or
 * other; {@code objection}: cost, timing, competitor or other (for objections); {@code notBefore}:
 * the date a "not now" names, if any.
 */
public record Triage(
    String intent,
    String objection,
    String sentiment,
    List<String> keywords,
    LocalDate notBefore,
    String classifier) {}
