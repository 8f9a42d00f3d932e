package com.salesagent.activities.variants;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * The prompt variants as operators manage them: the documents, their switch, the auto-disable an
 * operator's enable lifts, the in-flight count a kill-switch reaches, and the audit of it all.
 */
public final class VariantStore {
  private final MongoCollection<Document> variants;
  private final MongoCollection<Document> contacts;
  private final MongoCollection<Document> configs;
  private final MongoCollection<Document> audit;
  private final Clock clock;

  public VariantStore(MongoDatabase db, Clock clock) {
    this.variants = db.getCollection(Collections.PROMPT_VARIANTS);
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.configs = db.getCollection(Collections.AGENT_CONFIGURATIONS);
    this.audit = db.getCollection(Collections.AUDIT_LOG);
    this.clock = clock;
  }

  /** Every variant, without MongoDB's ids. */
  public List<Document> all() {
    List<Document> all = variants.find().into(new ArrayList<>());
    all.forEach(d -> d.remove("_id"));
    return all;
  }

  /**
   * The variants a segment may use (its own and those for every segment): the cold openers its
   * bandit compares, so not the returning-contact variant, which greets numbers with a history.
   */
  public List<Document> forSegment(String segment) {
    return variants
        .find(
            Filters.and(
                Filters.in("segments", List.of(segment, "*")),
                Filters.ne(
                    "variantId", com.salesagent.activities.lead.ReturningContacts.VARIANT_ID)))
        .into(new ArrayList<>());
  }

  public Document find(String variantId) {
    return variants.find(Filters.eq("variantId", variantId)).first();
  }

  public boolean exists(String variantId) {
    return variants.countDocuments(Filters.eq("variantId", variantId)) > 0;
  }

  /** False when a variant with that id exists already. */
  public boolean insert(Document variant) {
    try {
      variants.insertOne(variant);
      return true;
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
        return false;
      }
      throw e;
    }
  }

  public void replace(String variantId, Document variant) {
    Document existing = find(variantId);
    // Its recording and its last kill-switch stay with it.
    for (String kept : List.of("voiceNote", KILL_SWITCH)) {
      if (existing != null && existing.get(kept) != null && !variant.containsKey(kept)) {
        variant.append(kept, existing.get(kept));
      }
    }
    variants.replaceOne(Filters.eq("variantId", variantId), variant);
  }

  /** The variant's recorded voice note (or none, with null); false when there is no variant. */
  public boolean setVoiceNote(String variantId, Document voiceNote) {
    return variants
            .updateOne(
                Filters.eq("variantId", variantId),
                voiceNote == null
                    ? Updates.unset("voiceNote")
                    : Updates.set("voiceNote", voiceNote))
            .getMatchedCount()
        > 0;
  }

  /** What {@link #disable} did. */
  public enum Disabled {
    /** This call switched it off: its kill-switch is the one this call named. */
    NOW,
    /** It was off already: nothing changed. */
    ALREADY,
    NO_SUCH_VARIANT
  }

  /** The field naming the workflow of the variant's last kill-switch ({@code workflowId}). */
  public static final String KILL_SWITCH = "killSwitch";

  /**
   * Switches the variant off for new assignments, once: only the call that finds it on switches it
   * (one atomic update, so two operators disabling at once start one kill-switch), records {@code
   * killSwitchId} as its kill-switch and clears the arm guard's strikes. A variant already off is
   * left as it is.
   */
  public Disabled disable(String variantId, String killSwitchId, String operator) {
    boolean now =
        variants
                .updateOne(
                    Filters.and(Filters.eq("variantId", variantId), Filters.ne("enabled", false)),
                    Updates.combine(
                        Updates.set("enabled", false),
                        Updates.set(
                            KILL_SWITCH,
                            new Document("workflowId", killSwitchId)
                                .append("by", operator)
                                .append("at", Date.from(clock.instant())))))
                .getMatchedCount()
            > 0;
    if (now) {
      ArmGuard.resetStrikes(configs, variantId);
      return Disabled.NOW;
    }
    return exists(variantId) ? Disabled.ALREADY : Disabled.NO_SUCH_VARIANT;
  }

  /**
   * The variant's last kill-switch ({@code workflowId}, {@code by}, {@code at}, and {@code started}
   * once Temporal took its start), or null (none ever, or no variant).
   */
  public Document killSwitchOf(String variantId) {
    Document variant =
        variants
            .find(Filters.eq("variantId", variantId))
            .projection(new Document(KILL_SWITCH, 1))
            .first();
    return variant == null ? null : variant.get(KILL_SWITCH, Document.class);
  }

  /** Temporal took the start of this kill-switch: a later disable does not start it again. */
  public void killSwitchStarted(String variantId, String workflowId) {
    variants.updateOne(
        Filters.and(
            Filters.eq("variantId", variantId),
            Filters.eq(KILL_SWITCH + ".workflowId", workflowId)),
        Updates.set(KILL_SWITCH + ".started", true));
  }

  /**
   * Switches the variant on or off for new assignments; false when there is no such variant. An
   * operator's switch also clears the arm guard's strikes, and switching on lifts any auto-disable
   * of the arm, in every segment.
   */
  public boolean setEnabled(String variantId, boolean enabled) {
    if (variants
            .updateOne(Filters.eq("variantId", variantId), Updates.set("enabled", enabled))
            .getMatchedCount()
        == 0) {
      return false;
    }
    if (enabled) {
      Document config = defaultConfig();
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

  /** The default agent configuration (strategy, auto-disable settings and state), or null. */
  public Document defaultConfig() {
    return configs.find(Filters.eq("configId", "default")).first();
  }

  /** The leads a kill-switch of the variant reaches now. */
  public long inFlight(String variantId) {
    return contacts.countDocuments(VariantActivitiesImpl.inFlight(variantId));
  }

  /** An operator's action on a variant, with the kill-switch it started if any. */
  public void audit(String operator, String action, String variantId, String killSwitch) {
    Document entry =
        new Document("at", Date.from(clock.instant()))
            .append("actor", operator)
            .append("action", action)
            .append("variantId", variantId);
    if (killSwitch != null) {
      entry.append("killSwitch", killSwitch);
    }
    audit.insertOne(entry);
  }
}
