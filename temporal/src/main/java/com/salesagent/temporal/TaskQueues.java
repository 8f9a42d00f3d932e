package com.salesagent.temporal;

/** Task queue names shared by the starters (API) and the pollers (worker). */
public final class TaskQueues {
  /** Lead workflows and their orchestration activities. */
  public static final String LEADS = "sales-agent-leads";

  private TaskQueues() {}
}
