package com.salesagent.activities.lead;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.Stage;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the leads that wait for a business number made usable again (an operator's resume, Meta's
 * notification that its quality recovered or its account is back, or a send the worker let through
 * as the number's probe and Meta accepted): those pinned to it ({@code contacts.senderId}) whose
 * stage is {@code waiting_sender}, found in MongoDB in lead-id pages and signalled ({@code
 * senderResumed}), at most {@link #MAX} per call. The rest (and any signal that failed) keep their
 * own schedule: each checks its number again within an hour at most; resuming again wakes the next
 * ones. Here, not in the API, because both processes wake: the API (resume, webhooks) and the
 * worker (a probe's success, in {@link MessagingActivitiesImpl}).
 */
public final class WaitingLeads {
  private static final Logger LOG = LoggerFactory.getLogger(WaitingLeads.class);
  public static final int PAGE = 100;
  public static final int MAX = 1000;

  /** What a wake-up reached: leads signalled, leads whose workflow had ended, more left waiting. */
  public record Woken(int signalled, int ended, boolean more) {}

  /** How one lead is told: its workflow's {@code senderResumed} signal. */
  public interface Signal {
    void senderResumed(String leadId, String phoneNumberId);
  }

  private final MongoCollection<Document> contacts;
  private final Signal signal;
  private final int page;
  private final int max;

  public WaitingLeads(MongoDatabase db, WorkflowClient temporal) {
    this(
        db,
        (leadId, number) ->
            temporal
                .newWorkflowStub(LeadWorkflow.class, LeadWorkflow.workflowId(leadId))
                .senderResumed(number),
        PAGE,
        MAX);
  }

  public WaitingLeads(MongoDatabase db, Signal signal, int page, int max) {
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.signal = signal;
    this.page = page;
    this.max = max;
  }

  /** The leads pinned to the number that wait for it now. */
  static Bson waitingFor(String phoneNumberId) {
    return Filters.and(
        Filters.eq("senderId", phoneNumberId), Filters.eq("stage", Stage.WAITING_SENDER.key()));
  }

  /**
   * {@link #wake} on {@code executor}, for callers that must not wait for up to {@link #MAX}
   * signals (Meta's webhook is answered at once). A number already queued is not queued twice (its
   * wake finds the leads that came meanwhile); a full queue or a stopped executor leaves the leads
   * to their own check within the hour.
   */
  public Consumer<String> inBackground(Executor executor) {
    Set<String> queued = ConcurrentHashMap.newKeySet();
    return phoneNumberId -> {
      if (!queued.add(phoneNumberId)) {
        return;
      }
      try {
        executor.execute(
            () -> {
              queued.remove(phoneNumberId);
              try {
                Woken woken = wake(phoneNumberId);
                LOG.info("number {} usable again: waiting leads woken {}", phoneNumberId, woken);
              } catch (RuntimeException e) {
                // MongoDB away: the leads keep their own schedule.
                LOG.warn("waking the leads of number {} failed: {}", phoneNumberId, e.toString());
              }
            });
      } catch (RejectedExecutionException e) {
        queued.remove(phoneNumberId);
        LOG.warn("waking the leads of number {} not queued: {}", phoneNumberId, e.toString());
      }
    };
  }

  public Woken wake(String phoneNumberId) {
    int signalled = 0;
    int ended = 0;
    String after = null;
    while (signalled + ended < max) {
      Bson filter =
          after == null
              ? waitingFor(phoneNumberId)
              : Filters.and(waitingFor(phoneNumberId), Filters.gt("leadId", after));
      List<String> leads = new ArrayList<>(page);
      for (Document c :
          contacts
              .find(filter)
              .projection(Projections.include("leadId"))
              .sort(Sorts.ascending("leadId"))
              .limit(Math.min(page, max - signalled - ended))) {
        leads.add(c.getString("leadId"));
      }
      if (leads.isEmpty()) {
        return new Woken(signalled, ended, false);
      }
      for (String leadId : leads) {
        try {
          signal.senderResumed(leadId, phoneNumberId);
          signalled++;
        } catch (WorkflowNotFoundException e) {
          ended++; // its workflow ended meanwhile: nothing to wake
        } catch (WorkflowException e) {
          // Temporal away: the number is resumed all the same; these leads keep their schedule.
          LOG.warn("waking the leads of number {} stopped: {}", phoneNumberId, e.toString());
          return new Woken(signalled, ended, true);
        }
      }
      after = leads.get(leads.size() - 1);
    }
    return new Woken(
        signalled,
        ended,
        contacts.countDocuments(Filters.and(waitingFor(phoneNumberId), Filters.gt("leadId", after)))
            > 0);
  }
}
