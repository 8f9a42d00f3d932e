package com.salesagent.api.leads;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.workflows.afterend.AfterEndMessage;
import com.salesagent.workflows.lead.LeadWorkflow;
import com.salesagent.workflows.lead.OwnerReply;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * A person's message, once queued ({@link OwnerMessages}), handed to what sends it: the lead's live
 * run ({@code ownerReply} signal), or, for a lead whose run ended, its own after-end workflow
 * ({@link AfterEndMessages}). A request whose signal Temporal may have taken though its answer was
 * lost is 503, saying that the same request again is safe; a template request is watched ({@link
 * PendingTemplateRequests}) from the moment the run was (or may have been) told of it.
 */
final class OwnerMessageDelivery {
  private final LeadStore store;
  private final Function<String, LeadWorkflow> lead;
  private final AfterEndMessages afterEnd;

  OwnerMessageDelivery(
      LeadStore store, Function<String, LeadWorkflow> lead, AfterEndMessages afterEnd) {
    this.store = store;
    this.lead = lead;
    this.afterEnd = afterEnd;
  }

  /**
   * Hands the message {@code key} of the request {@code requestId} on: to the after-end workflow of
   * an {@code ended} lead, else to the live run; {@code again} when it is the same request again
   * (told on only while the message is still to go).
   */
  void deliver(
      String leadId,
      Document contact,
      String key,
      String requestId,
      boolean template,
      boolean again,
      boolean ended,
      ActingOwner actor,
      Instant now) {
    // The same request again is the message queued then: its time is what the "wrote after the
    // end" list weighs an answer by (a retry must not answer what the lead wrote since).
    Document stored = again && !template ? store.messages().messageByKey(key) : null;
    Instant queuedAt =
        stored != null && stored.getDate("createdAt") != null
            ? stored.getDate("createdAt").toInstant()
            : now;
    AfterEndMessage afterTheEnd =
        new AfterEndMessage(
            leadId, contact.getString("campaignId"), key, actor.ownerId(), actor.label(), queuedAt);
    if (ended) {
      if (stored == null || stillToGo(stored)) {
        afterEnd.start(afterTheEnd);
      }
    } else if (stored == null || forTheRun(stored)) {
      // The same request again for a message that went (or failed, or is its own workflow's) is
      // not told to the live run, which sent it again as replayed and recorded it twice (a lead
      // that wrote again since its message went to it after its run ended has a new run).
      try {
        lead.apply(leadId)
            .ownerReply(
                new OwnerReply(
                    key,
                    template ? OwnerReply.TEMPLATE : OwnerReply.TEXT,
                    actor.ownerId(),
                    actor.label()));
        if (template) {
          // Only a request the run was told of (or may have been: below) is watched: one whose
          // signal failed for sure (5xx) is the rep's to send again, and the sweep must not tell
          // the run a second one.
          PendingTemplateRequests.requested(
              store, leadId, key, actor.label(), actor.ownerId(), now);
        } else {
          answered(key, null);
        }
      } catch (WorkflowNotFoundException e) {
        if (template) {
          throw e;
        }
        // The run ended after the contact was read: where it ended decides, as for a message a
        // run left behind. After an outcome, the message goes as to any lead whose run ended;
        // after a stop, an opt-out or a failure (or an end not recorded yet), the sweep holds it
        // back or decides once the end is recorded ("never after stop").
        if (PendingPersonMessages.goesOn(store.contact(leadId))) {
          answered(key, Updates.set(PendingPersonMessages.AFTER_END, true));
          afterEnd.start(afterTheEnd);
        } else {
          answered(key, null);
        }
      } catch (RuntimeException e) {
        if (!answerLost(e)) {
          throw e;
        }
        if (!template) {
          // Temporal may have the signal: the run may send the message. The rep is told so, and
          // that the same request again is safe (the run takes a key once); a new request could
          // send the text twice. The message stays the rep's to confirm (the sweep leaves it).
          throw new ApiException(
                  503,
                  "the lead's workflow did not confirm the message: it may go",
                  List.of(
                      new FieldError(
                          "requestId",
                          "send this request again with the same requestId: it goes once; a new"
                              + " request could send the text twice")))
              .with("requestId", requestId)
              .with("idempotencyKey", key);
        }
        // Temporal may have taken the signal and lost only its answer: the run may have the
        // request. Watched under its key like one it was told of, so a run that ends before
        // taking it is said not to have sent it; the sweep tells a live run the same key again,
        // which a run that has it ignores. The rep is told so: the same request again (its
        // requestId) is safe, a new one would be a second template.
        PendingTemplateRequests.requested(store, leadId, key, actor.label(), actor.ownerId(), now);
        throw new ApiException(
                503,
                "the lead's workflow did not confirm the template request: it may have gone; it"
                    + " is watched (told to the run again until the run takes it, and the lead's"
                    + " timeline says so if it does not go)",
                List.of(
                    new FieldError(
                        "requestId",
                        "send this request again with the same requestId to confirm it; a new"
                            + " request could send a second template")))
            .with("requestId", requestId)
            .with("idempotencyKey", key);
      }
    }
  }

  /**
   * Whether a message queued before to the ended lead still has to go (only composed: its first
   * request's start failed); one that went, failed or is lost is never started again, and one
   * queued for a live run that ended before sending it is the sweep's ({@link
   * PendingPersonMessages}: sent on, or held back after a stop).
   */
  private static boolean stillToGo(Document message) {
    return message.getBoolean(PendingPersonMessages.AFTER_END, false)
        && "composed".equals(message.getString("status"))
        && message.getString("wamid") == null;
  }

  /**
   * Whether a message queued before may still be the live run's to send: only composed, not sent
   * (no wamid), not an ended lead's message, which its own workflow sends ({@link
   * AfterEndMessages}).
   */
  private static boolean forTheRun(Document message) {
    return !message.getBoolean(PendingPersonMessages.AFTER_END, false)
        && "composed".equals(message.getString("status"))
        && message.getString("wamid") == null;
  }

  /**
   * The request that queued the message is answered (202, or 200 for the same request again): the
   * message is the sweep's from now ({@link PendingPersonMessages#REQUEST_OPEN}); {@code also} in
   * the same write.
   */
  private void answered(String key, Bson also) {
    Bson open = Updates.unset(PendingPersonMessages.REQUEST_OPEN);
    store
        .messages()
        .collection()
        .updateOne(
            Filters.eq("idempotencyKey", key), also == null ? open : Updates.combine(also, open));
  }

  /**
   * Whether a call to Temporal failed after the server may have acted on it (its answer was lost: a
   * deadline, the connection gone, an internal or unknown error), rather than refused for sure.
   */
  static boolean answerLost(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s) {
        Status.Code code = s.getStatus().getCode();
        return code == Status.Code.DEADLINE_EXCEEDED
            || code == Status.Code.UNAVAILABLE
            || code == Status.Code.UNKNOWN
            || code == Status.Code.CANCELLED
            || code == Status.Code.INTERNAL;
      }
    }
    return false;
  }
}
