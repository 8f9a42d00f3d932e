package com.salesagent.api.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox's partition threads: one queue and one thread per partition (a lead's events hash to
 * one partition, so they stay in order). A thread drains its queue (up to {@link #MAX_BATCH}) and
 * hands the batch over, a run of consecutive statuses together, only while this process holds the
 * partition's lease ({@link PartitionLeases}); otherwise the batch is dropped from memory (the
 * events stay unprocessed in MongoDB for the partition's owner). Keys queued or being processed are
 * in flight, and keys finished in the last {@link #FINISHED_GUARD} are remembered, so a poll that
 * read an event just before it was finished does not queue it again.
 *
 * <p>At most {@code concurrency} partitions process at once (a fair gate, taken before a thread
 * drains its queue): a partition that waits for its turn drains everything that came meanwhile as
 * one batch. Without it, eight partition threads on two cores each took a batch as soon as one
 * event came and shared the cores taking turns (3 statuses per batch at one status per request),
 * each batch paying its MongoDB round trips and lock waits; with a gate of three, batches of 5-10
 * and the same cores process more (BENCHMARKS.md). The gate holds nothing back while fewer than
 * {@code concurrency} partitions are busy: an idle inbox processes an event the moment it comes.
 */
final class InboxPartitions {
  private static final Logger LOG = LoggerFactory.getLogger(InboxPartitions.class);

  /** Most events a partition takes from its queue at once (statuses are applied together). */
  static final int MAX_BATCH = 256;

  static final Duration FINISHED_GUARD = Duration.ofSeconds(5);

  /** The default of {@code concurrency}: one more than the cores, so a core never waits for one. */
  static int defaultConcurrency() {
    return Runtime.getRuntime().availableProcessors() + 1;
  }

  private final java.util.concurrent.atomic.AtomicLong statusBatches =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong statusEvents =
      new java.util.concurrent.atomic.AtomicLong();

  /** Batches of statuses handed over, and the statuses in them (the bench reads their ratio). */
  long[] statusBatches() {
    return new long[] {statusBatches.get(), statusEvents.get()};
  }

  /** What the inbox does with a drained batch. */
  interface Handler {
    /** Consecutive statuses, applied together. */
    void statuses(List<Document> events);

    /** Any other event, one at a time. */
    void one(Document event);
  }

  private final PartitionLeases leases;
  private final Handler handler;
  private final List<BlockingQueue<Document>> queues = new ArrayList<>();
  private final List<Thread> workers = new ArrayList<>();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> finished = new ConcurrentHashMap<>();
  private volatile boolean running = true;
  private final Semaphore gate;

  private final Clock clock;

  InboxPartitions(
      PartitionLeases leases, int partitions, int concurrency, Clock clock, Handler handler) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
    }
    this.gate = new Semaphore(concurrency, true);
    this.leases = leases;
    this.clock = clock;
    this.handler = handler;
    for (int i = 0; i < partitions; i++) {
      BlockingQueue<Document> queue = new LinkedBlockingQueue<>();
      int p = i;
      Thread worker = new Thread(() -> drain(p, queue), "webhook-partition-" + i);
      worker.setDaemon(true);
      queues.add(queue);
      workers.add(worker);
      worker.start();
    }
  }

  Set<String> inFlight() {
    return inFlight;
  }

  /**
   * Queues a stored event if this process holds its partition and it is neither in flight nor just
   * finished; answers whether it was queued.
   */
  boolean submit(Document event) {
    String key = event.getString("eventKey");
    int p = leases.partitionOf(event.getString("partitionKey"));
    if (!leases.holds(p)) {
      return false;
    }
    Instant done = finished.get(key);
    if (done != null && clock.instant().isBefore(done.plus(FINISHED_GUARD))) {
      return false;
    }
    if (!inFlight.add(key)) {
      return false;
    }
    queues.get(p).add(event);
    return true;
  }

  /** The event's processing is over (done, waiting or failed): it may be queued again later. */
  void finished(String key) {
    finished.put(key, clock.instant());
    inFlight.remove(key);
  }

  /** Forgets finished keys older than the guard (called by the poll). */
  void prune() {
    Instant before = clock.instant().minus(FINISHED_GUARD);
    finished.values().removeIf(t -> !t.isAfter(before));
  }

  void stop(long millis) throws InterruptedException {
    running = false;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    for (Thread worker : workers) {
      worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }
  }

  private void drain(int p, BlockingQueue<Document> queue) {
    List<Document> batch = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        Document first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.clear();
        batch.add(first);
        try {
          gate.acquire();
        } catch (InterruptedException e) {
          batch.forEach(d -> inFlight.remove(d.getString("eventKey")));
          throw e;
        }
        try {
          // What came while this partition waited for its turn goes in the same batch.
          queue.drainTo(batch, MAX_BATCH - 1);
          processHeld(p, batch);
        } finally {
          gate.release();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // The handler deals with its failures; this is a bug: keep going, the poll relays
        // whatever was left unprocessed.
        LOG.error("webhook partition loop failed: {}", e.toString());
        batch.forEach(d -> inFlight.remove(d.getString("eventKey")));
      }
    }
  }

  private void processHeld(int p, List<Document> batch) {
    ReentrantLock lock = leases.lock(p);
    lock.lock();
    try {
      if (!running || !leases.holds(p)) {
        // Lease lost or given back (or stopping): the owner's poll takes these from MongoDB.
        batch.forEach(d -> inFlight.remove(d.getString("eventKey")));
        return;
      }
      process(batch);
    } finally {
      lock.unlock();
    }
  }

  private void process(List<Document> batch) {
    int i = 0;
    while (i < batch.size()) {
      int j = i;
      while (j < batch.size() && MetaNotification.STATUS.equals(batch.get(j).getString("kind"))) {
        j++;
      }
      if (j > i) {
        statusBatches.incrementAndGet();
        statusEvents.addAndGet(j - i);
        handler.statuses(new ArrayList<>(batch.subList(i, j)));
        i = j;
      } else {
        handler.one(batch.get(i++));
      }
    }
  }
}
