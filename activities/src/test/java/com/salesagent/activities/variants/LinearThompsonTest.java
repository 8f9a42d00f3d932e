package com.salesagent.activities.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.MersenneTwister;
import org.junit.jupiter.api.Test;

class LinearThompsonTest {
  private static final List<Arm> ARMS =
      List.of(new Arm("plain", 1, 0, 0), new Arm("exec", 1, 0, 0), new Arm("practical", 1, 0, 0));

  /** VPs reply to "exec", managers to "practical", in three industries; "plain" is average. */
  private static LinearThompson learnt(double floor) {
    LinearThompson.Builder b = new LinearThompson.Builder(LinearThompson.DEFAULT_LAMBDA, floor);
    for (String industry : List.of("software", "healthcare", "logistics")) {
      for (String seniority : List.of("vp", "manager")) {
        Map<String, String> x = Map.of("industry", industry, "seniority", seniority);
        boolean vp = seniority.equals("vp");
        b.add(new LinearThompson.Group("exec", x, 100, vp ? 40 : 4));
        b.add(new LinearThompson.Group("practical", x, 100, vp ? 4 : 40));
        b.add(new LinearThompson.Group("plain", x, 100, 10));
      }
    }
    return b.build();
  }

  private static int[] draws(LinearThompson model, Map<String, String> lead, int n, long seed) {
    int[] counts = new int[ARMS.size()];
    MersenneTwister random = new MersenneTwister(seed);
    for (int i = 0; i < n; i++) {
      counts[model.choose(ARMS, lead, random)]++;
    }
    return counts;
  }

  @Test
  void whatASeniorityRepliedToInOtherIndustriesDecidesForAnIndustryNobodyHadYet() {
    LinearThompson model = learnt(0);
    int[] vp = draws(model, Map.of("industry", "retail", "seniority", "vp"), 1_000, 1);
    int[] manager = draws(model, Map.of("industry", "retail", "seniority", "manager"), 1_000, 2);
    // Retail's unknown weight (one per variant) still explores: most, not all, draws.
    assertThat(vp[1]).as("exec for a retail VP").isGreaterThan(850);
    assertThat(manager[2]).as("practical for a retail manager").isGreaterThan(850);
    double[] exec = model.posterior("exec", Map.of("industry", "retail", "seniority", "vp"));
    assertThat(exec[0]).as("predicted rate").isBetween(0.3, 0.5);
    // Retail is new: its weight is the prior's (sd about 0.1 of a rate), software's is known.
    double[] known = model.posterior("exec", Map.of("industry", "software", "seniority", "vp"));
    assertThat(exec[1]).isGreaterThan(known[1] * 5);
    int[] softwareVp = draws(model, Map.of("industry", "software", "seniority", "vp"), 1_000, 6);
    assertThat(softwareVp[1]).isGreaterThan(990);
  }

  @Test
  void withoutEvidenceEveryVariantIsTried() {
    LinearThompson model = new LinearThompson.Builder(LinearThompson.DEFAULT_LAMBDA, 0).build();
    int[] counts = draws(model, Map.of("seniority", "vp"), 3_000, 3);
    for (int c : counts) {
      assertThat(c).isBetween(800, 1_200);
    }
  }

  @Test
  void aVariantNobodyWasAssignedYetIsExploredBesideLearntOnes() {
    LinearThompson model = learnt(0);
    List<Arm> arms = List.of(new Arm("plain", 1, 0, 0), new Arm("brand-new", 1, 0, 0));
    int fresh = 0;
    MersenneTwister random = new MersenneTwister(4);
    for (int i = 0; i < 1_000; i++) {
      fresh += model.choose(arms, Map.of("seniority", "vp"), random);
    }
    // Its prior (mean 0, sd about 0.16 of a rate over the intercept and one feature) against
    // plain's learnt 10 %: it wins about a quarter of the time, until it has evidence.
    assertThat(fresh).isBetween(150, 400);
  }

  @Test
  void theTrafficFloorKeepsEveryVariantAlive() {
    int[] counts = draws(learnt(0.05), Map.of("industry", "software", "seniority", "vp"), 4_000, 5);
    // 3 x 5 % explored uniformly: each at least ~5 % of the leads.
    assertThat(counts[0]).isGreaterThan(120);
    assertThat(counts[2]).isGreaterThan(120);
  }

  @Test
  void groupsOfTheSameFeaturesAddUpAndBlankValuesAreNoFeature() {
    assertThat(LinearThompson.features(Map.of("seniority", "vp", "industry", " ")))
        .containsExactly(LinearThompson.INTERCEPT, "seniority=vp");
    LinearThompson.Builder one = new LinearThompson.Builder(1, 0);
    one.add(new LinearThompson.Group("a", Map.of("seniority", "vp"), 50, 10));
    LinearThompson.Builder two = new LinearThompson.Builder(1, 0);
    two.add(new LinearThompson.Group("a", Map.of("seniority", "vp"), 20, 4));
    two.add(new LinearThompson.Group("a", Map.of("seniority", "vp"), 30, 6));
    double[] p1 = one.build().posterior("a", Map.of("seniority", "vp"));
    double[] p2 = two.build().posterior("a", Map.of("seniority", "vp"));
    assertThat(p2[0]).isCloseTo(p1[0], org.assertj.core.data.Offset.offset(1e-12));
    assertThat(p2[1]).isCloseTo(p1[1], org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void badParametersAreRefused() {
    assertThatThrownBy(() -> new LinearThompson.Builder(0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LinearThompson.Builder(1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LinearThompson.Group("a", Map.of(), 3, 4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new LinearThompson.Builder(1, 0)
                    .build()
                    .choose(List.of(), Map.of(), new MersenneTwister()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
