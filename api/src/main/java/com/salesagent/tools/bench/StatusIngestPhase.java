package com.salesagent.tools.bench;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.salesagent.api.webhook.WebhookInbox;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * One phase of {@link WebhookBenchCommand}: the status items posted in signed requests (as fast as
 * the posters go, or paced), waited for until the inbox processed them all, and measured: accepted
 * and processed per second, accept -> processed latencies from the inbox's own times.
 */
final class StatusIngestPhase {
  private StatusIngestPhase() {}

  /** What a phase measured. */
  record Result(
      int events,
      double acceptedPerSecond,
      double processedPerSecond,
      double seconds,
      double p50,
      double p99,
      double max) {
    void print() {
      System.out.printf(
          "  accepted (stored, 200 returned): %.0f events/s; processed end to end: %.0f events/s"
              + " (%d events, %.2f s); accept -> processed p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
          acceptedPerSecond, processedPerSecond, events, seconds, p50, p99, max);
    }
  }

  /**
   * Posts the items, {@code batch} per request (paced at {@code rate} events/s, or as fast as
   * possible for 0). The requests are built and signed before the phase starts.
   */
  static Result phase(
      MongoCollection<Document> events,
      SignedPosts poster,
      int batch,
      List<String> items,
      int posters,
      int rate)
      throws Exception {
    List<byte[]> requests = new ArrayList<>();
    for (int i = 0; i < items.size(); i += batch) {
      requests.add(poster.request(items.subList(i, Math.min(items.size(), i + batch))));
    }
    Date phaseStart = new Date();
    // Progress from the inbox's own counter (same JVM): counting webhook_events every 20 ms was a
    // full scan on the embedded server, 15 % of its CPU in the profile. The final count and the
    // latencies still come from MongoDB.
    long before = processedSoFar();
    long storedBefore = events.countDocuments(Filters.eq("processed", true));
    ExecutorService pool = Executors.newFixedThreadPool(posters);
    List<Future<?>> posts = new ArrayList<>();
    long start = System.nanoTime();
    for (int r = 0; r < requests.size(); r++) {
      byte[] request = requests.get(r);
      if (rate > 0) {
        long due = start + (long) ((long) r * batch * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      posts.add(
          pool.submit(
              () -> {
                poster.post(request);
                return null;
              }));
    }
    for (Future<?> f : posts) {
      f.get();
    }
    double acceptedSeconds = (System.nanoTime() - start) / 1e9;
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    try (var bar = Progress.bar("processed", items.size())) {
      long done;
      while ((done = processedSoFar() - before) < items.size()) {
        bar.stepTo(done);
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("not processed within 10 min: " + done);
        }
        Thread.sleep(20);
      }
      bar.stepTo(items.size());
    }
    long stored = events.countDocuments(Filters.eq("processed", true)) - storedBefore;
    if (stored < items.size()) {
      throw new IllegalStateException("the inbox counted more than MongoDB holds: " + stored);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    List<Long> latencies = new ArrayList<>();
    // Where the slow ones are: the worst latency per 500 ms of arrival (a stall shows as a run of
    // slow slots, a steady backlog as every slot slow).
    java.util.TreeMap<Long, Long> worstBySlot = new java.util.TreeMap<>();
    for (Document e :
        events.find(
            Filters.and(
                Filters.gte("receivedAt", phaseStart),
                Filters.eq("kind", "status"),
                Filters.eq("processed", true)))) {
      long received = e.getDate("receivedAt").getTime();
      long latency = e.getDate("processedAt").getTime() - received;
      latencies.add(latency);
      worstBySlot.merge((received - phaseStart.getTime()) / 500, latency, Math::max);
    }
    latencies.sort(Long::compare);
    StringBuilder slots = new StringBuilder("  worst accept -> processed per 500 ms of arrival:");
    worstBySlot.forEach((slot, worst) -> slots.append(' ').append(worst));
    System.out.println(slots.append(" ms"));
    SlowCommandReport.print(phaseStart.getTime());
    return new Result(
        items.size(),
        items.size() / acceptedSeconds,
        items.size() / seconds,
        seconds,
        pct(latencies, 50),
        pct(latencies, 99),
        latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1));
  }

  private static long processedSoFar() {
    var counter = Metrics.globalRegistry.find(WebhookInbox.PROCESSED_METRIC).counter();
    return counter == null ? 0 : (long) counter.count();
  }

  private static double pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index));
  }
}
