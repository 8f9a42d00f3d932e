package com.salesagent.api.webhook;

import static com.salesagent.api.webhook.StatusProcessor.ERASED_LEAD;
import static com.salesagent.api.webhook.StatusProcessor.MARKETING_STOPPED;
import static com.salesagent.api.webhook.StatusProcessor.STORED;
import static com.salesagent.api.webhook.StatusProcessor.changesNextAction;
import static com.salesagent.api.webhook.StatusProcessor.wasAmbiguous;

import com.salesagent.activities.Phones;
import com.salesagent.activities.knowledge.HeldDrafts;
import com.salesagent.activities.mongo.AfterEndReplies;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.workflows.lead.MessageStatusSignal;
import java.time.Instant;
import java.util.List;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a status does beyond its message, the timeline and the counters ({@link StatusProcessor},
 * one event or a batch): Meta's 131050 opts the number out, the lead's workflow is signalled when
 * it needs the status, and a person's failed answer puts back the after-end mark and the drafts it
 * superseded.
 */
final class StatusEffects {
  private static final Logger LOG = LoggerFactory.getLogger(StatusProcessor.class);

  private final AfterEndReplies afterEnd;
  private final HeldDrafts drafts;
  private final LeadSignaller signaller;
  private final OptOuts optOuts;

  StatusEffects(LeadStore store, LeadSignaller signaller, OptOuts optOuts) {
    this.afterEnd = new AfterEndReplies(store);
    this.drafts = new HeldDrafts(store.database());
    this.signaller = signaller;
    this.optOuts = optOuts;
  }

  /**
   * A status of a message whose lead is being erased ({@link LeadStore#ERASURE}) changes nothing of
   * the lead: no funnel, counter, timeline or signal. Meta's 131050 still suppresses the number
   * (and reaches the person's other leads).
   */
  String erasedLead(InboxEvent event) {
    Document item = event.item();
    Integer code = errorCode(item);
    if (code != null && code == MARKETING_STOPPED) {
      optOuts.optOut(
          event,
          item.getString("recipient_id"),
          Suppressions.MARKETING_STOPPED,
          event.at("timestamp"),
          null);
    }
    return ERASED_LEAD;
  }

  /** Meta's 131050 opts the number out; then the workflow is told if it needs to be. */
  String afterEffects(InboxEvent event, Document message, Integer code, boolean boundNow) {
    MessageStatusSignal signal = signalFor(event, message, code, boundNow);
    return signal == null ? STORED : signaller.status(message.getString("leadId"), signal);
  }

  /**
   * Meta's 131050 opts the number out; answers the signal the lead's workflow needs for this
   * status, or null when MongoDB is enough.
   */
  MessageStatusSignal signalFor(
      InboxEvent event, Document message, Integer code, boolean boundNow) {
    Document item = event.item();
    String wamid = item.getString("id");
    String status = item.getString("status");
    Instant at = event.at("timestamp");
    if (code != null && code == MARKETING_STOPPED) {
      LOG.info(
          "{} stopped marketing messages (131050)", Phones.mask(item.getString("recipient_id")));
      optOuts.optOut(
          event, item.getString("recipient_id"), Suppressions.MARKETING_STOPPED, at, null);
    }
    if (!changesNextAction(status, message) && !boundNow && !wasAmbiguous(message)) {
      return null;
    }
    return new MessageStatusSignal(wamid, status, at, code, message.getString("idempotencyKey"));
  }

  /**
   * A person's answer that failed: the lead back on the "wrote after the end" list, and the drafts
   * it superseded held again ({@link HeldDrafts#answerFailed}); neither for another message.
   */
  void answerFailed(String wamid) {
    afterEnd.failed(wamid);
    drafts.answerFailed(wamid);
  }

  static Integer errorCode(Document item) {
    List<Document> errors = item.getList("errors", Document.class, List.of());
    return errors.isEmpty() ? null : errors.get(0).getInteger("code");
  }

  static String errorTitle(Document item) {
    List<Document> errors = item.getList("errors", Document.class, List.of());
    return errors.isEmpty() ? null : errors.get(0).getString("title");
  }
}
