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

  /** When the latest message was stored: what a person answering could have seen. */
  public static final String STORED_AT = "storedAt";

  /** The list's filter: leads marked. */
  public static org.bson.conversions.Bson waiting() {
    return Filters.eq(FIELD + "." + WAITING, true);
  }

  private final MongoCollection<Document> contacts;

  public AfterEndReplies(LeadStore store) {
    this.contacts = store.contacts();
  }

  /**
   * The lead wrote at {@code at} (Meta's time, whole seconds) after its run ended, stored at {@code
   * storedAt} (when a person could first see it): on the list. A later message stays; a second one
   * of the same second is the latest (Meta's whole seconds do not order them).
   */
  public void wrote(String leadId, Instant at, String messageId, Instant storedAt) {
    contacts.updateOne(
        Filters.and(
            Filters.eq("leadId", leadId),
            Filters.or(
                Filters.exists(FIELD + ".wroteAt", false),
                Filters.lt(FIELD + ".wroteAt", Date.from(at)),
                Filters.and(
                    Filters.eq(FIELD + ".wroteAt", Date.from(at)),
                    Filters.ne(FIELD + ".messageId", messageId)))),
        Updates.set(
            FIELD,
            new Document(WAITING, true)
                .append("wroteAt", Date.from(at))
                .append("messageId", messageId)
                .append(STORED_AT, Date.from(storedAt))));
  }

  /**
   * A person's message queued at {@code queuedAt} went: off the list unless the lead's latest
   * message was stored after it was queued (nobody could have seen it). A mark from before {@link
   * #STORED_AT} is weighed by Meta's time.
   */
  public void answered(String leadId, Instant queuedAt) {
    Date queued = Date.from(queuedAt);
    contacts.updateOne(
        Filters.and(
            Filters.eq("leadId", leadId),
            Filters.or(
                Filters.lte(FIELD + "." + STORED_AT, queued),
                Filters.and(
                    Filters.exists(FIELD + "." + STORED_AT, false),
                    Filters.lte(FIELD + ".wroteAt", queued)))),
        Updates.unset(FIELD));
  }

  /**
   * A new lead of the number was enrolled ({@code leadId}): its earlier leads that wrote after
   * their run ended are off the list (the new lead is the person's conversation now; their messages
   * go to it once it wrote). Narrowed by the list's index, then by the number.
   */
  public void supersededBy(String phone, String leadId) {
    contacts.updateMany(
        Filters.and(waiting(), Filters.eq("phone", phone), Filters.ne("leadId", leadId)),
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
