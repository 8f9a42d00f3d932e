package com.salesagent.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.MongoDatabaseExtension;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The inbox's gate: at most {@code concurrency} partitions process at once, a partition that waited
 * for its turn takes what came meanwhile as one batch, and a failed batch gives its turn back.
 */
class InboxPartitionsTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final int PARTITIONS = 8;

  private InboxPartitions inbox;
  private PartitionLeases leases;

  /** The batches handed over, as (partition, size). */
  private final List<int[]> batches = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() throws InterruptedException {
    if (inbox != null) {
      inbox.stop(2_000);
    }
  }

  private InboxPartitions start(int concurrency, InboxPartitions.Handler handler) {
    leases = new PartitionLeases(MONGO.database(), PARTITIONS, Clock.systemUTC());
    leases.tickIfNeverTicked();
    for (int p = 0; p < PARTITIONS; p++) {
      assertThat(leases.holds(p)).as("a lone process holds partition %d", p).isTrue();
    }
    inbox = new InboxPartitions(leases, PARTITIONS, concurrency, Clock.systemUTC(), handler);
    return inbox;
  }

  private int seq;

  /** A status whose partition key hashes to partition {@code p}. */
  private Document statusIn(int p) {
    for (int i = 0; ; i++) {
      String key = "1555000" + i;
      if (leases.partitionOf(key) == p) {
        return new Document("eventKey", "status:w" + seq++ + ":sent")
            .append("partitionKey", key)
            .append("kind", MetaNotification.STATUS);
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aPartitionWaitingForItsTurnTakesWhatCameMeanwhileAsOneBatch() throws Exception {
    CountDownLatch firstRunning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch secondDone = new CountDownLatch(1);
    start(
        1,
        new InboxPartitions.Handler() {
          @Override
          public void statuses(List<Document> events) {
            int p = leases.partitionOf(events.get(0).getString("partitionKey"));
            batches.add(new int[] {p, events.size()});
            if (p == 0) {
              firstRunning.countDown();
              await(release);
            } else {
              secondDone.countDown();
            }
            events.forEach(e -> inbox.finished(e.getString("eventKey")));
          }

          @Override
          public void one(Document event) {}
        });

    assertThat(inbox.submit(statusIn(0))).isTrue();
    await(firstRunning);
    for (int i = 0; i < 5; i++) {
      assertThat(inbox.submit(statusIn(1))).isTrue();
      Thread.sleep(20);
    }
    Thread.sleep(200);
    // Partition 1 waits for the one turn partition 0 holds: nothing of it processed yet.
    assertThat(batches).hasSize(1);

    release.countDown();
    await(secondDone);
    inbox.stop(2_000);
    assertThat(batches)
        .extracting(b -> b[0] + ":" + b[1])
        .as("partition 1's five statuses, one batch")
        .containsExactly("0:1", "1:5");
  }

  @Test
  void noMoreThanTheConcurrencyProcessAtOnce() throws Exception {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    int events = 64;
    CountDownLatch done = new CountDownLatch(events);
    start(
        3,
        new InboxPartitions.Handler() {
          @Override
          public void statuses(List<Document> batch) {
            int n = now.incrementAndGet();
            most.accumulateAndGet(n, Math::max);
            try {
              Thread.sleep(15);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            now.decrementAndGet();
            batch.forEach(
                e -> {
                  inbox.finished(e.getString("eventKey"));
                  done.countDown();
                });
          }

          @Override
          public void one(Document event) {}
        });

    for (int i = 0; i < events; i++) {
      assertThat(inbox.submit(statusIn(i % PARTITIONS))).isTrue();
    }
    await(done);
    assertThat(most.get()).isEqualTo(3);
  }

  @Test
  void aBatchThatFailsGivesItsTurnBack() throws Exception {
    CountDownLatch later = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    start(
        1,
        new InboxPartitions.Handler() {
          @Override
          public void statuses(List<Document> events) {
            if (calls.incrementAndGet() == 1) {
              throw new IllegalStateException("a bug in a handler");
            }
            events.forEach(e -> inbox.finished(e.getString("eventKey")));
            later.countDown();
          }

          @Override
          public void one(Document event) {}
        });

    assertThat(inbox.submit(statusIn(2))).isTrue();
    while (calls.get() == 0) {
      Thread.sleep(5);
    }
    assertThat(inbox.submit(statusIn(5))).isTrue();
    await(later);
    assertThat(calls.get()).isEqualTo(2);
  }
}
