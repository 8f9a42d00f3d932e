package com.salesagent.tools.bench;

import java.io.PrintStream;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of the long tools: a bar redrawn in place on a terminal; in a log, a CI job or behind
 * {@code | tee}, one plain line every few seconds instead of hundreds of carriage returns.
 */
final class Progress {
  /** How often a line is printed when the output is not a terminal. */
  static final long LOG_INTERVAL_MILLIS = 5_000;

  private Progress() {}

  static ProgressBar bar(String task, long max) {
    return bar(task, max, System.out, System.console() != null, LOG_INTERVAL_MILLIS);
  }

  static ProgressBar bar(
      String task, long max, PrintStream out, boolean terminal, long logIntervalMillis) {
    ProgressBarBuilder builder =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(max)
            .setStyle(ProgressBarStyle.ASCII);
    if (terminal) {
      return builder.setUpdateIntervalMillis(250).continuousUpdate().build();
    }
    return builder
        .setUpdateIntervalMillis((int) logIntervalMillis)
        .setConsumer(new DelegatingProgressBarConsumer(line -> out.println(line.strip()), 100))
        .build();
  }
}
