package com.salesagent.activities.persona;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.salesagent.activities.compose.UntrustedText;
import com.salesagent.activities.mongo.Collections;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Why a lead's persona says what it says, and why the lead is in its segment, for the lead page:
 * each attribute with its value, source (enrolment, phone, research, reply), the evidence (the
 * enrolment field, the research chunk's sentence, the reply's words) and when; and for the segment,
 * the operator's query and the persona's values that met each of its facets, or that no segment
 * matched and the company-size band was used. Quotes are cleaned and cut (they come from the lead
 * or the web); the phone is never quoted, only the country derived from it.
 */
public final class PersonaExplanation {
  /** Longest quote of a research chunk or a reply. */
  static final int MAX_QUOTE = 200;

  /** One attribute of the persona and where it came from. */
  public record Attribute(
      String attribute, Object value, String source, String evidence, String quote, Date at) {}

  /** The segment and why: the query's facets and the persona's values that met each. */
  public record SegmentWhy(
      String segment, boolean operatorSegment, Document query, Map<String, Object> matched) {}

  public record Explanation(List<Attribute> attributes, SegmentWhy segment) {}

  private static final List<String> SINGLE =
      List.of("industry", "sizeBand", "seniority", "function", "country", "timezone", "sentiment");
  private static final List<String> LISTS =
      List.of("topics", "intents", "objections", "keyphrases");

  private final MongoDatabase db;
  private final Segments segments;

  public PersonaExplanation(MongoDatabase db) {
    this.db = db;
    this.segments = new Segments(db);
  }

  /** Null when the lead has no persona yet. */
  public Explanation explain(Document persona, Document contact) {
    if (persona == null) {
      return null;
    }
    Document ev = persona.get("evidence", new Document());
    List<Attribute> out = new ArrayList<>();
    for (String field : SINGLE) {
      if (ev.get(field) instanceof Document e) {
        out.add(attribute(field, e, persona, contact));
      }
    }
    for (String field : LISTS) {
      for (Document e : ev.getList(field, Document.class, List.of())) {
        out.add(attribute(field, e, persona, contact));
      }
    }
    return new Explanation(out, why(persona, contact));
  }

  private Attribute attribute(String field, Document e, Document persona, Document contact) {
    String source = e.getString("source");
    String evidence = e.getString("evidence");
    String quote = null;
    if (Evidence.ENROLMENT.equals(source) && evidence != null && !"phone".equals(evidence)) {
      Object raw = contact == null ? null : contact.get(evidence);
      quote = raw instanceof String s ? cut(s) : null;
    } else if (Evidence.RESEARCH.equals(source) && evidence != null && ObjectId.isValid(evidence)) {
      Document chunk =
          db.getCollection(Collections.RESEARCH_RESULTS)
              .find(
                  Filters.and(
                      Filters.eq("_id", new ObjectId(evidence)),
                      Filters.eq("leadId", persona.getString("leadId"))))
              .projection(Projections.include("text"))
              .first();
      quote = chunk == null ? null : cut(chunk.getString("text"));
    } else if (Evidence.REPLY.equals(source) && evidence != null) {
      Document reply =
          db.getCollection(Collections.FEEDBACK)
              .find(
                  Filters.and(
                      Filters.eq("messageId", evidence),
                      Filters.eq("leadId", persona.getString("leadId"))))
              .projection(Projections.include("text"))
              .first();
      quote = reply == null ? null : cut(reply.getString("text"));
    }
    Object value = e.get("value");
    if (e.getString("label") != null) {
      value = value + " (" + e.getString("label") + ")";
    }
    return new Attribute(field, value, source, evidence, quote, e.getDate("at"));
  }

  private SegmentWhy why(Document persona, Document contact) {
    String segment =
        contact != null && contact.getString("segment") != null
            ? contact.getString("segment")
            : persona.getString("segment");
    Document own = segments.find(segment);
    if (own == null) {
      Map<String, Object> matched = new LinkedHashMap<>();
      matched.put("companySize", contact == null ? null : contact.getString("companySize"));
      return new SegmentWhy(segment, false, null, matched);
    }
    Document query = own.get("query", new Document());
    Map<String, Object> matched = new LinkedHashMap<>();
    for (Map.Entry<String, Object> facet : query.entrySet()) {
      if ("q".equals(facet.getKey())) {
        matched.put("q", facet.getValue());
        continue;
      }
      Object have = persona.get(PersonaFields.FACETS.getOrDefault(facet.getKey(), facet.getKey()));
      List<Object> wanted =
          facet.getValue() instanceof List<?> l ? new ArrayList<>(l) : List.of(facet.getValue());
      if (have instanceof List<?> values) {
        matched.put(facet.getKey(), values.stream().filter(wanted::contains).toList());
      } else {
        matched.put(facet.getKey(), wanted.contains(have) ? have : null);
      }
    }
    return new SegmentWhy(segment, true, query, matched);
  }

  /** The quoted evidence: cleaned, at most {@link #MAX_QUOTE} code points, never half an emoji. */
  static String cut(String text) {
    if (text == null) {
      return null;
    }
    String clean = UntrustedText.clean(text).strip();
    return UntrustedText.length(clean) <= MAX_QUOTE
        ? clean
        : clean.substring(0, clean.offsetByCodePoints(0, MAX_QUOTE - 1)) + "…";
  }
}
