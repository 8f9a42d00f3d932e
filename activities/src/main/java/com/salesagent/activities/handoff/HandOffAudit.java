package com.salesagent.activities.handoff;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import java.util.Date;
import org.bson.Document;

/**
 * The audit entries of a hand-off's steps that more than one request may finish (a move by hand
 * finished by its own request and by the lead's next move or the run's retry; an acceptance
 * finished by its retry or the next acceptance): each written once, under an {@code _id} made from
 * the step (the lead, the action and the step's own time as stored on the hand-off), so a second
 * finisher's insert is a duplicate key and is dropped.
 */
public final class HandOffAudit {
  private HandOffAudit() {}

  /**
   * The id of a move by hand's entry ({@code handoff_reassigned_by_hand}): the lead, the attempt it
   * claimed and its {@code assignedAt} (the move's time, written once by its claim).
   */
  public static String movedByHand(String leadId, int attempt, Date assignedAt) {
    return "handoff_reassigned_by_hand:"
        + leadId
        + ":"
        + attempt
        + ":"
        + (assignedAt == null ? "-" : assignedAt.getTime());
  }

  /**
   * The id of an acceptance's entry ({@code handoff_accepted}): the lead and its acceptance time.
   */
  public static String accepted(String leadId, Date acceptedAt) {
    return "handoff_accepted:" + leadId + ":" + acceptedAt.getTime();
  }

  /**
   * Inserts {@code entry} under {@code id} unless an entry has it already (another finisher wrote
   * it): true when this call wrote it.
   */
  public static boolean once(MongoCollection<Document> audit, String id, Document entry) {
    try {
      Document withId = new Document("_id", id);
      withId.putAll(entry);
      audit.insertOne(withId);
      return true;
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
        return false;
      }
      throw e;
    }
  }
}
