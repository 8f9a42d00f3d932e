package com.salesagent.api.embedded;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Faults the emulator injects the way Meta (or the network in front of it) produces them, each with
 * a probability: {@code timeout_after_accept} (the message is accepted, the answer comes after the
 * client gave up), {@code reset_after_accept} (accepted, then the connection drops without an
 * answer), {@code http_500} (Meta's "something went wrong", nothing accepted), {@code
 * rate_limit_130429} and {@code pair_limit_131056} (throttled, nothing accepted), {@code
 * webhook_duplicate} (a callback delivered twice), {@code webhook_reorder} (callbacks delayed at
 * random so they overtake each other), and {@code webhook_delay_max} (the most a callback is
 * delayed). Written as {@code WHATSAPP_EMULATOR_FAULTS=timeout_after_accept:0.1,http_500:0.05,
 * webhook_delay_max:30s}.
 */
public final class EmulatorFaults {
  public static final String TIMEOUT_AFTER_ACCEPT = "timeout_after_accept";
  public static final String RESET_AFTER_ACCEPT = "reset_after_accept";
  public static final String HTTP_500 = "http_500";
  public static final String RATE_LIMIT = "rate_limit_130429";
  public static final String PAIR_LIMIT = "pair_limit_131056";
  public static final String WEBHOOK_DUPLICATE = "webhook_duplicate";
  public static final String WEBHOOK_REORDER = "webhook_reorder";
  public static final String WEBHOOK_DELAY_MAX = "webhook_delay_max";

  private static final Set<String> PROBABILITIES =
      Set.of(
          TIMEOUT_AFTER_ACCEPT,
          RESET_AFTER_ACCEPT,
          HTTP_500,
          RATE_LIMIT,
          PAIR_LIMIT,
          WEBHOOK_DUPLICATE,
          WEBHOOK_REORDER);

  private final Map<String, Double> probabilities;
  private final Duration webhookDelayMax;
  private final Random random;

  private EmulatorFaults(Map<String, Double> probabilities, Duration delayMax, long seed) {
    this.probabilities = probabilities;
    this.webhookDelayMax = delayMax;
    this.random = new Random(seed);
  }

  public static EmulatorFaults none() {
    return new EmulatorFaults(Map.of(), Duration.ZERO, 1);
  }

  /** Parses the setting; a bad entry names itself. */
  public static EmulatorFaults parse(String spec, long seed) {
    Map<String, Double> p = new LinkedHashMap<>();
    Duration delay = Duration.ZERO;
    if (spec != null && !spec.isBlank()) {
      for (String entry : spec.split(",")) {
        String[] kv = entry.trim().split(":", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException(
              "WHATSAPP_EMULATOR_FAULTS entry '" + entry.trim() + "' is not name:value");
        }
        String name = kv[0].trim();
        if (WEBHOOK_DELAY_MAX.equals(name)) {
          delay = io.dropwizard.util.Duration.parse(kv[1].trim()).toJavaDuration();
        } else if (PROBABILITIES.contains(name)) {
          double v = Double.parseDouble(kv[1].trim());
          if (v < 0 || v > 1) {
            throw new IllegalArgumentException(name + " must be a probability between 0 and 1");
          }
          p.put(name, v);
        } else {
          throw new IllegalArgumentException(
              "unknown WHATSAPP_EMULATOR_FAULTS entry '"
                  + name
                  + "'; known: "
                  + PROBABILITIES
                  + ", "
                  + WEBHOOK_DELAY_MAX);
        }
      }
    }
    return new EmulatorFaults(p, delay, seed);
  }

  public boolean any() {
    return !probabilities.isEmpty() || !webhookDelayMax.isZero();
  }

  /** Whether this fault strikes now. */
  public boolean roll(String fault) {
    double p = probabilities.getOrDefault(fault, 0.0);
    if (p <= 0) {
      return false;
    }
    synchronized (random) {
      return random.nextDouble() < p;
    }
  }

  /** An extra delay for one callback: up to the maximum when reordering, else none. */
  public long extraDelayMillis() {
    if (webhookDelayMax.isZero() || !roll(WEBHOOK_REORDER)) {
      return 0;
    }
    synchronized (random) {
      return (long) (random.nextDouble() * webhookDelayMax.toMillis());
    }
  }

  @Override
  public String toString() {
    return probabilities + (webhookDelayMax.isZero() ? "" : ", delay max " + webhookDelayMax);
  }
}
