package com.salesagent.api.leads;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.afterend.AfterEndMessage;
import com.salesagent.workflows.afterend.AfterEndRecord;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerReply;
import com.salesagent.workflows.lead.Stage;
import io.dropwizard.lifecycle.Managed;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A person's message queued for a lead's run that ended before sending it (an operator marked the
 * lead converted as the rep wrote, or the run was ending when the message was signalled: the API
 * answered 202 and the run never took it). Swept every {@link #EVERY}: a message still only
 * composed {@link #GRACE} after it was queued, whose lead has ended, goes as a message to an ended
 * lead ({@link AfterEndMessages}: once, by its key, the suppression list checked at the call) when
 * the lead ended on its own terms or an outcome (replied, converted, lost, no response); when an
 * operator stopped it, it opted out or it failed, it is not sent ("never after stop"), and the
 * message and the lead's timeline say so ({@code owner_reply_failed}). Each message is handled
 * once; several API processes may sweep together (the workflow's id is the message's key; the
 * process whose write held a message back says so on the timeline). One whose lead is live is told
 * to its run again, every {@link #LIVE_AGAIN} at most (a run reopened after the one that left it
 * never heard of it; a run that has it ignores it by its key). One whose request the API did not
 * answer 202 ({@link #REQUEST_OPEN}) is left alone.
 */
public final class PendingPersonMessages implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(PendingPersonMessages.class);

  static final Duration EVERY = Duration.ofSeconds(30);

  /** How long a run has to take its message before it counts as left behind. */
  static final Duration GRACE = Duration.ofSeconds(30);

  /** Older messages are left alone (a day: WhatsApp's window is long closed). */
  static final Duration WITHIN = Duration.ofHours(24);

  static final int BATCH = 200;

  /** Ended here, a message queued before the end does not go. */
  static final Set<Stage> NOT_AFTER = Set.of(Stage.STOPPED, Stage.OPTED_OUT, Stage.FAILED);

  static final String SWEPT = "pendingSweptAt";

  /** When a message of a live lead was last told to its run again ({@link #LIVE_AGAIN} apart). */
  static final String LIVE_CHECKED = "pendingLiveCheckedAt";

  static final Duration LIVE_AGAIN = Duration.ofMinutes(10);

  /** A message queued for a lead whose run had ended: its own workflow has it from the start. */
  static final String AFTER_END = "afterEnd";

  /**
   * Set while the API has not answered the request that queued the message (202): a request that
   * failed after storing it (Temporal did not take the signal) answered an error, and the rep sends
   * the text again as a new request. Such a message is not the sweep's, or the lead would get the
   * text twice; the same request sent again (its requestId) that is answered clears it.
   */
  static final String REQUEST_OPEN = "requestOpen";

  /** Why the lead's page says a message whose request failed was not sent. */
  static final String REQUEST_FAILED = "the request failed; send it again";

  /**
   * Whether the lead's page says the message was not sent because its request failed: a person's
   * message still only composed (no wamid) {@link #GRACE} after it was queued, its request never
   * answered ({@link #REQUEST_OPEN}). Nothing sends it (the sweep leaves it, above; its run was
   * never told), so "composed" would read as on its way. Only shown so, never stored: the same
   * request sent again (its {@code requestId}) makes it the sweep's, and a run that was told after
   * all (the answer, not the signal, failed) still sends it, and its status says so.
   */
  static boolean requestFailed(Document m, Instant now) {
    Date queued = m.getDate("createdAt");
    return "person".equals(m.getString("composer"))
        && "composed".equals(m.getString("status"))
        && m.getBoolean(REQUEST_OPEN, false)
        && m.get("wamid") == null
        && queued != null
        && queued.toInstant().isBefore(now.minus(GRACE));
  }

  private final LeadStore store;
  private final AfterEndMessages afterEnd;
  private final BiConsumer<String, OwnerReply> resignal;
  private final Clock clock;
  private final PendingTemplateRequests templates;
  private ScheduledExecutorService sweeper;

  /** The sweep of the running system: messages to ended leads start their own workflow. */
  public PendingPersonMessages(
      LeadStore store, io.temporal.client.WorkflowClient temporal, Clock clock) {
    this(
        store,
        AfterEndMessages.temporal(temporal),
        (leadId, reply) -> {
          try {
            temporal
                .newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId))
                .ownerReply(reply);
          } catch (WorkflowNotFoundException e) {
            // Ended since: the next pass finds the lead ended.
          }
        },
        clock);
  }

  PendingPersonMessages(
      LeadStore store,
      AfterEndMessages afterEnd,
      BiConsumer<String, OwnerReply> resignal,
      Clock clock) {
    this.store = store;
    this.afterEnd = afterEnd;
    this.resignal = resignal;
    this.clock = clock;
    this.templates = new PendingTemplateRequests(store, resignal);
  }

  @Override
  public void start() {
    sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pending-person-messages");
              t.setDaemon(true);
              return t;
            });
    sweeper.scheduleWithFixedDelay(
        this::sweepLogged, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
  }

  private void sweepLogged() {
    try {
      sweep();
    } catch (RuntimeException e) {
      LOG.warn("sweeping people's messages left by ended runs failed: {}", e.toString());
    }
  }

  /**
   * One pass; answers the keys it sent on or held back, and those of template requests it settled
   * ({@link PendingTemplateRequests}).
   */
  public List<String> sweep() {
    Instant now = clock.instant();
    List<String> handled = new ArrayList<>();
    List<Document> pending =
        store
            .messages()
            .collection()
            .find(
                Filters.and(
                    Filters.eq("composer", "person"),
                    Filters.eq("status", "composed"),
                    Filters.lt("createdAt", Date.from(now.minus(GRACE))),
                    Filters.gt("createdAt", Date.from(now.minus(WITHIN))),
                    Filters.exists("wamid", false),
                    Filters.exists(SWEPT, false),
                    Filters.ne(AFTER_END, true),
                    Filters.ne(REQUEST_OPEN, true),
                    Filters.or(
                        Filters.exists(LIVE_CHECKED, false),
                        Filters.lt(LIVE_CHECKED, Date.from(now.minus(LIVE_AGAIN))))))
            .sort(Sorts.ascending("createdAt"))
            .limit(BATCH)
            .into(new ArrayList<>());
    for (Document m : pending) {
      Document contact = store.contact(m.getString("leadId"));
      Stage stage = stage(contact);
      String key = m.getString("idempotencyKey");
      if (stage == null || LeadStore.erasing(contact)) {
        // The lead is gone, or its erasure was accepted: the erasure stops the workflows it
        // listed and deletes what the lead left; one started now would outlive it.
        continue;
      }
      if (!stage.terminal()) {
        // Most likely the run has it (paused, waiting for its number); but a run that ended
        // before sending it may have been reopened since (the lead wrote again), and the new run
        // never heard of it: told again, which a run that has it ignores (by its key).
        resignal.accept(
            m.getString("leadId"),
            new OwnerReply(
                key,
                m.getString("purpose") == null ? OwnerReply.TEXT : m.getString("purpose"),
                m.getString("ownerId"),
                m.getString("by")));
        store
            .messages()
            .collection()
            .updateOne(
                Filters.eq("idempotencyKey", key), Updates.set(LIVE_CHECKED, Date.from(now)));
        continue;
      }
      if (!goesOn(contact)) {
        held(m, contact, "the lead's run ended " + stage.key() + " before it went: not sent", now);
      } else if (endedPaused(contact.getString("leadId"))) {
        // The pause held it (the rep was told it waits for the resume): an outcome is no resume.
        held(
            m,
            contact,
            "the lead was paused when its run ended " + stage.key() + ", never resumed: not sent",
            now);
      } else {
        Date queued = m.getDate("createdAt");
        afterEnd.start(
            new AfterEndMessage(
                m.getString("leadId"),
                contact.getString("campaignId"),
                key,
                m.getString("ownerId"),
                m.getString("by"),
                queued.toInstant()));
        LOG.info(
            "message {} left by the ended run of lead {}: sent on", key, m.getString("leadId"));
      }
      store
          .messages()
          .collection()
          .updateOne(Filters.eq("idempotencyKey", key), Updates.set(SWEPT, Date.from(now)));
      handled.add(key);
    }
    handled.addAll(templates.sweep(now));
    return handled;
  }

  /** Not sent: the message and the lead's timeline say why. */
  private void held(Document m, Document contact, String why, Instant now) {
    String key = m.getString("idempotencyKey");
    boolean heldHere =
        store
                .messages()
                .collection()
                .updateOne(
                    Filters.and(
                        Filters.eq("idempotencyKey", key), Filters.eq("status", "composed")),
                    Updates.combine(
                        Updates.set("status", "not_sent"), Updates.set("notSentBecause", why)))
                .getModifiedCount()
            > 0;
    if (!heldHere) {
      return; // another process sweeping at the same time held it back (and said so)
    }
    store
        .interactions()
        .recordInteraction(
            m.getString("leadId"),
            contact.getString("campaignId"),
            contact.getString("variantId"),
            AfterEndRecord.FAILED,
            null,
            key + ": " + why,
            now);
    LOG.info("message {} of lead {} not sent: {}", key, m.getString("leadId"), why);
  }

  /**
   * Whether the lead's run ended paused: the latest of its timeline's pauses and resumes is a pause
   * (an operator's pause holds every message until a resume; an outcome ends it, no resume).
   */
  private boolean endedPaused(String leadId) {
    Document last =
        store
            .interactions()
            .collection()
            .find(
                Filters.and(
                    Filters.eq("meta.leadId", leadId), Filters.in("type", "paused", "resumed")))
            .sort(Sorts.descending("ts"))
            .limit(1)
            .first();
    return last != null && "paused".equals(last.getString("type"));
  }

  /**
   * Whether a person's message queued before the lead's run ended goes on now: the run ended with
   * an outcome (not a stop, an opt-out or a failure), the number may be contacted and the lead is
   * not being erased.
   */
  static boolean goesOn(Document contact) {
    Stage stage = stage(contact);
    return stage != null
        && !LeadStore.erasing(contact)
        && stage.terminal()
        && !NOT_AFTER.contains(stage)
        && !contact.getBoolean("doNotContact", false);
  }

  private static Stage stage(Document contact) {
    return Stage.of(contact == null ? null : contact.getString("stage"));
  }
}
