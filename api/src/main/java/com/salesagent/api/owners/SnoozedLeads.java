package com.salesagent.api.owners;

import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/**
 * A rep's snooze of a lead they took ("remind me Tuesday"), on the contact ({@value #FIELD}: {@code
 * until}, {@code at} when it was set, {@code by}, {@code ownerId}). Whether it holds is decided
 * when it is read, so nothing has to fire at the time: until it is over, and only while the lead
 * has not written since it was set (a message from the lead needs an answer, and ends it).
 */
public final class SnoozedLeads {
  public static final String FIELD = "repSnooze";

  private SnoozedLeads() {}

  /**
   * Whether the contact's snooze holds at {@code now}: set, not over, set by the rep who holds the
   * lead now, and the lead's latest message ({@code wroteAt}, null: none) is not after the moment
   * it was set.
   */
  public static boolean snoozed(Document contact, Instant wroteAt, Instant now) {
    Document s = contact == null ? null : contact.get(FIELD, Document.class);
    if (s == null) {
      return false;
    }
    Instant until = instant(s.get("until"));
    Instant at = instant(s.get("at"));
    // A rep's snooze is theirs: a lead that changed hands since (its owner left, its SLA passed)
    // is not put aside for the next rep.
    String by = s.getString("ownerId");
    return until != null
        && now.isBefore(until)
        && (by == null || by.equals(contact.getString("ownerId")))
        && (wroteAt == null || at == null || !wroteAt.isAfter(at));
  }

  /**
   * {@link #snoozed(Document, Instant, Instant)} with the lead's latest message read from its
   * feedback (as the Hand-offs queue reads it).
   */
  public static boolean snoozed(
      com.mongodb.client.MongoDatabase db, Document contact, Instant now) {
    if (contact == null || contact.get(FIELD) == null) {
      return false;
    }
    String leadId = contact.getString("leadId");
    return snoozed(contact, lastWrote(db, java.util.List.of(leadId)).get(leadId), now);
  }

  /**
   * When each lead's latest message reached us: the later of Meta's time ({@code receivedAt}, whole
   * seconds, when the person wrote) and ours ({@code storedAt}, when the webhook brought it). A
   * message whose webhook came after the snooze was set was never seen by the rep, though Meta
   * timed it before: it ends the snooze as any later message does.
   */
  public static java.util.Map<String, Instant> lastWrote(
      com.mongodb.client.MongoDatabase db, java.util.Collection<String> leadIds) {
    java.util.Map<String, Instant> latest = new java.util.HashMap<>();
    if (leadIds.isEmpty()) {
      return latest;
    }
    db.getCollection(com.salesagent.activities.mongo.Collections.FEEDBACK)
        .find(com.mongodb.client.model.Filters.in("leadId", leadIds))
        .projection(new Document("leadId", 1).append("receivedAt", 1).append("storedAt", 1))
        .forEach(
            f -> {
              Instant at = later(instant(f.get("receivedAt")), instant(f.get("storedAt")));
              if (at != null) {
                latest.merge(f.getString("leadId"), at, SnoozedLeads::later);
              }
            });
    return latest;
  }

  private static Instant later(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }

  static Instant instant(Object o) {
    return o instanceof Date d ? d.toInstant() : null;
  }
}
