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

  /** The variants a segment may use (its own and those for every segment). */
  public List<Document> forSegment(String segment) {
    return variants.find(Filters.in("segments", List.of(segment, "*"))).into(new ArrayList<>());
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
    if (existing != null
        && existing.get("voiceNote") != null
        && !variant.containsKey("voiceNote")) {
      variant.append("voiceNote", existing.get("voiceNote")); // its recording stays with it
    }
    variants.replaceOne(Filters.eq("variantId", variantId), variant);
  }

  /**
   * Switches the variant on or off for new assignments; false when there is no such variant. An
   * operator's switch also clears the arm guard's strikes, and switching on lifts any auto-disable
   * of the arm, in every segment.
   */
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
