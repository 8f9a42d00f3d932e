package com.salesagent.temporal;

/** Task queue names shared by the starters (API) and the pollers (worker). */
public final class TaskQueues {
  /**
   * Lead workflows and their time-critical activities: stage records, composition, sends,
   * follow-ups. Nothing bulk runs here, so a follow-up never waits behind a burst of new leads.
   */
  public static final String LEADS = "sales-agent-leads";

  /**
   * Research and its embeddings: bulk, CPU-bound work with its own bounded pool of activity slots
   * (WORKER_RESEARCH_CONCURRENCY), servable by other machines (WORKER_TASK_QUEUES=research).
   */
  public static final String RESEARCH = "sales-agent-research";

  private TaskQueues() {}
}
