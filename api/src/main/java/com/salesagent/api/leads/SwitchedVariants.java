package com.salesagent.api.leads;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.salesagent.activities.lead.LeadSegments;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.persona.Segments;
import com.salesagent.activities.variants.VariantActivitiesImpl;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * A running lead still recorded on a variant an operator switched off: the kill switch took effect
 * (its run replaces the variant before its next send, so no message of it goes out), but the
 * contact names the old variant until that send. The lead list and page mark such a lead ({@code
 * variantDisabled}) and say what its next message does ({@code variantNote}), so the old variant on
 * it does not read as if the switch had failed. One read of the disabled variants per list or page,
 * and a segment's coverage only for the segments of marked leads.
 */
final class SwitchedVariants {
  private final MongoDatabase db;
  private final Set<String> disabled = new HashSet<>();
  private final Map<String, LeadSegments.Coverage> coverage = new HashMap<>();
  private Segments.Snapshot segments;

  SwitchedVariants(MongoDatabase db) {
    this.db = db;
    db.getCollection(Collections.PROMPT_VARIANTS)
        .find(Filters.eq("enabled", false))
        .projection(Projections.include("variantId"))
        .forEach(v -> disabled.add(v.getString("variantId")));
  }

  /** True when the lead runs on a variant that is off: its next message uses another one. */
  boolean disabled(Document contact) {
    String variant = contact.getString("variantId");
    return variant != null
        && disabled.contains(variant)
        && !VariantActivitiesImpl.TERMINAL.contains(contact.getString("stage"));
  }

  /** What the lead's next message does, as an operator reads it; null when it is not switching. */
  String note(Document contact) {
    if (!disabled(contact)) {
      return null;
    }
    String variant = contact.getString("variantId");
    String segment = contact.getString("segment");
    LeadSegments.Coverage covered =
        segment == null
            ? LeadSegments.Coverage.POOL
            : coverage.computeIfAbsent(
                segment,
                s -> {
                  if (segments == null) {
                    segments = new Segments(db).snapshot();
                  }
                  return LeadSegments.coverage(db, s, segments, null);
                });
    return covered == LeadSegments.Coverage.NONE
        ? "switched: "
            + variant
            + " is disabled; the next message waits for an enabled variant of segment "
            + segment
        : "switched: " + variant + " is disabled; the next message uses another variant";
  }

  /** Marks the contact (the lead page's profile) as {@link #disabled} and {@link #note} say. */
  void mark(Document contact) {
    contact.put("variantDisabled", disabled(contact));
    contact.put("variantNote", note(contact));
  }
}
