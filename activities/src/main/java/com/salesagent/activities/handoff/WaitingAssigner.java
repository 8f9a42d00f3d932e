package com.salesagent.activities.handoff;

import static com.salesagent.activities.handoff.HandOffFields.OWNER_ACCEPTED_AT;
import static com.salesagent.activities.handoff.HandOffFields.RELEASED_TO_AGENT;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.workflows.lead.HandOffRequest;
import com.salesagent.workflows.lead.OwnerAssignment;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.bson.Document;

/**
 * A waiting lead taken by a rep who became free for it ({@link
 * HandOffActivitiesImpl#assignWaiting}: a rep added, back at work or with a place freed): the rep's
 * turn and a place of their capacity claimed, then the attempt decided as {@link OwnerAssigner}
 * decides one. Split from {@code OwnerAssigner}, behaviour unchanged.
 */
final class WaitingAssigner {
  private final MongoDatabase db;
  private final Owners owners;
  private final OwnerClaims claims;
  private final HandOffAttempts attempts;
  private final MongoCollection<Document> handoffs;
  private final MongoCollection<Document> contacts;
  private final Clock clock;

  WaitingAssigner(
      MongoDatabase db, Owners owners, OwnerClaims claims, HandOffAttempts attempts, Clock clock) {
    this.db = db;
    this.owners = owners;
    this.claims = claims;
    this.attempts = attempts;
    this.handoffs = db.getCollection(HandOffFields.HANDOFFS);
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.clock = clock;
  }

  /** See {@link HandOffActivitiesImpl#assignWaiting}. */
  OwnerAssignment assign(String leadId, String ownerId) {
    Document contact = contacts.find(Filters.eq("leadId", leadId)).first();
    if (contact == null
        || !"interested".equals(contact.getString("stage"))
        || contact.getString("ownerId") != null
        || contact.get(RELEASED_TO_AGENT) != null) {
      return null; // held, or given back to the agent by its rep: it waits for nobody
    }
    Document before = handoffs.find(Filters.eq("_id", leadId)).first();
    if (before != null && before.getString("ownerId") != null) {
      return null; // held, or its reassignment under way
    }
    String segment =
        contact.getString("segment") == null ? "default" : contact.getString("segment");
    HandOffRequest request =
        new HandOffRequest(
            leadId,
            contact.getString("campaignId"),
            contact.getString("segment"),
            before == null ? 1 : before.getInteger("attempt", 0) + 1,
            DecidedAttempts.handOffSla(OwnerAssigner.definition(db, segment)));
    for (int turn = 0; turn < 5; turn++) {
      Document owner =
          owners.takingSegment(segment).stream()
              .filter(o -> ownerId.equals(o.getString("_id")))
              .findFirst()
              .orElse(null);
      Instant now = clock.instant();
      if (owner == null
          || Owners.offAt(owner, now)
          || owners.loads(List.of(ownerId), leadId).get(ownerId)
              >= owner.getInteger("capacity", 0)) {
        return null;
      }
      if (owners.takeTurn(owner, now)) {
        // The load read above may be stale: the place is claimed atomically (OwnerClaims#claim).
        OwnerClaims.Claimed claimed = claims.claimTimed(ownerId, leadId, now);
        if (claimed.place() != OwnerClaims.Place.CLAIMED) {
          return null;
        }
        OwnerAssignment assigned =
            attempts.assigned(request, owner, now, claimed.at(), contact.get(OWNER_ACCEPTED_AT));
        if (assigned == HandOffAttempts.OWNER_LEFT) {
          return null; // made inactive meanwhile
        }
        if (assigned == null) {
          Document decided = handoffs.find(Filters.eq("_id", leadId)).first();
          if (decided == null || !ownerId.equals(decided.getString("ownerId"))) {
            claims.release(ownerId, leadId);
          }
        }
        return assigned;
      }
    }
    return null; // the owner's turns are being taken fast: the caller's next call tries again
  }
}
