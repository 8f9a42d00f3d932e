package com.salesagent.activities.handoff;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.workflows.lead.LeadWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the interested leads that wait unassigned (no owner was free, none took their segment, or
 * theirs left) to an owner who was added or enabled (the API's {@code PUT}), or who has room again
 * because a lead they held ended (the worker, {@link #inBackground}): those of the segments the
 * owner takes, longest waiting first, while the owner has capacity, read in batches of {@link
 * #MAX}: the call goes on to the next batch while the owner has room, at most {@link #BATCHES} of
 * them (bounded: an owner's {@code PUT} answers after its signals and claims). Each lead's workflow
 * is told first ({@code ownerAvailable}: it tries its hand-off now), then its next attempt is
 * claimed for the owner in MongoDB ({@link HandOffActivitiesImpl#assignWaiting}: the rules of a
 * fresh assignment, one claim per attempt, so two owners added at once never take the same lead);
 * the workflow's hand-off activity answers that decision, and the lead is handed off, timeline and
 * SLA included, as by any assignment. A lead whose workflow cannot be told (Temporal away) is not
 * claimed: it stays waiting for the next call.
 */
public final class WaitingHandOffs {
  private static final Logger LOG = LoggerFactory.getLogger(WaitingHandOffs.class);
  public static final int MAX = 100;

  /** Batches of {@link #MAX} one call goes through while the owner has room (1,000 leads). */
  public static final int BATCHES = 10;

  /** The leads this call handed to the owner; {@code more}: others still wait for them. */
  public record Taken(List<String> leadIds, boolean more) {}

  /** How a lead's workflow is told: its {@code ownerAvailable} signal. */
  public interface Signal {
    void ownerAvailable(String leadId, String ownerId);
  }

  private final Owners owners;
  private final MongoCollection<Document> handoffDocs;
  private final HandOffActivitiesImpl handOffs;
  private final Signal signal;
  private final int batch;
  private final int batches;
  private final Clock clock;

  public WaitingHandOffs(MongoDatabase db, WorkflowClient temporal, Clock clock) {
    this(
        db,
        (leadId, ownerId) ->
            temporal
                .newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId))
                .ownerAvailable(ownerId),
        clock,
        MAX);
  }

  public WaitingHandOffs(MongoDatabase db, Signal signal, Clock clock, int batch) {
    this(db, signal, clock, batch, BATCHES);
  }

  public WaitingHandOffs(MongoDatabase db, Signal signal, Clock clock, int batch, int batches) {
    this.owners = new Owners(db);
    this.handoffDocs = db.getCollection(HandOffActivitiesImpl.HANDOFFS);
    this.handOffs = new HandOffActivitiesImpl(db, clock);
    this.signal = signal;
    this.batch = batch;
    this.batches = batches;
    this.clock = clock;
  }

  /** The owner the lead's latest hand-off names, or null. */
  private String holder(String leadId) {
    Document h = handoffDocs.find(Filters.eq("_id", leadId)).first();
    return h == null ? null : h.getString("ownerId");
  }

  /**
   * {@link #takeFor} on {@code executor}, for callers that must not wait for its signals and claims
   * (the activity that records a lead's outcome, which frees a place of its owner's capacity). An
   * owner already queued is not queued twice (its call finds every place freed meanwhile); a full
   * queue or a stopped executor leaves the waiting leads to their own retry or the next {@code
   * PUT}.
   */
  public Consumer<String> inBackground(Executor executor) {
    Set<String> queued = ConcurrentHashMap.newKeySet();
    return ownerId -> {
      if (!queued.add(ownerId)) {
        return;
      }
      try {
        executor.execute(
            () -> {
              queued.remove(ownerId);
              try {
                Taken taken = takeFor(ownerId);
                if (!taken.leadIds().isEmpty()) {
                  LOG.info(
                      "owner {} had room again: took {} waiting lead(s) {}",
                      ownerId,
                      taken.leadIds().size(),
                      taken.leadIds());
                }
              } catch (RuntimeException e) {
                // MongoDB away: the leads keep waiting for their own retry or the next PUT.
                LOG.warn("handing waiting leads to owner {} failed: {}", ownerId, e.toString());
              }
            });
      } catch (RejectedExecutionException e) {
        queued.remove(ownerId);
        LOG.warn("handing waiting leads to owner {} not queued: {}", ownerId, e.toString());
      }
    };
  }

  public Taken takeFor(String ownerId) {
    Document owner = owners.get(ownerId);
    if (owner == null
        || !Boolean.TRUE.equals(owner.getBoolean("active"))
        || Owners.offAt(owner, clock.instant())) {
      return new Taken(List.of(), false); // on time off: the leads wait for their own retry
    }
    long room = owner.getInteger("capacity", 0) - owners.loads(List.of(ownerId), "").get(ownerId);
    List<String> taken = new ArrayList<>();
    // Every lead looked at, taken or passed over (its workflow ended, another owner took it): the
    // next batch reads past them, so a lead that stays waiting is never read twice in a call.
    List<String> seen = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      List<Document> waiting = owners.waitingFor(owner, batch + 1, seen);
      for (Document lead : waiting.subList(0, Math.min(batch, waiting.size()))) {
        if (taken.size() >= room) {
          return new Taken(taken, false);
        }
        String leadId = lead.getString("leadId");
        seen.add(leadId);
        try {
          signal.ownerAvailable(leadId, ownerId);
        } catch (WorkflowNotFoundException e) {
          continue; // its workflow ended meanwhile: nothing to hand off
        } catch (WorkflowException e) {
          LOG.warn("handing waiting leads to owner {} stopped: {}", ownerId, e.toString());
          return new Taken(taken, true);
        }
        if (handOffs.assignWaiting(leadId, ownerId) != null || ownerId.equals(holder(leadId))) {
          // Claimed here, or its own workflow (woken a moment ago) gave it to this owner first.
          taken.add(leadId);
        }
      }
      if (waiting.size() <= batch) {
        return new Taken(taken, false);
      }
    }
    // The call's bound reached with leads still waiting: said, if the owner has room for them.
    return new Taken(taken, taken.size() < room);
  }
}
