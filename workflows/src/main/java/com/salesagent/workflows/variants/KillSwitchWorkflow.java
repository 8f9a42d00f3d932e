package com.salesagent.workflows.variants;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * An operator switched a variant off: tell every lead still running on it, durably. The HTTP call
 * that disables the variant starts this workflow and answers its id at once; the fan-out pages
 * through the in-flight leads, signals each page's workflows in parallel, survives a worker crash
 * mid-way (it resumes after the last page it finished) and shows its progress as a query.
 */
@WorkflowInterface
public interface KillSwitchWorkflow {
  String PREFIX = "kill-switch-";

  /** Variant ids are operator-chosen names (never PII); the request id makes each switch unique. */
  static String workflowId(String variantId, String requestId) {
    return PREFIX + variantId + "-" + requestId;
  }

  @WorkflowMethod
  KillSwitchProgress run(KillSwitchRequest request);

  @QueryMethod
  KillSwitchProgress progress();
}
