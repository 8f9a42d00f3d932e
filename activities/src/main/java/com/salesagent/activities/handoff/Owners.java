package com.salesagent.activities.handoff;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The sales reps leads are handed to ({@code owners}): {@code _id} a short id, {@code name}, {@code
 * timezone}, {@code workingHours} ({@code start}, {@code end} "HH:mm", {@code days} 1-7, Monday 1),
 * {@code capacity} (leads they can hold at once), {@code segments} they take (empty: every one),
 * {@code active}, and {@code lastAssignedAt} (the round robin's turn). A rep's load is counted from
 * the contacts they hold that are still interested, so it cannot drift; an assignment also claims
 * its place on the owner document ({@link OwnerClaims}: {@value OwnerClaims#HOLDING}, settled
 * against the contacts at every claim), so two processes assigning at once cannot both take a rep's
 * last place.
 */
public final class Owners {
  public static final String COLLECTION = "owners";

  /** The stages in which a lead counts against its owner's capacity. */
  public static final List<String> HELD_STAGES =
      List.of("interested", "handed_off", "in_conversation", "meeting_booked");

  /**
   * The stage a contact is held in: its own, or for a paused lead the one the pause left ({@link
   * com.salesagent.activities.mongo.LeadStore#PAUSED_FROM}; null for a lead paused before that was
   * kept). A paused lead its rep held is still theirs: on their list, counted in their load,
   * reassignable, handed on when they leave.
   */
  public static String heldStage(Document contact) {
    String stage = contact.getString("stage");
    return com.salesagent.activities.mongo.LeadStore.PAUSED.equals(stage)
        ? contact.getString(com.salesagent.activities.mongo.LeadStore.PAUSED_FROM)
        : stage;
  }

  /** Whether the contact is in a held stage, or paused from one (see {@link #heldStage}). */
  public static boolean held(Document contact) {
    String stage = contact == null ? null : heldStage(contact);
    return stage != null && HELD_STAGES.contains(stage);
  }

  /** {@link #held} as a query: a held stage, or paused from one. */
  public static Bson heldFilter() {
    return Filters.or(
        Filters.in("stage", HELD_STAGES),
        Filters.and(
            Filters.eq("stage", com.salesagent.activities.mongo.LeadStore.PAUSED),
            Filters.in(com.salesagent.activities.mongo.LeadStore.PAUSED_FROM, HELD_STAGES)));
  }

  private final MongoCollection<Document> owners;
  private final MongoCollection<Document> contacts;

  public Owners(MongoDatabase db) {
    this.owners = db.getCollection(COLLECTION);
    this.contacts = db.getCollection(Collections.CONTACTS);
  }

  public MongoCollection<Document> collection() {
    return owners;
  }

  public Document get(String ownerId) {
    return owners.find(Filters.eq("_id", ownerId)).first();
  }

  public List<Document> all() {
    return owners.find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
  }

  /** Active owners who take this segment, in round-robin order (least recently assigned first). */
  public List<Document> takingSegment(String segment) {
    Bson takes =
        Filters.or(
            Filters.exists("segments", false),
            Filters.size("segments", 0),
            Filters.eq("segments", segment == null ? "default" : segment));
    List<Document> found =
        owners.find(Filters.and(Filters.eq("active", true), takes)).into(new ArrayList<>());
    found.sort(
        java.util.Comparator.<Document, Long>comparing(
                o -> {
                  Date at = o.getDate("lastAssignedAt");
                  return at == null ? Long.MIN_VALUE : at.getTime();
                })
            .thenComparing(o -> o.getString("_id")));
    return found;
  }

  /**
   * The leads waiting unassigned that this owner may take: interested, held by nobody (no owner was
   * free, none took their segment, or theirs left), of a segment the owner takes (theirs, or {@code
   * default} when they have none; every one when the owner names none), longest waiting first (by
   * their first reply: interest comes from a reply), at most {@code limit}.
   */
  public List<Document> waitingFor(Document owner, int limit) {
    return waitingFor(owner, limit, List.of());
  }

  /** {@link #waitingFor(Document, int)} but for the leads {@code except} (looked at already). */
  public List<Document> waitingFor(Document owner, int limit, java.util.Collection<String> except) {
    List<Bson> filters =
        new ArrayList<>(
            List.of(
                Filters.eq("stage", "interested"),
                Filters.eq("ownerId", null),
                // Given back to the agent by its rep: it waits for nobody until it writes again.
                Filters.exists(HandOffFields.RELEASED_TO_AGENT, false)));
    if (!except.isEmpty()) {
      filters.add(Filters.nin("leadId", except));
    }
    List<String> segments = owner.getList("segments", String.class, List.of());
    if (!segments.isEmpty()) {
      Bson theirs = Filters.in("segment", segments);
      filters.add(
          segments.contains("default") ? Filters.or(theirs, Filters.eq("segment", null)) : theirs);
    }
    return contacts
        .find(Filters.and(filters))
        .projection(new Document("leadId", 1).append("segment", 1).append("funnel.replied", 1))
        .sort(Sorts.ascending("funnel.replied", "leadId"))
        .limit(limit)
        .into(new ArrayList<>());
  }

  /** How many interested leads each owner holds now (the lead {@code except} not counted). */
  public Map<String, Long> loads(List<String> ownerIds, String except) {
    Map<String, Long> loads = new java.util.HashMap<>();
    for (String id : ownerIds) {
      loads.put(id, 0L);
    }
    if (ownerIds.isEmpty()) {
      return loads;
    }
    for (Document c :
        contacts
            .find(
                Filters.and(
                    Filters.in("ownerId", ownerIds), heldFilter(), Filters.ne("leadId", except)))
            .projection(new Document("ownerId", 1))) {
      loads.merge(c.getString("ownerId"), 1L, Long::sum);
    }
    return loads;
  }

  /**
   * Takes this owner's round-robin turn if nobody took it since {@code seen} was read: false when
   * another assignment did (the caller reads again). Matched, not modified, counts: two turns in
   * the same millisecond write the same value.
   */
  public boolean takeTurn(Document seen, Instant now) {
    Date last = seen.getDate("lastAssignedAt");
    Bson unchanged =
        last == null ? Filters.exists("lastAssignedAt", false) : Filters.eq("lastAssignedAt", last);
    return owners
            .updateOne(
                Filters.and(Filters.eq("_id", seen.getString("_id")), unchanged),
                Updates.set("lastAssignedAt", Date.from(now)))
            .getMatchedCount()
        == 1;
  }

  /** The owner's working hours (always working when none are stored or they cannot be read). */
  /**
   * Whether the owner is on time off at {@code now}: its {@code timeOff} ranges ({@code from},
   * {@code to}: ISO dates, both included) hold today's date in the owner's time zone. An owner on
   * time off is given no lead (the hand-off picks another, or tries again later); the leads they
   * hold stay theirs, and their SLA runs on their working hours as usual (a lead they have not
   * taken goes to another rep at its deadline).
   */
  public static boolean offAt(Document owner, Instant now) {
    List<Document> ranges = owner.getList("timeOff", Document.class, List.of());
    if (ranges.isEmpty()) {
      return false;
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(owner.getString("timezone") == null ? "UTC" : owner.getString("timezone"));
    } catch (RuntimeException e) {
      zone = java.time.ZoneOffset.UTC;
    }
    java.time.LocalDate today = now.atZone(zone).toLocalDate();
    for (Document r : ranges) {
      try {
        java.time.LocalDate from = java.time.LocalDate.parse(r.getString("from"));
        java.time.LocalDate to = java.time.LocalDate.parse(r.getString("to"));
        if (!today.isBefore(from) && !today.isAfter(to)) {
          return true;
        }
      } catch (RuntimeException e) {
        // A range the API did not write: ignored.
      }
    }
    return false;
  }

  public static WorkingHours hours(Document owner) {
    Document h = owner.get("workingHours", Document.class);
    if (h == null) {
      return WorkingHours.ALWAYS;
    }
    try {
      ZoneId zone =
          ZoneId.of(owner.getString("timezone") == null ? "UTC" : owner.getString("timezone"));
      List<Integer> days = h.getList("days", Integer.class, List.of(1, 2, 3, 4, 5));
      Set<DayOfWeek> set =
          days.isEmpty()
              ? EnumSet.allOf(DayOfWeek.class)
              : days.stream().map(DayOfWeek::of).collect(Collectors.toSet());
      return new WorkingHours(
          zone, LocalTime.parse(h.getString("start")), LocalTime.parse(h.getString("end")), set);
    } catch (RuntimeException e) {
      return WorkingHours.ALWAYS;
    }
  }
}
