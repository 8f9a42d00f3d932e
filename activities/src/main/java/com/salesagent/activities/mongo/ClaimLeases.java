package com.salesagent.activities.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * A send claim's lease, on MongoDB's clock, and claims their holders left: the claim re-checked
 * right before its call ({@link #confirmClaim}), a resend's claim whose holder is provably over
 * held again on its behalf ({@link #markUnknownLeft}), and one no attempt can hold again marked for
 * an operator ({@link #markLeftForOperator}). Split from {@link SendClaims} (the claim, the marks
 * of a send unknown), on the same {@code messages} collection.
 */
public final class ClaimLeases {
  private final MongoCollection<Document> messages;

  ClaimLeases(MongoCollection<Document> messages) {
    this.messages = messages;
  }

  private MongoCollection<Document> collection() {
    return messages;
  }

  /**
   * How long a claim may stand before the attempt that made it is provably out of its call: the
   * send's start-to-close timeout (30 s, LeadStubs.sendOptions) four times over. Temporal gave up
   * on that attempt long since, and its call (5 s + 15 s HTTP deadlines) ended one way or another.
   */
  static final Duration CLAIM_LEASE = Duration.ofMinutes(2);

  /**
   * Set on a send held unknown that no attempt can resend safely (see {@link #markUnknownLeft}):
   * the reconcile tells the run an operator decides it, whatever the resend policy. Cleared with
   * the rest of {@code unknown} when the send is marked unknown again.
   */
  public static final String OPERATOR_ONLY = "unknown.operatorOnly";

  /**
   * A resend's attempt (of the activity {@code resendOf}) found a claim it may not hold again
   * ({@link SendClaims#markUnknown}): another resend activity's, whose holder is provably over (its
   * call ended, {@code sendingSince} unset, or its claim is older than {@link #CLAIM_LEASE}) and
   * whose fate no status told (no wamid). Its own retry would have held the send again; none will
   * (its activity ran out of attempts, or its run was reset), so this attempt does it on its
   * behalf, as that retry would: unknown again, undecided, free for the next decided resend, and
   * the holder's activity listed with this one's ({@link SendClaims#RESEND_ACTIVITIES}) in the same
   * write, so no attempt of either ever claims again. Before, every later resend answered unknown
   * without a call and the claim stayed for good (the policy's resends looped; an operator's
   * presses did nothing). A claim made before {@link SendClaims#RESENT_BY_ACTIVITY} existed names
   * no activity to list: it is left (freeing it would let its own activity's retry claim and call
   * again) with a reason an operator reads on the approvals card. True when held again.
   */
  public boolean markUnknownLeft(String idempotencyKey, String resendOf, Instant at) {
    if (resendOf == null) {
      return false;
    }
    Document message = collection().find(Filters.eq("idempotencyKey", idempotencyKey)).first();
    if (message == null
        || message.get("wamid") != null
        || message.get("sendingBy") == null
        || message.get(SendClaims.RESENT_BY) == null) {
      return false;
    }
    Bson over = leaseOver();
    Bson left =
        Filters.and(
            Filters.eq("idempotencyKey", idempotencyKey),
            Filters.exists("wamid", false),
            Filters.eq("sendingBy", message.get("sendingBy")),
            Filters.eq(SendClaims.RESENT_BY, message.get(SendClaims.RESENT_BY)),
            over);
    String holder = message.getString(SendClaims.RESENT_BY_ACTIVITY);
    if (holder == null) {
      leftForOperator(left);
      return false;
    }
    return collection()
            .updateOne(
                Filters.and(
                    left,
                    Filters.eq(SendClaims.RESENT_BY_ACTIVITY, holder),
                    Filters.ne(SendClaims.RESENT_BY_ACTIVITY, resendOf),
                    SendClaims.undecidedOr(Filters.exists(SendClaims.RESENT_BY, true))),
                Updates.combine(
                    SendClaims.unknownNow(
                        "the resend that claimed it stopped mid-call and is over; whether Meta"
                            + " got it is unknown",
                        at),
                    Updates.addEachToSet(SendClaims.RESEND_ACTIVITIES, List.of(holder, resendOf))))
            .getMatchedCount()
        == 1;
  }

  /** What an operator reads on a send {@link #leftForOperator} marked. */
  static final String LEFT_FOR_OPERATOR =
      "a resend's claim written by a worker from before this release was left by an attempt that"
          + " stopped mid-call: no later attempt can resend it safely; decide assume_sent or stop";

  /**
   * Found by the reconcile of a send ({@code MessagingActivitiesImpl.reconcile}): a resend's claim
   * written before {@link SendClaims#RESENT_BY_ACTIVITY} existed whose holder is provably over
   * ({@link #leaseOver}) is marked for an operator ({@link #OPERATOR_ONLY}, its reason {@link
   * #LEFT_FOR_OPERATOR}), as the next resend marks it ({@link #markUnknownLeft}). True when marked
   * now. Before, only a resend finding it wrote the reason: under the hold policy no resend comes
   * before the operator's first decision, so the first hold showed the previous hold's reason, and
   * the reconcile did not say an operator decides.
   */
  public boolean markLeftForOperator(String idempotencyKey) {
    return leftForOperator(
        Filters.and(
            Filters.eq("idempotencyKey", idempotencyKey),
            Filters.exists("wamid", false),
            Filters.exists("sendingBy", true),
            Filters.exists(SendClaims.RESENT_BY, true),
            Filters.ne(OPERATOR_ONLY, true),
            leaseOver()));
  }

  private boolean leftForOperator(Bson left) {
    return collection()
            .updateOne(
                Filters.and(left, Filters.exists(SendClaims.RESENT_BY_ACTIVITY, false)),
                Updates.combine(
                    Updates.set("unknown.reason", LEFT_FOR_OPERATOR),
                    Updates.set(OPERATOR_ONLY, true)))
            .getModifiedCount()
        == 1;
  }

  /**
   * When the claim was made (or re-checked before its call, {@link #confirmClaim}), on MongoDB's
   * clock ({@code $currentDate}), and judged on it ({@code $$NOW}, {@link #leaseOver}): the lease
   * ({@link #CLAIM_LEASE}) never reads a worker's clock. Before, the claim carried its holder's
   * clock ({@code sendingSince}) and was judged on the judge's: a holder 2 minutes behind, or a
   * judge 2 minutes ahead, made a claim under way look over, the send was held again under its
   * holder and the next resend called Meta a second time. {@code sendingSince} keeps the holder's
   * time for the STOP's fence and a variant's reach, as before.
   */
  public static final String CLAIMED_AT = "sendingClaimedAt";

  /**
   * The attempt {@code token} still holds its claim, re-checked by a conditional write right before
   * its call to Meta (its lease restarted: {@link #CLAIMED_AT} set to MongoDB's now). False when
   * the claim is not its own any more (another attempt held the send again and took it over while
   * this one stalled between its claim and its call, or a wamid was bound): it must not call.
   */
  public boolean confirmClaim(String idempotencyKey, String token) {
    return collection()
            .updateOne(
                Filters.and(
                    Filters.eq("idempotencyKey", idempotencyKey),
                    Filters.eq("sendingBy", token),
                    Filters.exists("wamid", false),
                    Filters.ne("delivery.status", "abandoned")),
                Updates.currentDate(CLAIMED_AT))
            .getMatchedCount()
        == 1;
  }

  /**
   * The claim's holder is provably out of its call: its call ended ({@code sendingSince} unset) or
   * the claim is older than {@link #CLAIM_LEASE} on MongoDB's clock ({@code $$NOW}); a claim
   * written before {@link #CLAIMED_AT} existed is aged by its {@code sendingSince}, still on
   * MongoDB's clock.
   */
  private static Bson leaseOver() {
    Document claimedAt = new Document("$ifNull", List.of("$" + CLAIMED_AT, "$sendingSince"));
    Document leaseAgo = new Document("$subtract", List.of("$$NOW", CLAIM_LEASE.toMillis()));
    return Filters.or(
        Filters.exists("sendingSince", false),
        Filters.expr(new Document("$lt", List.of(claimedAt, leaseAgo))));
  }
}
