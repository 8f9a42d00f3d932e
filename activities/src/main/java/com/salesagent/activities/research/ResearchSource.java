package com.salesagent.activities.research;

import java.util.List;
import org.bson.Document;

/**
 * Where research text comes from. The enrolment's own fields and texts today; a website fetcher or
 * a provider-backed web research step plugs in here by configuration.
 */
public interface ResearchSource {
  /** A piece of source text with the name of its source. */
  record SourceText(String source, String text) {}

  List<SourceText> collect(Document contact);

  /** The profile line made from the lead's own fields ({@link EnrolmentSource}). */
  String PROFILE = "profile";

  /** The salesperson's notes on the lead, internal ({@link EnrolmentSource}). */
  String NOTES = "notes";

  /** The lead's research text as enrolled ({@link EnrolmentSource}). */
  String RESEARCH_TEXT = "research_text";

  /** The lead's public website ({@link WebsiteSource}). */
  String WEBSITE = "website";

  /**
   * Whether a chunk of this source may be quoted to the lead as a finding ("I saw that ..."): only
   * research text (as enrolled, or from the lead's website). The profile line restates the lead's
   * own fields and the notes are the salesperson's, written about the lead: both inform retrieval
   * and the persona, neither is news to read back to the lead.
   */
  static boolean quotable(String source) {
    return RESEARCH_TEXT.equals(source) || WEBSITE.equals(source);
  }
}
