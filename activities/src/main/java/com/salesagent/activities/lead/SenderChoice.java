package com.salesagent.activities.lead;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Senders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.function.Predicate;
import org.bson.Document;

/**
 * Which business number a lead's conversation is on. Chosen once, at the lead's first send, and
 * pinned on its contact ({@code senderId}, set only while unset, so concurrent attempts agree): a
 * lead never changes number mid-conversation, whatever happens to the pool later (a paused number
 * makes its leads wait; no other number takes them over). The workflow never sees the choice: it is
 * the same on every attempt and replay because it is read back from the contact.
 *
 * <p>A new lead goes to an active number whose token this worker has (a number registered with a
 * variable no worker sets would otherwise trap every lead pinned to it), weighted by throughput
 * tier and spread by a hash of the lead id (stable, no shared counter to contend on). A lead that
 * already talked to the business before the pool existed (it has wa_ids from accepted sends but no
 * pin) stays on the configured number it talked on.
 */
final class SenderChoice {
  private final MongoCollection<Document> contacts;
  private final Senders senders;
  private final String primaryId;
  private final Predicate<Document> usable;

  /**
   * {@code usable}: whether this worker can send from a number (its token reference resolves here):
   * a new lead is never pinned to one it cannot, since a pinned lead never moves.
   */
  SenderChoice(LeadStore store, Senders senders, String primaryId, Predicate<Document> usable) {
    this.contacts = store.database().getCollection(Collections.CONTACTS);
    this.senders = senders;
    this.primaryId = primaryId;
    this.usable = usable;
  }

  /**
   * The lead's number, and its {@code senders} document when this call read it (a new lead's pick
   * reads the pool: the send does not read its number again); null: not read here.
   */
  record Chosen(String senderId, Document sender) {}

  Chosen choose(Document contact) {
    String pinned = contact.getString("senderId");
    if (pinned != null) {
      return new Chosen(pinned, null);
    }
    String leadId = contact.getString("leadId");
    List<?> waIds = contact.getList("waIds", Object.class, List.of());
    Document picked = waIds.isEmpty() ? pick(leadId) : null;
    String chosen = picked == null ? primaryId : String.valueOf(picked.get("_id"));
    boolean set =
        contacts
                .updateOne(
                    Filters.and(Filters.eq("leadId", leadId), Filters.exists("senderId", false)),
                    Updates.set("senderId", chosen))
                .getModifiedCount()
            == 1;
    if (set) {
      return new Chosen(chosen, picked);
    }
    Document now = contacts.find(Filters.eq("leadId", leadId)).first();
    return now == null || now.getString("senderId") == null
        ? new Chosen(chosen, picked)
        : new Chosen(now.getString("senderId"), null);
  }

  /**
   * An active number weighted by tier (all numbers if none is active), as read, among those this
   * worker has the token of; null: none (the configured number).
   */
  Document pick(String leadId) {
    List<Document> all = senders.sending().stream().filter(usable).toList();
    List<Document> active =
        all.stream().filter(d -> !"paused".equals(d.getString("status"))).toList();
    List<Document> from = active.isEmpty() ? all : active;
    if (from.isEmpty()) {
      return null;
    }
    long total = 0;
    for (Document d : from) {
      total += tier(d);
    }
    long point = Math.floorMod(hash(leadId), total);
    for (Document d : from) {
      point -= tier(d);
      if (point < 0) {
        return d;
      }
    }
    return from.get(0);
  }

  static int tier(Document sender) {
    Object t = sender == null ? null : sender.get("tier");
    return t instanceof Number n && n.intValue() > 0 ? n.intValue() : Senders.DEFAULT_TIER;
  }

  private static long hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(d).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
