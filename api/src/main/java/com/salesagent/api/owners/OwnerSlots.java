package com.salesagent.api.owners;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.handoff.Owners;
import org.bson.Document;

/**
 * The owners' limit, held under concurrent creates: one counter document ({@value #COLLECTION},
 * {@code _id: "owners"}, {@code taken}) that a new owner claims with one conditional write ({@code
 * taken < max}, then {@code +1}) before its document is inserted, and gives back when the insert
 * did not make a new owner (another create of the same id came first). A count of the owners
 * followed by an insert let every create that counted before the others' inserts through (1,000
 * plus as many as came at once). Owners are never deleted (DELETE makes one inactive), so the
 * counter only grows; it is made from the owners there are the first time it is needed. A process
 * stopped between a claim and its insert leaves one slot taken (the limit one lower), never one too
 * many.
 *
 * <p>Owners written straight into MongoDB (an operator's edit) take no slot: every claim first
 * brings the counter up to the owners there are ({@link #reconcile}; never down, so the slots of
 * creates under way are kept), and a create checks after its insert that the owners are within the
 * limit ({@link #over}): an edit made while creates were under way could still let one pass the
 * counter, and that create takes its owner back.
 */
final class OwnerSlots {
  static final String COLLECTION = "owner_slots";
  private static final String ID = "owners";

  private final MongoCollection<Document> slots;
  private final MongoCollection<Document> owners;
  private final int max;

  OwnerSlots(MongoDatabase db, int max) {
    this.slots = db.getCollection(COLLECTION);
    this.owners = db.getCollection(Owners.COLLECTION);
    this.max = max;
  }

  /** One slot for a new owner; false when all {@code max} are taken. */
  boolean claim() {
    seed();
    reconcile();
    return slots
            .updateOne(
                Filters.and(Filters.eq("_id", ID), Filters.lt("taken", max)),
                Updates.inc("taken", 1))
            .getModifiedCount()
        == 1;
  }

  /**
   * Brings the counter up to the owners there are, when it counts fewer (owners written straight
   * into MongoDB took no slot): one count and, only then, one conditional write. Never down: the
   * counter also holds the slots of creates that have not inserted their owner yet.
   */
  private void reconcile() {
    long there = owners.countDocuments();
    slots.updateOne(
        Filters.and(Filters.eq("_id", ID), Filters.lt("taken", there)),
        Updates.set("taken", there));
  }

  /**
   * Whether there are more owners than the limit, read after a create's insert: owners written
   * straight into MongoDB while creates were under way may have let one pass the counter ({@link
   * #reconcile} took their slots for the edit's owners). The last insert over the limit always sees
   * it.
   */
  boolean over() {
    return owners.countDocuments() > max;
  }

  /** Gives back a slot claimed for an owner that was not created. */
  void release() {
    slots.updateOne(
        Filters.and(Filters.eq("_id", ID), Filters.gt("taken", 0)), Updates.inc("taken", -1));
  }

  /**
   * The counter, made once from the owners there are. No owner is created without a slot, so two
   * first creates count the same owners, and only the first one's document is written.
   */
  private void seed() {
    if (slots.find(Filters.eq("_id", ID)).first() != null) {
      return;
    }
    long there = owners.countDocuments();
    try {
      slots.updateOne(
          Filters.eq("_id", ID),
          Updates.setOnInsert("taken", there),
          new UpdateOptions().upsert(true));
    } catch (MongoWriteException e) {
      if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
        throw e; // else another first create wrote it at the same time
      }
    }
  }
}
