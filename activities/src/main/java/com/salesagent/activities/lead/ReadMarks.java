package com.salesagent.activities.lead;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Messages;
import com.salesagent.workflows.lead.MessageStatusSignal;
import java.util.Date;
import org.bson.Document;

/**
 * A lead's read receipt, for {@link LeadActivitiesImpl#readReceipt}: the message marked as asked
 * about, and when it was read (or first reacted to, the earlier of the two).
 */
final class ReadMarks {
  private final LeadStore store;

  ReadMarks(LeadStore store) {
    this.store = store;
  }

  MessageStatusSignal readReceipt(String leadId, String wamid) {
    // One atomic write: a read stored before it is answered here, a read stored after it sees the
    // mark and is signalled (the webhook checks after its own write, StatusBatches). By the wamid's
    // unique index; a message of another lead matches nothing and stays unmarked.
    Document message =
        store
            .messages()
            .collection()
            .findOneAndUpdate(
                Filters.and(Filters.eq("wamid", wamid), Filters.eq("leadId", leadId)),
                Updates.set(Messages.READ_SIGNAL, true),
                new FindOneAndUpdateOptions()
                    .projection(
                        Projections.include(
                            "statusAt.read",
                            Messages.REACTED_AT,
                            Messages.AMBIGUOUS,
                            "reconciledBy"))
                    .returnDocument(ReturnDocument.AFTER));
    Document at = message == null ? null : message.get("statusAt", Document.class);
    Date read = at == null ? null : at.getDate("read");
    // A reaction to it proves it read too (read receipts can be off): the earlier of the two.
    Date reacted = message == null ? null : message.getDate(Messages.REACTED_AT);
    if (message != null
        && reacted == null
        && (message.getBoolean(Messages.AMBIGUOUS, false) || message.containsKey("reconciledBy"))) {
      // Its send's answer was lost and its wamid stored late: a reaction that came before found
      // no message to mark. Its feedback names the message.
      reacted = firstReaction(leadId, wamid);
    }
    if (reacted != null && (read == null || reacted.before(read))) {
      read = reacted;
    }
    return read == null ? null : new MessageStatusSignal(wamid, "read", read.toInstant(), null);
  }

  /** When the lead first reacted to this message, from the reactions stored as its feedback. */
  private Date firstReaction(String leadId, String wamid) {
    Document first =
        store
            .feedback()
            .find(
                Filters.and(
                    Filters.eq("wamid", wamid),
                    Filters.eq("leadId", leadId),
                    Filters.eq("type", "reaction")))
            .projection(Projections.include("receivedAt"))
            .sort(com.mongodb.client.model.Sorts.ascending("receivedAt"))
            .first();
    return first == null ? null : first.getDate("receivedAt");
  }
}
