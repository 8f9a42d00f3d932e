package com.salesagent.activities.lead;

import com.salesagent.activities.mongo.AfterEndReplies;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.afterend.AfterEndActivities;
import com.salesagent.workflows.afterend.AfterEndRecord;
import java.time.Clock;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The timeline and the "wrote after the end" list for a person's message to an ended lead. */
public final class AfterEndActivitiesImpl implements AfterEndActivities {
  private static final Logger LOG = LoggerFactory.getLogger(AfterEndActivitiesImpl.class);

  private final LeadStore store;
  private final AfterEndReplies afterEnd;
  private final Clock clock;

  public AfterEndActivitiesImpl(LeadStore store, Clock clock) {
    this.store = store;
    this.afterEnd = new AfterEndReplies(store);
    this.clock = clock;
  }

  @Override
  public void recorded(AfterEndRecord record) {
    Document contact = store.contact(record.leadId());
    if (contact == null) {
      LOG.info("{} for lead {} not recorded: the lead is gone", record.type(), record.leadId());
      return;
    }
    // A retried attempt finds its event: the timeline keeps one per message and outcome.
    boolean again =
        record.wamid() != null
            ? store
                .interactions()
                .hasInteraction(record.leadId(), record.type(), "wamid", record.wamid())
            : store
                .interactions()
                .hasInteraction(record.leadId(), record.type(), "detail", record.detail());
    if (again) {
      if (AfterEndRecord.SENT.equals(record.type())) {
        afterEnd.answered(record.leadId(), record.queuedAt(), record.wamid());
      }
      return;
    }
    store
        .interactions()
        .recordInteraction(
            record.leadId(),
            record.campaignId(),
            contact.getString("variantId"),
            record.type(),
            record.wamid(),
            record.detail(),
            clock.instant());
    if (AfterEndRecord.SENT.equals(record.type())) {
      afterEnd.answered(record.leadId(), record.queuedAt(), record.wamid());
    }
  }
}
