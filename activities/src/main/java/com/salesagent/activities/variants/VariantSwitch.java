package com.salesagent.activities.variants;

import static com.salesagent.activities.variants.VariantStore.KILL_SWITCH;
import static com.salesagent.activities.variants.VariantStore.KILL_SWITCH_HISTORY;
import static com.salesagent.activities.variants.VariantStore.TRAFFIC_CHANGED_AT;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import java.time.Clock;
import java.util.Date;
import org.bson.Document;

/**
 * A variant's switch, as {@link VariantStore} answers for it: off with its kill-switch recorded
 * (once, whoever disables at the same time), on again with its last kill-switch moved to the
 * history and its auto-disable lifted, the kill-switch's start, and the start-up move of
 * kill-switches left live on enabled variants. Each write conditional on what it read.
 */
final class VariantSwitch {
  private final MongoCollection<Document> variants;
  private final MongoCollection<Document> configs;
  private final Clock clock;

  VariantSwitch(
      MongoCollection<Document> variants, MongoCollection<Document> configs, Clock clock) {
    this.variants = variants;
    this.configs = configs;
    this.clock = clock;
  }

  /**
   * Start-up: a variant enabled again before enabling moved its kill-switch to the history still
   * holds it as live; each such kill-switch is moved now, with {@code movedAt} (when it was enabled
   * again is not known). One conditional write per variant: safe with several processes starting.
   */
  int retireKillSwitchesOfEnabledVariants() {
    int moved = 0;
    for (Document v :
        variants.find(
            Filters.and(Filters.eq("enabled", true), Filters.exists(KILL_SWITCH, true)))) {
      Document killSwitch = v.get(KILL_SWITCH, Document.class);
      if (killSwitch == null) {
        continue;
      }
      moved +=
          (int)
              variants
                  .updateOne(
                      Filters.and(
                          Filters.eq("variantId", v.getString("variantId")),
                          Filters.eq("enabled", true),
                          Filters.eq(KILL_SWITCH + ".workflowId", killSwitch.get("workflowId"))),
                      Updates.combine(
                          Updates.unset(KILL_SWITCH),
                          Updates.push(
                              KILL_SWITCH_HISTORY,
                              new Document(killSwitch)
                                  .append("movedAt", Date.from(clock.instant())))))
                  .getModifiedCount();
    }
    return moved;
  }

  /** A kill-switch moved to the history by {@code operator} switching its variant on again. */
  Document reenabled(Document killSwitch, String operator) {
    return new Document(killSwitch)
        .append("reenabledAt", Date.from(clock.instant()))
        .append("reenabledBy", operator);
  }

  /**
   * Switches the variant off for new assignments, once: only the call that finds it on switches it
   * (one atomic update, so two operators disabling at once start one kill-switch), records {@code
   * killSwitchId} as its kill-switch and clears the arm guard's strikes. A variant already off is
   * left as it is.
   */
  VariantStore.Disabled disable(String variantId, String killSwitchId, String operator) {
    boolean now =
        variants
                .updateOne(
                    Filters.and(Filters.eq("variantId", variantId), Filters.ne("enabled", false)),
                    Updates.combine(
                        Updates.set("enabled", false),
                        Updates.set(TRAFFIC_CHANGED_AT, now()),
                        Updates.set(
                            KILL_SWITCH,
                            new Document("workflowId", killSwitchId)
                                .append("by", operator)
                                .append("at", Date.from(clock.instant())))))
                .getMatchedCount()
            > 0;
    if (now) {
      ArmGuard.resetStrikes(configs, variantId);
      return VariantStore.Disabled.NOW;
    }
    return exists(variantId)
        ? VariantStore.Disabled.ALREADY
        : VariantStore.Disabled.NO_SUCH_VARIANT;
  }

  /**
   * The variant's last kill-switch ({@code workflowId}, {@code by}, {@code at}, and {@code started}
   * once Temporal took its start), or null (none ever, or no variant).
   */
  Document killSwitchOf(String variantId) {
    Document variant =
        variants
            .find(Filters.eq("variantId", variantId))
            .projection(new Document(KILL_SWITCH, 1))
            .first();
    return variant == null ? null : variant.get(KILL_SWITCH, Document.class);
  }

  /** Temporal took the start of this kill-switch: a later disable does not start it again. */
  void killSwitchStarted(String variantId, String workflowId) {
    variants.updateOne(
        Filters.and(
            Filters.eq("variantId", variantId),
            Filters.eq(KILL_SWITCH + ".workflowId", workflowId)),
        Updates.set(KILL_SWITCH + ".started", true));
  }

  /**
   * As {@link VariantStore#setEnabled(String, boolean)}; switching on also moves the variant's last
   * kill-switch to its history ({@link VariantStore#KILL_SWITCH_HISTORY}, with {@code reenabledAt}
   * and {@code reenabledBy} {@code operator}), so an enabled variant shows no live kill-switch. One
   * write conditional on the kill-switch read: a disable in between (a new kill-switch) is read
   * again, never moved.
   */
  boolean setEnabled(String variantId, boolean enabled, String operator) {
    if (enabled) {
      if (!switchOn(variantId, operator)) {
        return false;
      }
    } else if (variants
            .updateOne(
                Filters.eq("variantId", variantId),
                Updates.combine(
                    Updates.set("enabled", false), Updates.set(TRAFFIC_CHANGED_AT, now())))
            .getMatchedCount()
        == 0) {
      return false;
    }
    if (enabled) {
      Document config = configs.find(Filters.eq("configId", "default")).first();
      Document off = config == null ? null : config.get("autoDisabled", Document.class);
      if (off != null) {
        for (String segment : off.keySet()) {
          configs.updateOne(
              Filters.eq("configId", "default"),
              Updates.pull("autoDisabled." + segment, variantId));
        }
      }
    }
    ArmGuard.resetStrikes(configs, variantId);
    return true;
  }

  /**
   * Switches the variant on, its last kill-switch moved to its history; false: no variant, or an
   * archived one ({@link VariantArchive#ARCHIVED}: never switched on).
   */
  private boolean switchOn(String variantId, String operator) {
    for (int attempt = 0; ; attempt++) {
      Document killSwitch = killSwitchOf(variantId);
      if (killSwitch == null) {
        if (variants
                .updateOne(
                    Filters.and(
                        Filters.eq("variantId", variantId),
                        Filters.ne(VariantArchive.ARCHIVED, true),
                        Filters.exists(KILL_SWITCH, false)),
                    Updates.combine(
                        Updates.set("enabled", true), Updates.set(TRAFFIC_CHANGED_AT, now())))
                .getMatchedCount()
            > 0) {
          return true;
        }
      } else if (variants
              .updateOne(
                  Filters.and(
                      Filters.eq("variantId", variantId),
                      Filters.ne(VariantArchive.ARCHIVED, true),
                      Filters.eq(KILL_SWITCH + ".workflowId", killSwitch.get("workflowId"))),
                  Updates.combine(
                      Updates.set("enabled", true),
                      Updates.set(TRAFFIC_CHANGED_AT, now()),
                      Updates.unset(KILL_SWITCH),
                      Updates.push(KILL_SWITCH_HISTORY, reenabled(killSwitch, operator))))
              .getMatchedCount()
          > 0) {
        return true;
      }
      if (!exists(variantId)) {
        return false;
      }
      if (attempt >= 5) {
        // Disabled and enabled again by others meanwhile, again and again: switched on as asked.
        return variants
                .updateOne(
                    Filters.and(
                        Filters.eq("variantId", variantId),
                        Filters.ne(VariantArchive.ARCHIVED, true)),
                    Updates.combine(
                        Updates.set("enabled", true), Updates.set(TRAFFIC_CHANGED_AT, now())))
                .getMatchedCount()
            > 0;
      }
    }
  }

  private boolean exists(String variantId) {
    return variants.countDocuments(Filters.eq("variantId", variantId)) > 0;
  }

  private Date now() {
    return Date.from(clock.instant());
  }
}
