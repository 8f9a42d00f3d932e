package com.salesagent.activities.lead;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.research.ResearchSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bson.Document;

/**
 * The fact a wording chosen for a research topic cites ({@link PersonaWording}, "topic=hiring"):
 * the sentence of the research chunk behind the persona's topic that says most about it.
 */
final class TopicFacts {
  private final MongoDatabase db;

  TopicFacts(MongoDatabase db) {
    this.db = db;
  }

  /**
   * For a wording chosen for a research topic ("topic=hiring"), the first sentence of the research
   * chunk behind that topic in the persona: the message cites what made the lead's topic. Null when
   * the wording names no topic, or the chunk is gone, is not research text ({@link
   * ResearchSource#quotable}: notes are not quoted) or has no sentence fit to quote in the
   * template's {@code language} (the retrieved fact is used then).
   */
  String fact(Document persona, String qualifier, String language) {
    String topic = PersonaWording.topic(qualifier);
    Document evidence = persona == null ? null : persona.get("evidence", Document.class);
    if (topic == null || evidence == null) {
      return null;
    }
    for (Document t : evidence.getList("topics", Document.class, List.of())) {
      if (topic.equals(t.getString("value"))
          && "research".equals(t.getString("source"))
          && t.getString("evidence") != null
          && org.bson.types.ObjectId.isValid(t.getString("evidence"))) {
        Document chunk =
            db.getCollection(Collections.RESEARCH_RESULTS)
                .find(
                    Filters.and(
                        Filters.eq("_id", new org.bson.types.ObjectId(t.getString("evidence"))),
                        Filters.eq("leadId", persona.getString("leadId"))))
                .projection(com.mongodb.client.model.Projections.include("text", "source"))
                .first();
        String fact =
            chunk == null
                    || chunk.getString("text") == null
                    || !ResearchSource.quotable(chunk.getString("source"))
                ? ""
                : ComposeFacts.clause(
                    topicSentence(chunk.getString("text"), topicWords(topic)), language);
        return fact.isEmpty() ? null : fact;
      }
    }
    return null;
  }

  /** The words of the topic's label and phrases (topics collection), by their first 5 letters. */
  private Set<String> topicWords(String topicId) {
    Document topic =
        db.getCollection(com.salesagent.activities.persona.Topics.COLLECTION)
            .find(Filters.eq("topicId", topicId))
            .first();
    StringBuilder text = new StringBuilder(topicId.replace('_', ' '));
    if (topic != null) {
      text.append(' ').append(topic.get("label", ""));
      topic.getList("phrases", String.class, List.of()).forEach(p -> text.append(' ').append(p));
    }
    return stems(text.toString());
  }

  private static Set<String> stems(String text) {
    Set<String> out = new HashSet<>();
    for (String w : text.toLowerCase(java.util.Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (w.length() > 3) {
        out.add(w.length() > 5 ? w.substring(0, 5) : w);
      }
    }
    return out;
  }

  /**
   * The sentence of a research chunk that says most about the topic (most words shared with its
   * label and phrases), as the chunk's first sentence is quoted otherwise; the chunk itself when no
   * sentence shares a word.
   */
  static String topicSentence(String chunk, Set<String> topicWords) {
    String best = chunk;
    int bestScore = 0;
    for (String sentence : chunk.strip().split("(?<=[.!?])\\s+")) {
      Set<String> shared = stems(sentence);
      shared.retainAll(topicWords);
      if (shared.size() > bestScore) {
        best = sentence;
        bestScore = shared.size();
      }
    }
    return best;
  }
}
