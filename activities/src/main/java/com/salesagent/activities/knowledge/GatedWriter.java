package com.salesagent.activities.knowledge;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bson.Document;

/**
 * A draft written by the configured LLM ({@link DraftWriter}) from the entries the offline draft
 * cites and the next best ones, at the conversation's stage, kept only if {@link DraftGate} finds
 * nothing in it beyond those entries (numbers, links, promises, statements). What it answers is the
 * audit stored on the draft ({@code llm}), with the text when it passed.
 */
final class GatedWriter {
  /** At most this many entries are given to the provider. */
  static final int MAX_GIVEN = 4;

  private final DraftWriter writer;
  private final MongoCollection<Document> feedback;
  private final Function<List<String>, List<float[]>> embed;

  GatedWriter(
      DraftWriter writer,
      MongoCollection<Document> feedback,
      Function<List<String>, List<float[]>> embed) {
    this.writer = writer;
    this.feedback = feedback;
    this.embed = embed;
  }

  /**
   * The provider's answer from the cited entries and the next best ones (at most {@link
   * #MAX_GIVEN}), checked by the gate: the audit of the attempt, with the text when it passed.
   */
  Document written(
      Draft draft, List<Scored> cited, List<Scored> ranked, String replyText, String language) {
    List<Document> given = new ArrayList<>();
    cited.forEach(c -> given.add(c.entry()));
    for (Scored s : ranked) {
      if (given.size() >= MAX_GIVEN) {
        break;
      }
      if (s.score() >= EntryRanking.MIN_SCORE && !given.contains(s.entry())) {
        given.add(s.entry());
      }
    }
    DraftWriter.Written result =
        writer.write(
            draft.stage(),
            given,
            draft.context(),
            conversation(draft.leadId(), replyText),
            language);
    Document audit =
        new Document("model", writer.label())
            .append("promptHash", result.promptHash())
            .append("entries", given.stream().map(e -> String.valueOf(e.get("_id"))).toList());
    if (result.text() == null) {
      return audit.append("rejected", result.failure());
    }
    // What a statement may rest on: the entries, and the research sentences the provider was given
    // (those for statements about the lead only: no number, link or promise comes from research).
    List<String> texts = given.stream().map(e -> e.getString("text")).toList();
    DraftGate.Verdict verdict =
        DraftGate.check(result.text(), texts, draft.context().researchTexts(), replyText, embed);
    audit.append(
        "gate",
        new Document("score", verdict.score())
            .append("pass", verdict.pass())
            .append("checks", new Document(verdict.checks())));
    return verdict.pass()
        ? audit.append("text", result.text())
        : audit.append("rejected", verdict.why()).append("rejectedText", result.text());
  }

  /** The lead's recent messages and ours, oldest first (at most six), ending with the reply. */
  private List<String> conversation(String leadId, String replyText) {
    List<String> lines = new ArrayList<>();
    for (Document f :
        feedback.find(Filters.eq("leadId", leadId)).sort(Sorts.descending("receivedAt")).limit(5)) {
      if (f.getString("text") != null) {
        lines.add(0, "Lead: " + f.getString("text"));
      }
    }
    if (lines.isEmpty() || !lines.get(lines.size() - 1).equals("Lead: " + replyText)) {
      lines.add("Lead: " + replyText);
    }
    return lines.size() > 6 ? lines.subList(lines.size() - 6, lines.size()) : lines;
  }
}
