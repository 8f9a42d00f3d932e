package com.salesagent.api.webhook;

import com.salesagent.activities.logging.LogContext;
import com.salesagent.api.webhook.StatusProcessor.Done;
import com.salesagent.workflows.lead.MessageStatusSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The signals of one drained batch of statuses, one per lead (at most {@link
 * StatusProcessor#MAX_PER_SIGNAL} statuses each, in arrival order), several leads at once: a lead's
 * events share their signal's outcome, or its failure (the inbox relays them).
 */
final class BatchSignals {
  /** Leads of one batch signalled at once, at most (across all partitions). */
  static final int SIGNAL_THREADS = 16;

  private BatchSignals() {}

  /** Signals each lead's statuses ({@code byLead}: indexes into the batch) and sets {@code out}. */
  static void sendAll(
      LeadSignaller signaller,
      Map<String, List<Integer>> byLead,
      Map<Integer, MessageStatusSignal> signals,
      List<Done> out) {
    List<Runnable> perLead = new ArrayList<>();
    byLead.forEach(
        (leadId, indexes) ->
            perLead.add(
                () -> {
                  try {
                    signalLead(signaller, leadId, indexes, signals, out);
                  } finally {
                    LogContext.clear();
                  }
                }));
    runAll(perLead);
  }

  /** Threads that signal the leads of one batch together (a lead's own signals stay in order). */
  private static final java.util.concurrent.ExecutorService SIGNALLERS =
      java.util.concurrent.Executors.newFixedThreadPool(
          SIGNAL_THREADS,
          r -> {
            Thread t = new Thread(r, "webhook-signal");
            t.setDaemon(true);
            return t;
          });

  /**
   * Runs each lead's signals, several leads at once, and returns when all are done: a batch's leads
   * are independent, and one signal is a round trip to Temporal (tens of ms under load), so a batch
   * with reads of eight leads no longer waits eight round trips (issue 12). The next batch of the
   * partition starts after this one, so each lead's order holds.
   */
  private static void runAll(List<Runnable> tasks) {
    if (tasks.size() == 1) {
      tasks.get(0).run();
      return;
    }
    List<java.util.concurrent.Future<?>> running = new ArrayList<>();
    for (Runnable task : tasks) {
      running.add(SIGNALLERS.submit(task));
    }
    for (java.util.concurrent.Future<?> f : running) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while signalling", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  private static void signalLead(
      LeadSignaller signaller,
      String leadId,
      List<Integer> indexes,
      Map<Integer, MessageStatusSignal> signals,
      List<Done> out) {
    LogContext.lead(leadId);
    for (int from = 0; from < indexes.size(); from += StatusProcessor.MAX_PER_SIGNAL) {
      List<Integer> part =
          indexes.subList(from, Math.min(indexes.size(), from + StatusProcessor.MAX_PER_SIGNAL));
      List<MessageStatusSignal> list = new ArrayList<>();
      part.forEach(i -> list.add(signals.get(i)));
      Done done;
      try {
        done =
            new Done(
                list.size() == 1
                    ? signaller.status(leadId, list.get(0))
                    : signaller.statuses(leadId, list),
                null);
      } catch (RuntimeException failure) {
        done = new Done(null, failure);
      }
      for (int i : part) {
        out.set(i, done);
      }
    }
  }
}
