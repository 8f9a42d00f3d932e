package com.salesagent.api.leads;

import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/** A person's action on one lead, in the audit log: what, by which operator, and its detail. */
final class LeadAuditLog {
  private LeadAuditLog() {}

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
