package com.salesagent.workflows.lead;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * Records each activity the workflow code asks for as {@code type@taskQueue}, replay included. The
 * SDK's replay compares an activity's id and type with the history but not its task queue, so a
 * change of queue that is not behind Workflow.getVersion would replay silently: comparing these
 * with the history's ActivityTaskScheduled events catches it.
 */
final class ScheduledQueues extends WorkerInterceptorBase {
  private final List<String> asked = new ArrayList<>();

  synchronized List<String> asked() {
    return List.copyOf(asked);
  }

  private synchronized void add(String call) {
    asked.add(call);
  }

  /** The activities a history scheduled, as {@code type@taskQueue}, in order. */
  static List<String> scheduled(WorkflowExecutionHistory history) {
    return history.getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(e -> e.getActivityTaskScheduledEventAttributes())
        .map(ScheduledQueues::call)
        .toList();
  }

  private static String call(ActivityTaskScheduledEventAttributes a) {
    return a.getActivityType().getName() + "@" + a.getTaskQueue().getName();
  }

  @Override
  public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
    return new WorkflowInboundCallsInterceptorBase(next) {
      @Override
      public void init(WorkflowOutboundCallsInterceptor outbound) {
        super.init(
            new WorkflowOutboundCallsInterceptorBase(outbound) {
              @Override
              public <R> ActivityOutput<R> executeActivity(ActivityInput<R> input) {
                String queue = input.getOptions().getTaskQueue();
                add(
                    input.getActivityName()
                        + "@"
                        + (queue == null ? Workflow.getInfo().getTaskQueue() : queue));
                return super.executeActivity(input);
              }
            });
      }
    };
  }
}
