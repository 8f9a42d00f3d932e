package com.salesagent.activities.variants;

import java.util.List;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * Chooses a variant for a new lead. Runs in an activity; the workflow records the choice, so a
 * replay never chooses again.
 */
public interface AssignmentStrategy {
  /** Index into {@code arms} (the enabled variants of the segment, in a stable order). */
  int choose(List<Arm> arms, long assignmentNumber, RandomGenerator random);

  String name();

  static AssignmentStrategy named(String name, int burnIn, double floor) {
    return switch (name) {
      case "round_robin" -> new RoundRobin();
      case "uniform" -> new UniformRandom();
      case "weighted" -> new Weighted();
      case "thompson" -> new ThompsonSampling(burnIn, floor);
      default ->
          throw new IllegalArgumentException(
              "strategy must be round_robin, uniform, weighted, thompson or contextual (chosen by"
                  + " the caller with the lead's features), not "
                  + name);
    };
  }

  /** Arm n mod k. */
  final class RoundRobin implements AssignmentStrategy {
    @Override
    public int choose(List<Arm> arms, long n, RandomGenerator random) {
      return (int) Math.floorMod(n, (long) arms.size());
    }

    @Override
    public String name() {
      return "round_robin";
    }
  }

  /** Every arm equally likely. */
  final class UniformRandom implements AssignmentStrategy {
    @Override
    public int choose(List<Arm> arms, long n, RandomGenerator random) {
      return random.nextInt(arms.size());
    }

    @Override
    public String name() {
      return "uniform";
    }
  }

  /** Probability proportional to each arm's configured weight. */
  final class Weighted implements AssignmentStrategy {
    @Override
    public int choose(List<Arm> arms, long n, RandomGenerator random) {
      double total = arms.stream().mapToDouble(a -> Math.max(0, a.weight())).sum();
      if (total <= 0) {
        return random.nextInt(arms.size());
      }
      double x = random.nextDouble() * total;
      for (int i = 0; i < arms.size(); i++) {
        x -= Math.max(0, arms.get(i).weight());
        if (x < 0) {
          return i;
        }
      }
      return arms.size() - 1;
    }

    @Override
    public String name() {
      return "weighted";
    }
  }
}
