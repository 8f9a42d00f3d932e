package com.salesagent.api.leads;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.salesagent.activities.lead.LeadActivitiesImpl;
import com.salesagent.activities.lead.QuietHours;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.lead.LeadState;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * What a lead does next and when, as the lead page and the leads list show it: a lead waiting for a
 * variant says so, a read the run has not looked up yet makes the read follow-up next, and a send
 * due inside the lead's quiet hours is shown at the time it will really go (the workflow's own
 * state too, with {@code sendsAt} beside it).
 */
record NextActions(LeadStore store, ObjectMapper mapper) {
  /**
   * The next actions that send a message when due: the workflow holds that send until the lead's
   * quiet hours end (Sending.awaitWindow), so the time it goes is shown, not the raw due time.
   */
  static final Set<String> SENDING_ACTIONS =
      Set.of("follow_up_read", "follow_up_unread", "resume_sequence", "re_engage");

  /**
   * What the lead does next as an operator reads it: a lead whose segment has no enabled variant
   * waits for one (its assignment is retried with back-off, {@code contacts.waitingForVariant}),
   * whatever its stored next action says.
   */
  static String nextAction(Document contact) {
    String waiting = contact.getString(LeadActivitiesImpl.WAITING_FOR_VARIANT);
    return waiting != null
        ? "waiting: no enabled prompt variant for segment " + waiting
        : contact.getString("nextAction");
  }

  /**
   * The unread follow-up the contact says is next, when the message it is timed from was read: the
   * run does not hear of that read until it looks ({@code ReadReceipts}, readNoReplyDelay after the
   * send), so until then the contact said "unread" and the unread due time. The page shows what the
   * run will do: the read follow-up, readNoReplyDelay (the segment's) after the read (shown, not
   * stored). A person's message's read is signalled, and a read looked up already was: theirs are
   * the contact's.
   */
  void readNotLookedUpYet(Document contact, List<Document> messages) {
    if (!"follow_up_unread".equals(contact.getString("nextAction"))) {
      return;
    }
    Document last = null;
    for (int i = messages.size() - 1; i >= 0 && last == null; i--) {
      Document m = messages.get(i);
      boolean person = "person".equals(m.getString("composer"));
      if (m.getString("wamid") != null && !(person && "failed".equals(m.getString("status")))) {
        last = m;
      }
    }
    if (last == null
        || "person".equals(last.getString("composer"))
        || last.getBoolean(com.salesagent.activities.mongo.Messages.READ_SIGNAL, false)) {
      return;
    }
    Document statusAt = last.get("statusAt", Document.class);
    Date read = statusAt == null ? null : statusAt.getDate("read");
    Date reacted = last.getDate(com.salesagent.activities.mongo.Messages.REACTED_AT);
    if (reacted != null && (read == null || reacted.before(read))) {
      read = reacted;
    }
    if (read == null) {
      return;
    }
    Document definition =
        new com.salesagent.activities.lead.LeadSegments(store)
            .definition(
                contact.getString("segment") == null ? "default" : contact.getString("segment"));
    String delay = definition == null ? null : definition.getString("readNoReplyDelay");
    if (delay == null) {
      return;
    }
    contact.put("nextAction", "follow_up_read");
    contact.put("nextActionAt", Date.from(read.toInstant().plus(java.time.Duration.parse(delay))));
  }

  /**
   * The contact's {@code nextActionAt} as the lead will see it: a send due inside its quiet hours
   * (its campaign's, {@link QuietHours}, read once per campaign into {@code quiet}) moved to when
   * they end, by the workflow's own rule.
   */
  void sendsAt(Document contact, Map<String, QuietHours> quiet) {
    if (!(contact.get("nextActionAt") instanceof Date due)) {
      return;
    }
    Instant at =
        sendsAt(
            contact.getString("nextAction"),
            due.toInstant(),
            contact.getString("campaignId"),
            contact.getString("timezone"),
            quiet);
    if (!at.equals(due.toInstant())) {
      contact.put("nextActionAt", Date.from(at));
    }
  }

  private Instant sendsAt(
      String action,
      Instant due,
      String campaignId,
      String timezone,
      Map<String, QuietHours> quiet) {
    if (action == null || !SENDING_ACTIONS.contains(action)) {
      return due;
    }
    return quiet
        .computeIfAbsent(
            String.valueOf(campaignId), campaign -> QuietHours.of(store.database(), campaignId))
        .sendsAt(due, timezone);
  }

  /**
   * The workflow's own state as its query answered it, with {@code sendsAt} beside its {@code
   * nextActionAt} when the send waits for the end of the lead's quiet hours: the panel that shows
   * the raw state no longer contradicts the page's due time.
   */
  Object workflowState(
      LeadState state, String campaignId, String timezone, Map<String, QuietHours> quiet) {
    ObjectNode raw = mapper.valueToTree(state);
    if (state.nextActionAt() == null) {
      return raw;
    }
    Instant at = sendsAt(state.nextAction(), state.nextActionAt(), campaignId, timezone, quiet);
    if (at.equals(state.nextActionAt())) {
      return raw;
    }
    ObjectNode shown = mapper.createObjectNode();
    raw.fields()
        .forEachRemaining(
            field -> {
              shown.set(field.getKey(), field.getValue());
              if (field.getKey().equals("nextActionAt")) {
                shown.set("sendsAt", mapper.valueToTree(at));
              }
            });
    return shown;
  }
}
