package com.salesagent.activities.knowledge;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.compose.LlmWriter;
import com.salesagent.activities.lead.LeadSegments;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.lead.Stage;
import java.time.Clock;
import java.util.Date;
import org.bson.Document;

/**
 * A draft that goes out without a person. The lead's segment allows it with {@code
 * workflow_definitions.autoSendDrafts: {minScore: 0.8}}: the draft must answer from an entry at
 * least that near the reply (and a provider's text must have passed the gate, else the entry's own
 * text goes). The message is stored here, approved by the auto-send rule; the workflow sends it
 * through the lead's send path. A draft in a language the embedding model does not cover ({@code
 * words} not null) must also clear the lexical bar ({@link SharedWords.Match#clearsAutoSendBar}: at
 * least two of the reply's content words, and three quarters of them, in the entry), whatever the
 * segment's score: else it is held.
 */
final class AutoSends {
  private final MongoDatabase db;
  private final MongoCollection<Document> contacts;
  private final Clock clock;

  AutoSends(MongoDatabase db, Clock clock) {
    this.db = db;
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.clock = clock;
  }

  /**
   * The key under which the draft's {@code text} goes out without a person (its message stored,
   * composed by {@code composer}), or null (held: the default).
   */
  String autoSend(
      String draftId,
      String leadId,
      String text,
      double score,
      SharedWords.Match words,
      String composer) {
    if (words != null && !words.clearsAutoSendBar()) {
      return null;
    }
    Document contact = contacts.find(Filters.eq("leadId", leadId)).first();
    if (contact == null || ended(contact.getString("stage"))) {
      return null; // a lead whose run ended has no run to send it: a person answers
    }
    Document definition =
        new LeadSegments(new LeadStore(db))
            .definition(
                contact.getString("segment") == null ? "default" : contact.getString("segment"));
    Document rule = definition == null ? null : definition.get("autoSendDrafts", Document.class);
    Object min = rule == null ? null : rule.get("minScore");
    if (!(min instanceof Number minScore) || score < minScore.doubleValue()) {
      return null;
    }
    String key = "lead-" + leadId + "-agent-" + digest(draftId);
    new LeadStore(db)
        .messages()
        .upsertComposed(
            key,
            new Document("leadId", leadId)
                .append("campaignId", contact.getString("campaignId"))
                .append("purpose", "agent_answer")
                .append("composer", composer)
                .append("draftId", draftId)
                .append(
                    "approval",
                    new Document("status", "approve")
                        .append("by", "auto-send (score " + score + " >= " + minScore + ")")
                        .append("at", Date.from(clock.instant())))
                .append("status", "composed")
                .append("text", text)
                .append("createdAt", Date.from(clock.instant())));
    return key;
  }

  private static boolean ended(String stage) {
    Stage known = Stage.of(stage);
    return known != null && known.terminal();
  }

  private static String digest(String s) {
    return LlmWriter.sha256(s).substring(0, 24);
  }
}
