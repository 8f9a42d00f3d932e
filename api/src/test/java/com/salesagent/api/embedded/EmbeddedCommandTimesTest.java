package com.salesagent.api.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.bson.Document;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EmbeddedCommandTimesTest {

  @Test
  void keepsSlowCommandsByNameCollectionAndCountNeverTheirValues() {
    long t0 = System.currentTimeMillis() + 10_000_000; // past anything other tests recorded
    Document update =
        new Document("update", "messages")
            .append(
                "updates",
                List.of(
                    new Document("q", new Document("wamid", "wamid.secret-1")),
                    new Document("q", new Document("wamid", "wamid.secret-2"))));
    EmbeddedCommandTimes.record(update, t0, TimeUnit.MILLISECONDS.toNanos(120));
    EmbeddedCommandTimes.record(
        new Document("find", "contacts").append("filter", new Document("phone", "+5511999")),
        t0 + 1,
        TimeUnit.MILLISECONDS.toNanos(EmbeddedCommandTimes.RECORD_FROM_MILLIS - 1));
    EmbeddedCommandTimes.record(
        new Document("insert", "webhook_events").append("documents", List.of(new Document())),
        t0 + 2,
        TimeUnit.MILLISECONDS.toNanos(1_500));

    List<EmbeddedCommandTimes.Slow> slow =
        EmbeddedCommandTimes.since(t0).stream().filter(s -> s.startMillis() < t0 + 100).toList();

    assertThat(slow)
        .extracting(EmbeddedCommandTimes.Slow::what)
        .containsExactly("update messages", "insert webhook_events");
    assertThat(slow.get(0).millis()).isEqualTo(120);
    assertThat(slow.get(0).items()).isEqualTo(2);
    assertThat(slow.get(1).items()).isEqualTo(1);
    assertThat(slow.toString()).doesNotContain("secret").doesNotContain("5511999");
    assertThat(EmbeddedCommandTimes.since(t0 + 1))
        .filteredOn(s -> s.startMillis() < t0 + 100)
        .hasSize(1);
  }

  @Test
  void countsEveryCommandFastOrSlowByNameAndCollection() {
    String collection = "totals_" + System.nanoTime();
    var before = EmbeddedCommandTimes.totals();
    EmbeddedCommandTimes.record(
        new Document("update", collection), System.currentTimeMillis(), 1_000);
    EmbeddedCommandTimes.record(
        new Document("update", collection), System.currentTimeMillis(), 2_000_000_000L);
    EmbeddedCommandTimes.record(
        new Document("find", collection).append("filter", new Document("phone", "+5511999")),
        System.currentTimeMillis(),
        5_000);

    var after = EmbeddedCommandTimes.totals();
    var update = new EmbeddedCommandTimes.What("update", collection);
    assertThat(before).doesNotContainKey(update);
    assertThat(after.get(update)).isEqualTo(new EmbeddedCommandTimes.Count(2, 2_000_001_000L));
    assertThat(after.get(new EmbeddedCommandTimes.What("find", collection)))
        .isEqualTo(new EmbeddedCommandTimes.Count(1, 5_000));
    assertThat(after.toString()).doesNotContain("5511999");
  }

  @Test
  void theRingKeepsOnlyTheMostRecent() {
    long t0 = System.currentTimeMillis() + 20_000_000;
    for (int i = 0; i < EmbeddedCommandTimes.CAPACITY + 10; i++) {
      EmbeddedCommandTimes.record(
          new Document("find", "c" + i), t0 + i, TimeUnit.MILLISECONDS.toNanos(60));
    }
    List<EmbeddedCommandTimes.Slow> slow = EmbeddedCommandTimes.since(t0);
    assertThat(slow).hasSize(EmbeddedCommandTimes.CAPACITY);
    assertThat(slow.get(0).collection()).isEqualTo("c10");
  }
}
