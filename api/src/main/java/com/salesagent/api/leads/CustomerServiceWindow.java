package com.salesagent.api.leads;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.lead.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

  /**
   * When the lead's number last wrote to us (its latest stored reply to this lead or to another
   * lead of the same number on the same business number), or null. WhatsApp's window is the
   * number's: after "Start a new conversation" the person wrote to the ended lead, and the new
   * lead, whose run is the conversation now, could take no free text though the window was open.
   */
  Instant lastInbound(Document contact) {
    Document last =
        store
            .feedback()
            .find(Filters.in("leadId", leadsOfNumber(contact)))
            .sort(Sorts.descending("receivedAt"))
            .limit(1)
            .first();
    Date at = last == null ? null : last.getDate("receivedAt");
    return at == null ? null : at.toInstant();
  }

  /** The leads of the contact's number on its business number (the contact's own first). */
  List<String> leadsOfNumber(Document contact) {
    List<String> ids = new ArrayList<>();
    ids.add(contact.getString("leadId"));
    for (Document other : sameNumber(contact)) {
      ids.add(other.getString("leadId"));
    }
    return ids;
  }

  /**
   * A live lead of the contact's number (on its business number) besides the contact, or null: the
   * number's conversation once the contact's run ended and the number was enrolled again.
   */
  Document liveLeadBeside(Document contact) {
    for (Document other : sameNumber(contact)) {
      Stage stage = Stage.of(other.getString("stage"));
      if (stage != null && !stage.terminal() && !LeadStore.erasing(other)) {
        return other;
      }
    }
    return null;
  }

  private List<Document> sameNumber(Document contact) {
    String phone = contact.getString("phone");
    if (phone == null) {
      return List.of();
    }
    String sender = contact.getString("senderId");
    List<Document> same = new ArrayList<>();
    for (Document other :
        store
            .contacts()
            .find(
                Filters.and(
                    Filters.eq("phone", phone), Filters.ne("leadId", contact.getString("leadId"))))
            .sort(Sorts.descending("enrolledAt"))
            .limit(50)) {
      String theirs = other.getString("senderId");
      if (sender == null || theirs == null || sender.equals(theirs)) {
        same.add(other);
      }
    }
    return same;
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
