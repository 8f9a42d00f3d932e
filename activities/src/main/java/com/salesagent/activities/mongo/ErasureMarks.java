package com.salesagent.activities.mongo;

import static com.salesagent.activities.mongo.LeadStore.ERASURE;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The mark of a lead whose erasure was requested ({@link LeadStore#ERASURE}) on its contact and
 * messages: set when an operator's erasure is accepted, {@code acceptedAt} once its workflow
 * started (the lead then gives its {@code activeKey} up to a new enrolment), taken back when it did
 * not start. Reached through {@link LeadStore#erasures()}.
 */
public class ErasureMarks {
  static final Bson NOT_ERASING = Filters.exists(ERASURE, false);

  static final String ACCEPTED_AT = ERASURE + ".acceptedAt";

  private final MongoCollection<Document> contacts;
  private final Messages messages;

  ErasureMarks(MongoCollection<Document> contacts, Messages messages) {
    this.contacts = contacts;
    this.messages = messages;
  }

  private MongoCollection<Document> contacts() {
    return contacts;
  }

  /** Removes {@code activeKey} from the lead holding it if that lead's erasure was accepted. */
  boolean releaseErasingActiveKey(String activeKey) {
    return contacts()
            .updateOne(
                Filters.and(Filters.eq("activeKey", activeKey), Filters.exists(ACCEPTED_AT)),
                Updates.unset("activeKey"))
            .getModifiedCount()
        == 1;
  }

  /**
   * Marks the lead's contact and messages as being erased ({@link LeadStore#ERASURE}); answers
   * whether this call marked the contact (false: it was marked already, or there is none).
   */
  public boolean markErasing(String leadId, Instant at) {
    return markErasing(leadId, at, null);
  }

  /**
   * {@link #markErasing(String, Instant)} keeping the request's choice on the contact's mark
   * ({@code keepSuppressed}): a retried request is the same request.
   */
  public boolean markErasing(String leadId, Instant at, Boolean keepSuppressed) {
    Bson mark = Updates.set(ERASURE + ".requestedAt", Date.from(at));
    Bson contactMark =
        keepSuppressed == null
            ? mark
            : Updates.combine(mark, Updates.set(ERASURE + ".keepSuppressed", keepSuppressed));
    boolean marked =
        contacts()
                .updateOne(Filters.and(Filters.eq("leadId", leadId), NOT_ERASING), contactMark)
                .getModifiedCount()
            == 1;
    messages.collection().updateMany(Filters.and(Filters.eq("leadId", leadId), NOT_ERASING), mark);
    return marked;
  }

  /**
   * Whether the lead's erasure was accepted ({@link LeadStore#ERASURE}) or its contact is gone, as
   * stored now: what a send checks right before its call.
   */
  public boolean erasingNow(String leadId) {
    Document contact =
        contacts()
            .find(Filters.eq("leadId", leadId))
            .projection(Projections.include(ERASURE))
            .first();
    return contact == null || LeadStore.erasing(contact);
  }

  /**
   * The erasure of a lead marked by {@link #markErasing} has started: the lead gives its place as
   * the number's active lead in its campaign up to the next enrolment ({@link
   * LeadStore#insertContact}).
   */
  public void erasureAccepted(String leadId, Instant at) {
    contacts()
        .updateOne(
            Filters.and(
                Filters.eq("leadId", leadId),
                Filters.exists(ERASURE),
                Filters.exists(ACCEPTED_AT, false)),
            Updates.set(ACCEPTED_AT, Date.from(at)));
  }

  /** Takes back the mark {@link #markErasing} set at {@code at} (its erasure did not start). */
  public void unmarkErasing(String leadId, Instant at) {
    Bson ours =
        Filters.and(
            Filters.eq("leadId", leadId), Filters.eq(ERASURE + ".requestedAt", Date.from(at)));
    contacts().updateOne(ours, Updates.unset(ERASURE));
    messages.collection().updateMany(ours, Updates.unset(ERASURE));
  }
}
