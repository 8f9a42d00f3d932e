package com.salesagent.api.senders;

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
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the leads that wait for a business number an operator resumed: those pinned to it ({@code
 * contacts.senderId}) whose stage is {@code waiting_sender}, found in MongoDB in lead-id pages and
 * signalled ({@code senderResumed}), at most {@link #MAX} per call. The rest (and any signal that
 * failed) keep their own schedule: each checks its number again within an hour at most; resuming
 * again wakes the next ones.
 */
public final class WaitingLeads {
  private static final Logger LOG = LoggerFactory.getLogger(WaitingLeads.class);
  static final int PAGE = 100;
  static final int MAX = 1000;

  /** What a wake-up reached: leads signalled, leads whose workflow had ended, more left waiting. */
  public record Woken(int signalled, int ended, boolean more) {}

  /** How one lead is told: its workflow's {@code senderResumed} signal. */
  interface Signal {
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

  WaitingLeads(MongoDatabase db, Signal signal, int page, int max) {
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
