package com.salesagent.activities.persona;

import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/**
 * One attribute of a persona with where it came from: {@code {value, source, evidence, at}}, so
 * "why is this lead in this segment" has an answer. {@code evidence} names the enrolment field, the
 * research chunk id or the reply's message id; never a phone number or a name.
 */
public final class Evidence {
  public static final String ENROLMENT = "enrolment";
  public static final String RESEARCH = "research";
  public static final String REPLY = "reply";
  public static final String PHONE = "phone";

  private Evidence() {}

  public static Document of(Object value, String source, String evidence, Instant at) {
    return new Document("value", value)
        .append("source", source)
        .append("evidence", evidence)
        .append("at", Date.from(at));
  }
}
