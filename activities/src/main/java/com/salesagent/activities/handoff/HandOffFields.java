package com.salesagent.activities.handoff;

import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The names the hand-offs share: the {@value #HANDOFFS} collection (one document per lead, its
 * current attempt), the marks an attempt decided by hand carries, and the contact's mark of a lead
 * given back to the agent. {@link HandOffActivitiesImpl} names them too, for the code that read
 * them there.
 */
public final class HandOffFields {
  private HandOffFields() {}

  public static final String HANDOFFS = "handoffs";

  /**
   * The contact's mark of an interested lead its rep gave back to the agent (the API's release):
   * nobody holds it, it waits for no rep (not on the queue, not taken by a rep added or freed); its
   * next hand-off (the lead wrote with interest again) clears it.
   */
  public static final String RELEASED_TO_AGENT = "releasedToAgent";

  /**
   * On a hand-off attempt an operator or the lead's owner decided by hand (the API's reassignment):
   * the owner it was taken from, and the note the workflow's {@code handoff_reassigned} reads
   * ("reassigned by Ana Lima (ana)"). Cleared by every other assignment.
   */
  public static final String BY_HAND_FROM = "reassignedFrom";

  public static final String BY_HAND_NOTE = "reassignNote";

  /**
   * On a hand-off attempt decided by hand: the hand-off's state the move overwrote ({@code status},
   * {@code acceptedAt}, {@code acceptedBy}, {@code remindAt}, {@code dueAt}, {@code remindedAt};
   * one absent was not set), restored when a move that died between its writes is undone (its new
   * rep left). Cleared with {@link #BY_HAND_FROM}.
   */
  public static final String BY_HAND_PRIOR = "byHandPrior";

  /** The hand-off's fields a move by hand overwrites, saved in {@value #BY_HAND_PRIOR}. */
  public static final List<String> BY_HAND_PRIOR_FIELDS =
      List.of("status", "acceptedAt", "acceptedBy", "remindAt", "dueAt", "remindedAt");

  /**
   * The updates that give a hand-off a move by hand wrote ({@code handoff}) back what the move
   * overwrote ({@value #BY_HAND_PRIOR}: each saved field set, each absent one unset), but none of
   * the {@code kept} fields (another write sets them, or keeps them as they are); none when the
   * move saved nothing (it was written before moves saved it: its own are left).
   */
  public static List<Bson> byHandPriorRestored(Document handoff, List<String> kept) {
    List<Bson> back = new ArrayList<>();
    Document prior = handoff.get(BY_HAND_PRIOR, Document.class);
    if (prior == null) {
      return back;
    }
    for (String field : BY_HAND_PRIOR_FIELDS) {
      if (!kept.contains(field)) {
        back.add(
            prior.get(field) == null ? Updates.unset(field) : Updates.set(field, prior.get(field)));
      }
    }
    return back;
  }

  /**
   * The contact's mark of its owner's acceptance (the API's accept, written on the contact first,
   * conditional on the owner it read): a retried reassignment moves the contact from that owner
   * only while the mark is as it read it, so of an acceptance and the move one wins.
   */
  public static final String OWNER_ACCEPTED_AT = "ownerAcceptedAt";

  /**
   * On a hand-off attempt decided by hand while the lead's run was paused: the new rep's SLA starts
   * when the run takes the attempt (its resume), not at the reassignment, so a lead paused for days
   * is not reminded and handed on the moment it resumes. Cleared once the times are set.
   */
  public static final String SLA_FROM_RESUME = "slaFromResume";

  /**
   * The take of {@code ownerId} the hand-off holds: its {@code acceptedAt} while it is accepted by
   * them (a take from the queue or of a lead they held alike; the time the take's signal names, the
   * run's {@code OwnerAction.takenAt}), else null. A move away from them names it to the run
   * ({@code ownerGone}), so that take told late or again is not applied.
   */
  public static java.time.Instant takeOf(Document handoff, String ownerId) {
    if (handoff == null
        || ownerId == null
        || !ownerId.equals(handoff.getString("ownerId"))
        || !"accepted".equals(handoff.getString("status"))
        || handoff.getDate("acceptedAt") == null) {
      return null;
    }
    return handoff.getDate("acceptedAt").toInstant();
  }

  /**
   * The take of the holder a move by hand overwrote ({@value #BY_HAND_PRIOR}: the hand-off as it
   * was, accepted by them), else null.
   */
  public static java.time.Instant takeMovedFrom(Document handoff) {
    Document prior = handoff == null ? null : handoff.get(BY_HAND_PRIOR, Document.class);
    if (prior == null
        || !"accepted".equals(prior.getString("status"))
        || prior.getDate("acceptedAt") == null) {
      return null;
    }
    return prior.getDate("acceptedAt").toInstant();
  }
}
