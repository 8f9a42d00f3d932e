package com.salesagent.api.owners;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * A lead's conversation so far as the Hand-offs queue shows it ({@code GET
 * /api/handoffs/{leadId}/conversation}, {@link HandOffsResource#conversation}): what went out and
 * what the lead wrote, the newest {@value HandOffsResource#CONVERSATION}, oldest first.
 */
final class HandOffConversation {
  private HandOffConversation() {}

  /** The conversation of {@code leadId}: 422 naming it when it is no lead id, 404 when unknown. */
  static HandOffsResource.Conversation read(MongoDatabase db, String leadId) {
    if (!HandOffsResource.LEAD_ID.matcher(leadId).matches()) {
      throw new ApiException(
          422, "invalid lead id", List.of(new FieldError("leadId", "1-64 letters, digits, ._:-")));
    }
    if (db.getCollection(Collections.CONTACTS).find(Filters.eq("leadId", leadId)).first() == null) {
      throw ApiException.notFound("lead " + leadId, "leadId");
    }
    List<HandOffsResource.Said> said = new ArrayList<>();
    for (Document m :
        db.getCollection(Collections.MESSAGES)
            .find(Filters.and(Filters.eq("leadId", leadId), Filters.exists("wamid")))
            .projection(
                new Document("text", 1)
                    .append("purpose", 1)
                    .append("composer", 1)
                    .append("by", 1)
                    .append("kind", 1)
                    .append("template", 1)
                    .append("statusAt", 1)
                    .append("status", 1)
                    .append("error", 1)
                    .append("createdAt", 1))
            .sort(Sorts.descending("createdAt"))
            .limit(HandOffsResource.CONVERSATION)) {
      Document statusAt = m.get("statusAt", Document.class);
      Date at =
          statusAt != null && statusAt.getDate("accepted") != null
              ? statusAt.getDate("accepted")
              : m.getDate("createdAt");
      boolean person = "person".equals(m.getString("composer"));
      said.add(
          new HandOffsResource.Said(
              person ? "person" : "agent",
              person ? m.getString("by") : null,
              m.getString("kind"),
              LeadReplies.cut(
                  m.getString("text") != null
                      ? m.getString("text")
                      : "(" + m.getString("purpose") + ")"),
              at == null ? null : at.toInstant().toString(),
              m.getString("status"),
              LeadReplies.failure(m),
              null));
    }
    for (Document f :
        db.getCollection(Collections.FEEDBACK)
            .find(Filters.eq("leadId", leadId))
            .projection(
                new Document("text", 1)
                    .append("type", 1)
                    .append("receivedAt", 1)
                    .append("messageId", 1))
            .sort(Sorts.descending("receivedAt"))
            .limit(HandOffsResource.CONVERSATION)) {
      // A voice note's transcript is its text once made; without one, the kind of message.
      String text = LeadReplies.said(f);
      Date at = f.getDate("receivedAt");
      said.add(
          new HandOffsResource.Said(
              "lead",
              null,
              f.getString("type"),
              LeadReplies.cut(text),
              at == null ? null : at.toInstant().toString(),
              null,
              null,
              f.getString("messageId")));
    }
    // Meta stamps a lead's message to the second, ours are stamped to the millisecond: within one
    // second ours goes first (a reply answers what it came after).
    said.sort(
        java.util.Comparator.<HandOffsResource.Said, Instant>comparing(
                x ->
                    x.at() == null
                        ? Instant.EPOCH
                        : Instant.parse((String) x.at()).truncatedTo(ChronoUnit.SECONDS))
            .thenComparing(x -> "lead".equals(x.from())));
    return new HandOffsResource.Conversation(
        leadId,
        said.subList(Math.max(0, said.size() - HandOffsResource.CONVERSATION), said.size()));
  }
}
