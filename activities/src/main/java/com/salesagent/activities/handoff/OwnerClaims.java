package com.salesagent.activities.handoff;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bson.Document;

/**
 * The claims on a sales rep's capacity, kept on their owner document ({@link Owners#COLLECTION}):
 * {@value #HOLDING}, the leads they hold or are being handed, written in one compare-and-set on
 * {@value #HOLDING_VERSION} and settled against the contacts at every claim ({@link #settled}), so
 * two processes assigning at once cannot both take a rep's last place and the list cannot drift.
 * Automatic assignments {@link #claimPlace claim} a place; a lead given by hand is {@link #hold
 * held} whatever the room; an assignment that landed {@link #confirm confirms} its claim, one that
 * did not {@link #release releases} it.
 */
public final class OwnerClaims {

  /**
   * The owner document's claims on their capacity ({@code holding}: {@code {lead, at}} per lead
   * they hold or are being handed), and its version ({@code holdingVersion}, incremented by every
   * write of the list: the compare-and-set that makes a claim atomic across processes).
   */
  public static final String HOLDING = "holding";

  public static final String HOLDING_VERSION = "holdingVersion";

  /**
   * How long a claim whose lead's contact does not name the owner yet is kept: the assignment that
   * claimed it writes the contact within milliseconds; a claim whose writer died is dropped after
   * this (its place is held that long at most).
   */
  public static final java.time.Duration CLAIM_GRACE = java.time.Duration.ofMinutes(2);

  /** Compare-and-set rounds a claim tries before it gives up (contended: the caller retries). */
  private static final int CLAIM_ROUNDS = 20;

  private final MongoCollection<Document> owners;
  private final MongoCollection<Document> contacts;

  public OwnerClaims(MongoDatabase db) {
    this.owners = db.getCollection(Owners.COLLECTION);
    this.contacts = db.getCollection(Collections.CONTACTS);
  }

  /**
   * Claims one place of the owner's capacity for the lead, atomically across processes: true when
   * the owner holds the lead already or had room and now holds this claim; false when they are full
   * (or gone, or the owner document was changed by others on every round). The claims are the
   * owner's {@value #HOLDING} list, written with one conditional update on {@value
   * #HOLDING_VERSION}, so of two assigners that read the same room one writes and the other reads
   * again. The list cannot drift: each claim first settles it against the leads collection ({@link
   * #settled}): every lead the contacts say the owner holds counts (those assigned before the list
   * existed, or by hand), and a claim whose lead left them (outcome, release, reassignment,
   * erasure, end) is dropped; so nothing has to release a place when a lead leaves. A claim is
   * stamped, and its age read, on MongoDB's clock ({@code $$NOW}, read with the owner), never on
   * {@code now} (the caller's clock, used only if the server gave no time): two processes whose
   * clocks differ agree on when a claim lapses.
   */
  public boolean claim(String ownerId, String leadId, Instant now) {
    return place(ownerId, leadId, now, false).place() == Place.CLAIMED;
  }

  /** A claim's outcome ({@link #claimPlace}). */
  public enum Place {
    /** The owner holds the lead now (or held it already). */
    CLAIMED,
    /** The owner is full (or gone). */
    FULL,
    /**
     * Other claims wrote the owner's list on every round: not known to be full, try again shortly
     * (a burst of hand-offs to one rep with room, not a reason to wait as for a full one).
     */
    BUSY
  }

  /** As {@link #claim}, telling a full owner from one whose claims stayed contended. */
  public Place claimPlace(String ownerId, String leadId, Instant now) {
    return place(ownerId, leadId, now, false).place();
  }

  /**
   * A claim's outcome and its time on MongoDB's clock ({@code at}; the caller's {@code now} only if
   * the server gave none; for a lead the owner held or had claimed already, that claim's stored
   * time, so a retried assignment writes the time of the claim it retries): the time the assignment
   * that made the claim writes as the lead's {@code ownerAssignedAt}, which {@link #settled}
   * compares with claims' times. Written on the assigner's own clock, an assignment by a process
   * whose clock was ahead looked later than a claim made after it (the claim dropped as "assigned
   * since": the rep's last place given twice); one whose clock was behind kept a claim its lead had
   * left.
   */
  public record Claimed(Place place, Instant at) {}

  /** {@link #claimPlace}, with the claim's time on MongoDB's clock ({@link Claimed}). */
  public Claimed claimTimed(String ownerId, String leadId, Instant now) {
    return place(ownerId, leadId, now, false);
  }

  /** {@link #hold}, with the claim's time on MongoDB's clock ({@link Claimed}). */
  public Claimed holdTimed(String ownerId, String leadId, Instant now) {
    return place(ownerId, leadId, now, true);
  }

  /**
   * Records that the owner holds the lead whatever their room (a lead given by hand: an operator's
   * reassignment, a rep taking a waiting lead), so a concurrent {@link #claim} counts it. False
   * only when the owner is gone or the list stayed contended (the contacts still count it at the
   * next claim).
   */
  public boolean hold(String ownerId, String leadId, Instant now) {
    return place(ownerId, leadId, now, true).place() == Place.CLAIMED;
  }

  /**
   * Drops the owner's claim for the lead when the lead did not become theirs (its attempt was
   * decided by another assigner); a lead the contact says they hold keeps counting. Best effort: a
   * claim left behind is dropped by the next {@link #claim} after {@link #CLAIM_GRACE}.
   */
  public void release(String ownerId, String leadId) {
    for (int round = 0; round < CLAIM_ROUNDS; round++) {
      Document owner = owners.find(Filters.eq("_id", ownerId)).first();
      if (owner == null) {
        return;
      }
      List<Document> holding = new ArrayList<>(owner.getList(HOLDING, Document.class, List.of()));
      if (!holding.removeIf(h -> leadId.equals(h.getString("lead")))) {
        return;
      }
      Document contact = contacts.find(Filters.eq("leadId", leadId)).first();
      if (contact != null && ownerId.equals(contact.getString("ownerId")) && Owners.held(contact)) {
        return; // theirs after all (another path gave it to them)
      }
      if (write(owner, holding)) {
        return;
      }
    }
  }

  /**
   * Marks the owner's claim for the lead {@code held} once its contact names them (called by the
   * assignment right after that write): from then on the claim lasts only while the contacts say
   * they hold it, so a lead given back or ended within {@link #CLAIM_GRACE} of its assignment frees
   * its place at once. Best effort: the next {@link #claim} marks it as well when it sees the lead
   * held.
   */
  public void confirm(String ownerId, String leadId) {
    for (int round = 0; round < CLAIM_ROUNDS; round++) {
      Document owner = owners.find(Filters.eq("_id", ownerId)).first();
      if (owner == null) {
        return;
      }
      List<Document> holding = new ArrayList<>(owner.getList(HOLDING, Document.class, List.of()));
      Document claimed =
          holding.stream().filter(h -> leadId.equals(h.getString("lead"))).findFirst().orElse(null);
      if (claimed == null || Boolean.TRUE.equals(claimed.getBoolean("held"))) {
        return;
      }
      claimed.put("held", true);
      if (write(owner, holding)) {
        return;
      }
    }
  }

  /**
   * Drops the lead from every owner's claims, whatever the contacts say: the lead is erased, so its
   * id is kept on no owner document and its place is free at once, not at that owner's next claim.
   * One compare-and-set on {@value #HOLDING_VERSION} per owner (read again when another claim wrote
   * first), so a claim that read the list before sees the version moved and reads it again instead
   * of writing the erased lead back. Best effort as {@link #release}: a claim left behind is
   * dropped by the next claim (the erased contact holds nobody). How many owners' lists it left.
   */
  public int forget(String leadId) {
    List<String> holders = new ArrayList<>();
    for (Document o :
        owners.find(Filters.eq(HOLDING + ".lead", leadId)).projection(new Document("_id", 1))) {
      holders.add(o.getString("_id"));
    }
    int forgotten = 0;
    for (String ownerId : holders) {
      for (int round = 0; round < CLAIM_ROUNDS; round++) {
        Document owner = owners.find(Filters.eq("_id", ownerId)).first();
        if (owner == null) {
          break;
        }
        List<Document> holding = new ArrayList<>(owner.getList(HOLDING, Document.class, List.of()));
        if (!holding.removeIf(h -> leadId.equals(h.getString("lead")))) {
          break;
        }
        if (write(owner, holding)) {
          forgotten++;
          break;
        }
      }
    }
    return forgotten;
  }

  private Claimed place(String ownerId, String leadId, Instant callerNow, boolean force) {
    Instant now = callerNow;
    for (int round = 0; round < CLAIM_ROUNDS; round++) {
      Document owner = withServerTime(ownerId);
      // The claim's time and its age are read on MongoDB's clock, the same for every process: the
      // caller's clock (callerNow) may be minutes off another process's, and a claim stamped by a
      // process whose clock is behind looked older than the grace to one whose clock is right
      // (dropped at once: the rep's last place given twice), ahead, younger (held too long).
      now = owner == null ? callerNow : serverNow(owner, callerNow);
      if (owner == null || (!force && !active(owner))) {
        return new Claimed(
            Place.FULL, now); // gone, or made inactive since the assigner read the owners
      }
      List<Document> holding = settled(owner, now);
      Document theirs =
          holding.stream().filter(h -> leadId.equals(h.getString("lead"))).findFirst().orElse(null);
      if (theirs != null) {
        // Theirs already: it takes no second place, and its time is the claim's own, not now's.
        // A retried assignment (its first run claimed, then died before writing the contact)
        // writes it as ownerAssignedAt; now's time, later than the claim's, read as "assigned
        // since the claim" (settled), and the pending claim was dropped: the place given twice.
        Date at = theirs.getDate("at");
        return new Claimed(Place.CLAIMED, at == null ? now : at.toInstant());
      }
      if (!force && holding.size() >= owner.getInteger("capacity", 0)) {
        if (!leads(holding).equals(leads(owner.getList(HOLDING, Document.class, List.of())))) {
          write(owner, holding); // the settled list, for the next reader (a lost race is harmless)
        }
        return new Claimed(Place.FULL, now);
      }
      holding.add(new Document("lead", leadId).append("at", Date.from(now)));
      // An automatic claim is written only while the owner is active: made inactive since the
      // read above, the write matches nothing and the next round reads them inactive.
      if (force ? write(owner, holding) : write(owner, holding, Filters.eq("active", true))) {
        return new Claimed(Place.CLAIMED, now);
      }
      // Another claim (or release) wrote the list since it was read, or the owner was made
      // inactive: read it again.
    }
    return new Claimed(Place.BUSY, now);
  }

  /**
   * The owner's claims settled against the contacts: every lead the contacts say they hold (a held
   * stage, or paused from one), marked {@code held}; and of the other claims only those never seen
   * held, younger than {@link #CLAIM_GRACE}, whose lead's contact has not been assigned since the
   * claim (its assignment is still being written). A claim whose lead was seen held and left them,
   * was assigned since (to them and then left, or to someone else), was erased, or that is older is
   * dropped.
   */
  List<Document> settled(Document owner, Instant now) {
    String ownerId = owner.getString("_id");
    List<Document> stored = owner.getList(HOLDING, Document.class, List.of());
    Map<String, Document> byLead = new java.util.LinkedHashMap<>();
    for (Document h : stored) {
      byLead.putIfAbsent(h.getString("lead"), h);
    }
    List<Document> settled = new ArrayList<>();
    java.util.Set<String> holds = new java.util.HashSet<>();
    for (Document c :
        contacts
            .find(Filters.and(Filters.eq("ownerId", ownerId), Owners.heldFilter()))
            .projection(new Document("leadId", 1).append("ownerAssignedAt", 1))) {
      String leadId = c.getString("leadId");
      if (leadId == null || !holds.add(leadId)) {
        continue;
      }
      Document claimed = byLead.get(leadId);
      Date at = claimed != null ? claimed.getDate("at") : c.getDate("ownerAssignedAt");
      settled.add(
          new Document("lead", leadId)
              .append("at", at == null ? Date.from(now) : at)
              .append("held", true));
    }
    List<String> pending = new ArrayList<>();
    for (Document h : byLead.values()) {
      Date at = h.getDate("at");
      if (!holds.contains(h.getString("lead"))
          && !Boolean.TRUE.equals(h.getBoolean("held"))
          && at != null
          && at.toInstant().isAfter(now.minus(CLAIM_GRACE))) {
        pending.add(h.getString("lead"));
      }
    }
    if (!pending.isEmpty()) {
      Map<String, Document> leads = new java.util.HashMap<>();
      for (Document c :
          contacts
              .find(Filters.in("leadId", pending))
              .projection(
                  new Document("leadId", 1)
                      .append("ownerAssignedAt", 1)
                      .append("ownerId", 1)
                      .append("stage", 1)
                      .append(com.salesagent.activities.mongo.LeadStore.PAUSED_FROM, 1))) {
        leads.put(c.getString("leadId"), c);
      }
      for (String leadId : pending) {
        Document c = leads.get(leadId);
        Date claimedAt = byLead.get(leadId).getDate("at");
        Date assignedAt = c == null ? null : c.getDate("ownerAssignedAt");
        if (c != null && ownerId.equals(c.getString("ownerId")) && Owners.held(c)) {
          // Its assignment wrote the contact since the read above (at the claim's own time):
          // theirs, held.
          settled.add(new Document(byLead.get(leadId)).append("held", true));
        } else if (c != null && (assignedAt == null || !assignedAt.after(claimedAt))) {
          // Its assignment is being written (both times on MongoDB's clock; one in the claim's
          // own millisecond came before it or is its own, so it is kept till it is seen held).
          settled.add(byLead.get(leadId));
        }
      }
    }
    return settled;
  }

  /** The field {@link #withServerTime} adds to the owner it reads: MongoDB's time of the read. */
  static final String SERVER_NOW = "_serverNow";

  /**
   * The owner document with MongoDB's time of the read ({@code $$NOW}, in {@value #SERVER_NOW}), in
   * the one command that reads it; null when there is no such owner.
   */
  private Document withServerTime(String ownerId) {
    return owners
        .aggregate(
            List.of(
                new Document("$match", new Document("_id", ownerId)),
                new Document("$addFields", new Document(SERVER_NOW, "$$NOW"))))
        .first();
  }

  /** The server's time of the owner's read, taken off the document ({@code fallback}: none). */
  private static Instant serverNow(Document owner, Instant fallback) {
    Object at = owner.remove(SERVER_NOW);
    return at instanceof Date d ? d.toInstant() : fallback;
  }

  /** Whether the owner takes leads now (an inactive one is given none automatically). */
  public static boolean active(Document owner) {
    return owner != null && Boolean.TRUE.equals(owner.getBoolean("active"));
  }

  private static java.util.Set<String> leads(List<Document> holding) {
    return holding.stream().map(h -> h.getString("lead")).collect(Collectors.toSet());
  }

  /** Writes the owner's claims if nobody wrote them since {@code owner} was read. */
  private boolean write(Document owner, List<Document> holding) {
    return write(owner, holding, null);
  }

  /**
   * {@link #write(Document, List)}, only while the owner document also matches {@code also} (when
   * not null).
   */
  private boolean write(Document owner, List<Document> holding, org.bson.conversions.Bson also) {
    Object version = owner.get(HOLDING_VERSION);
    List<org.bson.conversions.Bson> match =
        new ArrayList<>(
            List.of(
                Filters.eq("_id", owner.getString("_id")), Filters.eq(HOLDING_VERSION, version)));
    if (also != null) {
      match.add(also);
    }
    return owners
            .updateOne(
                Filters.and(match),
                Updates.combine(Updates.set(HOLDING, holding), Updates.inc(HOLDING_VERSION, 1)))
            .getModifiedCount()
        == 1;
  }
}
