package com.salesagent.activities.handoff;

import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.lead.KeepAlive;
import com.salesagent.workflows.lead.HandOffActivities;
import com.salesagent.workflows.lead.HandOffRequest;
import com.salesagent.workflows.lead.OwnerAssignment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.bson.Document;

/**
 * Hands interested leads to sales reps, the activity the lead's workflow calls: the owner is picked
 * by {@link OwnerAssigner} (round robin or the least loaded among the active owners who take the
 * lead's segment and have capacity, those working now first; a place of their capacity claimed by
 * {@link OwnerClaims}); the decision is stored per lead and attempt by {@link HandOffAttempts}
 * ({@code handoffs}), so a retried activity answers what the first one decided, and the owner is
 * told through the outbound webhooks; the SLA's reminder (halfway) is {@link HandOffReminders}'s.
 * The SLA's reminder and deadline count the owner's working time.
 */
public final class HandOffActivitiesImpl implements HandOffActivities {
  /** {@link HandOffFields#HANDOFFS}. */
  public static final String HANDOFFS = HandOffFields.HANDOFFS;

  /** {@link HandOffFields#RELEASED_TO_AGENT}. */
  public static final String RELEASED_TO_AGENT = HandOffFields.RELEASED_TO_AGENT;

  /** {@link HandOffFields#BY_HAND_FROM}. */
  public static final String BY_HAND_FROM = HandOffFields.BY_HAND_FROM;

  /** {@link HandOffFields#BY_HAND_NOTE}. */
  public static final String BY_HAND_NOTE = HandOffFields.BY_HAND_NOTE;

  /** {@link HandOffFields#BY_HAND_PRIOR}. */
  public static final String BY_HAND_PRIOR = HandOffFields.BY_HAND_PRIOR;

  /** {@link HandOffFields#OWNER_ACCEPTED_AT}. */
  public static final String OWNER_ACCEPTED_AT = HandOffFields.OWNER_ACCEPTED_AT;

  /** {@link HandOffFields#SLA_FROM_RESUME}. */
  public static final String SLA_FROM_RESUME = HandOffFields.SLA_FROM_RESUME;

  private final HandOffAttempts attempts;
  private final DecidedAttempts decided;
  private final OwnerAssigner assigner;
  private final WaitingAssigner waiting;
  private final HandOffReminders reminders;

  public HandOffActivitiesImpl(MongoDatabase db, Clock clock) {
    Owners owners = new Owners(db);
    OwnerClaims claims = new OwnerClaims(db);
    this.attempts = new HandOffAttempts(db, owners, claims, clock);
    this.decided = new DecidedAttempts(db, owners, clock);
    this.assigner = new OwnerAssigner(db, owners, claims, attempts, decided, clock);
    this.waiting = new WaitingAssigner(db, owners, claims, attempts, clock);
    this.reminders = new HandOffReminders(db, clock);
  }

  /**
   * Told the owner a reassignment took a lead from (its SLA passed and another rep took it): the
   * place it frees goes at once to the next lead waiting for them ({@link
   * WaitingHandOffs#inBackground}), not at that lead's own retry. Called after the contact names
   * the new owner, on the activity's thread: the consumer must not block.
   */
  public HandOffActivitiesImpl whenOwnerFreed(java.util.function.Consumer<String> ownerFreed) {
    attempts.whenOwnerFreed(ownerFreed);
    return this;
  }

  /**
   * Heartbeats throughout (KeepAlive): the workflow gives hand-offs a heartbeat timeout, so an
   * attempt stuck on a dead worker is retried without waiting out its start-to-close timeout.
   */
  @Override
  public OwnerAssignment handOff(HandOffRequest request) {
    try (KeepAlive alive = KeepAlive.start()) {
      return assigner.assign(request);
    }
  }

  /**
   * The time an owner has to act on a lead of this definition's segment ({@code handOffSla}, {@link
   * com.salesagent.workflows.lead.LeadPolicy#DEFAULT_HAND_OFF_SLA} when none): the lead's policy,
   * as the workflow reads it.
   */
  public static Duration handOffSla(Document definition) {
    return DecidedAttempts.handOffSla(definition);
  }

  /**
   * An owner added or enabled takes a lead waiting unassigned ({@link Owners#waitingFor}): the
   * lead's next hand-off attempt is decided here by the rules of a fresh one (the owner is active,
   * takes the lead's segment, holds fewer leads than their capacity; their round-robin turn is
   * taken; the SLA is the segment's policy) and written as the workflow's own attempt would be (the
   * same claim of the attempt, the contact, the owner told). The lead's workflow, woken, finds it
   * as a retried attempt does. Null when the owner cannot take it (inactive, another segment, full)
   * or the lead is no longer waiting: held meanwhile, or its attempt claimed first by another
   * owner's call or by its own workflow.
   */
  public OwnerAssignment assignWaiting(String leadId, String ownerId) {
    return waiting.assign(leadId, ownerId);
  }

  /**
   * The attempt's reminder and deadline as the paused run moved them (the pause does not count
   * against the SLA): one write conditional on the attempt and its owner, so a retry writes the
   * same and an attempt another one replaced meanwhile (a reassignment) is left as it is.
   */
  @Override
  public void moveSla(String leadId, String ownerId, int attempt, Instant remindAt, Instant dueAt) {
    decided.moveSla(leadId, ownerId, attempt, remindAt, dueAt);
  }

  @Override
  public void remindOwner(String leadId, String ownerId, int attempt) {
    try (KeepAlive alive = KeepAlive.start()) {
      reminders.remind(leadId, ownerId, attempt);
    }
  }
}
