package com.salesagent.activities.variants;

import static org.assertj.core.api.Assertions.assertThat;

import com.salesagent.activities.mongo.MongoDatabaseExtension;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contextual strategy's evidence is rebuilt less often as rebuilding grows dearer. */
class ContextEvidenceTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  @Test
  void aDearRebuildIsTakenLessOften() {
    // Every reading of the clock is 200 ms after the one before: a rebuild takes 200 ms, so the
    // model is kept for 4 s (twenty times that), not one.
    AtomicLong clock = new AtomicLong();
    ContextEvidence evidence =
        new ContextEvidence(MONGO.database(), () -> clock.addAndGet(200_000_000L));
    LinearThompson first = evidence.model(1.0, 0.01);
    clock.addAndGet(1_500_000_000L);
    assertThat(evidence.model(1.0, 0.01)).isSameAs(first);
    clock.addAndGet(3_000_000_000L);
    assertThat(evidence.model(1.0, 0.01)).isNotSameAs(first);
  }

  @Test
  void aCheapRebuildIsTakenEverySecond() {
    AtomicLong clock = new AtomicLong();
    ContextEvidence evidence = new ContextEvidence(MONGO.database(), clock::get);
    LinearThompson first = evidence.model(1.0, 0.01);
    clock.addAndGet(900_000_000L);
    assertThat(evidence.model(1.0, 0.01)).isSameAs(first);
    clock.addAndGet(200_000_000L);
    assertThat(evidence.model(1.0, 0.01)).isNotSameAs(first);
  }
}
