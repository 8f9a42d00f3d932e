package com.salesagent.api.webhook;

import com.salesagent.activities.mongo.Suppressions;
import org.bson.Document;

/**
 * Meta's {@code user_preferences} change: a lead who stopped marketing messages from the business
 * in WhatsApp's own interface is opted out like a STOP reply; other preferences are recorded only.
 */
final class PreferenceProcessor {
  private final OptOuts optOuts;

  PreferenceProcessor(OptOuts optOuts) {
    this.optOuts = optOuts;
  }

  String process(InboxEvent event) {
    Document item = event.item();
    if (!"stop".equalsIgnoreCase(item.getString("value"))) {
      return "preference_" + item.getString("value");
    }
    return optOuts.optOut(
        event, item.getString("wa_id"), Suppressions.USER_PREFERENCES, event.at("timestamp"), null);
  }
}
