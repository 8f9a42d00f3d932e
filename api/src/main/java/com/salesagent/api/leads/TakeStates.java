package com.salesagent.api.leads;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.handoff.HandOffAudit;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.lead.Stage;
import java.util.Date;
import org.bson.Document;

/**
 * Where a rep's take of a lead stands, read from the lead's contact and hand-off, for {@link
 * UnfinishedAcceptances} and the lead's next take ({@link HandOffAcceptance}): between its two
 * writes ({@link #unfinished}), written ({@link #written}; an operator's naming no rep, {@link
 * #writtenForNobody}), and written but not told to the run ({@link #untold}: no audit entry). Reads
 * only: what is done about a take in each state is {@link UnfinishedAcceptances}'s.
 */
final class TakeStates {
  private final LeadStore store;

  TakeStates(LeadStore store) {
    this.store = store;
  }

  /** A take whose hand-off is written (accepted, naming a rep) and whose contact names nobody. */
  static boolean unfinished(Document contact, Document handoff) {
    return contact.getString("ownerId") == null
        && contact.get(HandOffActivitiesImpl.RELEASED_TO_AGENT) == null
        && accepted(handoff);
  }

  /** A take whose hand-off and contact name its rep: done, unless {@link #untold}. */
  static boolean written(Document contact, Document handoff) {
    return accepted(handoff) && handoff.getString("ownerId").equals(contact.getString("ownerId"));
  }

  /**
   * A take whose writes are done ({@link #written}) but whose audit entry is not: untold. A take
   * the run acted on (the contact in conversation or a meeting booked) was told; so was one audited
   * before the entry had the take's own id (an entry of the take's time, {@code
   * LeadAuditLog.record} before 04419df2): neither is told again, nor put back.
   */
  boolean untold(Document contact, Document handoff) {
    if (!written(contact, handoff) && !writtenForNobody(contact, handoff)) {
      return false;
    }
    String stage = contact.getString("stage");
    if (Stage.IN_CONVERSATION.key().equals(stage) || Stage.MEETING_BOOKED.key().equals(stage)) {
      return false;
    }
    String leadId = contact.getString("leadId");
    Date acceptedAt = handoff.getDate("acceptedAt");
    MongoCollection<Document> audit = store.database().getCollection(Collections.AUDIT_LOG);
    return audit.find(Filters.eq("_id", HandOffAudit.accepted(leadId, acceptedAt))).first() == null
        && audit
                .find(
                    Filters.and(
                        Filters.eq("leadId", leadId),
                        Filters.eq("action", "handoff_accepted"),
                        Filters.eq("at", acceptedAt)))
                .first()
            == null;
  }

  /**
   * An operator's take of a lead nobody holds, naming no rep: its hand-off accepted, naming nobody,
   * and the contact naming nobody. Done, unless {@link #untold}.
   */
  static boolean writtenForNobody(Document contact, Document handoff) {
    return handoff != null
        && "accepted".equals(handoff.getString("status"))
        && handoff.getString("ownerId") == null
        && handoff.getDate("acceptedAt") != null
        && contact.getString("ownerId") == null;
  }

  /** A take the lead's next take finishes first: {@link #unfinished} or {@link #untold}. */
  boolean toFinish(Document contact, Document handoff) {
    return unfinished(contact, handoff) || untold(contact, handoff);
  }

  /** The hand-off accepted, naming a rep, at a time. */
  static boolean accepted(Document handoff) {
    return handoff != null
        && "accepted".equals(handoff.getString("status"))
        && handoff.getString("ownerId") != null
        && handoff.getDate("acceptedAt") != null;
  }
}
