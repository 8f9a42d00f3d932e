package com.salesagent.activities.logging;

import com.salesagent.activities.Phones;
import com.salesagent.workflows.lead.LeadWorkflow;
import org.slf4j.MDC;

/**
 * What a log line is about, in the MDC: the lead (an opaque id, never a phone or a name), its
 * workflow, the activity or the webhook event. The text format prints the workflow id; the JSON
 * format carries every key.
 */
public final class LogContext {
  public static final String LEAD_ID = "leadId";
  public static final String WORKFLOW_ID = "workflowId";
  public static final String ACTIVITY = "activity";
  public static final String EVENT = "event";
  private static final String LEAD_PREFIX = LeadWorkflow.workflowId("");

  private LogContext() {}

  /** A lead's lines: its id and its workflow's. */
  public static void lead(String leadId) {
    if (leadId != null) {
      MDC.put(LEAD_ID, leadId);
      MDC.put(WORKFLOW_ID, LeadWorkflow.workflowId(leadId));
    }
  }

  /** An activity's lines: its workflow (and lead, for a lead's workflow) and its type. */
  public static void activity(String workflowId, String activityType) {
    MDC.put(WORKFLOW_ID, workflowId);
    MDC.put(ACTIVITY, activityType);
    if (workflowId != null && workflowId.startsWith(LEAD_PREFIX)) {
      MDC.put(LEAD_ID, workflowId.substring(LEAD_PREFIX.length()));
    }
  }

  /** A webhook event's lines (its key names the kind and the wamid or message id). */
  public static void event(String eventKey) {
    MDC.put(EVENT, safe(eventKey));
  }

  /**
   * An event key fit for a log: a preference event's key holds the sender's WhatsApp id (a phone
   * number), masked here; status and message keys hold Meta's message ids, whose bytes hold the
   * number too: only their ends are kept ({@link Phones#wamid}).
   */
  public static String safe(String eventKey) {
    if (eventKey != null && (eventKey.startsWith("status:") || eventKey.startsWith("message:"))) {
      String[] parts = eventKey.split(":", 3);
      return parts.length < 2
          ? eventKey
          : parts[0] + ":" + Phones.wamid(parts[1]) + (parts.length == 3 ? ":" + parts[2] : "");
    }
    if (eventKey == null || !eventKey.startsWith("preference:")) {
      return eventKey;
    }
    String[] parts = eventKey.split(":", 3);
    return parts.length < 2
        ? eventKey
        : "preference:" + Phones.mask(parts[1]) + (parts.length == 3 ? ":" + parts[2] : "");
  }

  public static void clear() {
    MDC.remove(LEAD_ID);
    MDC.remove(WORKFLOW_ID);
    MDC.remove(ACTIVITY);
    MDC.remove(EVENT);
  }
}
