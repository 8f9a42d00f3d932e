package com.salesagent.activities.persona;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.Collections;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.bson.Document;

/**
 * Operator-defined segments ({@code segments}): saved facet queries over the persona, in order,
 * first match wins. Each names the variant pool its leads are assigned from ({@code variants};
 * empty: the variants that list the segment or {@code *}) and the {@code workflow_definitions}
 * entry that sets their cadence ({@code workflowDefinition}: that entry's {@code segment} key;
 * absent: an entry keyed by the segment's id, else {@code default}). A lead no enabled segment
 * matches falls in the built-in catch-all: its company-size band ({@code smb}, {@code mid_market},
 * {@code enterprise}, {@code default}), as before segments existed.
 *
 * <p>A query is {@code {facet: [values]}} for the facets of {@link PersonaFields#FACETS} (any of
 * the values; every facet must match; array facets match when they share a value) and {@code q}, a
 * phrase in the persona's search text, as {@code GET /api/personas/search} reads them: a finding of
 * segment discovery or a search is a segment as it stands.
 */
public final class Segments {
  /** The built-in catch-all segments: ids an operator's segment may not take. */
  public static final Set<String> BUILT_IN = Set.of("smb", "mid_market", "enterprise", "default");

  private final MongoCollection<Document> segments;

  public Segments(MongoDatabase db) {
    this.segments = db.getCollection(Collections.SEGMENTS);
  }

  /** The enabled segments in matching order. */
  public List<Document> enabled() {
    return segments
        .find(Filters.ne("enabled", false))
        .sort(Sorts.ascending("order", "segmentId"))
        .into(new ArrayList<>());
  }

  public Document find(String segmentId) {
    return segmentId == null ? null : segments.find(Filters.eq("segmentId", segmentId)).first();
  }

  /** The first enabled segment whose query the persona matches, or null (the catch-all). */
  public Document match(Document persona) {
    return persona == null ? null : first(enabled(), persona);
  }

  /**
   * Every segment, enabled or not, in matching order, in one read: what one step of a lead asks of
   * the segments (its match, its pool, its workflow definition) answered from the same read.
   */
  public Snapshot snapshot() {
    return new Snapshot(
        segments.find().sort(Sorts.ascending("order", "segmentId")).into(new ArrayList<>()));
  }

  /** The segments as one read found them. */
  public record Snapshot(List<Document> all) {
    /** The segment with this id, enabled or not, or null. */
    public Document find(String segmentId) {
      if (segmentId == null) {
        return null;
      }
      for (Document s : all) {
        if (segmentId.equals(s.getString("segmentId"))) {
          return s;
        }
      }
      return null;
    }

    /** As {@link Segments#match}: the first enabled segment the persona matches, or null. */
    public Document match(Document persona) {
      if (persona == null) {
        return null;
      }
      // As the query's {enabled: {$ne: false}}.
      return first(
          all.stream().filter(s -> !Boolean.FALSE.equals(s.get("enabled"))).toList(), persona);
    }
  }

  private static Document first(List<Document> inOrder, Document persona) {
    for (Document s : inOrder) {
      if (matches(s.get("query", new Document()), persona)) {
        return s;
      }
    }
    return null;
  }

  /** Whether a persona meets every clause of a query. */
  public static boolean matches(Document query, Document persona) {
    for (String key : query.keySet()) {
      if ("q".equals(key)) {
        String q = PersonaFields.normaliseQuery(query.getString("q"));
        String text = persona.getString("searchText");
        if (!q.isEmpty() && (text == null || !text.contains(q))) {
          return false;
        }
        continue;
      }
      String field = PersonaFields.FACETS.get(key);
      if (field == null) {
        return false; // a facet this version does not know matches nobody, never everybody
      }
      List<?> wanted = query.getList(key, Object.class, List.of());
      if (wanted.isEmpty()) {
        continue;
      }
      Object value = persona.get(field);
      boolean hit =
          value instanceof Collection<?> values
              ? values.stream().anyMatch(v -> wanted.contains(String.valueOf(v)))
              : value != null && wanted.contains(String.valueOf(value));
      if (!hit) {
        return false;
      }
    }
    return true;
  }
}
