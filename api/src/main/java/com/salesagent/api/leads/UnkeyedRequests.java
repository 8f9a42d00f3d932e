package com.salesagent.api.leads;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.compose.LlmWriter;
import com.salesagent.activities.mongo.Collections;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * A person's message sent without a {@code requestId} (an API client; the dashboard always names
 * one) gets one derived here, so that a double submit (a retry after a timeout, a double click in a
 * CRM) is one message: the same content (text, template, recording or text to speak) from the same
 * person to the same lead within {@link #WINDOW} of the first is the first's request, answered 200
 * {@code queued_before}. A sliding window, not time buckets: two requests a moment apart are the
 * same whatever the clock reads. Decided in one write on a document per lead, person and content
 * ({@code _id} their SHA-256; {@link Collections#UNKEYED_REQUESTS}): the first inserts it, a stale
 * one is taken over by a write conditional on its time, so of two at the same moment one derives
 * the id and the other reads it. Whoever means the same text twice within the window sends a {@code
 * requestId} of their own.
 */
final class UnkeyedRequests {
  /** A double submit: a double click, or a client's retry after its timeout (30 or 60 s). */
  static final Duration WINDOW = Duration.ofMinutes(2);

  /** How the rule reads in the 202/200 answer of a request without {@code requestId}. */
  static final String RULE =
      "no requestId was sent: the same text, template or recording from the same person to this"
          + " lead within 2 minutes of this one is this message (200 queued_before, nothing sent"
          + " again); send a requestId of your own to send the same content again on purpose";

  private final MongoCollection<org.bson.Document> requests;

  UnkeyedRequests(MongoDatabase db) {
    this.requests = db.getCollection(Collections.UNKEYED_REQUESTS);
  }

  /** The request id for this content from this person to this lead, now. */
  String requestId(String leadId, String person, String content, Instant now) {
    String id = LlmWriter.sha256(leadId + "\n" + person + "\n" + content);
    String mine =
        "auto-" + LlmWriter.sha256(id + "\n" + now.toEpochMilli() + "\n" + UUID.randomUUID());
    mine = mine.substring(0, 45);
    Date at = Date.from(now);
    Date cutoff = Date.from(now.minus(WINDOW));
    Date expireAt = Date.from(now.plus(WINDOW).plus(WINDOW));
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        requests.insertOne(
            new org.bson.Document("_id", id)
                .append("requestId", mine)
                .append("at", at)
                .append("expireAt", expireAt));
        return mine;
      } catch (MongoException e) {
        if (e.getCode() != 11000) {
          throw e;
        }
      }
      // One is there: an earlier request's, taken over when it is out of the window.
      org.bson.Document stale =
          requests.findOneAndUpdate(
              Filters.and(Filters.eq("_id", id), Filters.lt("at", cutoff)),
              Updates.combine(
                  Updates.set("requestId", mine),
                  Updates.set("at", at),
                  Updates.set("expireAt", expireAt)),
              new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE));
      if (stale != null) {
        return mine;
      }
      org.bson.Document recent = requests.find(Filters.eq("_id", id)).first();
      if (recent != null && !recent.getDate("at").before(cutoff)) {
        return recent.getString("requestId");
      }
      // Expired in between: decide again.
    }
    return mine;
  }
}
