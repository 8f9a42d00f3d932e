package com.salesagent.activities.handoff;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.notify.Notifications;
import java.time.Clock;
import java.util.Date;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's reminder halfway through their SLA ({@code lead.handoff_reminder} on the outbound
 * webhooks, {@code remindedAt} on the attempt); none for a lead whose number asked not to be
 * contacted.
 */
final class HandOffReminders {
  private static final Logger LOG = LoggerFactory.getLogger(HandOffReminders.class);

  private final MongoDatabase db;
  private final MongoCollection<Document> handoffs;
  private final MongoCollection<Document> contacts;
  private final Notifications notifications;
  private final Clock clock;

  HandOffReminders(MongoDatabase db, Clock clock) {
    this.db = db;
    this.handoffs = db.getCollection(HandOffFields.HANDOFFS);
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.notifications = new Notifications(db, clock);
    this.clock = clock;
  }

  /** Whether the lead is do-not-contact or its number is on the suppression list. */
  private boolean suppressed(String leadId) {
    Document contact =
        contacts
            .find(Filters.eq("leadId", leadId))
            .projection(Projections.include("phone", "waIds", "doNotContact"))
            .first();
    return contact != null
        && (contact.getBoolean("doNotContact", false)
            || new com.salesagent.activities.mongo.Suppressions(db)
                .active(com.salesagent.activities.mongo.LeadStore.numbersOf(contact))
                .isPresent());
  }

  void remind(String leadId, String ownerId, int attempt) {
    if (suppressed(leadId)) {
      // The number asked not to be contacted: the lead is told to end (SuppressedLeads), nobody is
      // asked to work it meanwhile.
      LOG.info("lead {}: no hand-off reminder, its number is suppressed", leadId);
      return;
    }
    Document h = handoffs.find(Filters.eq("_id", leadId)).first();
    handoffs.updateOne(
        Filters.and(Filters.eq("_id", leadId), Filters.eq("attempt", attempt)),
        Updates.set("remindedAt", Date.from(clock.instant())));
    notifications.emit(
        "lead.handoff_reminder",
        leadId,
        h == null ? null : h.getString("campaignId"),
        "handed_off",
        "the SLA is half gone",
        ownerId,
        attempt);
  }
}
