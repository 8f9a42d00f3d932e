package com.salesagent.activities.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import com.salesagent.workflows.lead.Stage;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/**
 * Leads that wrote after their run ended and that nobody has answered since: the contact's {@link
 * #FIELD} ({@code waiting}, {@code wroteAt}, {@code messageId}) marks them for the dashboard's
 * "Wrote after the end" list. Set by the message (the latest one wins), cleared when a person's
 * message to the lead went (unless the lead wrote again after it was queued), when a new run takes
 * the lead up, or when an operator dismisses it. A person's message that cleared it keeps the mark
 * it cleared ({@link #CLEARED}); when Meta then reports it failed, the mark comes back, saying so
 * ({@link #ANSWER_FAILED}), unless the lead wrote again since or another person's message went.
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

  /** On a person's message that took the lead off the list: the mark it cleared. */
  public static final String CLEARED = "afterEndCleared";

  /**
   * In a mark put back: the person's answer that failed after it went ({@code key}, {@code by},
   * {@code at}, {@code reason}).
   */
  public static final String ANSWER_FAILED = "answerFailed";

  /**
   * On a person's message whose failure put the mark back: once per message (its one {@code failed}
   * status), so the same status processed again (the inbox relays an event whose done-mark was
   * lost, a retried activity) does not bring back a row an operator dismissed since.
   */
  public static final String RESTORED = "afterEndRestored";

  private final MongoCollection<Document> contacts;
  private final MongoCollection<Document> messages;

  public AfterEndReplies(LeadStore store) {
    this.contacts = store.contacts();
    this.messages = store.messages().collection();
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
    answered(leadId, queuedAt, null);
  }

  /**
   * As {@link #answered(String, Instant)}, for the person's message {@code wamid}: the mark it
   * cleared is kept on the message ({@link #CLEARED}), and comes back at once if Meta reported the
   * message failed already (its status webhook came first: {@link #failed}).
   */
  public void answered(String leadId, Instant queuedAt, String wamid) {
    Date queued = Date.from(queuedAt);
    Document before =
        contacts.findOneAndUpdate(
            Filters.and(
                Filters.eq("leadId", leadId),
                Filters.exists(FIELD, true),
                Filters.or(
                    Filters.lte(FIELD + "." + STORED_AT, queued),
                    Filters.and(
                        Filters.exists(FIELD + "." + STORED_AT, false),
                        Filters.lte(FIELD + ".wroteAt", queued)))),
            Updates.unset(FIELD),
            new FindOneAndUpdateOptions()
                .projection(Projections.include(FIELD))
                .returnDocument(ReturnDocument.BEFORE));
    if (wamid == null) {
      return;
    }
    Document cleared = before == null ? null : before.get(FIELD, Document.class);
    if (cleared != null) {
      cleared.remove(ANSWER_FAILED);
      messages.updateOne(Filters.eq("wamid", wamid), Updates.set(CLEARED, cleared));
    }
    // Written before the failure is read: whichever of this and the status webhook comes second
    // sees the other's write and puts the mark back.
    failed(wamid);
  }

  /**
   * Meta reported the person's message {@code wamid} failed: if it had taken the lead off the list
   * ({@link #CLEARED}), the lead is back on it, the mark saying the answer failed ({@link
   * #ANSWER_FAILED}), unless the lead wrote again since (its newer mark stays) or another person's
   * message queued since the lead's message went. True when the mark was put back. Once per message
   * ({@link #RESTORED}): a row dismissed after it came back stays dismissed.
   */
  public boolean failed(String wamid) {
    Document message =
        messages
            .find(
                Filters.and(
                    Filters.eq("wamid", wamid),
                    Filters.eq("status", "failed"),
                    Filters.exists(CLEARED, true),
                    Filters.exists(RESTORED, false)))
            .first();
    if (message == null) {
      return false;
    }
    Document mark = message.get(CLEARED, Document.class);
    String leadId = message.getString("leadId");
    Date wrote = mark.getDate("wroteAt");
    Date seen = mark.getDate(STORED_AT) != null ? mark.getDate(STORED_AT) : wrote;
    if (leadId == null || wrote == null || seen == null) {
      return false;
    }
    boolean answeredSince =
        messages
                .find(
                    Filters.and(
                        Filters.eq("leadId", leadId),
                        Filters.eq("composer", "person"),
                        Filters.ne("idempotencyKey", message.getString("idempotencyKey")),
                        Filters.exists("wamid", true),
                        Filters.nin("status", "failed", "not_sent"),
                        Filters.gte("createdAt", seen)))
                .projection(Projections.include("_id"))
                .first()
            != null;
    if (answeredSince) {
      return false;
    }
    // Only a lead whose run is still ended and that is still its number's conversation: a new run
    // took it up, a new lead of the number was enrolled since, or it is being erased: not listed.
    Document contact =
        contacts
            .find(Filters.eq("leadId", leadId))
            .projection(Projections.include("stage", "phone", LeadStore.ERASURE))
            .first();
    String stage = contact == null ? null : contact.getString("stage");
    if (stage == null
        || LeadStore.erasing(contact)
        || java.util.Arrays.stream(Stage.values())
            .noneMatch(st -> st.terminal() && st.key().equals(stage))
        || (contact.getString("phone") != null
            && contacts
                    .find(
                        Filters.and(
                            Filters.eq("phone", contact.getString("phone")),
                            Filters.ne("leadId", leadId),
                            Filters.gte("enrolledAt", seen)))
                    .projection(Projections.include("_id"))
                    .first()
                != null)) {
      return false;
    }
    Document error = message.get("error", Document.class);
    Date failedAt =
        message.get("statusAt", Document.class) == null
            ? null
            : message.get("statusAt", Document.class).getDate("failed");
    Document back =
        new Document(mark)
            .append(WAITING, true)
            .append(
                ANSWER_FAILED,
                new Document("key", message.getString("idempotencyKey"))
                    .append("by", message.getString("by"))
                    .append("at", failedAt)
                    .append(
                        "reason",
                        error == null
                            ? null
                            : error.getInteger("code") + " " + error.getString("title")));
    boolean putBack =
        contacts
                .updateOne(
                    Filters.and(
                        Filters.eq("leadId", leadId),
                        Filters.eq("stage", stage),
                        Filters.or(
                            Filters.exists(FIELD + ".wroteAt", false),
                            Filters.lt(FIELD + ".wroteAt", wrote))),
                    Updates.set(FIELD, back))
                .getModifiedCount()
            > 0;
    if (putBack) {
      messages.updateOne(
          Filters.eq("wamid", wamid),
          Updates.set(
              RESTORED,
              new Document("messageId", mark.getString("messageId"))
                  .append("at", Date.from(Instant.now()))));
    }
    return putBack;
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

  /**
   * An operator dismissed the row for the lead's message {@code messageId}: off the list only while
   * that is still its latest message. True when it was.
   */
  public boolean clear(String leadId, String messageId) {
    return contacts
            .updateOne(
                Filters.and(
                    Filters.eq("leadId", leadId),
                    Filters.eq(FIELD + "." + WAITING, true),
                    Filters.eq(FIELD + ".messageId", messageId)),
                Updates.unset(FIELD))
            .getModifiedCount()
        > 0;
  }
}
