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
import org.bson.conversions.Bson;

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
  private final VariantSwitch switches;
  private final VariantReach reaching;

  public VariantStore(MongoDatabase db, Clock clock) {
    this.variants = db.getCollection(Collections.PROMPT_VARIANTS);
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.configs = db.getCollection(Collections.AGENT_CONFIGURATIONS);
    this.audit = db.getCollection(Collections.AUDIT_LOG);
    this.clock = clock;
    this.switches = new VariantSwitch(variants, configs, clock);
    this.reaching =
        new VariantReach(variants, contacts, db.getCollection(Collections.MESSAGES), clock);
  }

  /** Every variant, without MongoDB's ids. */
  public List<Document> all() {
    return all(true);
  }

  /**
   * Every variant, the archived ones only when {@code archived} ({@link VariantArchive#ARCHIVED}).
   */
  public List<Document> all(boolean archived) {
    List<Document> all =
        variants
            .find(archived ? new Document() : Filters.ne(VariantArchive.ARCHIVED, true))
            .into(new ArrayList<>());
    all.forEach(
        d -> {
          d.remove("_id");
          d.putIfAbsent(REVISION, revisionOf(d)); // stored before revisions: 0, its ETag
        });
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

  /**
   * On a variant: when its share of its segments' traffic last changed (created, switched on or
   * off, auto-disabled, its weight or segments replaced). The sample-ratio check reads the
   * assignments of the days after the latest of its pool's: a variant switched off and on again has
   * fewer assignments than its weight's share of all days, which is no mismatch of the split.
   */
  public static final String TRAFFIC_CHANGED_AT = "trafficChangedAt";

  /**
   * On a variant: how many times it was replaced ({@code PUT}), 0 when created; its ETag. A
   * replacement sent with the revision it read ({@code If-Match}) is refused when another replaced
   * the variant since ({@link #replace(String, Document, String, Integer)}): an edit is never lost
   * to one made from an older read. A variant from before has none, read as 0.
   */
  public static final String REVISION = "revision";

  /**
   * A replacement's outcome: done, and the variant's revision after it (or now, when refused);
   * {@code switchedOff}: this replacement switched an enabled variant off, recording the
   * kill-switch it was given ({@link #replace(String, Document, String, Integer, String)}).
   */
  public record Replaced(boolean done, int revision, boolean switchedOff) {
    public Replaced(boolean done, int revision) {
      this(done, revision, false);
    }
  }

  /** A variant's revision ({@link #REVISION}); 0 when it has none (stored before it existed). */
  public static int revisionOf(Document variant) {
    return variant.get(REVISION) instanceof Number n ? n.intValue() : 0;
  }

  /** False when a variant with that id exists already. */
  public boolean insert(Document variant) {
    try {
      variants.insertOne(
          new Document(variant).append(TRAFFIC_CHANGED_AT, now()).append(REVISION, 0));
      return true;
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Replaces the variant; {@code operator} is who did (named when the replacement enables it). Its
   * recording and its kill-switches' history stay with it, and its last kill-switch while it stays
   * off; a replacement that enables it moves that kill-switch to the history ({@link
   * #KILL_SWITCH_HISTORY}), as an enable does. Conditional on the kill-switch read, so a disable
   * between the read and the write is not lost: read again.
   */
  public void replace(String variantId, Document variant, String operator) {
    replace(variantId, variant, operator, null);
  }

  /**
   * As {@link #replace(String, Document, String)}, only if the variant is still at {@code expected}
   * ({@link #REVISION}; null: whatever it is): refused, with the revision it is at, when another
   * replacement came since that read, also one that comes between this one's read and write. The
   * replacement's revision is one more. Without {@code expected}, read again after a lost write,
   * and refused after six lost in a row (others keep editing it).
   */
  public Replaced replace(String variantId, Document variant, String operator, Integer expected) {
    return replace(variantId, variant, operator, expected, null);
  }

  /**
   * As {@link #replace(String, Document, String, Integer)}; with {@code killSwitchId}, the
   * replacement is written switched off in the same write: a variant on is switched off there, its
   * kill-switch {@code killSwitchId} recorded as {@link #disable} does ({@link
   * Replaced#switchedOff}: the caller starts it and clears the arm guard's strikes), so its new
   * wording is never on for new leads, not even for a moment. A variant already off stays off, its
   * kill-switch kept.
   */
  public Replaced replace(
      String variantId, Document variant, String operator, Integer expected, String killSwitchId) {
    for (int attempt = 0; ; attempt++) {
      Document existing = find(variantId);
      int revision = existing == null ? 0 : revisionOf(existing);
      if (expected != null && expected != revision) {
        return new Replaced(false, revision);
      }
      if (VariantArchive.archived(existing)) {
        return new Replaced(false, revision); // archived meanwhile: not replaced (or enabled)
      }
      Document replacement = new Document(variant);
      replacement.put(REVISION, revision + 1);
      boolean switchingOff =
          killSwitchId != null && existing != null && existing.getBoolean("enabled", true);
      if (killSwitchId != null) {
        replacement.put("enabled", false);
      }
      if (existing != null) {
        VariantWordings.reword(existing, replacement, revision + 1, operator, now());
      }
      Document killSwitch = existing == null ? null : existing.get(KILL_SWITCH, Document.class);
      if (existing != null && existing.get("voiceNote") != null) {
        replacement.putIfAbsent("voiceNote", existing.get("voiceNote"));
      }
      List<Document> history =
          existing == null
              ? new ArrayList<>()
              : new ArrayList<>(existing.getList(KILL_SWITCH_HISTORY, Document.class, List.of()));
      if (killSwitch != null) {
        if (replacement.getBoolean("enabled", true)) {
          history.add(switches.reenabled(killSwitch, operator));
        } else if (switchingOff) {
          history.add(new Document(killSwitch).append("movedAt", now()));
        } else {
          replacement.put(KILL_SWITCH, killSwitch);
        }
      }
      if (switchingOff) {
        // Its own kill-switch, as a disable records it (an older one on an enabled variant, from
        // before enabling moved it, went to the history above).
        replacement.put(
            KILL_SWITCH,
            new Document("workflowId", killSwitchId)
                .append("by", operator)
                .append("at", Date.from(clock.instant())));
      }
      if (!history.isEmpty()) {
        replacement.put(KILL_SWITCH_HISTORY, history);
      }
      replacement.put(
          TRAFFIC_CHANGED_AT,
          existing != null && sameTraffic(existing, replacement)
              ? existing.get(TRAFFIC_CHANGED_AT)
              : now());
      Bson same =
          Filters.and(
              Filters.eq("variantId", variantId),
              Filters.ne(VariantArchive.ARCHIVED, true),
              killSwitch == null
                  ? Filters.exists(KILL_SWITCH, false)
                  : Filters.eq(KILL_SWITCH + ".workflowId", killSwitch.get("workflowId")),
              existing == null || existing.get(REVISION) == null
                  ? Filters.exists(REVISION, false)
                  : Filters.eq(REVISION, existing.get(REVISION)));
      if (variants.replaceOne(same, replacement).getMatchedCount() > 0) {
        return new Replaced(true, revision + 1, switchingOff);
      }
      if (attempt >= 5) {
        // Lost to other replacements six times: refused, nothing written (reported done before,
        // the edit was lost).
        Document now = find(variantId);
        return new Replaced(false, now == null ? -1 : revisionOf(now));
      }
    }
  }

  /** Whether a replacement leaves the variant's traffic as it was: on or off, weight, segments. */
  private static boolean sameTraffic(Document existing, Document replacement) {
    return existing.getBoolean("enabled", true) == replacement.getBoolean("enabled", true)
        && weight(existing) == weight(replacement)
        && java.util.Objects.equals(existing.get("segments"), replacement.get("segments"));
  }

  private static double weight(Document variant) {
    Object w = variant.get("weight");
    return w instanceof Number n ? n.doubleValue() : 1.0;
  }

  private Date now() {
    return Date.from(clock.instant());
  }

  /** The past kill-switches of a variant enabled again since: each with {@code reenabledAt}. */
  public static final String KILL_SWITCH_HISTORY = "killSwitchHistory";

  /**
   * Start-up: moves each kill-switch still live on an enabled variant to its history ({@link
   * VariantSwitch#retireKillSwitchesOfEnabledVariants}).
   */
  public int retireKillSwitchesOfEnabledVariants() {
    return switches.retireKillSwitchesOfEnabledVariants();
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
   * Switches the variant off for new assignments, once, with {@code killSwitchId} as its
   * kill-switch ({@link VariantSwitch#disable}).
   */
  public Disabled disable(String variantId, String killSwitchId, String operator) {
    return switches.disable(variantId, killSwitchId, operator);
  }

  /** An operator switched the variant off: the arm guard's strikes against it are cleared. */
  public void clearStrikes(String variantId) {
    ArmGuard.resetStrikes(configs, variantId);
  }

  /** The variant's last kill-switch, or null ({@link VariantSwitch#killSwitchOf}). */
  public Document killSwitchOf(String variantId) {
    return switches.killSwitchOf(variantId);
  }

  /** Temporal took the start of this kill-switch: a later disable does not start it again. */
  public void killSwitchStarted(String variantId, String workflowId) {
    switches.killSwitchStarted(variantId, workflowId);
  }

  /**
   * Switches the variant on or off for new assignments; false when there is no such variant. An
   * operator's switch also clears the arm guard's strikes, and switching on lifts any auto-disable
   * of the arm, in every segment.
   */
  public boolean setEnabled(String variantId, boolean enabled) {
    return setEnabled(variantId, enabled, null);
  }

  /**
   * As {@link #setEnabled(String, boolean)}; switching on also moves the variant's last kill-switch
   * to its history, by {@code operator} ({@link VariantSwitch#setEnabled}).
   */
  public boolean setEnabled(String variantId, boolean enabled, String operator) {
    return switches.setEnabled(variantId, enabled, operator);
  }

  /** The default agent configuration (strategy, auto-disable settings and state), or null. */
  public Document defaultConfig() {
    return configs.find(Filters.eq("configId", "default")).first();
  }

  /** The leads a kill-switch of the variant reaches now: its running leads. */
  public long inFlight(String variantId) {
    return contacts.countDocuments(VariantActivitiesImpl.inFlight(variantId));
  }

  /**
   * What the variant's running leads still have of it. {@code inFlight}: the leads whose next
   * message may be of it: while it is enabled, every running lead on it (what its kill-switch would
   * reach); once it is off, only those whose message of it is in its call to the Cloud API now (it
   * may still be accepted). {@code switching}: once it is off, the running leads still recorded on
   * it whose next message uses another variant (the run replaces the variant before its next send;
   * the contact names the old one until then); 0 while it is enabled.
   */
  public record Reach(boolean enabled, long inFlight, long switching) {}

  /**
   * {@link Reach} of the variant now ({@link VariantReach}); null when there is no such variant.
   */
  public Reach reach(String variantId) {
    return reaching.reach(variantId);
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
