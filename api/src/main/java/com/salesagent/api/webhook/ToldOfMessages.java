package com.salesagent.api.webhook;

import com.salesagent.activities.mongo.AfterEndReplies;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Messages;
import com.salesagent.activities.notify.Notifications;
import com.salesagent.activities.triage.Triage;
import com.salesagent.workflows.afterend.AfterEndDraft;
import com.salesagent.workflows.lead.MessageStatusSignal;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/**
 * Who hears of a lead's message besides its workflow ({@link MessageProcessor}): the owner of a
 * snoozed lead, the team and the "Wrote after the end" list for a lead whose run ended, and a
 * workflow that must be told a reaction as the read of its message.
 */
final class ToldOfMessages {
  private final LeadStore store;
  private final LeadSignaller signaller;
  private final Notifications notifications;
  private final AfterEndReplies afterEnd;
  private final java.time.Clock clock;

  ToldOfMessages(
      LeadStore store,
      LeadSignaller signaller,
      Notifications notifications,
      java.time.Clock clock) {
    this.store = store;
    this.clock = clock;
    this.signaller = signaller;
    this.notifications = notifications;
    this.afterEnd = new AfterEndReplies(store);
  }

  /**
   * A lead an owner holds said "not now" (its workflow snoozes it: off the Hand-offs queue, out of
   * the owner's load, and records no message of its own), or a lead an owner held, snoozed, wrote
   * again (its workflow's "interested" is no news the second time in a run): the owner hears it
   * here, {@code lead.replied_again} as for any later message of their lead (once per message).
   */
  void ownerOfSnoozedLead(Document contact, String messageId, Instant until) {
    String ownerId = contact.getString("ownerId");
    String stage = contact.getString("stage");
    // A contact without a stage (written before its workflow's first record) is none an owner
    // holds; Set.of's contains(null) would throw (every media message of such a lead failed).
    boolean held =
        stage != null && com.salesagent.activities.handoff.Owners.HELD_STAGES.contains(stage);
    boolean snoozed = "snoozed".equals(stage);
    if (ownerId == null || !(held && until != null || snoozed)) {
      return;
    }
    notifications.emit(
        "lead.replied_again",
        contact.getString("leadId"),
        contact.getString("campaignId"),
        contact.getString("stage"),
        until == null ? null : "not now, until " + until,
        ownerId,
        messageId);
  }

  /**
   * What a person answers after a lead's run ended, as its run would have had a draft for:
   * interest, an objection, a question or anything else that needs a person (not a no, not "not
   * now").
   */
  static final java.util.Set<String> DRAFTED_AFTER_END =
      java.util.Set.of("interested", "objection", "other");

  /**
   * A lead whose run ended and that no new run takes up (stopped, converted, opted out, failed, or
   * a reply that ends it again) wrote: the message is stored, and its owner and the CRM are told
   * ({@code lead.replied_again}, once per message), instead of it waiting unseen on the lead page;
   * it is on the dashboard's "Wrote after the end" list until a person answers it ({@link
   * AfterEndReplies}), with the agent's draft answer when a person answers such a message. A
   * closing (thanks, bye, ok alone: {@link Triage#CLOSING}) is none of that: stored and on the
   * lead's timeline, nothing to answer.
   */
  void afterEnd(Document contact, String messageId, String intent, Instant at) {
    if (Triage.CLOSING.equals(intent)) {
      return;
    }
    afterEnd.wrote(contact.getString("leadId"), at, messageId, clock.instant());
    if (DRAFTED_AFTER_END.contains(intent)) {
      signaller.draftAfterEnd(
          new AfterEndDraft(
              contact.getString("leadId"), contact.getString("campaignId"), messageId));
    }
    notifications.emit(
        "lead.replied_again",
        contact.getString("leadId"),
        contact.getString("campaignId"),
        contact.getString("stage"),
        "wrote after the lead ended " + contact.getString("stage"),
        contact.getString("ownerId"),
        messageId);
  }

  /**
   * A reaction to our message without a read receipt for it: the lead's workflow is told the read
   * when it would be told a receipt's ({@link StatusProcessor#changesNextAction}: it has looked
   * already, or it does not look); a workflow still to look finds the reaction then. Repeated on a
   * replayed event, which the workflow applies once.
   */
  void readByReaction(String wamid) {
    Document message = store.messages().messageByWamid(wamid);
    Document statusAt = message == null ? null : message.get("statusAt", Document.class);
    Date reacted = message == null ? null : message.getDate(Messages.REACTED_AT);
    if (reacted == null
        || (statusAt != null && statusAt.getDate("read") != null)
        || !StatusProcessor.changesNextAction("read", message)) {
      return;
    }
    signaller.status(
        message.getString("leadId"),
        new MessageStatusSignal(wamid, "read", reacted.toInstant(), null));
  }
}
