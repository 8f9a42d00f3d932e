package com.salesagent.activities.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * A message's send claim and a send whose fate is unknown, on the {@code messages} collection: the
 * one call to Meta claimed per idempotency key ({@link #claimSend}), released when the call
 * provably did not reach Meta, counted while in flight (a STOP's fence), and the message held
 * unknown when its answer was lost ({@link #markUnknown}) or abandoned when its run ended. Reached
 * through {@link Messages}, which answers for it as before (split from it, behaviour unchanged).
 */
final class SendClaims {
  private final MongoCollection<Document> messages;

  SendClaims(MongoCollection<Document> messages) {
    this.messages = messages;
  }

  private MongoCollection<Document> collection() {
    return messages;
  }

  /**
   * Claims the one call to the API for this key, for the attempt {@code token}. False when a wamid
   * is recorded or another attempt holds the claim: that attempt died mid-call or is still in it,
   * so whether Meta got the message is unknown. {@code resendUnknown}: a decided resend of a send
   * whose fate is unknown may take the claim over.
   */
  public boolean claimSend(
      String idempotencyKey, String token, Instant now, boolean resendUnknown) {
    return claimSendReading(idempotencyKey, token, now, resendUnknown) != null;
  }

  /**
   * {@link #claimSend}, answering the message as claimed (null: not claimed): the send reads its
   * message through its claim, one command where a read and the claim were two (issue 12). Without
   * {@code resendUnknown} a message held unknown is never claimed, even with no claim on it (the
   * send answers it "unknown" as it did when it read the message first).
   */
  public Document claimSendReading(
      String idempotencyKey, String token, Instant now, boolean resendUnknown) {
    return claimSendReading(idempotencyKey, token, now, resendUnknown, null);
  }

  /**
   * {@link #claimSendReading(String, String, Instant, boolean)} by an attempt of the scheduled
   * activity {@code resendOf} (the same in each of its retries, see {@link #RESENT_BY_ACTIVITY};
   * null: the attempt's {@code token}, which no other attempt shares).
   */
  public Document claimSendReading(
      String idempotencyKey, String token, Instant now, boolean resendUnknown, String resendOf) {
    // A resend takes over the claim an attempt left on a message held unknown, once: its claim
    // says so (RESENT_BY), and a retry of it (its worker died, or its attempt timed out, after the
    // call may have reached Meta) finds that claim and holds the message unknown again instead of
    // calling a second time. Only a new hold (markUnknown) frees it for the next decided resend.
    // A resend's activity claims once: after its claim is held unknown again only its own claim
    // given back (releaseClaim: the call provably never left) is claimed again by it (RESEND
    // ACTIVITIES); a stale attempt of it, however late, never takes a later resend's turn.
    String activity = resendOf != null ? resendOf : token;
    Bson free =
        resendUnknown
            ? Filters.or(
                Filters.and(
                    Filters.exists("sendingBy", false),
                    Filters.or(
                        Filters.ne(RESEND_ACTIVITIES, activity),
                        Filters.eq(RESENT_BY_ACTIVITY, activity))),
                Filters.and(
                    Filters.eq("status", "unknown"),
                    Filters.exists(RESENT_BY, false),
                    Filters.ne(RESEND_ACTIVITIES, activity)))
            : Filters.and(Filters.exists("sendingBy", false), Filters.ne("status", "unknown"));
    List<Bson> claim = new ArrayList<>();
    claim.add(Updates.set("sendingBy", token));
    claim.add(Updates.set("sendingSince", Date.from(now)));
    if (resendUnknown) {
      claim.add(Updates.set(RESENT_BY, token));
      claim.add(Updates.set(RESENT_BY_ACTIVITY, activity));
      claim.add(Updates.addToSet(RESEND_ACTIVITIES, activity));
    }
    return collection()
        .findOneAndUpdate(
            Filters.and(
                Filters.eq("idempotencyKey", idempotencyKey), Filters.exists("wamid", false), free),
            Updates.combine(claim),
            new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
  }

  /**
   * On a message a decided resend claimed: the token of the resend's attempt that claimed it. Set
   * by {@link #claimSendReading} with {@code resendUnknown}, unset when the message is held unknown
   * again ({@link #markUnknown}); a resend's retry never claims a message carrying it.
   */
  static final String RESENT_BY = "resentBy";

  /**
   * On a message a decided resend claimed: which scheduled activity's attempt claimed it (its
   * workflow, run and activity id), the same in each retry of that activity and never in another
   * resend's (the attempt's {@link #RESENT_BY} token is new in each retry). A retry that finds the
   * claim holds the send unknown again only when the claim is its own activity's ({@link
   * #markUnknown(String, String, Instant, boolean, String)}): a stale attempt of an earlier resend
   * (it found that resend's claim, then stalled) landing after the next resend claimed erased that
   * claim, and the next resend's retry took it over and called Meta a second time. Set and unset
   * with {@link #RESENT_BY}; absent on a claim made before it existed.
   */
  static final String RESENT_BY_ACTIVITY = "resentByActivity";

  /**
   * On a message resent: every scheduled resend activity ({@link #RESENT_BY_ACTIVITY}) that claimed
   * it, kept when the send is held unknown again. Such an activity claims the send again only while
   * the claim given back is its own ({@code releaseClaim}: its call provably never left); once its
   * claim was held again, it ended (its attempt answered unknown), and an attempt of it arriving
   * later is stale: it never claims (before, a stale attempt of the first resend claiming after the
   * second was decided called Meta for it and, its worker dying, left a claim no resend of another
   * activity held again) nor marks the send. Absent on messages claimed before it existed: their
   * resends claim as before.
   */
  static final String RESEND_ACTIVITIES = "resendActivities";

  /**
   * What a mark of the send unknown may write over (it unsets {@code delivery}): a send with no
   * {@code delivery} (never held, or held again since), or one an operator decided to resend, by
   * that resend's own attempt ({@code resendsOwn}; null: no resend's). Never a hold the run
   * recorded and waits on ({@code unknown}: the approvals card lists it), an operator's other
   * decision ({@code assume_sent}, {@code stop}), a resend no attempt of it claimed yet, or a run's
   * end ({@code abandoned}): a stale attempt of the send's first call (a stalled worker's, whose
   * retry held the send since) marking it late erased the decision's record, the send read
   * undecided.
   */
  private static Bson undecidedOr(Bson resendsOwn) {
    if (resendsOwn == null) {
      return Filters.exists("delivery", false);
    }
    return Filters.or(
        Filters.exists("delivery", false),
        Filters.and(Filters.eq("delivery.status", "resend"), resendsOwn));
  }

  /**
   * How many of these leads' messages an attempt claimed at or after {@code since} and has not
   * finished: their calls may be under way (a send claims before its last suppression check, see
   * MessagingActivitiesImpl). A claim left by an attempt that stopped mid-call counts until it is
   * older than {@code since}.
   */
  public long sendsInFlight(Collection<String> leadIds, Instant since) {
    if (leadIds.isEmpty()) {
      return 0;
    }
    return collection()
        .countDocuments(
            Filters.and(
                Filters.in("leadId", leadIds),
                Filters.exists("sendingBy", true),
                Filters.gte("sendingSince", Date.from(since))));
  }

  /** The call provably did not reach Meta: the next attempt may make it. */
  public void releaseClaim(String idempotencyKey, String token) {
    collection()
        .updateOne(
            Filters.and(
                Filters.eq("idempotencyKey", idempotencyKey), Filters.eq("sendingBy", token)),
            Updates.combine(Updates.unset("sendingBy"), Updates.unset("sendingSince")));
  }

  /**
   * The call may have reached Meta (its answer was lost): the claim stays, the message is marked
   * unknown until a status webhook (or a late answer) binds its wamid. False when a status webhook
   * bound its wamid first: the message went, nothing is held; false too when the run holds it
   * already (its hold recorded, {@code delivery.status: unknown}) or an operator decided it:
   * nothing marked. The mark of an attempt of the send's first call ({@link #markUnknown(String,
   * String, Instant, boolean, String)} of no resend).
   */
  public boolean markUnknown(String idempotencyKey, String reason, Instant at) {
    return markUnknown(idempotencyKey, reason, at, false, null);
  }

  /**
   * {@link #markUnknown} by an attempt that found the claim another attempt left. {@code resend}:
   * the attempt is a resend's (a decided one, or the policy's), of the scheduled activity {@code
   * resendOf} (see {@link #RESENT_BY_ACTIVITY}; null: none known, it marks no resend's claim), so a
   * resend that an attempt of the same activity claimed is held unknown again. Never a claim of
   * another resend's activity (a stale attempt of an earlier resend: the later resend's retry would
   * find the claim gone and call again), and an attempt of the first call never marks a decided
   * send nor a resend's claim.
   */
  public boolean markUnknown(
      String idempotencyKey, String reason, Instant at, boolean resend, String resendOf) {
    Bson own = resend ? ownResend(resendOf) : null;
    // No resend's claim but this activity's own: a claim no resend made (RESENT_BY absent), or,
    // for a resend, one its own activity made.
    Bson claim =
        own == null
            ? Filters.exists(RESENT_BY, false)
            : Filters.or(Filters.exists(RESENT_BY, false), own);
    return collection()
            .updateOne(
                Filters.and(
                    Filters.eq("idempotencyKey", idempotencyKey),
                    Filters.exists("wamid", false),
                    undecidedOr(own),
                    claim),
                resend && resendOf != null
                    // Its activity ends here (its attempt answers unknown): never claims again.
                    ? Updates.combine(
                        unknownNow(reason, at), Updates.addToSet(RESEND_ACTIVITIES, resendOf))
                    : unknownNow(reason, at))
            .getMatchedCount()
        == 1;
  }

  /**
   * A resend's claim made by an attempt of the activity {@code resendOf}; with none known (outside
   * an activity), one made before {@link #RESENT_BY_ACTIVITY} existed (as it was marked then).
   */
  private static Bson ownResend(String resendOf) {
    Bson before =
        Filters.and(Filters.exists(RESENT_BY, true), Filters.exists(RESENT_BY_ACTIVITY, false));
    // A claim made before the field existed names no activity: no attempt can show it is its own
    // (an old worker lists nothing in RESEND_ACTIVITIES, so "not listed" proved nothing: during a
    // rolling deploy a stale attempt of an earlier resend run by an old worker freed the next
    // resend's claim, whose retry then called Meta again). Only the attempt that made it (its
    // token, markUnknownAfterCall) holds it again; left by a dead attempt, it stays for an
    // operator (markUnknownLeft says why).
    return resendOf == null ? before : Filters.eq(RESENT_BY_ACTIVITY, resendOf);
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
   * ({@link #markUnknown}): another resend activity's, whose holder is provably over (its call
   * ended, {@code sendingSince} unset, or its claim is older than {@link #CLAIM_LEASE}) and whose
   * fate no status told (no wamid). Its own retry would have held the send again; none will (its
   * activity ran out of attempts, or its run was reset), so this attempt does it on its behalf, as
   * that retry would: unknown again, undecided, free for the next decided resend, and the holder's
   * activity listed with this one's ({@link #RESEND_ACTIVITIES}) in the same write, so no attempt
   * of either ever claims again. Before, every later resend answered unknown without a call and the
   * claim stayed for good (the policy's resends looped; an operator's presses did nothing). A claim
   * made before {@link #RESENT_BY_ACTIVITY} existed names no activity to list: it is left (freeing
   * it would let its own activity's retry claim and call again) with a reason an operator reads on
   * the approvals card. True when held again.
   */
  public boolean markUnknownLeft(String idempotencyKey, String resendOf, Instant at) {
    if (resendOf == null) {
      return false;
    }
    Document message = collection().find(Filters.eq("idempotencyKey", idempotencyKey)).first();
    if (message == null
        || message.get("wamid") != null
        || message.get("sendingBy") == null
        || message.get(RESENT_BY) == null) {
      return false;
    }
    Bson over =
        Filters.or(
            Filters.exists("sendingSince", false),
            Filters.lt("sendingSince", Date.from(at.minus(CLAIM_LEASE))));
    Bson left =
        Filters.and(
            Filters.eq("idempotencyKey", idempotencyKey),
            Filters.exists("wamid", false),
            Filters.eq("sendingBy", message.get("sendingBy")),
            Filters.eq(RESENT_BY, message.get(RESENT_BY)),
            over);
    String holder = message.getString(RESENT_BY_ACTIVITY);
    if (holder == null) {
      collection()
          .updateOne(
              Filters.and(left, Filters.exists(RESENT_BY_ACTIVITY, false)),
              Updates.combine(
                  Updates.set(
                      "unknown.reason",
                      "a resend's claim written by a worker from before this release was left by"
                          + " an attempt that stopped mid-call: no later attempt can resend it"
                          + " safely; decide assume_sent or stop"),
                  Updates.set(OPERATOR_ONLY, true)));
      return false;
    }
    return collection()
            .updateOne(
                Filters.and(
                    left,
                    Filters.eq(RESENT_BY_ACTIVITY, holder),
                    Filters.ne(RESENT_BY_ACTIVITY, resendOf),
                    undecidedOr(Filters.exists(RESENT_BY, true))),
                Updates.combine(
                    unknownNow(
                        "the resend that claimed it stopped mid-call and is over; whether Meta"
                            + " got it is unknown",
                        at),
                    Updates.addEachToSet(RESEND_ACTIVITIES, List.of(holder, resendOf))))
            .getMatchedCount()
        == 1;
  }

  /**
   * The message marked unknown: undecided again (a resend an operator chose may be unknown in turn,
   * its decided {@code delivery} goes so its next hold is recorded and listed) and free for the
   * next decided resend ({@link #RESENT_BY}). Never written over a hold the run recorded and waits
   * on ({@code delivery.status: unknown}): a late attempt (a stalled worker's) would hide it from
   * GET /api/approvals, the run waiting for a decision the API then refuses.
   */
  private static Bson unknownNow(String reason, Instant at) {
    return Updates.combine(
        Updates.set("status", "unknown"),
        Updates.unset("delivery"),
        Updates.unset(RESENT_BY),
        Updates.unset(RESENT_BY_ACTIVITY),
        Updates.set(Messages.AMBIGUOUS, true),
        Updates.set("unknown", new Document("at", Date.from(at)).append("reason", reason)),
        Updates.currentDate("updatedAt"));
  }

  /**
   * The lead's run ended ({@code stage}) with a send of it still unknown and undecided: nobody will
   * decide it any more (the run that would reconcile it or hold it for an operator is over), so it
   * leaves the sends held unknown (the approvals card, {@code sales_agent_sends_unknown}) as {@code
   * delivery.status: abandoned}; its status stays {@code unknown}, what is known of it.
   */
  public void abandonUnknown(String leadId, String stage, Instant at) {
    collection()
        .updateMany(
            Filters.and(
                Filters.eq("leadId", leadId),
                Filters.eq("status", "unknown"),
                Filters.or(
                    Filters.exists("delivery", false), Filters.eq("delivery.status", "unknown"))),
            Updates.set(
                "delivery",
                new Document("status", "abandoned")
                    .append("at", Date.from(at))
                    .append("why", "the lead's run ended: " + stage)));
  }

  /**
   * {@link #markUnknown} by the attempt {@code token} whose own call ended without an answer it
   * could read: the claim stays, but no call of it is under way any more, so a STOP's fence ({@link
   * #sendsInFlight}) does not wait for it. False as {@link #markUnknown}, and when the claim is not
   * this attempt's any more (a decided resend took it over: that attempt decides) or the run holds
   * the send already (this attempt ran late, after its retry found its claim): nothing marked.
   */
  public boolean markUnknownAfterCall(
      String idempotencyKey, String token, String reason, Instant at) {
    boolean held =
        collection()
                .updateOne(
                    Filters.and(
                        Filters.eq("idempotencyKey", idempotencyKey),
                        Filters.exists("wamid", false),
                        Filters.eq("sendingBy", token),
                        undecidedOr(Filters.eq(RESENT_BY, token))),
                    unknownNow(reason, at))
                .getMatchedCount()
            == 1;
    collection()
        .updateOne(
            Filters.and(
                Filters.eq("idempotencyKey", idempotencyKey), Filters.eq("sendingBy", token)),
            Updates.unset("sendingSince"));
    return held;
  }
}
