package com.salesagent.tools.bench;

import com.salesagent.api.SalesAgentApplication;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the slowest follow-ups' time went: for the latest few, the lead workflow's history from its
 * follow-up timer's start, each event with its offset from the moment the timer was due (a workflow
 * task waiting long after TIMER_FIRED is the dev server or the worker's poll; a long gap between an
 * activity's scheduled and started events is the activity queue).
 */
final class SlowFollowUps {
  private SlowFollowUps() {}

  /** {@code latenessByWaId}: nanoseconds late per recipient of the burst (55119 + index). */
  static void print(SalesAgentApplication app, Map<String, Long> latenessByWaId, int count) {
    WorkflowClient client = app.connections().temporal().client();
    List<Map.Entry<String, Long>> worst =
        latenessByWaId.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
            .limit(count)
            .toList();
    for (Map.Entry<String, Long> e : worst) {
      String leadId = "burst-" + Integer.parseInt(e.getKey().substring(5));
      System.out.printf("  slow follow-up: %s, %.0f ms late%n", leadId, e.getValue() / 1e6);
      try {
        List<HistoryEvent> events =
            client.fetchHistory("lead-" + leadId).getHistory().getEventsList();
        print(events);
      } catch (RuntimeException ex) {
        System.out.println("    (history not readable: " + ex + ")");
      }
    }
  }

  private static long millis(HistoryEvent e) {
    return e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000;
  }

  private static void print(List<HistoryEvent> events) {
    // The follow-up's timer: the last one started before the last send was scheduled (Send, or
    // ComposeAndSend since version 1 of compose-and-send, ComposeAndSendInSegment since the segment
    // is matched again inside the send's activity).
    int lastSend = -1;
    for (int i = 0; i < events.size(); i++) {
      HistoryEvent e = events.get(i);
      if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
          && e.getActivityTaskScheduledEventAttributes()
              .getActivityType()
              .getName()
              .matches("Send|ComposeAndSend\\w*")) {
        lastSend = i;
      }
    }
    int timer = -1;
    for (int i = 0; i < Math.max(lastSend, 0); i++) {
      if (events.get(i).getEventType() == EventType.EVENT_TYPE_TIMER_STARTED) {
        timer = i;
      }
    }
    if (timer < 0) {
      System.out.println("    (no follow-up timer in the history)");
      return;
    }
    int end = Math.min(events.size(), lastSend + 12);
    HistoryEvent started = events.get(timer);
    long due =
        millis(started)
            + started.getTimerStartedEventAttributes().getStartToFireTimeout().getSeconds() * 1000
            + started.getTimerStartedEventAttributes().getStartToFireTimeout().getNanos()
                / 1_000_000;
    Map<Long, String> activityTypes = new HashMap<>();
    for (int i = timer; i < end; i++) {
      HistoryEvent e = events.get(i);
      String detail = "";
      switch (e.getEventType()) {
        case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> {
          String type = e.getActivityTaskScheduledEventAttributes().getActivityType().getName();
          activityTypes.put(e.getEventId(), type);
          detail =
              type + " on " + e.getActivityTaskScheduledEventAttributes().getTaskQueue().getName();
        }
        case EVENT_TYPE_ACTIVITY_TASK_STARTED ->
            detail =
                activityTypes.get(e.getActivityTaskStartedEventAttributes().getScheduledEventId())
                    + " attempt "
                    + e.getActivityTaskStartedEventAttributes().getAttempt();
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED ->
            detail =
                activityTypes.get(
                    e.getActivityTaskCompletedEventAttributes().getScheduledEventId());
        case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED ->
            detail = e.getWorkflowExecutionSignaledEventAttributes().getSignalName();
        default -> {}
      }
      System.out.printf(
          "    %+7d ms  %s %s%n",
          millis(e) - due, e.getEventType().name().replace("EVENT_TYPE_", ""), detail);
    }
  }
}
