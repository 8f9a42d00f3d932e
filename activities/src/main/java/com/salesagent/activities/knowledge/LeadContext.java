package com.salesagent.activities.knowledge;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.research.Retriever;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * What a draft knows of the lead beside the conversation: its persona's attributes (industry, size
 * band, seniority, function, country, topics, objections; never a name or a phone number) and the
 * research sentences nearest the lead's reply (the lead's own research chunks, exact cosine with
 * the reply's vector). A provider reads them to choose what to stress and to speak to the lead's
 * situation; the gate accepts a statement drawn from a research sentence, and the person who sends
 * the draft sees them beside it.
 */
record LeadContext(Map<String, Object> persona, List<Retriever.Hit> research) {
  /** Research sentences at least this near the reply (cosine, MiniLM) are given to the draft. */
  static final double MIN_RESEARCH_SCORE = 0.2;

  /** At most this many research sentences. */
  static final int RESEARCH_SENTENCES = 2;

  private static final List<String> SINGLE =
      List.of("industry", "sizeBand", "seniority", "function", "country");
  private static final List<String> LISTS = List.of("topics", "objections");

  static final LeadContext NONE = new LeadContext(Map.of(), List.of());

  static LeadContext of(MongoDatabase db, String leadId, float[] reply) {
    Document p = db.getCollection(Collections.PERSONAS).find(Filters.eq("leadId", leadId)).first();
    Map<String, Object> persona = new LinkedHashMap<>();
    if (p != null) {
      for (String field : SINGLE) {
        if (p.getString(field) != null) {
          persona.put(field, p.getString(field));
        }
      }
      for (String field : LISTS) {
        List<String> values = p.getList(field, String.class, List.of());
        if (!values.isEmpty()) {
          persona.put(field, List.copyOf(values));
        }
      }
    }
    List<Retriever.Hit> research = new ArrayList<>();
    for (Retriever.Hit hit : new Retriever(db, null).topK(leadId, reply, RESEARCH_SENTENCES)) {
      if (hit.score() >= MIN_RESEARCH_SCORE) {
        research.add(hit);
      }
    }
    return new LeadContext(persona, research);
  }

  boolean isEmpty() {
    return persona.isEmpty() && research.isEmpty();
  }

  /** The research sentences' texts (what the gate accepts statements from, beside the entries). */
  List<String> researchTexts() {
    return research.stream().map(Retriever.Hit::text).toList();
  }

  /** Stored on the draft for the person who sends it. */
  Document toDocument() {
    List<Document> sentences = new ArrayList<>();
    for (Retriever.Hit h : research) {
      sentences.add(
          new Document("source", h.source())
              .append("text", h.text())
              .append("score", Math.round(h.score() * 1000) / 1000.0));
    }
    return new Document("persona", new Document(persona)).append("research", sentences);
  }

  /** The lines of the provider's prompt (quoted by the caller). */
  List<String> promptLines() {
    List<String> lines = new ArrayList<>();
    if (!persona.isEmpty()) {
      StringBuilder b = new StringBuilder("Persona:");
      persona.forEach(
          (k, v) ->
              b.append(' ')
                  .append(k)
                  .append('=')
                  .append(
                      v instanceof List<?> l
                          ? String.join(",", l.stream().map(String::valueOf).toList())
                          : v)
                  .append(';'));
      lines.add(b.toString());
    }
    for (Retriever.Hit h : research) {
      lines.add("Research (" + h.source() + "): " + h.text());
    }
    return lines;
  }
}
