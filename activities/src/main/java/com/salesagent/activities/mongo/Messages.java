package com.salesagent.activities.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * A lead's messages: the {@code messages} collection, one document per idempotency key, from its
 * composition through the send's claim and answer to Meta's status callbacks (which only move a
 * message forward). Reached through {@link LeadStore#messages()}.
 */
public class Messages {
  /** Status ranks: a later callback never moves a message back (read after delivered, ...). */
  static final Map<String, Integer> RANK =
      Map.of("composed", 0, "accepted", 1, "sent", 2, "delivered", 3, "failed", 4, "read", 5);

  /**
   * Set on a message whose send's fate was once unknown, and never removed (a late answer removes
   * {@code unknown}): its lead's workflow hears every status of it, not only the ones that change
   * its next action.
   */
  public static final String AMBIGUOUS = "ambiguous";

  /**
   * On a message whose lead's workflow looks its read up once instead of being signalled
   * (ReadReceipts in the workflows module): the webhook stores such a read without a signal...
   */
  public static final String READS_LOOKED_UP = "readsLookedUp";

  /**
   * ...until the workflow has looked ({@code LeadActivities.readReceipt} sets this in the same
   * write that reads the message): from then on its read is signalled.
   */
  public static final String READ_SIGNAL = "readSignal";

  /**
   * When the lead first reacted to the message (an emoji): it read it, whether or not a read
   * receipt came (receipts can be turned off). Not one of Meta's statuses.
   */
  public static final String REACTED_AT = "reactedAt";

  private final MongoDatabase db;

  public Messages(MongoDatabase db) {
    this.db = db;
  }

  public MongoCollection<Document> collection() {
    return db.getCollection(Collections.MESSAGES);
  }

  /**
   * Stores a composed message under its key; a second compose of the same key changes nothing.
   * Answers the message as stored under the key after the write (the first composition's), in the
   * same round trip.
   */
  public Document upsertComposed(String idempotencyKey, Document fields) {
    return collection()
        .findOneAndUpdate(
            Filters.eq("idempotencyKey", idempotencyKey),
            new Document("$setOnInsert", fields.append("idempotencyKey", idempotencyKey))
                .append("$currentDate", new Document("updatedAt", true)),
            new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
  }

  /**
   * {@link #upsertComposed} telling whether this call stored the message: false when one was stored
   * under the key already (the same request at the same moment: only one of them queues it).
   */
  public boolean composeOnce(String idempotencyKey, Document fields) {
    try {
      return collection()
              .findOneAndUpdate(
                  Filters.eq("idempotencyKey", idempotencyKey),
                  new Document("$setOnInsert", fields.append("idempotencyKey", idempotencyKey))
                      .append("$currentDate", new Document("updatedAt", true)),
                  new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.BEFORE))
          == null;
    } catch (com.mongodb.MongoException e) {
      if (e.getCode() == 11000) {
        return false; // two upserts at once: the unique key let the other one insert
      }
      throw e;
    }
  }

  /** Sets fields of the message stored under this key (dotted paths allowed). */
  public void setMessageFields(String idempotencyKey, Document fields) {
    collection()
        .updateOne(Filters.eq("idempotencyKey", idempotencyKey), new Document("$set", fields));
  }

  public Document messageByKey(String idempotencyKey) {
    return collection().find(Filters.eq("idempotencyKey", idempotencyKey)).first();
  }

  public Document messageByWamid(String wamid) {
    return collection().find(Filters.eq("wamid", wamid)).first();
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
    // A resend takes over the claim an attempt left on a message held unknown, once: its claim
    // says so (RESENT_BY), and a retry of it (its worker died, or its attempt timed out, after the
    // call may have reached Meta) finds that claim and holds the message unknown again instead of
    // calling a second time. Only a new hold (markUnknown) frees it for the next decided resend.
    Bson free =
        resendUnknown
            ? Filters.or(
                Filters.exists("sendingBy", false),
                Filters.and(Filters.eq("status", "unknown"), Filters.exists(RESENT_BY, false)))
            : Filters.and(Filters.exists("sendingBy", false), Filters.ne("status", "unknown"));
    List<Bson> claim = new ArrayList<>();
    claim.add(Updates.set("sendingBy", token));
    claim.add(Updates.set("sendingSince", Date.from(now)));
    if (resendUnknown) {
      claim.add(Updates.set(RESENT_BY, token));
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
  public static final String RESENT_BY = "resentBy";

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
   * String, Instant, boolean)} of no resend).
   */
  public boolean markUnknown(String idempotencyKey, String reason, Instant at) {
    return markUnknown(idempotencyKey, reason, at, false);
  }

  /**
   * {@link #markUnknown} by an attempt that found the claim another attempt left. {@code resend}:
   * the attempt is a resend's (a decided one, or the policy's), so an operator's resend that an
   * attempt of it claimed ({@link #RESENT_BY}) is held unknown again; an attempt of the first call
   * never marks a decided send.
   */
  public boolean markUnknown(String idempotencyKey, String reason, Instant at, boolean resend) {
    return collection()
            .updateOne(
                Filters.and(
                    Filters.eq("idempotencyKey", idempotencyKey),
                    Filters.exists("wamid", false),
                    undecidedOr(resend ? Filters.exists(RESENT_BY, true) : null)),
                unknownNow(reason, at))
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
        Updates.set(AMBIGUOUS, true),
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
   * this attempt's any more (a decided resend took it over: that attempt decides), the run holds
   * the send already (this attempt ran late, after its retry found its claim), or an operator
   * decided it and this attempt is not the decided resend's: nothing marked.
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

  /** Meta refused the message: its answer (code, details, trace id) stays on the document. */
  public void markRefused(String idempotencyKey, Document error) {
    collection()
        .updateOne(
            Filters.eq("idempotencyKey", idempotencyKey),
            Updates.combine(
                Updates.set("error", error),
                Updates.set("status", "refused"),
                Updates.currentDate("updatedAt")));
  }

  /**
   * The send's answer: the message has its wamid. A status webhook may have come first (Meta echoes
   * the idempotency key, {@link #bindWamid}) and moved the message on to sent or delivered; the
   * answer then adds what only it knows and never moves the status back to accepted (the message
   * stayed "accepted" for good and its lead looked undelivered). True when this answer bound the
   * wamid, false when the webhook had: whoever binds it counts the message sent, once.
   */
  public boolean markAccepted(
      String idempotencyKey, String wamid, String waId, String kind, Instant at) {
    List<Bson> answer =
        List.of(
            Updates.set("wamid", wamid),
            Updates.set("waId", waId),
            Updates.set("kind", kind),
            Updates.currentDate("updatedAt"),
            Updates.unset("unknown"),
            Updates.unset("sendingBy"),
            Updates.unset("sendingSince"));
    List<Bson> first = new ArrayList<>(answer);
    first.add(Updates.set("status", "accepted"));
    first.add(Updates.set("statusRank", RANK.get("accepted")));
    first.add(Updates.set("statusAt.accepted", Date.from(at)));
    // The usual case, one write: no wamid yet and no status past "accepted".
    if (collection()
            .updateOne(
                Filters.and(
                    Filters.eq("idempotencyKey", idempotencyKey),
                    Filters.exists("wamid", false),
                    Filters.or(
                        Filters.exists("statusRank", false),
                        Filters.lt("statusRank", RANK.get("accepted")))),
                Updates.combine(first))
            .getMatchedCount()
        == 1) {
      return true;
    }
    List<Bson> later = new ArrayList<>(answer);
    later.add(Updates.min("statusAt.accepted", Date.from(at)));
    // The status webhook bound the wamid first (its "sent" overtook this answer, see bindWamid):
    // it counted the message sent; this answer completes the message and is not counted again.
    Document before =
        collection()
            .findOneAndUpdate(
                Filters.eq("idempotencyKey", idempotencyKey),
                Updates.combine(later),
                new FindOneAndUpdateOptions()
                    .projection(Projections.include("wamid"))
                    .returnDocument(ReturnDocument.BEFORE));
    return before != null && before.getString("wamid") == null;
  }

  /** On a message whose send was unknown and is known now: when and why it was unknown. */
  public static final String WAS_UNKNOWN = "wasUnknown";

  /**
   * Binds a wamid to the message sent under this idempotency key when the send's own answer was
   * lost (Meta echoes the key as biz_opaque_callback_data in status webhooks); false when the key
   * is unknown or the message has its wamid already. The message then reads what is known: its
   * {@code unknown} (when and why its outcome was unknown) goes, in the binding write, and is kept
   * as {@link #WAS_UNKNOWN} with {@code boundAt}; a send a run that ended left as {@code
   * delivery.status: abandoned} ({@link #abandonUnknown}) reads {@code confirmed} by the status
   * webhook, as a live run's hold released by the status reads ({@code delivery_confirmed}), with
   * what it was ({@code abandoned}: its time and why). A hold a live run still has ({@code
   * delivery.status: unknown}) is left to that run, which the status is signalled to, and an
   * operator's decision stays as decided. (A crash between the two writes loses only the notes.)
   */
  public boolean bindWamid(String idempotencyKey, String wamid, String waId, Instant at) {
    Document before =
        collection()
            .findOneAndUpdate(
                Filters.and(
                    Filters.eq("idempotencyKey", idempotencyKey), Filters.exists("wamid", false)),
                Updates.combine(
                    Updates.set("wamid", wamid),
                    Updates.set("waId", waId),
                    Updates.set("status", "accepted"),
                    Updates.set("statusRank", RANK.get("accepted")),
                    Updates.set("statusAt.accepted", Date.from(at)),
                    Updates.set("reconciledBy", "status_webhook"),
                    Updates.currentDate("updatedAt"),
                    Updates.unset("unknown"),
                    Updates.unset("sendingBy"),
                    Updates.unset("sendingSince")),
                new FindOneAndUpdateOptions()
                    .projection(Projections.include("unknown", "delivery"))
                    .returnDocument(ReturnDocument.BEFORE));
    if (before == null) {
      return false;
    }
    List<Bson> notes = new ArrayList<>();
    Document unknown = before.get("unknown", Document.class);
    if (unknown != null) {
      notes.add(Updates.set(WAS_UNKNOWN, new Document(unknown).append("boundAt", Date.from(at))));
    }
    Document delivery = before.get("delivery", Document.class);
    if (delivery != null && "abandoned".equals(delivery.getString("status"))) {
      Document was = new Document(delivery);
      was.remove("status");
      notes.add(
          Updates.set(
              "delivery",
              new Document("status", "confirmed")
                  .append("at", Date.from(at))
                  .append("by", "status webhook")
                  .append("abandoned", was)));
    }
    if (!notes.isEmpty()) {
      collection()
          .updateOne(
              Filters.and(Filters.eq("idempotencyKey", idempotencyKey), Filters.eq("wamid", wamid)),
              Updates.combine(notes));
    }
    return true;
  }

  /**
   * Applies a status callback: keeps the earliest time per status and moves {@code status} only
   * forward. Returns the message, or null for a wamid we never sent.
   */
  public Document applyStatus(
      String wamid, String status, Instant at, Integer errorCode, String errorTitle) {
    Integer rank = RANK.get(status);
    if (rank == null) {
      return messageByWamid(wamid);
    }
    List<Bson> updates = new ArrayList<>();
    updates.add(Updates.min("statusAt." + status, Date.from(at)));
    if (errorCode != null) {
      updates.add(
          Updates.set("error", new Document("code", errorCode).append("title", errorTitle)));
    }
    Document before =
        collection()
            .findOneAndUpdate(
                Filters.eq("wamid", wamid),
                Updates.combine(updates),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
    if (before == null) {
      return null;
    }
    collection()
        .updateOne(
            Filters.and(Filters.eq("wamid", wamid), Filters.lt("statusRank", rank)),
            Updates.combine(
                Updates.set("status", status),
                Updates.set("statusRank", rank),
                Updates.currentDate("updatedAt")));
    return before;
  }

  /** Messages by wamid, in one query; wamids we never sent are absent from the map. */
  public Map<String, Document> messagesByWamid(Collection<String> wamids) {
    return messagesByWamid(wamids, List.of());
  }

  /**
   * Messages by wamid, in one query, with only these fields (all for none): the status path reads a
   * dozen of a message's fields, and on the embedded MongoDB-wire server encoding whole messages
   * (text, media, quality notes) was the largest part of its finds (issue 12).
   */
  public Map<String, Document> messagesByWamid(Collection<String> wamids, List<String> fields) {
    Map<String, Document> out = new HashMap<>();
    var found = collection().find(Filters.in("wamid", wamids));
    if (!fields.isEmpty()) {
      found = found.projection(Projections.include(fields));
    }
    for (Document d : found) {
      out.put(d.getString("wamid"), d);
    }
    return out;
  }

  /**
   * The messages of these leads that WhatsApp accepted: lead, wamid, variant and when it was
   * accepted.
   */
  public List<Document> sentMessagesOf(Collection<String> leadIds) {
    return collection()
        .find(Filters.and(Filters.in("leadId", leadIds), Filters.exists("wamid")))
        .projection(Projections.include("leadId", "wamid", "variantId", "statusAt.accepted"))
        .into(new ArrayList<>());
  }

  public List<Document> messagesOf(String leadId) {
    return collection()
        .find(Filters.eq("leadId", leadId))
        .sort(Sorts.ascending("step", "composedAt"))
        .into(new ArrayList<>());
  }
}
