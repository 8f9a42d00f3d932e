package com.salesagent.activities.lead;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.persona.Firmographics;
import com.salesagent.activities.persona.Segments;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment a lead is in and what its segment decides: the operator's segment its persona matches
 * first ({@link Segments}), else its company-size band; the variants its leads are assigned from
 * (the segment's pool, of its definition's modality); its workflow definition. A move is written to
 * the persona and the contact, so the counters ({@code variant_stats}) count the lead's sends and
 * reply under the new segment from that point on.
 */
public final class LeadSegments {
  private static final Logger LOG = LoggerFactory.getLogger(LeadSegments.class);

  private final LeadStore store;
  private final Segments segments;
  private final java.time.Clock clock;

  public LeadSegments(LeadStore store) {
    this(store, java.time.Clock.systemUTC());
  }

  /**
   * With the clock the lead's events are stamped with: a segment move's time is read against them.
   */
  public LeadSegments(LeadStore store, java.time.Clock clock) {
    this.store = store;
    this.segments = new Segments(store.database());
    this.clock = clock;
  }

  /** smb below 50 people, mid_market below 1,000, enterprise above; default when unknown. */
  static String sizeBand(String companySize) {
    Long size = Firmographics.headcount(companySize);
    if (size == null) {
      return "default";
    }
    return size < 50 ? "smb" : size < 1000 ? "mid_market" : "enterprise";
  }

  /** The segments in one read, for one step's questions (see {@link Segments#snapshot()}). */
  Segments.Snapshot snapshot() {
    return segments.snapshot();
  }

  /**
   * The segment the lead's persona matches now: an operator's segment, else its size band. {@code
   * persona}: the lead's persona as stored (null: none).
   */
  static String matching(Document contact, Document persona, Segments.Snapshot segments) {
    Document matched = segments.match(persona);
    return matched != null
        ? matched.getString("segmentId")
        : sizeBand(contact.getString("companySize"));
  }

  /**
   * The segment the lead matches now, written to its persona and contact when not {@code current}.
   * {@code persona}: the lead's persona as stored (null: none).
   */
  String rematch(Document contact, Document persona, String current, Segments.Snapshot segments) {
    String now = matching(contact, persona, segments);
    if (!now.equals(current)) {
      moveTo(contact.getString("leadId"), contact.getString("segment"), now);
    }
    return now;
  }

  /**
   * Records the lead's segment on its persona and contact. {@code read}: the contact's segment as
   * the caller read it.
   */
  void moveTo(String leadId, String read, String segment) {
    store
        .database()
        .getCollection(Collections.PERSONAS)
        .updateOne(Filters.eq("leadId", leadId), Updates.set("segment", segment));
    // The move's time with it (SegmentMoves): the counters' recount counts each event in the
    // segment the lead was in when it happened, as the live counters did.
    com.salesagent.activities.variants.SegmentMoves.move(
        store.contacts(), leadId, read, segment, java.util.Date.from(clock.instant()));
  }

  /**
   * What a segment's leads are assigned from: {@code variants}, and whether they are the fallback
   * outside the segment's own pool ({@code outsidePool}: an operator's segment whose {@code
   * variants} name none that is enabled).
   */
  record Candidates(List<Document> variants, boolean outsidePool) {}

  /**
   * The enabled variants a segment's leads are assigned from, by id: its pool (an operator's
   * segment's {@code variants}, else the variants that list the segment or {@code *}), falling back
   * to the variants for every segment when nothing in the pool is enabled (said: {@code
   * outsidePool}), then those of the modality its workflow definition names (any modality when none
   * of those is enabled).
   */
  Candidates candidates(String segment, Segments.Snapshot segments) {
    List<Document> variants =
        enabled(
            store.database(), Filters.and(Filters.eq("enabled", true), pool(segment, segments)));
    boolean outsidePool = false;
    if (variants.isEmpty() && ownPool(segment, segments).size() > 0) {
      // A segment's pool with nothing enabled left (disabled or deleted since): the variants for
      // every segment, rather than no variant at all; the assignment says it is outside the pool.
      variants = enabled(store.database(), fallback(segment));
      outsidePool = !variants.isEmpty();
    }
    Bson modality = modality(segment, segments);
    if (modality == null || variants.isEmpty()) {
      return new Candidates(variants, outsidePool);
    }
    List<String> ofModality =
        enabled(
                store.database(),
                Filters.and(
                    Filters.in(
                        "variantId", variants.stream().map(v -> v.getString("variantId")).toList()),
                    modality))
            .stream()
            .map(v -> v.getString("variantId"))
            .toList();
    if (ofModality.isEmpty()) {
      LOG.warn(
          "segment {}: no enabled variant of its definition's modality; any modality is used",
          segment);
      return new Candidates(variants, outsidePool);
    }
    return new Candidates(
        new ArrayList<>(
            variants.stream().filter(v -> ofModality.contains(v.getString("variantId"))).toList()),
        outsidePool);
  }

  /** Where a segment's new leads get their variant from, as {@link #candidates} would choose. */
  public enum Coverage {
    /** An enabled variant of the segment's pool. */
    POOL,
    /** Nothing of the segment's own pool is enabled: the variants for every segment. */
    OUTSIDE_POOL,
    /** No enabled variant at all: its leads wait until one is enabled. */
    NONE
  }

  /**
   * {@link Coverage} of {@code segment} now, for the API's warnings (a few indexed reads); {@code
   * without}: a variant counted as disabled (what its disable would leave), or null.
   */
  public static Coverage coverage(
      MongoDatabase db, String segment, Segments.Snapshot segments, String without) {
    Bson on =
        without == null
            ? Filters.eq("enabled", true)
            : Filters.and(Filters.eq("enabled", true), Filters.ne("variantId", without));
    if (!enabled(db, Filters.and(on, pool(segment, segments))).isEmpty()) {
      return Coverage.POOL;
    }
    return !ownPool(segment, segments).isEmpty()
            && !enabled(db, Filters.and(on, fallback(segment))).isEmpty()
        ? Coverage.OUTSIDE_POOL
        : Coverage.NONE;
  }

  private static Bson fallback(String segment) {
    return Filters.and(Filters.eq("enabled", true), Filters.in("segments", List.of(segment, "*")));
  }

  /**
   * The variants of {@code filter}, never the returning-contact variant: it greets numbers with a
   * history ({@link ReturningContacts}) and is no cold opener, so no pool and no bandit has it.
   */
  private static List<Document> enabled(MongoDatabase db, Bson filter) {
    return db.getCollection(Collections.PROMPT_VARIANTS)
        .find(Filters.and(filter, Filters.ne("variantId", ReturningContacts.VARIANT_ID)))
        .sort(Sorts.ascending("variantId"))
        .into(new ArrayList<>());
  }

  private static List<String> ownPool(String segment, Segments.Snapshot segments) {
    Document own = segments.find(segment);
    return own == null ? List.of() : own.getList("variants", String.class, List.of());
  }

  private static Bson pool(String segment, Segments.Snapshot segments) {
    List<String> pool = ownPool(segment, segments);
    return pool.isEmpty()
        ? Filters.in("segments", List.of(segment, "*"))
        : Filters.in("variantId", pool);
  }

  /**
   * The modality the segment's workflow definition names for its leads ({@code modality}: text or
   * image_card), as a filter on the variants; null when it names none.
   */
  private Bson modality(String segment, Segments.Snapshot segments) {
    Document definition = definition(segment, segments);
    String modality = definition == null ? null : definition.getString("modality");
    if (modality == null) {
      return null;
    }
    // Variants stored before modalities existed are text.
    return "text".equals(modality)
        ? Filters.in("modality", Arrays.asList("text", null))
        : Filters.eq("modality", modality);
  }

  /**
   * The segment's workflow definition: the one an operator's segment names, else the one keyed by
   * the segment, else {@code default}; null when there is none at all.
   */
  public Document definition(String segment) {
    return definition(segment, segments.snapshot());
  }

  Document definition(String segment, Segments.Snapshot segments) {
    Document own = segments.find(segment);
    String key =
        own != null && own.getString("workflowDefinition") != null
            ? own.getString("workflowDefinition")
            : segment;
    return store
        .database()
        .getCollection(Collections.WORKFLOW_DEFINITIONS)
        .find(Filters.in("segment", List.of(key, "default")))
        .into(new ArrayList<>())
        .stream()
        .min((a, b) -> key.equals(a.getString("segment")) ? -1 : 1)
        .orElse(null);
  }
}
