package com.salesagent.api.leads;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * WhatsApp's customer-service window as a person's message to a lead checks it: free text goes only
 * within the campaign's window (24 h unless configured) of the lead's latest message.
 */
final class CustomerServiceWindow {
  private final LeadStore store;

  CustomerServiceWindow(LeadStore store) {
    this.store = store;
  }

  /** When the lead last wrote (its latest stored reply), or null. */
  Instant lastInbound(String leadId) {
    Document last =
        store
            .feedback()
            .find(Filters.eq("leadId", leadId))
            .sort(Sorts.descending("receivedAt"))
            .limit(1)
            .first();
    Date at = last == null ? null : last.getDate("receivedAt");
    return at == null ? null : at.toInstant();
  }

  /** The campaign's customer-service window (agent_configurations), 24 h by default. */
  Duration of(Document contact) {
    for (String id : List.of("campaign:" + contact.getString("campaignId"), "default")) {
      Document config =
          store
              .database()
              .getCollection(Collections.AGENT_CONFIGURATIONS)
              .find(Filters.eq("configId", id))
              .first();
      if (config != null && config.getString("customerServiceWindow") != null) {
        try {
          return Duration.parse(config.getString("customerServiceWindow"));
        } catch (RuntimeException e) {
          break;
        }
      }
    }
    return Duration.ofHours(24);
  }
}
