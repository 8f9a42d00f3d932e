package com.salesagent.activities.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/**
 * Leads that wrote after their run ended and that nobody has answered since: the contact's {@link
 * #FIELD} ({@code waiting}, {@code wroteAt}, {@code messageId}) marks them for the dashboard's
 * "Wrote after the end" list. Set by the message (the latest one wins), cleared when a person's
 * message to the lead went (unless the lead wrote again after it was queued), when a new run takes
 * the lead up, or when an operator dismisses it.
 */
public final class AfterEndReplies {
  public static final String FIELD = "afterEnd";

  /**
   * Always true while marked: the list's query pins this value, so an index whose first key it is
   * finds the few marked leads (the embedded server narrows by a pinned first key only).
   */
  public static final String WAITING = "waiting";

  /** The list's filter: leads marked. */
  public static org.bson.conversions.Bson waiting() {
    return Filters.eq(FIELD + "." + WAITING, true);
  }

  private final MongoCollection<Document> contacts;

  public AfterEndReplies(LeadStore store) {
    this.contacts = store.contacts();
  }

  /** The lead wrote at {@code at} after its run ended: on the list (a later message stays). */
  public void wrote(String leadId, Instant at, String messageId) {
    contacts.updateOne(
        Filters.and(
            Filters.eq("leadId", leadId),
            Filters.or(
                Filters.exists(FIELD + ".wroteAt", false),
                Filters.lt(FIELD + ".wroteAt", Date.from(at)))),
        Updates.set(
            FIELD,
            new Document(WAITING, true)
                .append("wroteAt", Date.from(at))
                .append("messageId", messageId)));
  }

  /** A person's message queued at {@code queuedAt} went: off the list unless it wrote since. */
  public void answered(String leadId, Instant queuedAt) {
    contacts.updateOne(
        Filters.and(
            Filters.eq("leadId", leadId), Filters.lte(FIELD + ".wroteAt", Date.from(queuedAt))),
        Updates.unset(FIELD));
  }

  /** A new run took the lead up, or an operator dismissed it: off the list. True when it was on. */
  public boolean clear(String leadId) {
    return contacts
            .updateOne(
                Filters.and(Filters.eq("leadId", leadId), Filters.exists(FIELD, true)),
                Updates.unset(FIELD))
            .getModifiedCount()
        > 0;
  }
}
