package com.salesagent.workflows.lead;

import io.temporal.activity.ActivityInterface;

/** Researches a lead and stores the result as chunks in research_results. */
@ActivityInterface
public interface ResearchActivities {
  /** Returns how many chunks the lead now has. Replaces earlier chunks. */
  int research(String leadId);
}
