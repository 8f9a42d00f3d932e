package com.salesagent.activities.mongo;

import static com.salesagent.activities.mongo.HeldMessages.DECIDED_AT;
import static com.salesagent.activities.mongo.HeldMessages.DELIVERY_REVIEW;
import static com.salesagent.activities.mongo.HeldMessages.PENDING;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The writes of an operator's decision on a send held with its fate unknown ({@link
 * HeldMessages#DELIVERY_REVIEW}, one record per hold, named by its time {@code heldAt}) and of the
 * hold itself ({@code delivery}): the API's ({@link #deliveryDeciding}, {@link #deliveryDecided},
 * {@link #deliveryRefused}) and the lead's workflow's ({@link #deliveryTaken}, {@link
 * #deliveryHeld}). Each is one conditional write, never over the record of a later hold. Reached
 * through {@link HeldMessages#deliveries()}.
 */
public final class DeliveryReviews {
  private final MongoCollection<Document> messages;

  public DeliveryReviews(MongoDatabase db) {
    this.messages = db.getCollection(Collections.MESSAGES);
  }

  private static Bson send(String idempotencyKey) {
    return Filters.eq("idempotencyKey", idempotencyKey);
  }

  /** The send, while its record is of the hold {@code heldAt}. */
  private static Bson thisHold(String idempotencyKey, java.util.Date heldAt) {
    return Filters.and(send(idempotencyKey), Filters.eq(DELIVERY_REVIEW + ".heldAt", heldAt));
  }

  /** No record of the hold {@code heldAt} nor of a later one (none, or an earlier hold's), or. */
  private static Bson noRecordOfThisHoldOr(java.util.Date heldAt, Bson... orElse) {
    List<Bson> any = new ArrayList<>();
    any.add(Filters.exists(DELIVERY_REVIEW + ".heldAt", false));
    any.add(Filters.lt(DELIVERY_REVIEW + ".heldAt", heldAt));
    any.addAll(List.of(orElse));
    return Filters.or(any);
  }

  /** A hold's record: {@code decision} by {@code by} at {@code at}. */
  private static Document record(
      java.util.Date heldAt, String decision, String by, java.util.Date at) {
    return new Document("heldAt", heldAt)
        .append("decision", decision)
        .append("by", by)
        .append("at", at);
  }

  /**
   * Records that {@code by} decides {@code decision} on the hold {@code heldAt}, the workflow not
   * told yet ({@link HeldMessages#PENDING}). Never over the record of a later hold (a slow
   * request's write landing after the next hold's would make the retry of that one look like
   * another decision), nor over a decision the workflow took on this hold (another operator's,
   * refused by the workflow, would hide it from its retry). Returns the send as it was before
   * ({@link HeldMessages#DELIVERY_REVIEW} only: the record it replaced, if any), or null when it
   * wrote nothing.
   */
  public Document deliveryDeciding(
      String idempotencyKey,
      java.util.Date heldAt,
      String decision,
      String by,
      java.time.Instant at) {
    return messages.findOneAndUpdate(
        Filters.and(
            send(idempotencyKey),
            noRecordOfThisHoldOr(
                heldAt,
                Filters.and(
                    Filters.eq(DELIVERY_REVIEW + ".heldAt", heldAt),
                    Filters.eq(DELIVERY_REVIEW + "." + PENDING, true)))),
        Updates.set(
            DELIVERY_REVIEW,
            record(heldAt, decision, by, java.util.Date.from(at)).append(PENDING, true)),
        new com.mongodb.client.model.FindOneAndUpdateOptions()
            .projection(new Document(DELIVERY_REVIEW, 1)));
  }

  /**
   * The workflow took {@code decision} by {@code by} on the hold {@code heldAt} (as it answered,
   * whatever request's pending record is there): the record says so, no longer pending.
   */
  public void deliveryDecided(
      String idempotencyKey, java.util.Date heldAt, String decision, String by) {
    endReview(idempotencyKey, heldAt, decision, by, new java.util.Date());
  }

  /**
   * The hold {@code heldAt}'s record (the API's, pending or answered) says {@code decision} by
   * {@code by} was taken, at {@code now} unless an earlier answer (or the workflow's record) said
   * so first. False when the send has no record of that hold.
   */
  private boolean endReview(
      String idempotencyKey,
      java.util.Date heldAt,
      String decision,
      String by,
      java.util.Date now) {
    return messages
            .updateOne(
                thisHold(idempotencyKey, heldAt),
                Updates.combine(
                    Updates.set(DELIVERY_REVIEW + ".decision", decision),
                    Updates.set(DELIVERY_REVIEW + ".by", by),
                    Updates.unset(DELIVERY_REVIEW + "." + PENDING),
                    Updates.min(DELIVERY_REVIEW + "." + DECIDED_AT, now)))
            .getMatchedCount()
        == 1;
  }

  /**
   * A decision the lead's workflow refused because it holds another hold of the send: the record
   * this request wrote ({@code decision} by {@code by} at {@code at}, still pending) goes back to
   * what it replaced ({@code before}, as {@link #deliveryDeciding} returned it: null, nothing to
   * do; without a record, none), so it never says a refused decision may have been taken. A record
   * written since (another request's, the workflow's own) is left as it is.
   */
  public void deliveryRefused(
      String idempotencyKey,
      java.util.Date heldAt,
      String decision,
      String by,
      java.time.Instant at,
      Document before) {
    if (before == null) {
      return; // it wrote no record
    }
    Document replaced = before.get(DELIVERY_REVIEW, Document.class);
    messages.updateOne(
        Filters.and(
            thisHold(idempotencyKey, heldAt),
            Filters.eq(DELIVERY_REVIEW + ".decision", decision),
            Filters.eq(DELIVERY_REVIEW + ".by", by),
            Filters.eq(DELIVERY_REVIEW + ".at", java.util.Date.from(at)),
            Filters.eq(DELIVERY_REVIEW + "." + PENDING, true)),
        replaced == null ? Updates.unset(DELIVERY_REVIEW) : Updates.set(DELIVERY_REVIEW, replaced));
  }

  /**
   * The lead's workflow recorded {@code decision} by {@code by} on the hold {@code heldAt} (its
   * {@code recordApproval}): the send's {@link HeldMessages#DELIVERY_REVIEW} says so, whatever the
   * API heard or wrote (a request whose answer was lost leaves its record pending; another
   * operator's refused request may have written its own over it; a decision sent while the hold was
   * not in MongoDB yet wrote none). Never over the record of a later hold.
   */
  public void deliveryTaken(
      String idempotencyKey,
      java.util.Date heldAt,
      String decision,
      String by,
      java.time.Instant at) {
    java.util.Date now = java.util.Date.from(at);
    for (int round = 0; round < 3; round++) {
      // This hold's record (the API's, pending or answered): what was taken, and when.
      if (endReview(idempotencyKey, heldAt, decision, by, now)) {
        return;
      }
      // None yet for this hold (none at all, or an earlier hold's): this one's, whole.
      if (messages
              .updateOne(
                  Filters.and(send(idempotencyKey), noRecordOfThisHoldOr(heldAt)),
                  Updates.set(
                      DELIVERY_REVIEW, record(heldAt, decision, by, now).append(DECIDED_AT, now)))
              .getMatchedCount()
          == 1) {
        return;
      }
      // A record of this hold was written in between (or a later hold's is there): read again.
    }
  }

  /**
   * The lead's workflow holds the send for an operator ({@code hold}: {@code delivery} as {@code
   * status: unknown}, {@code at} the hold's time). Never over a record of this hold or a later one
   * that says more: a decision on it the workflow took ({@link HeldMessages#DELIVERY_REVIEW} of
   * this hold or a later one, not pending), nor a later {@code delivery} (a decision, a release by
   * a status, the run's end, a later hold). A late attempt of this record (its retry wrote it and
   * the operator decided since) would list a decided send again on GET /api/approvals. True when
   * written (or already there as written).
   */
  public boolean deliveryHeld(String idempotencyKey, Document hold) {
    java.util.Date heldAt = hold.getDate("at");
    return messages
            .updateOne(
                Filters.and(
                    send(idempotencyKey),
                    Filters.or(
                        Filters.exists("delivery", false),
                        Filters.lt("delivery.at", heldAt),
                        Filters.and(
                            Filters.eq("delivery.status", "unknown"),
                            Filters.eq("delivery.at", heldAt))),
                    Filters.nor(
                        Filters.and(
                            Filters.gte(DELIVERY_REVIEW + ".heldAt", heldAt),
                            Filters.ne(DELIVERY_REVIEW + "." + PENDING, true)))),
                Updates.set("delivery", hold))
            .getMatchedCount()
        == 1;
  }
}
