package com.salesagent.api.leads;

import com.salesagent.activities.handoff.HandOffAudit;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/** A person's action on one lead, in the audit log: what, by which operator, and its detail. */
final class LeadAuditLog {
  private LeadAuditLog() {}

  /**
   * As {@link #record}, once under {@code id} ({@link HandOffAudit}): a step two requests may both
   * finish is audited by the first.
   */
  static void recordOnce(
      LeadStore store,
      String id,
      String operator,
      String leadId,
      String action,
      String detail,
      Instant at) {
    HandOffAudit.once(
        store.database().getCollection(Collections.AUDIT_LOG),
        id,
        new Document("action", action)
            .append("by", operator)
            .append("leadId", leadId)
            .append("detail", detail)
            .append("at", Date.from(at)));
  }

  static void record(
      LeadStore store, String operator, String leadId, String action, String detail, Instant at) {
    store
        .database()
        .getCollection(Collections.AUDIT_LOG)
        .insertOne(
            new Document("action", action)
                .append("by", operator)
                .append("leadId", leadId)
                .append("detail", detail)
                .append("at", Date.from(at)));
  }
}
