package com.salesagent.api.dashboard;

import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bson.Document;

/**
 * What a stored change tells the dashboard: a message's status moved (sent, delivered, read,
 * failed), a reply came (replied, opted_out), a lead was enrolled, told of its number's suppression
 * (opted_out) or given an outcome (converted, lost), or Meta's marketing stop arrived (opted_out).
 */
final class FeedEvents {
  /** The last status told of each message (by its idempotency key), so a status is told once. */
  private final Map<String, String> lastStatus =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> e) {
              return size() > 50_000;
            }
          });

  /**
   * The feed event's fields for a change ({@link FeedSource.Changes}), or null when it is no news.
   */
  Map<String, Object> of(String collection, boolean inserted, Document doc) {
    Map<String, Object> e = new LinkedHashMap<>();
    switch (collection) {
      case Collections.MESSAGES -> {
        String status = doc.getString("status");
        String kind = "accepted".equals(status) ? "sent" : status;
        if (!List.of("sent", "delivered", "read", "failed").contains(kind)) {
          return null;
        }
        String key = doc.getString("idempotencyKey");
        if (Objects.equals(lastStatus.put(key, kind), kind)) {
          return null; // a change that did not move the status
        }
        e.put("kind", kind);
        e.put("leadId", doc.getString("leadId"));
        e.put("variantId", doc.getString("variantId"));
        e.put("purpose", doc.getString("purpose"));
      }
      case Collections.FEEDBACK -> {
        if (!inserted) {
          return null;
        }
        e.put("kind", "opt_out".equals(doc.getString("intent")) ? "opted_out" : "replied");
        e.put("leadId", doc.getString("leadId"));
        e.put("intent", doc.getString("intent"));
        e.put("text", doc.getString("text"));
      }
      case Collections.CONTACTS, FeedSource.SUPPRESSED -> {
        if (FeedSource.SUPPRESSED.equals(collection) || !inserted) {
          // A lead told of its number's suppression (the only contacts update watched or polled).
          if (doc.get(LeadStore.SUPPRESSED_AT) == null) {
            return null;
          }
          e.put("kind", "opted_out");
          e.put("source", doc.getString("doNotContactSource"));
        } else {
          e.put("kind", "enrolled");
        }
        e.put("leadId", doc.getString("leadId"));
        e.put("campaignId", doc.getString("campaignId"));
      }
      case FeedSource.OUTCOME -> {
        Document outcome = doc.get("outcome", Document.class);
        String value = outcome == null ? null : outcome.getString("value");
        if (!"converted".equals(value) && !"lost".equals(value)) {
          return null;
        }
        e.put("kind", value);
        e.put("leadId", doc.getString("leadId"));
        e.put("campaignId", doc.getString("campaignId"));
      }
      case Collections.WEBHOOK_EVENTS -> {
        Document item = doc.get("item", Document.class);
        if (!inserted
            || !"preference".equals(doc.getString("kind"))
            || item == null
            || !"stop".equalsIgnoreCase(item.getString("value"))) {
          return null;
        }
        e.put("kind", "opted_out");
        e.put("source", "marketing_preference");
      }
      default -> {
        return null;
      }
    }
    return e;
  }
}
