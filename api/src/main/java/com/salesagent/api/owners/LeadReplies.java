package com.salesagent.api.owners;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.api.http.ReadableText;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * What the queues ({@link HandOffsResource}, {@link AfterEndResource}) show of a lead's messages
 * and people's answers, each read in one query for a page of leads: the lead's latest message as
 * triaged ({@code lastReply}), the drafts waiting for it, a person's answer that did not reach the
 * lead ({@code answerFailed}) and whether the lead wrote since ({@code waitsForAnswer}); and the
 * texts cut as the queue and the conversation show them.
 */
final class LeadReplies {
  private LeadReplies() {}

  /** The contact's latest person's message queued to the lead ({@code ReplyCollisions.FIELD}). */
  static final String LAST_PERSON_ANSWER = "lastPersonAnswer";

  /**
   * The leads whose latest person's message (a rep's text or voice note) did not reach them: who
   * wrote it, when it failed and why (Meta's code and title, else its status), as the after-end
   * list's {@code answerFailed}: such a lead reads {@code in_conversation}, its SLA met, yet nobody
   * answered it (found by the QA walk: the list said "met" and "taken" while the rep's only answer
   * had failed 131026). One read of those messages by their keys.
   */
  static Map<String, AfterEndResource.AnswerFailed> answersFailed(
      MongoDatabase db, List<Document> contacts) {
    Map<String, Document> answerOfKey = new HashMap<>();
    for (Document c : contacts) {
      Document answer = c.get(LAST_PERSON_ANSWER, Document.class);
      if (answer != null && answer.getString("key") != null) {
        answerOfKey.put(answer.getString("key"), c);
      }
    }
    Map<String, AfterEndResource.AnswerFailed> failed = new HashMap<>();
    if (answerOfKey.isEmpty()) {
      return failed;
    }
    db.getCollection(Collections.MESSAGES)
        .find(
            Filters.and(
                Filters.in("idempotencyKey", answerOfKey.keySet()),
                Filters.in("status", FAILED_ANSWER)))
        .projection(
            new Document("idempotencyKey", 1)
                .append("status", 1)
                .append("error", 1)
                .append("statusAt", 1)
                .append("updatedAt", 1))
        .forEach(
            m -> {
              Document contact = answerOfKey.get(m.getString("idempotencyKey"));
              Document statusAt = m.get("statusAt", Document.class);
              Date at =
                  statusAt != null && statusAt.getDate("failed") != null
                      ? statusAt.getDate("failed")
                      : m.getDate("updatedAt");
              String why = failure(m);
              failed.put(
                  contact.getString("leadId"),
                  new AfterEndResource.AnswerFailed(
                      contact.get(LAST_PERSON_ANSWER, Document.class).getString("by"),
                      at == null ? null : at.toInstant().toString(),
                      why == null ? m.getString("status") : why));
            });
    return failed;
  }

  /**
   * Whether the lead's latest message came after the latest person's message to it (or no person
   * wrote to it yet): a lead a rep has acted on (taken, answered, met) that wrote again waits for
   * an answer, which the row said nothing of ("met", "taken"; found by the QA walk: "pode me ligar
   * amanhã?" after the rep's answer). Compared on the clock people's messages are queued by, the
   * lead message's {@code storedAt} (else Meta's whole-second {@code receivedAt}).
   */
  static boolean wroteSinceAnswer(Document contact, Document lastReply) {
    if (lastReply == null) {
      return false;
    }
    Date wrote =
        lastReply.getDate("storedAt") != null
            ? lastReply.getDate("storedAt")
            : lastReply.getDate("receivedAt");
    Document answer = contact.get(LAST_PERSON_ANSWER, Document.class);
    Date answered = answer == null ? null : answer.getDate("at");
    return wrote != null && (answered == null || wrote.after(answered));
  }

  /** A person's message in one of these states did not reach the lead. */
  static final List<String> FAILED_ANSWER = List.of("failed", "refused", "not_sent");

  /**
   * The drafts among {@code draftIds} a person can use: held, with an answer. A draft that found no
   * grounded answer (no text: the lead page says "write it yourself") is no draft waiting.
   */
  static Bson draftsReady(List<String> draftIds) {
    return Filters.and(
        Filters.in("_id", draftIds), Filters.eq("status", "held"), Filters.ne("text", null));
  }

  /** Each lead's latest message (its feedback), read in one query for the page of leads. */
  static Map<String, Document> lastReplies(MongoDatabase db, List<Document> leads) {
    Map<String, Document> latest = new HashMap<>();
    if (leads.isEmpty()) {
      return latest;
    }
    db.getCollection(Collections.FEEDBACK)
        .find(Filters.in("leadId", leads.stream().map(c -> c.getString("leadId")).toList()))
        .projection(
            new Document("leadId", 1)
                .append("messageId", 1)
                .append("intent", 1)
                .append("objection", 1)
                .append("text", 1)
                .append("type", 1)
                .append("receivedAt", 1)
                .append("storedAt", 1))
        .forEach(
            f -> {
              Document seen = latest.get(f.getString("leadId"));
              Date at = f.getDate("receivedAt");
              if (seen == null
                  || (at != null
                      && (seen.getDate("receivedAt") == null
                          || at.after(seen.getDate("receivedAt"))))) {
                latest.put(f.getString("leadId"), f);
              }
            });
    return latest;
  }

  /**
   * What the lead's message says: its text, else its kind; a reaction without an emoji is Meta's
   * removal of one.
   */
  static String said(Document f) {
    String text = f.getString("text");
    if ("reaction".equals(f.getString("type")) && (text == null || text.isEmpty())) {
      return "(reaction removed)";
    }
    return text != null ? text : "(" + f.getString("type") + ")";
  }

  static HandOffsResource.LastReply lastReply(Document f) {
    if (f == null) {
      return null;
    }
    String text = said(f);
    Date at = f.getDate("receivedAt");
    return new HandOffsResource.LastReply(
        f.getString("intent"),
        f.getString("objection"),
        shortened(text, HandOffsResource.REPLY_LIMIT),
        at == null ? null : at.toInstant().toString(),
        f.getString("messageId"));
  }

  static String cut(String s) {
    return shortened(s, HandOffsResource.TEXT_LIMIT);
  }

  /**
   * {@code s} itself within {@code limit} characters, else its first {@code limit} and "…"; counted
   * in code points, as the caps on what is written are: an emoji is one, never cut in two.
   */
  private static String shortened(String s, int limit) {
    return s == null || ReadableText.length(s) <= limit ? s : ReadableText.cut(s, limit) + "…";
  }

  /** Meta's code and title of a message that failed ("131047 Re-engagement message"), or null. */
  static String failure(Document m) {
    Document error = m.get("error", Document.class);
    if (!"failed".equals(m.getString("status")) || error == null) {
      return null;
    }
    Object title = error.get("title");
    return cut(error.get("code") + (title == null ? "" : " " + title));
  }
}
