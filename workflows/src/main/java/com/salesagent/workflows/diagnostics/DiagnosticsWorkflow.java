package com.salesagent.workflows.diagnostics;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * An end-to-end self-test an operator can start at any time: it proves that a worker polls the task
 * queue and that the worker (which in the real stack is another process than the API) reaches
 * MongoDB and S3.
 */
@WorkflowInterface
public interface DiagnosticsWorkflow {
  @WorkflowMethod
  DiagnosticsReport run(DiagnosticsRequest request);
}
