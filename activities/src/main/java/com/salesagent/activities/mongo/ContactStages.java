package com.salesagent.activities.mongo;

import static com.salesagent.activities.mongo.LeadStore.PAUSED;
import static com.salesagent.activities.mongo.LeadStore.PAUSED_AT;
import static com.salesagent.activities.mongo.LeadStore.PAUSED_FROM;
import static com.salesagent.activities.mongo.LeadStore.STAGE_AT;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The stage a lead's run records on its contact: never over a stage the run decided later ({@link
 * LeadStore#STAGE_AT}); a pause with the stage it left ({@link LeadStore#PAUSED_FROM}) and when
 * ({@link LeadStore#PAUSED_AT}). Reached through {@link LeadStore#stages()}.
 */
public class ContactStages {
  private final MongoCollection<Document> contacts;

  ContactStages(MongoCollection<Document> contacts) {
    this.contacts = contacts;
  }

  private MongoCollection<Document> contacts() {
    return contacts;
  }

  /**
   * {@link LeadStore#setContactFields} in the same one round trip, answering the contact's {@code
   * ownerId} and {@code stage} as they were before this write (null: no such contact).
   */
  public Document setContactFieldsWasHeldBy(String leadId, Document fields) {
    String stage = fields.getString("stage");
    if (PAUSED.equals(stage)) {
      return pausedWasHeldBy(leadId, fields);
    }
    Document update = new Document("$set", fields);
    if (stage != null) {
      // Not paused (any more): what the pause kept goes with it.
      update.append("$unset", new Document(PAUSED_FROM, "").append(PAUSED_AT, ""));
    }
    return contacts()
        .findOneAndUpdate(
            notNewer(leadId, fields),
            update,
            new FindOneAndUpdateOptions()
                .projection(Projections.include("ownerId", "stage", PAUSED_FROM))
                .returnDocument(ReturnDocument.BEFORE));
  }

  /**
   * The contact, unless it holds a stage its run decided after {@code fields}' {@link
   * LeadStore#STAGE_AT}.
   */
  private static Bson notNewer(String leadId, Document fields) {
    Object at = fields.get(STAGE_AT);
    return at == null
        ? Filters.eq("leadId", leadId)
        : Filters.and(
            Filters.eq("leadId", leadId),
            Filters.or(Filters.exists(STAGE_AT, false), Filters.lte(STAGE_AT, at)));
  }

  /**
   * The paused stage, written with the stage it leaves ({@link LeadStore#PAUSED_FROM}) and when
   * ({@link LeadStore#PAUSED_AT}, the record's {@code updatedAt}) in one write conditional on the
   * stage read, so nothing between the read and the write is lost; a retried record of the same
   * pause (the stage is paused already) keeps what the first one kept.
   */
  private Document pausedWasHeldBy(String leadId, Document fields) {
    FindOneAndUpdateOptions before =
        new FindOneAndUpdateOptions()
            .projection(Projections.include("ownerId", "stage", PAUSED_FROM))
            .returnDocument(ReturnDocument.BEFORE);
    for (int turn = 0; turn < 5; turn++) {
      Document seen =
          contacts()
              .find(Filters.eq("leadId", leadId))
              .projection(Projections.include("stage"))
              .first();
      if (seen == null) {
        return null;
      }
      String was = seen.getString("stage");
      Document set = new Document(fields);
      if (!PAUSED.equals(was)) {
        set.append(PAUSED_FROM, was).append(PAUSED_AT, fields.get("updatedAt"));
      }
      Document written =
          contacts()
              .findOneAndUpdate(
                  Filters.and(notNewer(leadId, fields), Filters.eq("stage", was)),
                  new Document("$set", set),
                  before);
      if (written != null) {
        return written;
      }
    }
    // The stage kept changing under the read: the pause is written without what it left.
    return contacts()
        .findOneAndUpdate(notNewer(leadId, fields), new Document("$set", fields), before);
  }
}
