package com.salesagent.api.variants;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.salesagent.activities.lead.LeadActivitiesImpl;
import com.salesagent.activities.lead.LeadSegments;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.persona.Segments;
import com.salesagent.activities.variants.VariantActivitiesImpl;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bson.Document;

/**
 * The segments whose leads cannot get a variant of their own pool now, as warnings for the answers
 * that can cause it (a variant's disable, a segment's create or update): a segment with no enabled
 * variant at all, whose leads wait (their assignment is retried until one is enabled), and an
 * operator's segment whose pool has nothing enabled left, whose leads get a variant outside it (the
 * enabled variants for every segment). Warnings, never refusals: a kill switch must work.
 */
public final class VariantGaps {
  /** No enabled variant for the segment: its leads wait. */
  public static final String NO_VARIANT = "no_enabled_variant";

  /** Nothing of the segment's pool is enabled: its leads get a variant outside it. */
  public static final String POOL_DISABLED = "pool_all_disabled";

  /**
   * A segment left without a variant of its own: {@code problem} one of {@link #NO_VARIANT}, {@link
   * #POOL_DISABLED}; {@code liveLeads}: its running leads on no enabled variant (they wait, or get
   * one from outside the pool).
   */
  public record Warning(String segment, String problem, long liveLeads, String message) {}

  private VariantGaps() {}

  /**
   * Every gap now: the operator segments (in order), then the company-size bands. A disabled
   * operator segment takes no new leads, so it is named only while running leads are still in it:
   * they keep its pool until their next send matches them again, so a kill switch's reassignment of
   * one of them draws from that pool (or waits when nothing is enabled for it).
   */
  public static List<Warning> all(MongoDatabase db) {
    return all(db, null);
  }

  /**
   * Every gap there would be with {@code without} disabled too (null: now), for the kill switch's
   * confirmation.
   */
  public static List<Warning> all(MongoDatabase db, String without) {
    Segments.Snapshot snapshot = new Segments(db).snapshot();
    Set<String> ids = new LinkedHashSet<>();
    snapshot.all().forEach(s -> ids.add(s.getString("segmentId")));
    ids.addAll(List.of("smb", "mid_market", "enterprise", "default"));
    List<Warning> out = new ArrayList<>();
    for (String id : ids) {
      Warning w = of(db, id, snapshot, without);
      if (w != null) {
        out.add(w);
      }
    }
    return out;
  }

  /** The segment's gap, null when its pool has an enabled variant. */
  public static Warning of(MongoDatabase db, String segment, Segments.Snapshot snapshot) {
    return of(db, segment, snapshot, null);
  }

  private static Warning of(
      MongoDatabase db, String segment, Segments.Snapshot snapshot, String without) {
    LeadSegments.Coverage coverage = LeadSegments.coverage(db, segment, snapshot, without);
    if (coverage == LeadSegments.Coverage.POOL) {
      return null;
    }
    Document own = snapshot.find(segment);
    boolean disabled = own != null && !own.getBoolean("enabled", true);
    long running = disabled ? running(db, segment) : 0;
    if (disabled && running == 0) {
      return null; // it takes no leads and holds none: nothing can miss a variant there
    }
    String still =
        disabled
            ? " (the segment is disabled: it takes no new leads, but its "
                + running
                + " running leads keep its pool until their next send matches them again)"
            : "";
    long live = liveWithoutVariant(db, segment, without);
    if (coverage == LeadSegments.Coverage.NONE) {
      return new Warning(
          segment,
          NO_VARIANT,
          live,
          "segment "
              + segment
              + " has no enabled prompt variant: its "
              + (disabled ? "running leads whose variant is switched off" : "new leads")
              + " wait (stage researching) until one is enabled; "
              + live
              + " live leads of it have none"
              + still);
    }
    return new Warning(
        segment,
        POOL_DISABLED,
        live,
        "segment "
            + segment
            + "'s pool has no enabled variant (all disabled): its leads get a variant outside it,"
            + " from the enabled variants for every segment"
            + still);
  }

  /** The running leads in the segment. */
  private static long running(MongoDatabase db, String segment) {
    return db.getCollection(Collections.CONTACTS)
        .countDocuments(
            Filters.and(
                Filters.eq("segment", segment),
                Filters.nin("stage", VariantActivitiesImpl.TERMINAL)));
  }

  /** The running leads of the segment whose variant is none or not enabled. */
  private static long liveWithoutVariant(MongoDatabase db, String segment, String without) {
    List<String> on =
        db.getCollection(Collections.PROMPT_VARIANTS)
            .find(
                without == null
                    ? Filters.eq("enabled", true)
                    : Filters.and(Filters.eq("enabled", true), Filters.ne("variantId", without)))
            .projection(Projections.include("variantId"))
            .map(v -> v.getString("variantId"))
            .into(new ArrayList<>());
    return db.getCollection(Collections.CONTACTS)
        .countDocuments(
            Filters.and(
                Filters.eq("segment", segment),
                Filters.nin("stage", VariantActivitiesImpl.TERMINAL),
                Filters.nin("variantId", on)));
  }

  /** The running leads waiting for an enabled variant now (their assignment failed for want). */
  public static long waiting(MongoDatabase db) {
    return db.getCollection(Collections.CONTACTS)
        .countDocuments(
            Filters.and(
                Filters.exists(LeadActivitiesImpl.WAITING_FOR_VARIANT),
                Filters.nin("stage", VariantActivitiesImpl.TERMINAL)));
  }
}
