package com.salesagent.activities.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.MongoDatabaseExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SendThrottleTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  /**
   * Two "worker processes" (two throttles, each with its own memory of the slot it wrote) and eight
   * threads each reserve 400 sends of one 80/s number: in no one-second window are there more than
   * 80 of them, and every slot is taken once.
   */
  @Test
  void sendsOfSeveralProcessesNeverExceedTheTierInAnyOneSecondWindow() throws Exception {
    SendThrottle one = new SendThrottle(MONGO.database());
    SendThrottle two = new SendThrottle(MONGO.database());
    long interval = SendThrottle.intervalMicros(80, 1.0);
    List<Instant> slots = new CopyOnWriteArrayList<>();
    Instant start = Instant.now().truncatedTo(ChronoUnit.MICROS);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      SendThrottle throttle = t % 2 == 0 ? one : two;
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 50; i++) {
                  SendThrottle.Slot slot =
                      throttle.reserve(
                          SendThrottle.tierKey("111"), interval, start, Duration.ofSeconds(30));
                  assertThat(slot.granted()).isTrue();
                  slots.add(slot.at());
                }
              }));
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    for (Future<?> f : done) {
      f.get();
    }

    List<Instant> sorted = new ArrayList<>(slots);
    Collections.sort(sorted);
    assertThat(sorted).hasSize(400).doesNotHaveDuplicates();
    assertThat(maxInAnyWindow(sorted, Duration.ofSeconds(1))).isLessThanOrEqualTo(80);
    // Without gaps: 400 sends at 80/s take five seconds of slots.
    assertThat(Duration.between(sorted.get(0), sorted.get(399)))
        .isLessThan(Duration.ofMillis(5000));
  }

  @Test
  void aSlotFurtherOutThanTheWaitIsRefusedWithItsTimeAndNothingReserved() {
    SendThrottle throttle = new SendThrottle(MONGO.database());
    long interval = SendThrottle.intervalMicros(80, 1.0); // 12.5 ms
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    for (int i = 0; i < 160; i++) {
      assertThat(throttle.reserve(SendThrottle.tierKey("9"), interval, now, Duration.ofSeconds(2)))
          .extracting(SendThrottle.Slot::granted)
          .isEqualTo(true);
    }
    SendThrottle.Slot refused =
        throttle.reserve(SendThrottle.tierKey("9"), interval, now, Duration.ofMillis(1990));
    assertThat(refused.granted()).isFalse();
    assertThat(refused.waitFrom(now)).isEqualTo(Duration.ofSeconds(2));
    // Another process (no memory) sees the same: the refusal reserved nothing.
    SendThrottle other = new SendThrottle(MONGO.database());
    assertThat(other.reserve(SendThrottle.tierKey("9"), interval, now, Duration.ofSeconds(2)))
        .isEqualTo(new SendThrottle.Slot(true, now.plusSeconds(2)));
  }

  @Test
  void oneRecipientGetsOneMessageEverySixSecondsPerNumber() {
    SendThrottle throttle = new SendThrottle(MONGO.database());
    long six = SendThrottle.PAIR_SPACING.toNanos() / 1000;
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    String pair = SendThrottle.pairKey("111", "+5511998765432");
    assertThat(throttle.reserve(pair, six, now, Duration.ofSeconds(6)).at()).isEqualTo(now);
    assertThat(throttle.reserve(pair, six, now, Duration.ofSeconds(6)).at())
        .isEqualTo(now.plusSeconds(6));
    assertThat(throttle.reserve(pair, six, now, Duration.ofSeconds(6)).granted()).isFalse();
    // Another number, or another recipient: no wait.
    assertThat(
            throttle
                .reserve(SendThrottle.pairKey("222", "+5511998765432"), six, now, Duration.ZERO)
                .granted())
        .isTrue();
    assertThat(
            throttle
                .reserve(SendThrottle.pairKey("111", "+5511998765433"), six, now, Duration.ZERO)
                .granted())
        .isTrue();
    // The recipient is stored only as a hash.
    assertThat(pair).doesNotContain("998765432");
  }

  /**
   * Slots taken from the live clock by two processes, so the number turns idle and busy again under
   * them: every slot granted, each at least one interval after the one before.
   */
  @Test
  void idleAndBusyReservationsOfSeveralProcessesKeepTheIntervalBetweenEverySlot() throws Exception {
    SendThrottle one = new SendThrottle(MONGO.database());
    SendThrottle two = new SendThrottle(MONGO.database());
    long interval = 20_000; // 20 ms: 50/s
    List<Instant> slots = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      SendThrottle throttle = t % 2 == 0 ? one : two;
      int pause = 5 + 7 * t;
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 30; i++) {
                  SendThrottle.Slot slot =
                      throttle.reserve(
                          SendThrottle.tierKey("777"),
                          interval,
                          Instant.now().truncatedTo(ChronoUnit.MICROS),
                          Duration.ofSeconds(10));
                  assertThat(slot.granted()).isTrue();
                  slots.add(slot.at());
                  Thread.sleep(i % 3 == 0 ? pause : 0);
                }
                return null;
              }));
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    for (Future<?> f : done) {
      f.get();
    }
    List<Instant> sorted = new ArrayList<>(slots);
    Collections.sort(sorted);
    assertThat(sorted).hasSize(180);
    for (int i = 1; i < sorted.size(); i++) {
      assertThat(Duration.between(sorted.get(i - 1), sorted.get(i)))
          .isGreaterThanOrEqualTo(Duration.ofNanos(interval * 1000));
    }
  }

  /** What a reservation costs in MongoDB commands, seen by a command listener. */
  @Test
  void anIdleOrNewSlotIsTakenWithOneWrite() {
    java.util.List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (com.mongodb.client.MongoClient client = MONGO.recordingClient(commands)) {
      SendThrottle throttle = new SendThrottle(MONGO.database(client));
      long six = SendThrottle.PAIR_SPACING.toNanos() / 1000;
      Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
      String pair = SendThrottle.pairKey("111", "+5511998765432");

      commands.clear();
      assertThat(throttle.reserve(pair, six, now, Duration.ofSeconds(6)).at()).isEqualTo(now);
      assertThat(commands.size()).as("a new pair").isEqualTo(1);
      commands.clear();
      Instant later = now.plusSeconds(20);
      assertThat(throttle.reserve(pair, six, later, Duration.ofSeconds(6)).at()).isEqualTo(later);
      assertThat(commands.size()).as("an idle pair").isEqualTo(1);
      commands.clear();
      assertThat(throttle.reserve(pair, six, later, Duration.ofSeconds(6)).at())
          .isEqualTo(later.plusSeconds(6));
      assertThat(commands.size()).as("a busy pair: the upsert collides, then $inc").isEqualTo(2);

      String tier = SendThrottle.tierKey("111");
      long interval = SendThrottle.intervalMicros(80, 1.0);
      throttle.reserve(tier, interval, now, Duration.ofSeconds(2));
      commands.clear();
      assertThat(throttle.reserve(tier, interval, later, Duration.ofSeconds(2)).at())
          .isEqualTo(later);
      assertThat(commands.size()).as("an idle number, idle last time too").isEqualTo(1);
      commands.clear();
      assertThat(throttle.reserve(tier, interval, later, Duration.ofSeconds(2)).granted()).isTrue();
      throttle.reserve(tier, interval, later, Duration.ofSeconds(2));
      assertThat(commands.size()).as("busy: one miss, then $inc twice").isEqualTo(3);
    }
  }

  static int maxInAnyWindow(List<Instant> sorted, Duration window) {
    int best = 0;
    int from = 0;
    for (int to = 0; to < sorted.size(); to++) {
      while (!sorted.get(from).plus(window).isAfter(sorted.get(to))) {
        from++;
      }
      best = Math.max(best, to - from + 1);
    }
    return best;
  }
}
