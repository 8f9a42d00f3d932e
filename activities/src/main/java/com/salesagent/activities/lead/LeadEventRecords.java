package com.salesagent.activities.lead;

import com.salesagent.activities.mongo.AfterEndReplies;
import com.salesagent.activities.mongo.Interactions;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.lead.LeadEvent;
import com.salesagent.workflows.lead.Stage;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.bson.Document;

/**
 * A lead event as {@code LeadActivities.record} writes it: the contact's stage and next action (its
 * active key and the "wrote after the end" list follow a lead that ends or lives again), the
 * timeline event, and the outbound notices (interest, outcomes, a lead that wrote again); a held
 * lead that ends frees its owner's place.
 */
final class LeadEventRecords {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(LeadEventRecords.class);

  private final LeadStore store;
  private final Clock clock;
  private final com.salesagent.activities.notify.Notifications notifications;
  private volatile Consumer<String> ownerFreed = id -> {};

  LeadEventRecords(LeadStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.notifications =
        new com.salesagent.activities.notify.Notifications(store.database(), clock);
  }

  void whenOwnerFreed(Consumer<String> ownerFreed) {
    this.ownerFreed = ownerFreed;
  }

  /** The stage, next action and timeline of a lead event, and who hears of it. */
  void record(LeadEvent event) {
    Instant now = clock.instant();
    Document fields =
        new Document("stage", event.stage())
            .append("nextAction", event.nextAction())
            .append(
                "nextActionAt",
                event.nextActionAt() == null ? null : Date.from(event.nextActionAt()))
            .append("updatedAt", Date.from(now));
    if (event.at() != null) {
      fields.append(LeadStore.STAGE_AT, Date.from(event.at()));
    }
    if (event.segment() != null) {
      fields.append("segment", event.segment());
    }
    if (event.variantId() != null) {
      fields.append("variantId", event.variantId());
    }
    if (terminal(event.stage())) {
      // When the run ended, before the stage says so: a draft stored after it sees the end.
      new com.salesagent.activities.knowledge.HeldDrafts(store.database())
          .ending(event.leadId(), event.stage(), now);
      // The stage it leaves, read in the same write: a held lead ending frees its owner's place.
      Document before = store.stages().setContactFieldsWasHeldBy(event.leadId(), fields);
      if (before != null && !terminal(before.getString("stage"))) {
        // The run ended: a draft held for a person answers a conversation that is over.
        new com.salesagent.activities.knowledge.HeldDrafts(store.database())
            .ended(event.leadId(), event.stage(), now);
      } else if (before != null) {
        // Ended already: a retry of this record whose first attempt wrote the stage and stopped
        // before the drafts. The drafts held at the end it wrote (endedAt) are superseded now.
        new com.salesagent.activities.knowledge.HeldDrafts(store.database())
            .endedAgain(event.leadId());
      }
      // The lead has ended: its phone may be enrolled again in this campaign (unless suppressed).
      store.endActive(event.leadId());
      // A send of it still unknown is decided by nobody now.
      store.messages().abandonUnknown(event.leadId(), event.stage(), now);
      String ownerId = before == null ? null : before.getString("ownerId");
      // Held: a held stage, or paused from one (the rep still held the paused lead).
      if (ownerId != null && com.salesagent.activities.handoff.Owners.held(before)) {
        ownerHasRoom(ownerId);
      }
    } else {
      Document before = store.stages().setContactFieldsWasHeldBy(event.leadId(), fields);
      if (before != null && terminal(before.getString("stage"))) {
        // Live again after an end: a new run (the lead wrote again, "reopened"), or a run whose
        // ending record ran but whose end the server refused (a signal landed meanwhile; the run
        // went on). The lead is its number's active one again.
        store.activeAgain(event.leadId());
        // Its messages since the end are the new run's: off the "wrote after the end" list.
        new AfterEndReplies(store).clear(event.leadId());
      }
    }
    if ("reopened".equals(event.type())) {
      reopenOutcome(event.leadId());
    }
    if (event.type() != null) {
      if (sentBefore(event)) {
        return;
      }
      Document recorded =
          Interactions.interaction(
              event.leadId(),
              event.campaignId(),
              event.variantId(),
              event.type(),
              event.wamid(),
              event.detail(),
              now);
      if ("outcome".equals(event.type()) && event.stage() != null) {
        recorded.append("stage", event.stage()); // which outcome: the detail is its reason
      }
      store.interactions().recordInteractions(List.of(recorded));
      // Interested, and every outcome: queued for the outbound webhooks (once per lead, type, run).
      String notice =
          com.salesagent.activities.notify.Notifications.eventType(event.type(), event.stage());
      if ("replied_again".equals(event.type()) && event.wamid() != null) {
        // The lead's owner hears at once that their lead wrote again; a lead that had ended (its
        // message landed while its run was ending) is news for the CRM too, owner or not, as the
        // webhook tells one whose run had ended already.
        Document contact = store.contact(event.leadId());
        String ownerId = contact == null ? null : contact.getString("ownerId");
        boolean ended = terminal(event.stage());
        if (ended) {
          new AfterEndReplies(store).wrote(event.leadId(), now, event.wamid(), now);
        }
        if (ownerId != null || ended) {
          notifications.emit(
              "lead.replied_again",
              event.leadId(),
              event.campaignId(),
              event.stage(),
              ended ? event.detail() : null,
              ownerId,
              event.wamid());
        }
      }
      if (notice != null) {
        String reason = "outcome".equals(event.type()) ? event.detail() : null;
        // Once per lead, event and run: a lead that wrote again after it ended has a new run of
        // its workflow (its timeline's "reopened"), whose interest and outcome are news again.
        notifications.emitInRun(
            notice,
            event.leadId(),
            event.campaignId(),
            event.stage(),
            reason,
            store.interactions().countInteractions(event.leadId(), "reopened"));
      }
    }
  }

  /** Timeline types that name one sent message (its wamid): each is on the timeline once. */
  static final java.util.Set<String> ONCE_PER_MESSAGE =
      java.util.Set.of("owner_replied", "agent_answered");

  /**
   * Whether the timeline has this person's (or the agent's) message already: its own workflow
   * recorded it when the lead's run had ended ({@code AfterEndRecord.SENT}), a run that sent it
   * again as replayed records it again, and so does a retried record; one event per message.
   */
  private boolean sentBefore(LeadEvent event) {
    return event.wamid() != null
        && ONCE_PER_MESSAGE.contains(event.type())
        && store
            .interactions()
            .hasInteraction(event.leadId(), event.type(), "wamid", event.wamid());
  }

  /**
   * A new run of the lead's workflow (the lead wrote again after it ended): an operator's outcome
   * of the ended run (lost) is no longer the lead's, so its owner may set one again; it is kept in
   * {@code pastOutcomes}. Safe to repeat: a retry finds no outcome.
   */
  private void reopenOutcome(String leadId) {
    Document contact = store.contact(leadId);
    Document outcome = contact == null ? null : contact.get("outcome", Document.class);
    if (outcome != null) {
      store
          .contacts()
          .updateOne(
              com.mongodb.client.model.Filters.and(
                  com.mongodb.client.model.Filters.eq("leadId", leadId),
                  com.mongodb.client.model.Filters.eq("outcome", outcome)),
              com.mongodb.client.model.Updates.combine(
                  com.mongodb.client.model.Updates.unset("outcome"),
                  com.mongodb.client.model.Updates.push("pastOutcomes", outcome)));
    }
  }

  /** A lead the owner held ended: the next lead waiting for them is taken, off this thread. */
  private void ownerHasRoom(String ownerId) {
    try {
      ownerFreed.accept(ownerId);
    } catch (RuntimeException e) {
      LOG.warn("handing waiting leads to owner {} not queued: {}", ownerId, e.toString());
    }
  }

  private static boolean terminal(String stage) {
    Stage known = Stage.of(stage);
    return known != null && known.terminal();
  }
}
