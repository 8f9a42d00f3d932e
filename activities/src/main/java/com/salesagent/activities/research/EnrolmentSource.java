package com.salesagent.activities.research;

import java.util.ArrayList;
import java.util.List;
import org.bson.Document;

/** The enrolment itself: a profile line from the fields, the notes, and the research text. */
public class EnrolmentSource implements ResearchSource {
  @Override
  public List<SourceText> collect(Document c) {
    List<SourceText> out = new ArrayList<>();
    out.add(new SourceText(PROFILE, profileLine(c)));
    if (c.getString("notes") != null && !c.getString("notes").isBlank()) {
      out.add(new SourceText(NOTES, c.getString("notes")));
    }
    if (c.getString("researchText") != null && !c.getString("researchText").isBlank()) {
      out.add(new SourceText(RESEARCH_TEXT, c.getString("researchText")));
    }
    return out;
  }

  /** The profile line of a contact's fields (not quotable: see {@link #quotable}). */
  public static String profileLine(Document c) {
    StringBuilder line =
        new StringBuilder(c.getString("company") == null ? "The company" : c.getString("company"));
    if (c.getString("industry") != null) {
      line.append(" works in ").append(c.getString("industry"));
    }
    if (c.getString("companySize") != null) {
      line.append(" (").append(c.getString("companySize")).append(" employees)");
    }
    if (c.getString("jobTitle") != null) {
      line.append("; the contact's role is ").append(c.getString("jobTitle"));
    }
    return line.append('.').toString();
  }
}
