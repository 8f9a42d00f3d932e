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
 * message forward). Reached through {@link LeadStore#messages()}. The send's claim and a send held
 * unknown are {@link SendClaims}, answered here.
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

  /** The send's claim and a send held unknown (split from this class, answered here as before). */
  private final SendClaims claims;

  public Messages(MongoDatabase db) {
    this.db = db;
    this.claims = new SendClaims(db.getCollection(Collections.MESSAGES));
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
   * On a message a decided resend claimed: the token of the resend's attempt that claimed it (see
   * {@link SendClaims}).
   */
  public static final String RESENT_BY = SendClaims.RESENT_BY;

  /** Which scheduled activity's attempt a decided resend's claim is (see {@link SendClaims}). */
  public static final String RESENT_BY_ACTIVITY = SendClaims.RESENT_BY_ACTIVITY;

  /** Every scheduled resend activity that claimed a message (see {@link SendClaims}). */
  public static final String RESEND_ACTIVITIES = SendClaims.RESEND_ACTIVITIES;

  /** See {@link SendClaims#claimSend}. */
  public boolean claimSend(
      String idempotencyKey, String token, Instant now, boolean resendUnknown) {
    return claims().claimSend(idempotencyKey, token, now, resendUnknown);
  }

  /** See {@link SendClaims#claimSendReading}. */
  public Document claimSendReading(
      String idempotencyKey, String token, Instant now, boolean resendUnknown) {
    return claims().claimSendReading(idempotencyKey, token, now, resendUnknown);
  }

  /** See {@link SendClaims#claimSendReading(String, String, Instant, boolean, String)}. */
  public Document claimSendReading(
      String idempotencyKey, String token, Instant now, boolean resendUnknown, String resendOf) {
    return claims().claimSendReading(idempotencyKey, token, now, resendUnknown, resendOf);
  }

  /** See {@link SendClaims#sendsInFlight}. */
  public long sendsInFlight(Collection<String> leadIds, Instant since) {
    return claims().sendsInFlight(leadIds, since);
  }

  /** See {@link SendClaims#releaseClaim}. */
  public void releaseClaim(String idempotencyKey, String token) {
    claims().releaseClaim(idempotencyKey, token);
  }

  /** See {@link SendClaims#markUnknown}. */
  public boolean markUnknown(String idempotencyKey, String reason, Instant at) {
    return claims().markUnknown(idempotencyKey, reason, at);
  }

  /** See {@link SendClaims#markUnknown(String, String, Instant, boolean, String)}. */
  public boolean markUnknown(
      String idempotencyKey, String reason, Instant at, boolean resend, String resendOf) {
    return claims().markUnknown(idempotencyKey, reason, at, resend, resendOf);
  }

  /** See {@link SendClaims#markUnknownLeft}. */
  public boolean markUnknownLeft(String idempotencyKey, String resendOf, Instant at) {
    return claims().markUnknownLeft(idempotencyKey, resendOf, at);
  }

  /** See {@link SendClaims#abandonUnknown}. */
  public void abandonUnknown(String leadId, String stage, Instant at) {
    claims().abandonUnknown(leadId, stage, at);
  }

  /** See {@link SendClaims#markUnknownAfterCall}. */
  public boolean markUnknownAfterCall(
      String idempotencyKey, String token, String reason, Instant at) {
    return claims().markUnknownAfterCall(idempotencyKey, token, reason, at);
  }

  private SendClaims claims() {
    return claims;
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
