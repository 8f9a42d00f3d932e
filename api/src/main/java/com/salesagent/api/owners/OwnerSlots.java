package com.salesagent.api.owners;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.handoff.Owners;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bson.Document;

/**
 * The owners' limit, held under concurrent creates: one counter document ({@value #COLLECTION},
 * {@code _id: "owners"}, {@code taken}) that a new owner claims with one conditional write ({@code
 * taken < max}, then {@code +1}, the claim listed in {@code pending} with its time) before its
 * document is inserted; the claim leaves {@code pending} once the insert is made and kept ({@link
 * #settle}), and gives its slot back when the insert did not make a new owner ({@link #release}:
 * another create of the same id came first). A count of the owners followed by an insert let every
 * create that counted before the others' inserts through (1,000 plus as many as came at once). The
 * counter is made from the owners there are the first time it is needed.
 *
 * <p>Owners written into or deleted from MongoDB by hand (an operator's edit) took or gave back no
 * slot: every claim first brings the counter to the owners there are ({@link #reconcile}): exactly,
 * down as well as up, when no create is under way (no {@code pending} claim younger than {@link
 * #PENDING_GRACE}), in one write conditional on the counter's {@code version} (every claim, settle
 * and release moves it: a write that read before one of them is skipped); only up while creates are
 * under way. A process stopped between a claim and its insert holds its slot for {@link
 * #PENDING_GRACE}, then the next claim drops it. A create also checks after its insert that the
 * owners are within the limit ({@link #over}): an edit made while creates were under way could
 * still let one pass the counter, and that create takes its owner back.
 */
final class OwnerSlots {
  static final String COLLECTION = "owner_slots";
  private static final String ID = "owners";

  /** How long a claim not settled counts as a create under way. */
  static final Duration PENDING_GRACE = Duration.ofMinutes(10);

  private final MongoCollection<Document> slots;
  private final MongoCollection<Document> owners;
  private final int max;
  private final Clock clock;

  OwnerSlots(MongoDatabase db, int max) {
    this(db, max, Clock.systemUTC());
  }

  OwnerSlots(MongoDatabase db, int max, Clock clock) {
    this.slots = db.getCollection(COLLECTION);
    this.owners = db.getCollection(Owners.COLLECTION);
    this.max = max;
    this.clock = clock;
  }

  /** One slot for a new owner: its claim's id, or null when all {@code max} are taken. */
  String claim() {
    reconcile(seed());
    String claim = UUID.randomUUID().toString();
    boolean taken =
        slots
                .updateOne(
                    Filters.and(Filters.eq("_id", ID), Filters.lt("taken", max)),
                    Updates.combine(
                        Updates.inc("taken", 1),
                        Updates.push(
                            "pending",
                            new Document("claim", claim).append("at", Date.from(clock.instant()))),
                        Updates.inc("version", 1)))
                .getModifiedCount()
            == 1;
    return taken ? claim : null;
  }

  /**
   * Brings the counter to the owners there are (owners written into or deleted from MongoDB by hand
   * took or gave back no slot). With no create under way (no {@code pending} claim younger than
   * {@link #PENDING_GRACE}) it is exact, up or down: the counter read first, the owners counted,
   * then one write conditional on the version read, so a claim made in between (it moves the
   * version) skips it. With creates under way only up, as before (their slots are in the counter
   * but their owners may not be inserted yet); a later claim that finds none under way brings it
   * down.
   */
  private void reconcile(Document counter) {
    Instant lapsed = clock.instant().minus(PENDING_GRACE);
    List<Document> pending = counter.getList("pending", Document.class, List.of());
    boolean underWay =
        pending.stream()
            .anyMatch(p -> p.getDate("at") != null && p.getDate("at").toInstant().isAfter(lapsed));
    long there = owners.countDocuments();
    if (underWay) {
      slots.updateOne(
          Filters.and(Filters.eq("_id", ID), Filters.lt("taken", there)),
          Updates.set("taken", there));
      return;
    }
    Number taken = counter.get("taken", Number.class);
    if (taken != null && taken.longValue() == there && pending.isEmpty()) {
      return;
    }
    // Claims older than the grace are of creates that died before their insert: dropped.
    slots.updateOne(
        Filters.and(Filters.eq("_id", ID), Filters.eq("version", counter.get("version"))),
        Updates.combine(
            Updates.set("taken", there),
            Updates.set("pending", List.of()),
            Updates.inc("version", 1)));
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

  /** The claim's owner is inserted: it counts as an owner from now, no longer as under way. */
  void settle(String claim) {
    slots.updateOne(
        Filters.eq("_id", ID),
        Updates.combine(
            Updates.pull("pending", new Document("claim", claim)), Updates.inc("version", 1)));
  }

  /**
   * Gives back a slot claimed for an owner that was not created (or was taken back), while its
   * claim is still pending: a claim {@link #reconcile} dropped as lapsed (a create stalled for more
   * than {@link #PENDING_GRACE}) is no longer in the counter, and taking one off again left it one
   * too low.
   */
  void release(String claim) {
    slots.updateOne(
        Filters.and(
            Filters.eq("_id", ID), Filters.gt("taken", 0), Filters.eq("pending.claim", claim)),
        Updates.combine(
            Updates.inc("taken", -1),
            Updates.pull("pending", new Document("claim", claim)),
            Updates.inc("version", 1)));
  }

  /**
   * The counter, made once from the owners there are. No owner is created without a slot, so two
   * first creates count the same owners, and only the first one's document is written.
   */
  private Document seed() {
    Document counter = slots.find(Filters.eq("_id", ID)).first();
    if (counter != null) {
      return counter;
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
    return slots.find(Filters.eq("_id", ID)).first();
  }
}
