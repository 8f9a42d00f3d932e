package com.salesagent.activities.variants;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.Interactions;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * A lead the kill switch moved off a disabled variant before its first reply is no clean trial of
 * the variant it was assigned: the old variant's {@code switched} counter takes it off its assigned
 * leads (readers subtract it as they subtract {@link Assisted}), counted once per lead and variant,
 * with a history event ({@value #EVENT}, the old variant) for the recount and an erasure's kept
 * counts.
 *
 * <ul>
 *   <li>Sent nothing yet: a clean trial of the new variant, whose {@code assigned} counts it.
 *   <li>Sent a message of the old variant: a trial of neither. The contact is marked ({@value
 *       #FIELD}), the new variant's assignment is recorded as {@value #REASSIGNED} (not counted as
 *       assigned), and its reply, interest and conversion count for no variant, as an assisted
 *       lead's do. The event says so ({@value #AFTER_SEND}).
 *   <li>Replied, converted, assisted or switched after a send already: its evidence stays as it is;
 *       the new variant is {@value #REASSIGNED}, not assigned. A lead that replied, converted or
 *       was assisted stays the old variant's evidence: the contact keeps that variant ({@value
 *       #EVIDENCE}, the first one only, when switched again), so its later interest and conversion
 *       count for it, not for the variant it was moved to ({@link #evidenceVariant}), and an
 *       assisted mark undone by a reply written before the person's message takes its count back
 *       there ({@link Assisted#undo}).
 * </ul>
 *
 * <p>The decision is one conditional update of the contact (the variant unset only while the lead
 * has no reply, no mark and still the old variant), so a reply racing the switch is counted for the
 * old variant (it came first) or for none (the mark came first), never for the new one.
 */
public final class Switched {
  /** On the contact: when the kill switch moved the lead off a variant it had been sent. */
  public static final String FIELD = "switchedAt";

  /** The {@link VariantStats} counter of the old variant: leads taken off its trials. */
  public static final String COUNTER = "switched";

  /** The history event, with the old variant. */
  public static final String EVENT = "switched";

  /** On the {@value #EVENT} event: the lead had been sent the old variant (out of all evidence). */
  public static final String AFTER_SEND = "afterSend";

  /** The history event of a new variant's assignment that is no trial of it (not counted). */
  public static final String REASSIGNED = "reassigned";

  /**
   * On the contact: the variant whose evidence the lead stays, set when the kill switch moved a
   * lead that had replied or converted (its {@code variantId} is the new variant since).
   */
  public static final String EVIDENCE = "evidenceVariantId";

  /** {@link #evidenceVariant} as an aggregation expression over contacts. */
  public static final Document EVIDENCE_VARIANT =
      new Document("$ifNull", List.of("$" + EVIDENCE, "$variantId"));

  private final MongoCollection<Document> contacts;
  private final Interactions history;
  private final VariantStats stats;

  public Switched(MongoDatabase db) {
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.history = new Interactions(db);
    this.stats = new VariantStats(db);
  }

  /** Whether the contact as read was marked switched after a send. */
  public static boolean marked(Document contact) {
    return contact != null && contact.get(FIELD) != null;
  }

  /**
   * The variant whose evidence the contact as read is: the one it stayed with when the kill switch
   * moved it after its reply or conversion, else its own; null when none.
   */
  public static String evidenceVariant(Document contact) {
    if (contact == null) {
      return null;
    }
    String kept = contact.getString(EVIDENCE);
    return kept != null ? kept : contact.getString("variantId");
  }

  /** Whether the contact as read is out of its variant's evidence: assisted or switched. */
  public static boolean outOfEvidence(Document contact) {
    return Assisted.marked(contact) || marked(contact);
  }

  /** Events that take a lead out of every variant's evidence (replies, interest, conversions). */
  static Bson outOfEvidenceEvents() {
    return Filters.or(
        Filters.eq("type", Assisted.EVENT),
        Filters.and(Filters.eq("type", EVENT), Filters.eq(AFTER_SEND, true)));
  }

  /** Whether this history event takes its lead out of every variant's evidence. */
  static boolean takesOut(Document event) {
    return Assisted.EVENT.equals(event.getString("type"))
        || (EVENT.equals(event.getString("type")) && event.getBoolean(AFTER_SEND, false));
  }

  /**
   * Unsets the lead's disabled variant {@code current} ({@code contact} as read just before) and
   * counts the switch as above. Answers whether the new variant's assignment is a trial of it
   * (counted as assigned).
   */
  public boolean switchOff(Document contact, String current, String segment, Instant at) {
    String leadId = contact.getString("leadId");
    boolean settled =
        outOfEvidence(contact)
            || FunnelStats.reached(contact, "replied")
            || "converted".equals(contact.getEmbedded(List.of("outcome", "value"), String.class));
    if (current != null && !settled) {
      boolean sent = FunnelStats.reached(contact, "sent");
      Bson unset = Updates.unset("variantId");
      Document before =
          contacts.findOneAndUpdate(
              Filters.and(
                  Filters.eq("leadId", leadId),
                  Filters.eq("variantId", current),
                  Filters.exists("funnel.replied", false),
                  Filters.exists(Assisted.FIELD, false),
                  Filters.exists(FIELD, false),
                  Filters.ne("outcome.value", "converted")),
              sent ? Updates.combine(unset, Updates.set(FIELD, Date.from(at))) : unset);
      if (before != null) {
        history.recordInteractions(
            List.of(
                Interactions.interaction(
                        leadId,
                        contact.getString("campaignId"),
                        current,
                        EVENT,
                        null,
                        current
                            + " disabled "
                            + (sent ? "after a send: no trial of any variant" : "before a send"),
                        at)
                    .append(AFTER_SEND, sent)));
        stats.increment(current, segment(before, segment), COUNTER, at);
        return !sent;
      }
      // A reply or a person's message came first: the lead stays the old variant's evidence.
      settled = true;
    }
    // A lead that replied or converted (not switched after a send) stays the old variant's
    // evidence: the contact keeps which (the first, when switched again). So does an assisted one:
    // the old variant holds its assisted count, which a reply written before the person's message
    // takes back there (Assisted.undo), the lead then that variant's evidence.
    boolean kept =
        current != null
            && contacts
                    .updateOne(
                        Filters.and(
                            Filters.eq("leadId", leadId),
                            Filters.eq("variantId", current),
                            Filters.exists(EVIDENCE, false),
                            Filters.exists(FIELD, false),
                            Filters.or(
                                Filters.exists("funnel.replied", true),
                                Filters.exists(Assisted.FIELD, true),
                                Filters.eq("outcome.value", "converted"))),
                        Updates.combine(Updates.unset("variantId"), Updates.set(EVIDENCE, current)))
                    .getModifiedCount()
                == 1;
    if (!kept) {
      contacts.updateOne(Filters.eq("leadId", leadId), Updates.unset("variantId"));
    }
    return !settled;
  }

  private static String segment(Document contact, String fallback) {
    String s = contact.getString("segment");
    return s == null ? fallback : s;
  }
}
