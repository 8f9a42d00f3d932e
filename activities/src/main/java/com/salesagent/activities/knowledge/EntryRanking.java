package com.salesagent.activities.knowledge;

import com.salesagent.activities.research.Chunker;
import com.salesagent.activities.research.EmbeddingCache;
import com.salesagent.activities.research.Embeddings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bson.Document;

/**
 * The knowledge entries ranked against a lead's text: each entry's title and chunks are embedded
 * like research (the embedding cache makes that a lookup after the first draft) and the entry
 * scores as its nearest one; in a language the embedding model does not cover, the score rests on
 * the content words the entry shares with the text ({@link Scored#byWords}).
 */
final class EntryRanking {
  /**
   * The least cosine similarity (all-MiniLM-L6-v2, quantized) between the reply and an entry's
   * title or chunk to answer from it: the sample price question and objection measured 0.64 and
   * 0.85 against the entries that answer them, an unrelated reply 0.15 at best
   * (KnowledgeActivitiesTest).
   */
  static final double MIN_SCORE = 0.35;

  private final Function<List<String>, List<float[]>> embed;
  private final EmbeddingCache cache;

  EntryRanking(Function<List<String>, List<float[]>> embed, EmbeddingCache cache) {
    this.embed = embed;
    this.cache = cache;
  }

  /** The text's vector. */
  float[] query(String text) {
    return embed.apply(List.of(text)).get(0);
  }

  /**
   * Every entry with its score for {@code query} (outside the model's languages, for the words of
   * {@code words} too), best first.
   */
  List<Scored> ranked(float[] query, String words, String language, List<Document> entries) {
    List<Scored> ranked = rank(query, entries);
    return SharedWords.applies(language) ? Scored.byWords(words, language, ranked) : ranked;
  }

  /**
   * Each message's own best entry, in the order the lead wrote them: one that answers it closely
   * enough ({@link #MIN_SCORE}), of the kinds the whole burst may be answered with (customer care
   * for a customer; no objection's answer for an interested lead), never an objection's answer
   * (those answer the objection the triage named, from the whole burst) nor the booking link
   * (offered by the conversation's stage).
   */
  List<Scored> eachMessagesAnswer(
      List<String> texts, List<Document> entries, String language, boolean customer) {
    List<float[]> queries = embed.apply(texts);
    List<String> care = ConversationStage.kinds(ConversationStage.CUSTOMER_CARE);
    List<Scored> answers = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      for (Scored r : ranked(queries.get(i), texts.get(i), language, entries)) {
        String kind = r.entry().getString("kind");
        if ("objection".equals(kind)
            || "booking".equals(kind)
            || (customer && !care.contains(kind))) {
          continue;
        }
        if (r.score() >= MIN_SCORE) {
          answers.add(r);
        }
        break; // the message's best eligible entry, or none
      }
    }
    return answers;
  }

  /** Every entry with its best chunk's similarity to the query, best first. */
  private List<Scored> rank(float[] query, List<Document> entries) {
    List<String> chunks = new ArrayList<>();
    List<Document> owners = new ArrayList<>();
    for (Document e : entries) {
      // The title alone too: written as the question it answers, it is what a question is near.
      chunks.add(e.getString("title"));
      owners.add(e);
      for (String chunk : Chunker.chunks(e.getString("title") + ". " + e.getString("text"))) {
        chunks.add(chunk);
        owners.add(e);
      }
    }
    List<float[]> vectors = cache.embedAll(Embeddings.MODEL, chunks, embed);
    Map<Object, Scored> best = new LinkedHashMap<>();
    for (int i = 0; i < chunks.size(); i++) {
      double s = Embeddings.cosine(query, vectors.get(i));
      Document e = owners.get(i);
      best.merge(e.get("_id"), new Scored(e, s), (a, b) -> a.score() >= b.score() ? a : b);
    }
    List<Scored> ranked = new ArrayList<>(best.values());
    ranked.sort(Comparator.comparingDouble(Scored::score).reversed());
    return ranked;
  }
}
