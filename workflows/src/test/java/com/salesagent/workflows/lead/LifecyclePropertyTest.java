package com.salesagent.workflows.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random lifecycles against the workflow (time-skipping environment, fake activities): statuses (in
 * any order, duplicated), replies, reactions, "not now" with dates past and future, opt-outs,
 * pauses, stops, kill-switches, failures with Meta's codes, and time passing. After each:
 *
 * <ul>
 *   <li>no send is attempted after an opt-out or a stop;
 *   <li>no idempotency key is accepted twice, and no step gets more accepted sends than one plus
 *       the failures reported for it;
 *   <li>the outcome does not depend on duplicated or reordered statuses: the same sequence with
 *       every status twice and the statuses between two pauses of time shuffled ends the same.
 * </ul>
 *
 * {@code -Dproperty.sequences=10000} runs ten thousand (BENCHMARKS.md has the figure); the build
 * runs {@value #DEFAULT_SEQUENCES}, seeded, so a failure names a sequence that can be run again.
 */
class LifecyclePropertyTest {
  static final int DEFAULT_SEQUENCES = 150;
  static final int ENVIRONMENT_REUSE = 10;

  /** One step of a random lifecycle. */
  record Action(String kind, int index, String value, Duration pause) {}

  @Test
  void randomLifecyclesKeepThePromises() {
    int sequences = Integer.getInteger("property.sequences", DEFAULT_SEQUENCES);
    long seed = Long.getLong("property.seed", 20261201L);
    Random random = new Random(seed);
    long started = System.nanoTime();
    Harness h = null;
    try {
      for (int n = 0; n < sequences; n++) {
        if (n % ENVIRONMENT_REUSE == 0) {
          // A fresh environment now and then: one clock moved by years of skipped time trips
          // the SDK's latency metric (a duration overflow) in workflows that complete then.
          if (h != null) {
            h.close();
          }
          h = Harness.standard();
        }
        long sequenceSeed = random.nextLong();
        List<Action> actions = generate(new Random(sequenceSeed));
        if (Boolean.getBoolean("property.verbose")) {
          System.err.printf("sequence %d at %.1f s%n", n, (System.nanoTime() - started) / 1e9);
        }
        Outcome plain = run(h, actions, new Random(sequenceSeed), false, "p" + n);
        Outcome noisy = run(h, actions, new Random(sequenceSeed), true, "n" + n);
        String where = "sequence " + n + " (seed " + sequenceSeed + "): " + actions;
        assertThat(plain.violations()).as(where).isEmpty();
        assertThat(noisy.violations()).as(where + " with duplicates and reordering").isEmpty();
        assertThat(noisy.stage()).as(where).isEqualTo(plain.stage());
        assertThat(noisy.sends()).as(where).isEqualTo(plain.sends());
      }
    } finally {
      if (h != null) {
        h.close();
      }
    }
    System.out.printf(
        "property: %d random lifecycles (x2: plain and noisy) in %.1f s, seed %d%n",
        sequences, (System.nanoTime() - started) / 1e9, seed);
  }

  static List<Action> generate(Random r) {
    List<Action> actions = new ArrayList<>();
    int length = 3 + r.nextInt(10);
    for (int i = 0; i < length; i++) {
      int pick = r.nextInt(100);
      int message = r.nextInt(3);
      Action a =
          pick < 30
              ? new Action("status", message, r.nextBoolean() ? "read" : "delivered", null)
              : pick < 35
                  ? new Action("failed", message, String.valueOf(code(r)), null)
                  : pick < 45
                      ? new Action("reaction", message, null, null)
                      : pick < 50
                          ? new Action("reply", message, null, null)
                          : pick < 54
                              ? new Action(
                                  "notNow", message, r.nextBoolean() ? "future" : "past", null)
                              : pick < 57
                                  ? new Action("optOut", 0, null, null)
                                  : pick < 62
                                      ? new Action("pause", 0, null, null)
                                      : pick < 68
                                          ? new Action("resume", 0, null, null)
                                          : pick < 70
                                              ? new Action("stop", 0, null, null)
                                              : pick < 74
                                                  ? new Action("disable", 0, "v-scaling", null)
                                                  : new Action(
                                                      "sleep",
                                                      0,
                                                      null,
                                                      Duration.ofMinutes(1 + r.nextInt(60 * 100)));
      actions.add(a);
    }
    actions.add(new Action("sleep", 0, null, Duration.ofDays(12)));
    return actions;
  }

  private static int code(Random r) {
    int[] codes = {
      MetaErrors.UNDELIVERABLE,
      MetaErrors.RE_ENGAGEMENT_REQUIRED,
      MetaErrors.THROUGHPUT_LIMIT,
      MetaErrors.PAIR_RATE_LIMIT,
      MetaErrors.MARKETING_LIMIT
    };
    return codes[r.nextInt(codes.length)];
  }

  record Outcome(Stage stage, int sends, List<String> violations) {}

  /** One lead's random lifecycle, in the shared environment. */
  private static final class Lead {
    final Harness h;
    final String id;
    final LeadWorkflow stub;

    Lead(Harness h, String id) {
      this.h = h;
      this.id = id;
      this.stub = h.startLead(id);
    }

    List<FakeLeadActivities.Sent> sends() {
      return h.fake.sends.stream().filter(s -> s.request().leadId().equals(id)).toList();
    }

    LeadWorkflow current() {
      return h.env
          .getWorkflowClient()
          .newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(id));
    }
  }

  /** Plays the actions; noisy: statuses twice, and shuffled between two waits. */
  static Outcome run(Harness h, List<Action> actions, Random r, boolean noisy, String leadId) {
    Lead lead = new Lead(h, leadId);
    h.until(leadId + " first send", () -> !lead.sends().isEmpty());
    Instant stoppedAt = null;
    java.util.Set<String> failed = new java.util.HashSet<>();
    List<Action> batch = new ArrayList<>();
    for (Action a : actions) {
      if (noisy && a.kind().equals("status")) {
        batch.add(a);
        batch.add(a);
        continue;
      }
      stoppedAt = flush(lead, batch, r, noisy, failed, stoppedAt);
      stoppedAt = apply(lead, a, failed, stoppedAt);
      if (noisy && a.kind().equals("failed")) {
        stoppedAt = apply(lead, a, failed, stoppedAt); // delivered twice, in place
      }
      // Each other event is handled before the next arrives, in both runs alike: the order of
      // different events (a reply, then a stop) is the sequence's, not a race of the test.
      h.env.sleep(Duration.ofSeconds(1));
    }
    stoppedAt = flush(lead, batch, r, noisy, failed, stoppedAt);
    h.env.sleep(Duration.ofSeconds(1));
    try {
      lead.current().stop("end of sequence");
    } catch (io.temporal.client.WorkflowNotFoundException e) {
      // it reached its outcome already
    }
    LeadState end =
        io.temporal.client.WorkflowStub.fromTyped(lead.current()).getResult(LeadState.class);
    List<String> violations = new ArrayList<>();
    for (int i = 0; i < h.fake.attempts.size(); i++) {
      if (h.fake.attempts.get(i).leadId().equals(leadId)
          && stoppedAt != null
          && h.fake.attemptTimes.get(i).isAfter(stoppedAt)) {
        violations.add("attempt " + h.fake.attempts.get(i) + " after opt-out/stop at " + stoppedAt);
      }
    }
    Map<String, Integer> byKey = new HashMap<>();
    Map<Integer, Integer> byStep = new HashMap<>();
    Map<Integer, Integer> failuresByStep = new HashMap<>();
    for (FakeLeadActivities.Sent s : lead.sends()) {
      byKey.merge(s.request().idempotencyKey(), 1, Integer::sum);
      byStep.merge(s.request().step(), 1, Integer::sum);
      if (failed.contains(s.wamid())) {
        failuresByStep.merge(s.request().step(), 1, Integer::sum);
      }
    }
    byKey.forEach(
        (k, c) -> {
          if (c > 1) {
            violations.add("key " + k + " accepted " + c + " times");
          }
        });
    byStep.forEach(
        (step, c) -> {
          if (c > 1 + failuresByStep.getOrDefault(step, 0)) {
            violations.add("step " + step + " sent " + c + " times");
          }
        });
    return new Outcome(end.stage(), lead.sends().size(), violations);
  }

  private static Instant flush(
      Lead h,
      List<Action> batch,
      Random r,
      boolean noisy,
      java.util.Set<String> failures,
      Instant stoppedAt) {
    if (noisy) {
      Collections.shuffle(batch, r);
    }
    Instant at = stoppedAt;
    for (Action a : new ArrayList<>(batch)) {
      at = apply(h, a, failures, at);
    }
    batch.clear();
    return at;
  }

  private static Instant apply(
      Lead lead, Action a, java.util.Set<String> failures, Instant stoppedAt) {
    Harness h = lead.h;
    LeadWorkflow w = lead.current();
    List<FakeLeadActivities.Sent> sends = lead.sends();
    int n = sends.size();
    String wamid = n == 0 ? "wamid.none" : sends.get(Math.min(a.index(), n - 1)).wamid();
    try {
      switch (a.kind()) {
        case "status" -> w.messageStatus(new MessageStatusSignal(wamid, a.value(), h.now(), null));
        case "failed" -> {
          failures.add(wamid);
          w.messageStatus(
              new MessageStatusSignal(wamid, "failed", h.now(), Integer.parseInt(a.value())));
        }
        case "reaction" ->
            w.inboundMessage(new InboundMessageSignal("x", wamid, "reaction", h.now()));
        case "reply" -> w.inboundMessage(new InboundMessageSignal("y", wamid, "text", h.now()));
        case "notNow" ->
            w.inboundMessage(
                new InboundMessageSignal(
                    "z",
                    wamid,
                    "text",
                    h.now(),
                    "not_now",
                    "future".equals(a.value())
                        ? h.now().plus(Duration.ofDays(2))
                        : h.now().minusSeconds(5)));
        case "optOut" -> {
          h.fake.doNotContactLeads.add(lead.id);
          w.optOut(new OptOutSignal("keyword", h.now()));
          return stoppedAt == null ? h.now() : stoppedAt;
        }
        case "stop" -> {
          w.stop("operator");
          return stoppedAt == null ? h.now() : stoppedAt;
        }
        case "pause" -> w.pause();
        case "resume" -> w.resume();
        case "disable" -> w.variantDisabled(a.value());
        default -> h.env.sleep(a.pause());
      }
    } catch (io.temporal.client.WorkflowNotFoundException e) {
      // ended already: nothing more to tell it
    }
    return stoppedAt;
  }
}
