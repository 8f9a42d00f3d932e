package com.salesagent.activities.mongo;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import java.util.List;
import org.bson.Document;

/** The seeded sample knowledge entries ({@link Seeds}), read from the classpath. */
final class KnowledgeSamples {
  private KnowledgeSamples() {}

  /**
   * Sample knowledge entries the agent drafts answers from, in the seeded variants' languages
   * (English; Spanish and Portuguese under ids ending {@code -es} and {@code -pt}), marked as
   * samples: operators replace them with their own through {@code PUT /api/knowledge/{entryId}}.
   * Each has keywords in its language (what the lexical check of Spanish and Portuguese matches,
   * beside the title) and each objection's answer the subtype it answers (cost, competitor,
   * timing). Never overwritten; added where missing (also on a database seeded before they
   * existed), and a sample still as seeded gets the keywords and subtype it was seeded without.
   */
  static void ensure(MongoDatabase db) {
    var kb = db.getCollection(com.salesagent.activities.knowledge.KnowledgeBase.COLLECTION);
    List<Document> samples = samples();
    for (Document d : samples) {
      kb.updateOne(
          Filters.eq("_id", d.get("_id")),
          new Document("$setOnInsert", d),
          new UpdateOptions().upsert(true));
      // A sample seeded before keywords and subtypes, still as seeded (an operator's PUT replaces
      // the entry without the sample mark): what the drafts' checks need, nothing else changed.
      Document added = new Document("keywords", d.get("keywords"));
      if (d.get("objection") != null) {
        added.append("objection", d.get("objection"));
      }
      kb.updateOne(
          Filters.and(
              Filters.eq("_id", d.get("_id")),
              Filters.eq("sample", true),
              Filters.exists("keywords", false)),
          new Document("$set", added));
    }
  }

  /** Where the sample knowledge entries are: data a team edits, not code. */
  static final String KNOWLEDGE_SAMPLES = "/seeds/knowledge-samples.json";

  /**
   * The sample knowledge entries ({@value #KNOWLEDGE_SAMPLES}: id, language, kind, title, text,
   * keywords; an objection's subtype), each marked {@code sample}.
   */
  static List<Document> samples() {
    try (java.io.InputStream in = KnowledgeSamples.class.getResourceAsStream(KNOWLEDGE_SAMPLES)) {
      if (in == null) {
        throw new IllegalStateException(KNOWLEDGE_SAMPLES + " is missing from the classpath");
      }
      String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      List<Document> out = new java.util.ArrayList<>();
      for (Object o :
          Document.parse("{\"entries\": " + json + "}").getList("entries", Object.class)) {
        Document d = (Document) o;
        for (String field : List.of("_id", "language", "kind", "title", "text")) {
          if (!(d.get(field) instanceof String s) || s.isBlank()) {
            throw new IllegalStateException(
                KNOWLEDGE_SAMPLES + ": entry " + d.get("_id") + " has no " + field);
          }
        }
        out.add(d.append("sample", true));
      }
      return out;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
