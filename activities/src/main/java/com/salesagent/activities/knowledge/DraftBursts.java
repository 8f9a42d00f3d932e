package com.salesagent.activities.knowledge;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * A burst of lead messages answered by one draft: which of the lead's messages no person answered
 * yet a new draft reads together ({@link #unanswered}), and, once it is stored, the older held
 * drafts of those messages superseded by it, or itself superseded when a newer draft answers its
 * message already ({@link #settle}); each one write conditional on {@code status: held}.
 */
final class DraftBursts {
  private final MongoCollection<Document> drafts;
  private final MongoCollection<Document> feedback;
  private final Clock clock;

  DraftBursts(MongoCollection<Document> drafts, MongoCollection<Document> feedback, Clock clock) {
    this.drafts = drafts;
    this.feedback = feedback;
    this.clock = clock;
  }

  /** On a draft: the lead messages it answers, oldest first, ending with its own. */
  static final String ANSWERS = "answers";

  /** At most this many unanswered lead messages are answered together, the latest kept. */
  static final int BURST = 5;

  /** Only the lead's messages written this long before the newest are answered with it. */
  static final java.time.Duration BURST_WINDOW = java.time.Duration.ofHours(24);

  /** At most this many characters of them are read together (the latest message's kept whole). */
  static final int BURST_CHARS = 2000;

  /**
   * The text a draft answers: the lead's messages no person answered yet (stored after the
   * contact's latest person's message was queued, written within {@link #BURST_WINDOW} before it
   * and not before the end of an earlier run), up to and including {@code reply} in the order the
   * lead wrote them (WhatsApp's time, then the message id), at most {@link #BURST} of them and
   * {@link #BURST_CHARS} characters, oldest first, one a line. Their ids go into {@code answers}. A
   * reply without a time (stored before times were kept) is answered alone.
   */
  String unanswered(String leadId, Document reply, Document contact, List<String> answers) {
    return unanswered(leadId, reply, contact, answers, new ArrayList<>());
  }

  /**
   * {@link #unanswered(String, Document, Document, List)}, each message's text into {@code texts}.
   */
  String unanswered(
      String leadId, Document reply, Document contact, List<String> answers, List<String> texts) {
    String own = reply.getString("text");
    Date wrote = reply.getDate("receivedAt");
    answers.add(reply.getString("messageId"));
    texts.add(own);
    if (wrote == null) {
      return own;
    }
    Document person = contact == null ? null : contact.get("lastPersonAnswer", Document.class);
    Date answeredAt = person == null ? null : person.getDate("at");
    // A run that ended before this message was written answered the older ones by its end.
    Document end = contact == null ? null : contact.get(HeldDrafts.ENDED_AT, Document.class);
    Date endedAt = end == null ? null : end.getDate("at");
    Date since = Date.from(wrote.toInstant().minus(BURST_WINDOW));
    if (endedAt != null && endedAt.before(wrote) && endedAt.after(since)) {
      since = endedAt;
    }
    List<Document> earlier =
        feedback
            .find(
                Filters.and(
                    Filters.eq("leadId", leadId),
                    Filters.ne("messageId", reply.getString("messageId")),
                    Filters.lte("receivedAt", wrote),
                    Filters.gte("receivedAt", since),
                    answeredAt == null ? new Document() : Filters.gt("storedAt", answeredAt)))
            .sort(com.mongodb.client.model.Sorts.descending("receivedAt", "messageId"))
            .limit(BURST * 4)
            .into(new ArrayList<>());
    StringBuilder text = new StringBuilder(own);
    for (Document f : earlier) {
      if (answers.size() >= BURST) {
        break;
      }
      String t = f.getString("text");
      boolean before =
          f.getDate("receivedAt").before(wrote)
              || f.getString("messageId").compareTo(reply.getString("messageId")) < 0;
      if (t == null || t.isBlank() || !before || text.length() + t.length() + 1 > BURST_CHARS) {
        continue;
      }
      text.insert(0, t + "\n");
      answers.add(0, f.getString("messageId"));
      texts.add(0, t);
    }
    return text.toString();
  }

  /**
   * A draft of the lead, other than {@code draftId}, that answers {@code replyMessageId} as one of
   * the messages of a later burst (its {@link #ANSWERS} name it): the newer draft, or null.
   */
  Document newer(String leadId, String draftId, String replyMessageId) {
    return drafts
        .find(
            Filters.and(
                Filters.eq("leadId", leadId),
                Filters.ne("_id", draftId),
                Filters.ne("replyMessageId", replyMessageId),
                Filters.eq(ANSWERS, replyMessageId)))
        .sort(com.mongodb.client.model.Sorts.descending("createdAt"))
        .first();
  }

  /** {@link HeldDrafts#SUPERSEDED_BY} of an older draft a newer one answers. */
  Document supersededBy(Document newer) {
    List<String> answered = newer.getList(ANSWERS, String.class, List.of());
    String range =
        answered.size() <= 1
            ? String.join("", answered)
            : answered.get(0) + ".." + answered.get(answered.size() - 1);
    return new Document(
            "why",
            "superseded by a newer draft that answers messages "
                + range
                + " ("
                + answered.size()
                + (answered.size() == 1 ? " message)" : " messages)"))
        .append("draftId", newer.get("_id"))
        .append("messages", answered)
        .append("at", Date.from(clock.instant()));
  }

  /**
   * After a draft is stored (or found stored by a retry): the lead's older drafts still held for a
   * message it answers are superseded by it, and it is itself superseded when a newer draft answers
   * its message (stored meanwhile by a faster composition). Each one conditional write on {@code
   * status: held}, so a retry, or the two compositions in either order, end the same: the newest
   * draft held, the older ones superseded naming it; an older composition never supersedes a newer
   * draft (it does not answer the newer one's message).
   */
  void settle(Document draft) {
    String leadId = draft.getString("leadId");
    Object id = draft.get("_id");
    String replyMessageId = draft.getString("replyMessageId");
    List<String> answered = draft.getList(ANSWERS, String.class, List.of());
    List<String> older = answered.stream().filter(m -> !m.equals(replyMessageId)).toList();
    if (!older.isEmpty() && !HeldDrafts.SUPERSEDED.equals(draft.getString("status"))) {
      Document why = supersededBy(draft);
      for (Document d :
          drafts
              .find(
                  Filters.and(
                      Filters.eq("leadId", leadId),
                      Filters.in("replyMessageId", older),
                      Filters.eq("status", HeldDrafts.HELD)))
              .projection(com.mongodb.client.model.Projections.include("_id"))
              .into(new ArrayList<>())) {
        drafts.updateOne(
            Filters.and(Filters.eq("_id", d.get("_id")), Filters.eq("status", HeldDrafts.HELD)),
            com.mongodb.client.model.Updates.combine(
                com.mongodb.client.model.Updates.set("status", HeldDrafts.SUPERSEDED),
                com.mongodb.client.model.Updates.set(HeldDrafts.SUPERSEDED_BY, why)));
      }
    }
    Document newer = newer(leadId, String.valueOf(id), replyMessageId);
    if (newer != null) {
      drafts.updateOne(
          Filters.and(Filters.eq("_id", id), Filters.eq("status", HeldDrafts.HELD)),
          com.mongodb.client.model.Updates.combine(
              com.mongodb.client.model.Updates.set("status", HeldDrafts.SUPERSEDED),
              com.mongodb.client.model.Updates.set(HeldDrafts.SUPERSEDED_BY, supersededBy(newer))));
    }
  }
}
