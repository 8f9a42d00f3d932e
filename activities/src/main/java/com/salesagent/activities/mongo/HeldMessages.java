package com.salesagent.activities.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;

/**
 * Messages waiting for a person: those the quality gate held for approval, and sends whose fate
 * Meta never told (delivery unknown) waiting for an operator's decision.
 */
public final class HeldMessages {
  private final MongoDatabase db;
  private final MongoCollection<Document> messages;

  public HeldMessages(MongoDatabase db) {
    this.db = db;
    this.messages = db.getCollection(Collections.MESSAGES);
  }

  private MongoCollection<Document> messages() {
    return messages;
  }

  /** Messages the quality gate held for a person, the most urgent first. */
  public List<Document> pendingApprovals(int limit) {
    return messages()
        .find(Filters.eq("approval.status", "pending"))
        .sort(Sorts.ascending("approval.slaAt"))
        .limit(limit)
        .into(new ArrayList<>());
  }

  /** How many messages wait for a person's approval. */
  public long pendingApprovalCount() {
    return messages().countDocuments(Filters.eq("approval.status", "pending"));
  }

  /** The lead's message waiting for approval, or null. */
  public Document pendingApproval(String leadId) {
    return messages()
        .find(Filters.and(Filters.eq("leadId", leadId), Filters.eq("approval.status", "pending")))
        .first();
  }

  /** Sends whose fate Meta never told us, waiting for an operator's decision. */
  public List<Document> deliveryUnknown(int limit) {
    return messages()
        .find(Filters.eq("delivery.status", "unknown"))
        .limit(limit)
        .into(new ArrayList<>());
  }

  /**
   * Whether the held message's variant was switched off (an operator's kill-switch) since it was
   * composed: its text must not go out, whatever the reviewer decides.
   */
  public boolean variantSwitchedOff(Document message) {
    String variantId = message.getString("variantId");
    if (variantId == null) {
      return false;
    }
    Document variant =
        db.getCollection(Collections.PROMPT_VARIANTS)
            .find(Filters.eq("variantId", variantId))
            .projection(new Document("enabled", 1))
            .first();
    return variant != null && Boolean.FALSE.equals(variant.getBoolean("enabled"));
  }

  /** An approver's edit, stored before the workflow accepts it (the send reads it only then). */
  public void setEditedText(String idempotencyKey, String text) {
    messages()
        .updateOne(Filters.eq("idempotencyKey", idempotencyKey), Updates.set("editedText", text));
  }
}
