package com.salesagent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.model.Filters;
import com.salesagent.api.config.ApiConfiguration;
import com.salesagent.tools.bench.EndToEndSimulation;
import com.salesagent.worker.cli.ConfigSources;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The simulator's end-to-end engine through the real workflows on the embedded stack: leads are
 * enrolled over REST, assigned by Thompson sampling, sent to the emulator, whose recipients reply
 * with hidden per-segment, per-variant probabilities through the signed webhook.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SimulationApplicationTest {
  static final String TOKEN = "simulation-token-0123456789abcdef0123";

  /**
   * A losing arm is tried for its burn-in and again while its leads wait out their follow-ups
   * (outcome-only counting: not yet evidence), about 20 leads per segment whatever the run's
   * length; with 80 leads (40 per segment) that left the right arm's share as low as 0.5 in one
   * segment (CI, 2026-12-02). 120 leads give the learning the room the assertions measure.
   */
  static final int LEADS = 120;

  static Map<String, String> environment() {
    Map<String, String> env = EmbeddedEnvironment.anyHour(TOKEN);
    env.put("FOLLOW_UP_READ_NO_REPLY", "1s");
    env.put("FOLLOW_UP_UNREAD", "2s");
    env.put("MAX_FOLLOW_UPS", "1");
    return env;
  }

  static final DropwizardAppExtension<ApiConfiguration> APP =
      new DropwizardAppExtension<>(
          SalesAgentApplication.class,
          "embedded.yml",
          ConfigSources.fileOrClasspath(environment()));

  @Test
  void leadsFlowThroughTheWorkflowsAndTheBanditLearnsFromTheirReplies() throws Exception {
    SalesAgentApplication app = (SalesAgentApplication) APP.getApplication();
    // smb answers only v-speed, enterprise only v-cost: what a learner must find.
    Map<String, Map<String, Double>> rates =
        Map.of(
            "smb", Map.of("v-cost", 0.0, "v-scaling", 0.0, "v-speed", 0.9),
            "enterprise", Map.of("v-cost", 0.9, "v-scaling", 0.0, "v-speed", 0.0));
    AtomicLong lastProgress = new AtomicLong(-1);

    // Thompson counted a lead as a trial when assigned and as a reply only once the reply was
    // processed, so answered but unprocessed leads were failures: at 20 enrolments a second the
    // right arm's share ran 0.48-0.65 in CI (two runs below the bar of 0.5). Now only leads with an
    // outcome are trials (AwaitingOutcome): 0.75-0.79 at 20 a second here. Five a second leaves
    // margin on a loaded 2-core machine.
    EndToEndSimulation.Outcome o =
        EndToEndSimulation.run(
            app,
            APP.getLocalPort(),
            TOKEN,
            new EndToEndSimulation.Options(
                LEADS, rates, "thompson", 4, 0.01, 5, Duration.ofSeconds(90), 5),
            lastProgress::set);

    System.out.printf(
        "simulation: allocation %s, replies %s, dev-server stalls %d%n",
        o.allocation(), o.repliesByArm(), o.devServerStalls());
    // Every lead finishes. The shipped dev server lost 3-6 of 80 such leads to its refused
    // CancelTimer (a webhook at a timer's instant); the embedded server defers such fires
    // (DeferredTimerFires), so none may stall.
    assertThat(o.devServerStalls()).isZero();
    assertThat(o.finished()).isEqualTo(LEADS);
    assertThat(lastProgress.get()).isEqualTo(o.finished());
    long allocated =
        o.allocation().values().stream()
            .flatMap(m -> m.values().stream())
            .mapToLong(Long::longValue)
            .sum();
    assertThat(allocated).isBetween((long) LEADS - o.devServerStalls(), (long) LEADS);
    // Replies only come from the right arm of each segment...
    assertThat(o.repliesByArm().getOrDefault("smb", Map.of())).containsOnlyKeys("v-speed");
    assertThat(o.repliesByArm().getOrDefault("enterprise", Map.of())).containsOnlyKeys("v-cost");
    // ...and the bandit moves traffic there. Measured shares of the right arm per segment
    // (~40 leads, 12 of them burn-in) ran 0.47-0.71, mean ~0.63: a per-segment bar of 0.5 failed
    // about one run in twenty. So per segment: the right arm is the most chosen and above 0.4 (a
    // uniform split passes that about one time in six); over both segments it takes more than half
    // (a
    // uniform split does that about once in 2,000: expected replies = 0.9 x right-arm leads).
    for (String segment : rates.keySet()) {
      Map<String, Long> arms = o.allocation().get(segment);
      long total = arms.values().stream().mapToLong(Long::longValue).sum();
      String best = segment.equals("smb") ? "v-speed" : "v-cost";
      long right = arms.getOrDefault(best, 0L);
      assertThat(right / (double) total)
          .as("share of %s in %s: %s", best, segment, arms)
          .isGreaterThan(0.4);
      assertThat(arms.values())
          .as("the most chosen arm in %s: %s", segment, arms)
          .allMatch(n -> n <= right);
    }
    assertThat(o.expectedReplies()).isGreaterThan(o.oracleReplies() * 0.5);
    // The replies reached the counters the bandit reads.
    long counted = 0;
    for (Document d :
        app.connections()
            .mongo()
            .database()
            .getCollection("variant_stats")
            .find(Filters.in("segment", "smb", "enterprise"))) {
      Number n = d.get("replied", Number.class);
      counted += n == null ? 0 : n.longValue();
    }
    // (A stalled lead's reply is counted by the webhook inbox although its workflow never moved.)
    assertThat(counted).isBetween(o.replies(), o.replies() + o.devServerStalls());
  }
}
