package com.salesagent.activities.handoff;

import static com.salesagent.activities.handoff.HandOffFields.BY_HAND_FROM;
import static com.salesagent.activities.handoff.HandOffFields.BY_HAND_NOTE;
import static com.salesagent.activities.handoff.HandOffFields.BY_HAND_PRIOR;
import static com.salesagent.activities.handoff.HandOffFields.SLA_FROM_RESUME;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.workflows.lead.HandOffRequest;
import com.salesagent.workflows.lead.LeadPolicy;
import com.salesagent.workflows.lead.OwnerAssignment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lead's hand-off attempt once decided ({@link HandOffAttempts#assigned}, or by hand): read as
 * the activity answers it, taken back at its retry when its owner cannot take it or the lead's
 * holder kept it ({@link #undecide}), and its SLA times (the owner's working hours, moved by a
 * pause, started at a resume for an attempt decided by hand while paused).
 */
final class DecidedAttempts {
  private static final Logger LOG = LoggerFactory.getLogger(HandOffAttempts.class);

  private final Owners owners;
  private final MongoCollection<Document> handoffs;
  private final Clock clock;

  DecidedAttempts(MongoDatabase db, Owners owners, Clock clock) {
    this.owners = owners;
    this.handoffs = db.getCollection(HandOffFields.HANDOFFS);
    this.clock = clock;
  }

  /**
   * The time an owner has to act on a lead of this definition's segment ({@code handOffSla}, {@link
   * LeadPolicy#DEFAULT_HAND_OFF_SLA} when none): the lead's policy, as the workflow reads it.
   */
  static Duration handOffSla(Document definition) {
    return Duration.parse(
        definition == null
            ? LeadPolicy.DEFAULT_HAND_OFF_SLA.toString()
            : definition.get("handOffSla", LeadPolicy.DEFAULT_HAND_OFF_SLA.toString()));
  }

  /**
   * Takes back the attempt {@code decided} (this request's, its contact never written: {@link
   * UnfinishedHandOffs.Outcome#NOT_THEIRS} or {@link UnfinishedHandOffs.Outcome#KEPT}) so the
   * hand-off reads as before the attempt: at the attempt before (none for a first one), naming
   * {@code holder} (the owner the contact names, who held the lead before: their acceptance, if
   * any, kept; for an attempt a move by hand took from them, what the move overwrote restored:
   * {@link HandOffFields#byHandPriorRestored}) or nobody ({@code unassigned}, on the Hand-offs
   * queue, taken by a rep added or freed as the attempt). One write conditional on the decision as
   * read, so a retry or another decider that changed it meanwhile is left as it is; true when
   * written. The decided owner stays in {@code owners} and {@code history} (tried: a fresh choice
   * passes them over).
   */
  boolean undecide(HandOffRequest request, Document decided, String holder) {
    List<Bson> back = new ArrayList<>();
    int before = request.attempt() - 1;
    back.add(before > 0 ? Updates.set("attempt", before) : Updates.unset("attempt"));
    if (holder != null) {
      back.add(Updates.set("ownerId", holder));
      for (Document entry : decided.getList("history", Document.class, List.of())) {
        if (holder.equals(entry.getString("ownerId"))
            && entry.getInteger("attempt", 0) == before
            && entry.getDate("at") != null) {
          back.add(Updates.set("assignedAt", entry.getDate("at")));
        }
      }
      if (holder.equals(decided.getString(BY_HAND_FROM))) {
        // A move by hand from the holder taken back: what it overwrote (the holder's status,
        // acceptance, reminder and deadline) restored, as the API's undo restores it; an
        // acceptance written on the attempt since (the holder kept it) stays.
        back.addAll(
            HandOffFields.byHandPriorRestored(
                decided,
                "accepted".equals(decided.getString("status"))
                    ? List.of("status", "acceptedAt", "acceptedBy")
                    : List.of()));
      }
    } else {
      back.add(Updates.unset("ownerId"));
      back.add(Updates.set("status", "unassigned"));
    }
    back.add(Updates.unset(BY_HAND_FROM));
    back.add(Updates.unset(BY_HAND_NOTE));
    back.add(Updates.unset(BY_HAND_PRIOR));
    back.add(Updates.unset(SLA_FROM_RESUME));
    long written =
        handoffs
            .updateOne(
                Filters.and(
                    Filters.eq("_id", request.leadId()),
                    Filters.eq("attempt", request.attempt()),
                    Filters.eq("ownerId", decided.getString("ownerId")),
                    Filters.eq("assignedAt", decided.get("assignedAt"))),
                Updates.combine(back))
            .getModifiedCount();
    if (written == 1) {
      LOG.info(
          "lead {}: attempt {} of owner {} taken back ({})",
          request.leadId(),
          request.attempt(),
          decided.getString("ownerId"),
          holder == null ? "nobody holds it" : "its owner keeps it");
    }
    return written == 1;
  }

  /**
   * An attempt claimed by hand while the run was paused ({@link HandOffFields#SLA_FROM_RESUME}):
   * its reminder and deadline from now, in the owner's working hours, written once (conditional on
   * the mark, so a retried activity answers the times the first one wrote).
   */
  Document slaFromNow(Document claimed, HandOffRequest request) {
    Document owner = owners.get(claimed.getString("ownerId"));
    Instant now = clock.instant();
    Bson times = Updates.unset(SLA_FROM_RESUME);
    if (owner != null && request.sla() != null) {
      WorkingHours hours = Owners.hours(owner);
      times =
          Updates.combine(
              Updates.set(
                  "remindAt", Date.from(hours.plusWorking(now, request.sla().dividedBy(2)))),
              Updates.set("dueAt", Date.from(hours.plusWorking(now, request.sla()))),
              times);
    }
    handoffs.updateOne(
        Filters.and(
            Filters.eq("_id", claimed.getString("_id")),
            Filters.eq("attempt", claimed.getInteger("attempt")),
            Filters.eq(SLA_FROM_RESUME, true)),
        times);
    Document now2 = handoffs.find(Filters.eq("_id", claimed.getString("_id"))).first();
    return now2 != null && now2.getString("ownerId") != null ? now2 : claimed;
  }

  /** The decision stored for an attempt, as the activity answers it. */
  static OwnerAssignment assignment(Document h) {
    return new OwnerAssignment(
        h.getString("ownerId"),
        h.getInteger("attempt", 1),
        h.getDate("remindAt").toInstant(),
        h.getDate("dueAt").toInstant(),
        null,
        h.getString(BY_HAND_NOTE));
  }

  /**
   * The attempt's reminder and deadline as the paused run moved them (the pause does not count
   * against the SLA): one write conditional on the attempt and its owner, so a retry writes the
   * same and an attempt another one replaced meanwhile (a reassignment) is left as it is.
   */
  void moveSla(String leadId, String ownerId, int attempt, Instant remindAt, Instant dueAt) {
    List<Bson> times = new ArrayList<>();
    if (remindAt != null) {
      times.add(Updates.set("remindAt", Date.from(remindAt)));
    }
    if (dueAt != null) {
      times.add(Updates.set("dueAt", Date.from(dueAt)));
    }
    if (times.isEmpty()) {
      return;
    }
    handoffs.updateOne(
        Filters.and(
            Filters.eq("_id", leadId),
            Filters.eq("attempt", attempt),
            Filters.eq("ownerId", ownerId)),
        Updates.combine(times));
  }
}
