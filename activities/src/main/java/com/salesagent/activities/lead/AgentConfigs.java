package com.salesagent.activities.lead;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.Collections;
import java.util.List;
import org.bson.Document;

/**
 * The default agent configuration (null: none) and a campaign's own (null: none), read together in
 * one query: a step that needs both (the variant's assignment: the arm guard's list is the
 * default's, the strategy the campaign's) asks MongoDB once.
 */
record AgentConfigs(Document defaults, Document campaign) {
  static AgentConfigs read(MongoDatabase db, String campaignId) {
    Document defaults = null;
    Document campaign = null;
    for (Document c :
        db.getCollection(Collections.AGENT_CONFIGURATIONS)
            .find(Filters.in("configId", List.of("campaign:" + campaignId, "default")))) {
      if ("default".equals(c.getString("configId"))) {
        defaults = c;
      } else {
        campaign = c;
      }
    }
    return new AgentConfigs(defaults, campaign);
  }

  /** The campaign's agent configuration, else the default one, else an empty one. */
  Document effective() {
    return campaign != null ? campaign : defaults != null ? defaults : new Document();
  }
}
