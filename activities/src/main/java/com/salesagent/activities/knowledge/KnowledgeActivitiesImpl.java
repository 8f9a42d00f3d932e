package com.salesagent.activities.knowledge;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.research.Chunker;
import com.salesagent.activities.research.EmbeddingCache;
import com.salesagent.activities.research.Embeddings;
import com.salesagent.workflows.lead.DraftedAnswer;
import com.salesagent.workflows.lead.KnowledgeActivities;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bson.Document;

/**
 * Drafts an answer to a lead's reply from the knowledge base, offline: the entries in the lead's
 * language are chunked and embedded like research (the embedding cache makes that a lookup after
 * the first draft), the reply is embedded, and the entry whose chunk is nearest answers, said as
 * the entry states it (the booking entry added for an interested lead). No entry near enough
 * ({@link #MIN_SCORE}): "no grounded answer", a person writes it. The draft ({@code drafts}, held)
 * never goes out on its own: a person sends it from the lead's page. No LLM rewrites it here:
 * nothing is claimed that an entry does not say.
 */
public final class KnowledgeActivitiesImpl implements KnowledgeActivities {
  public static final String DRAFTS = "drafts";

  /**
   * The least cosine similarity (all-MiniLM-L6-v2, quantized) between the reply and an entry's
   * title or chunk to answer from it: the sample price question and objection measured 0.64 and
   * 0.85 against the entries that answer them, an unrelated reply 0.15 at best
   * (KnowledgeActivitiesTest).
   */
  static final double MIN_SCORE = 0.35;

  static final String COMPOSER = "knowledge-base-offline";

  private final KnowledgeBase knowledge;
  private final MongoCollection<Document> drafts;
  private final MongoCollection<Document> feedback;
  private final MongoCollection<Document> contacts;
  private final Function<List<String>, List<float[]>> embed;
  private final EmbeddingCache cache;
  private final Clock clock;

  public KnowledgeActivitiesImpl(
      MongoDatabase db,
      Function<List<String>, List<float[]>> embed,
      EmbeddingCache cache,
      Clock clock) {
    this.knowledge = new KnowledgeBase(db);
    this.drafts = db.getCollection(DRAFTS);
    this.feedback = db.getCollection(Collections.FEEDBACK);
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.embed = embed;
    this.cache = cache;
    this.clock = clock;
  }

  private record Scored(Document entry, double score) {}

  @Override
  public DraftedAnswer draftAnswer(String leadId, String replyMessageId) {
    String draftId = leadId + ":" + replyMessageId;
    Document done = drafts.find(Filters.eq("_id", draftId)).first();
    if (done != null) {
      return answer(done);
    }
    Document reply =
        feedback
            .find(
                Filters.and(Filters.eq("leadId", leadId), Filters.eq("messageId", replyMessageId)))
            .first();
    String text = reply == null ? null : reply.getString("text");
    Document contact = contacts.find(Filters.eq("leadId", leadId)).first();
    String language = KnowledgeBase.language(contact == null ? null : contact.getString("locale"));
    if (text == null || text.isBlank()) {
      return store(draftId, leadId, replyMessageId, null, 0, List.of(), "the reply has no text");
    }
    List<Document> entries = knowledge.inLanguage(language);
    if (entries.isEmpty()) {
      return store(
          draftId, leadId, replyMessageId, null, 0, List.of(), "no knowledge entry in " + language);
    }
    List<Scored> ranked = rank(text, entries);
    Scored best = ranked.get(0);
    if (best.score() < MIN_SCORE) {
      return store(
          draftId,
          leadId,
          replyMessageId,
          null,
          best.score(),
          ranked.subList(0, Math.min(3, ranked.size())),
          "no entry answers it closely enough");
    }
    List<Scored> cited = new ArrayList<>(List.of(best));
    StringBuilder answer = new StringBuilder(best.entry().getString("text"));
    if ("interested".equals(reply.getString("intent"))
        && !"booking".equals(best.entry().getString("kind"))) {
      entries.stream()
          .filter(e -> "booking".equals(e.getString("kind")))
          .findFirst()
          .ifPresent(
              booking -> {
                answer.append("\n\n").append(booking.getString("text"));
                cited.add(new Scored(booking, score(ranked, booking)));
              });
    }
    return store(draftId, leadId, replyMessageId, answer.toString(), best.score(), cited, null);
  }

  /** Every entry with its best chunk's similarity to the reply, best first. */
  private List<Scored> rank(String reply, List<Document> entries) {
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
    float[] query = embed.apply(List.of(reply)).get(0);
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

  private static double score(List<Scored> ranked, Document entry) {
    return ranked.stream()
        .filter(s -> s.entry().get("_id").equals(entry.get("_id")))
        .mapToDouble(Scored::score)
        .findFirst()
        .orElse(0);
  }

  private DraftedAnswer store(
      String draftId,
      String leadId,
      String replyMessageId,
      String text,
      double score,
      List<Scored> cited,
      String why) {
    List<Document> citations = new ArrayList<>();
    for (Scored s : cited) {
      citations.add(
          new Document("entryId", String.valueOf(s.entry().get("_id")))
              .append("title", s.entry().getString("title"))
              .append("kind", s.entry().getString("kind"))
              .append("score", Math.round(s.score() * 1000) / 1000.0));
    }
    Document draft =
        new Document("_id", draftId)
            .append("leadId", leadId)
            .append("replyMessageId", replyMessageId)
            .append("grounded", text != null)
            .append("text", text)
            .append("why", why)
            .append("score", Math.round(score * 1000) / 1000.0)
            .append("citations", citations)
            .append("composer", COMPOSER)
            .append("status", "held")
            .append("createdAt", Date.from(clock.instant()));
    drafts.replaceOne(
        Filters.eq("_id", draftId),
        draft,
        new com.mongodb.client.model.ReplaceOptions().upsert(true));
    return answer(draft);
  }

  private static DraftedAnswer answer(Document d) {
    boolean grounded = Boolean.TRUE.equals(d.getBoolean("grounded"));
    List<String> ids = new ArrayList<>();
    if (grounded) {
      for (Document c : d.getList("citations", Document.class, List.of())) {
        ids.add(c.getString("entryId"));
      }
    }
    Object score = d.get("score");
    return new DraftedAnswer(
        d.getString("_id"),
        grounded,
        score instanceof Number n ? n.doubleValue() : 0,
        ids,
        d.getString("composer"));
  }
}
