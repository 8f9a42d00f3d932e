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
}
