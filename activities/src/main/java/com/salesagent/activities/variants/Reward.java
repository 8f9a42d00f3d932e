package com.salesagent.activities.variants;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.bson.Document;

/**
 * What the bandit learns on: {@code agent_configurations.reward} (the campaign's configuration,
 * else the default one; the arm guard and the variants report read the default one). Each reward is
 * a counter of {@link VariantStats}: {@code reply} (the default) a lead's first reply, whatever it
 * says; {@code interested} its first reply with interest ({@link Interest}), so a variant whose
 * messages provoke polite noes does not look as good as one that earns interest; {@code conversion}
 * an operator's converted outcome. An unknown value is refused ({@link Invalid}), never taken for
 * replies: at start ({@link #check}) and wherever it is read.
 */
public enum Reward {
  REPLY("reply", "replied"),
  INTERESTED("interested", "interested"),
  CONVERSION("conversion", "converted");

  /** The field of the agent configuration. */
  public static final String FIELD = "reward";

  private final String value;
  private final String counter;

  Reward(String value, String counter) {
    this.value = value;
    this.counter = counter;
  }

  /** As written in the configuration. */
  public String value() {
    return value;
  }

  /** The {@link VariantStats} counter of its successes. */
  public String counter() {
    return counter;
  }

  /**
   * Whether a trial is a lead whose lifecycle ended ({@link AwaitingOutcome}): an interested lead
   * in its conversation may still convert. For replies and interest a reply is an outcome.
   */
  boolean awaitsTheEnd() {
    return this == CONVERSION;
  }

  /** "reply, interested or conversion". */
  static final String ALLOWED;

  static {
    String[] values = Arrays.stream(values()).map(Reward::value).toArray(String[]::new);
    ALLOWED =
        Arrays.stream(values, 0, values.length - 1).collect(Collectors.joining(", "))
            + " or "
            + values[values.length - 1];
  }

  /** The reward of an agent configuration (null, or no {@code reward}: {@link #REPLY}). */
  public static Reward of(Document config) {
    Object value = config == null ? null : config.get(FIELD);
    if (value == null) {
      return REPLY;
    }
    for (Reward r : values()) {
      if (r.value.equals(value)) {
        return r;
      }
    }
    throw new Invalid(config.getString("configId"), value);
  }

  /** Refuses the first agent configuration whose reward is not one of these (start-up). */
  public static void check(MongoDatabase db) {
    for (Document config :
        db.getCollection(Collections.AGENT_CONFIGURATIONS).find(Filters.exists(FIELD))) {
      of(config);
    }
  }

  /** A stored agent configuration whose reward is not one the system knows. */
  public static final class Invalid extends IllegalArgumentException {
    private final String configId;
    private final String problem;

    Invalid(String configId, Object value) {
      this(
          configId,
          "must be "
              + ALLOWED
              + ", not "
              + (value instanceof String s ? "\"" + s + "\"" : String.valueOf(value)));
    }

    private Invalid(String configId, String problem) {
      super("agent_configurations \"" + configId + "\": " + FIELD + " " + problem);
      this.configId = configId;
      this.problem = problem;
    }

    /** The configuration's id ({@code default}, {@code campaign:<id>}). */
    public String configId() {
      return configId;
    }

    /** What is wrong with the value ("must be ..., not ..."), for a field error. */
    public String problem() {
      return problem;
    }
  }
}
