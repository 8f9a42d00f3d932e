package com.salesagent.workflows.erasure;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Erases one lead durably: a crash between the steps resumes where it stopped, and a second request
 * for the same lead while one runs starts nothing ({@link #workflowId}, the lead id the operator
 * chose, like the lead's own workflow id).
 */
@WorkflowInterface
public interface LeadErasureWorkflow {
  @WorkflowMethod
  ErasureReport erase(ErasureRequest request);

  /** "stopping", "erasing", "waiting to sweep", "sweeping", "deleting histories", "done". */
  @QueryMethod
  String step();

  static String workflowId(String leadId) {
    return "erasure-" + leadId;
  }
}
