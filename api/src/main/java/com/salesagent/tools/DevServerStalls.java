package com.salesagent.tools;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The in-memory Temporal dev server (temporal-testing's test service) sometimes refuses a workflow
 * task's completion ("invalid history builder state for action", after an UnhandledCommand when a
 * signal raced the task) and then never times the task out: the workflow stops with a {@code
 * WORKFLOW_TASK_STARTED} as its last event. The real Temporal server retries such a task. The tools
 * that run many lifecycles on the dev server name these stalls apart from our own failures.
 */
public final class DevServerStalls {
  private DevServerStalls() {}

  /** The workflow's history, oldest first. */
  public static List<HistoryEvent> history(
      WorkflowServiceStubs service, String namespace, String workflowId) {
    return service
        .blockingStub()
        .getWorkflowExecutionHistory(
            GetWorkflowExecutionHistoryRequest.newBuilder()
                .setNamespace(namespace)
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId).build())
                .build())
        .getHistory()
        .getEventsList();
  }

  /** Whether the history ends in a workflow task started longer ago than {@code olderThan}. */
  public static boolean stalled(List<HistoryEvent> history, Duration olderThan, Instant now) {
    if (history.isEmpty()) {
      return false;
    }
    HistoryEvent last = history.get(history.size() - 1);
    return last.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED
        && last.getEventTime().getSeconds() < now.minus(olderThan).getEpochSecond();
  }
}
