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

  /**
   * Many numbers suppressed at once (an imported list) as one at a time would be: each marked to be
   * told, active, its first suppression kept when it was active already (not returned), a lifted
   * one suppressed again (returned); blanks and repeats taken once.
   */
  @Test
  void manyNumbersAtOnceAreMarkedSuppressedAndOnlyTheNewOnesReturned() {
    String kept = "+447911123457";
    String lifted = "+447911123458";
    String fresh = "+447911123459";
    suppressions.suppress(List.of(kept), Suppressions.KEYWORD, T0, "stop");
    suppressions.suppress(List.of(lifted), Suppressions.OPERATOR, T0, "asked");
    suppressions.lift(lifted, "ops", "web form", T0.plusSeconds(60), T0.plusSeconds(120));
    MONGO.database().getCollection(Suppressions.TO_TELL).deleteMany(new Document());

    assertThat(
            suppressions.suppressAll(
                java.util.Arrays.asList(kept, lifted, fresh, fresh, " ", null),
                Suppressions.IMPORT,
                T0.plusSeconds(600),
                "list"))
        .containsExactly(lifted, fresh);

    assertThat(suppressions.find(kept).getString("source")).isEqualTo(Suppressions.KEYWORD);
    for (String number : List.of(lifted, fresh)) {
      Document d = suppressions.find(number);
      assertThat(d.getBoolean("active")).isTrue();
      assertThat(d.getString("source")).isEqualTo(Suppressions.IMPORT);
      assertThat(d.getString("detail")).isEqualTo("list");
      assertThat(d.get("lifted")).isNull();
    }
    assertThat(suppressions.toTellMarks(List.of(kept, lifted, fresh)))
        .extracting(m -> m.getString("_id"))
        .containsExactlyInAnyOrder(lifted, fresh);
    suppressions.told(suppressions.toTellMarks(List.of(lifted, fresh)));
    assertThat(suppressions.toTellMarks(List.of(lifted, fresh))).isEmpty();
    assertThat(
            suppressions.suppressAll(
                List.of(kept, lifted, fresh), Suppressions.IMPORT, T0.plusSeconds(900), "again"))
        .isEmpty();
  }
}
