package com.salesagent.activities.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A number suppressed, lifted with a new consent, then suppressed again (the lead said stop). */
class SuppressionsTest {
  @RegisterExtension static final MongoDatabaseExtension MONGO = MongoDatabaseExtension.embedded();

  private static final String NUMBER = "+447911123456";
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private Suppressions suppressions;

  @BeforeEach
  void setUp() {
    MONGO.database().drop();
    MongoSchema.ensure(MONGO.database());
    suppressions = new Suppressions(MONGO.database());
  }

  @Test
  void aNumberSuppressedAgainAfterALiftShowsNoLiftOnlyItsHistory() {
    suppressions.suppress(List.of(NUMBER), Suppressions.KEYWORD, T0, "first stop");
    assertThat(
            suppressions.lift(NUMBER, "ops", "web form", T0.plusSeconds(60), T0.plusSeconds(120)))
        .isTrue();
    suppressions.suppress(List.of(NUMBER), Suppressions.KEYWORD, T0.plusSeconds(600), "again");

    Document d = suppressions.find(NUMBER);
    assertThat(d.getBoolean("active")).isTrue();
    assertThat(d.getString("detail")).isEqualTo("again");
    // The lift belongs to the suppression it ended, not to the one now in force.
    assertThat(d.get("lifted")).isNull();
    assertThat(d.getList("liftHistory", Document.class)).hasSize(1);
    assertThat(suppressions.active(List.of(NUMBER))).isPresent();
  }
}
