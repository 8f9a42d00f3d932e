package com.salesagent.activities.persona;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.research.Embeddings;
import com.salesagent.activities.whatsapp.WhatsAppLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bson.Document;

/**
 * The curated, editable topic list ({@code topics}: topicId, label, phrases, threshold, enabled;
 * seeded from {@code persona/topics.txt} where missing) and the match of text vectors against it: a
 * topic's score is the cosine between the text and the centroid of its label's and phrases' vectors
 * (on research paragraphs this separates topics better than the best single phrase), and a topic
 * matches at or above its threshold. Phrase vectors are computed once per process and phrase (an
 * operator's edit is a new phrase, so it is embedded on next use); the texts' own vectors are given
 * by the caller (research chunks come with theirs), never embedded again here.
 */
public final class Topics {
  public static final String COLLECTION = "topics";

  /** Cosine at or above which a topic matches, unless the topic sets its own threshold. */
  public static final double DEFAULT_THRESHOLD = 0.45;

  /** At most this many topics are read (an operator's list, not a taxonomy). */
  static final int MAX_TOPICS = 500;

  /** Most sentences of one reply embedded for its topics. */
  static final int MAX_SENTENCES = 8;

  private static final java.util.regex.Pattern SENTENCES =
      java.util.regex.Pattern.compile("(?<=[.!?;])\\s+|\\n+");

  /** A run of spaces inside a sentence (where a tag was): one space is embedded. */
  private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("\\s{2,}");

  /** A topic a text matched, with its score. */
  public record Hit(String topicId, String label, double score) {}

  private record Topic(String id, String label, double threshold, List<String> phrases) {}

  private final MongoCollection<Document> topics;
  private final Embeddings embeddings;
  private final Map<String, float[]> phraseVectors = new ConcurrentHashMap<>();

  public Topics(MongoDatabase db, Embeddings embeddings) {
    this.topics = db.getCollection(COLLECTION);
    this.embeddings = embeddings;
  }

  /** Inserts the curated topics that are missing; an operator's edits are left as they are. */
  public static void seed(MongoDatabase db) {
    MongoCollection<Document> topics = db.getCollection(COLLECTION);
    for (String line : Text.lines("/persona/topics.txt")) {
      String[] parts = line.split("\\|");
      if (parts.length != 3) {
        continue;
      }
      List<String> phrases =
          Arrays.stream(parts[2].split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
      topics.updateOne(
          Filters.eq("topicId", parts[0].strip()),
          Updates.combine(
              Updates.setOnInsert("label", parts[1].strip()),
              Updates.setOnInsert("phrases", phrases),
              Updates.setOnInsert("enabled", true)),
          new UpdateOptions().upsert(true));
    }
  }

  /** The label of each enabled topic, by id (for search text and views). */
  public Map<String, String> labels() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Topic t : load()) {
      out.put(t.id(), t.label());
    }
    return out;
  }

  /** The topics each of {@code vectors} matches: per vector, its hits, best first. */
  public List<List<Hit>> match(List<float[]> vectors) {
    List<Topic> list = load();
    embedMissing(list);
    List<float[]> centroids = list.stream().map(this::centroid).toList();
    List<List<Hit>> out = new ArrayList<>();
    for (float[] v : vectors) {
      List<Hit> hits = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        Topic t = list.get(i);
        double score = Embeddings.cosine(v, centroids.get(i));
        if (score >= t.threshold()) {
          hits.add(new Hit(t.id(), t.label(), score));
        }
      }
      hits.sort((a, b) -> Double.compare(b.score(), a.score()));
      out.add(hits);
    }
    return out;
  }

  /**
   * The topics of a reply (it has no stored vector): each sentence with something to say (a
   * keyphrase; "Sounds great, really." has none and would only dilute the rest) is embedded, in one
   * batch, and a topic scores its best sentence. Markup is stripped before the text is split
   * ({@link Text#withoutMarkup(String, char)}: a tag, a script's content, the same written as
   * entities), so a sentence is embedded as its words alone.
   */
  public List<Hit> matchText(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    String capped = Text.withoutMarkup(WhatsAppLimits.cut(text, Keyphrases.MAX_TEXT), ' ');
    List<String> sentences = new ArrayList<>();
    for (String sentence : SENTENCES.split(capped)) {
      if (sentences.size() < MAX_SENTENCES && !Keyphrases.extract(sentence, null, 1).isEmpty()) {
        sentences.add(SPACES.matcher(sentence.strip()).replaceAll(" "));
      }
    }
    if (sentences.isEmpty()) {
      return List.of();
    }
    Map<String, Hit> best = new LinkedHashMap<>();
    for (List<Hit> hits : match(embeddings.embedAll(sentences))) {
      for (Hit h : hits) {
        best.merge(h.topicId(), h, (a, b) -> a.score() >= b.score() ? a : b);
      }
    }
    List<Hit> out = new ArrayList<>(best.values());
    out.sort((a, b) -> Double.compare(b.score(), a.score()));
    return out;
  }

  /** The mean of the topic's phrase vectors. */
  private float[] centroid(Topic t) {
    float[] c = null;
    for (String phrase : t.phrases()) {
      float[] v = phraseVectors.computeIfAbsent(phrase, embeddings::embed);
      if (c == null) {
        c = new float[v.length];
      }
      for (int i = 0; i < c.length; i++) {
        c[i] += v[i] / t.phrases().size();
      }
    }
    return c;
  }

  /** New phrases are embedded in one batch (the first call embeds the whole list). */
  private void embedMissing(List<Topic> list) {
    List<String> missing =
        list.stream()
            .flatMap(t -> t.phrases().stream())
            .filter(p -> !phraseVectors.containsKey(p))
            .distinct()
            .toList();
    if (missing.isEmpty()) {
      return;
    }
    List<float[]> vectors = embeddings.embedAll(missing);
    for (int i = 0; i < missing.size(); i++) {
      phraseVectors.putIfAbsent(missing.get(i), vectors.get(i));
    }
  }

  private List<Topic> load() {
    List<Topic> list = new ArrayList<>();
    for (Document d : topics.find(Filters.ne("enabled", false)).limit(MAX_TOPICS)) {
      String id = d.getString("topicId");
      if (id == null) {
        continue;
      }
      String label = d.get("label", id);
      List<String> phrases = new ArrayList<>();
      phrases.add(label);
      for (Object p : d.getList("phrases", Object.class, List.of())) {
        if (p instanceof String s && !s.isBlank()) {
          phrases.add(s);
        }
      }
      Number threshold = d.get("threshold", Number.class);
      list.add(
          new Topic(
              id, label, threshold == null ? DEFAULT_THRESHOLD : threshold.doubleValue(), phrases));
    }
    return list;
  }
}
