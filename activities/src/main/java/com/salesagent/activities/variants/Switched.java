package com.salesagent.activities.variants;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.Interactions;
import java.time.Instant;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * A lead the kill switch moves off a disabled variant, and the variants' evidence. The variant's
 * trial is a lead that received its first message, whatever it answers later: taking off its trials
 * only the leads that had not replied when it went off (as before) kept its replies and dropped its
 * non-replies, so a switched-off variant's reply rate jumped.
 *
 * <ul>
 *   <li>Sent nothing yet: a clean trial of the new variant, whose {@code assigned} counts it; the
 *       old variant's {@code switched} counter takes it off its assigned leads (readers subtract it
 *       as they subtract {@link Assisted}), once per lead and variant, with a history event
 *       ({@value #EVENT}, the old variant) for the recount and an erasure's kept counts.
 *   <li>Sent a message of the old variant, replied, converted or assisted: the old variant's trial
 *       and evidence. The contact keeps that variant ({@value #EVIDENCE}, the first one only, when
 *       switched again), the new variant's assignment is recorded as {@value #REASSIGNED} (not
 *       counted as assigned), and the lead's wait for an outcome, its reply, interest, conversion
 *       and a person's message before its reply ({@link Assisted}) count for the old variant, not
 *       for the one it was moved to ({@link #evidenceVariant}).
 *   <li>Switched after a send by an earlier version ({@value #FIELD}, a {@value #EVENT} event
 *       {@value #AFTER_SEND}): a trial of neither, its reply, interest and conversion counted for
 *       no variant; such data is still read so.
 * </ul>
 *
 * <p>The decision is one conditional update of the contact (the variant unset only while the lead
 * has no send, no reply, no mark and still the old variant), so a send or reply racing the switch
 * leaves the lead the old variant's.
 */
public final class Switched {
  /**
   * On the contact: when the kill switch of an earlier version moved the lead off a variant it had
   * been sent (out of every variant's evidence); no longer written.
   */
  public static final String FIELD = "switchedAt";

  /** The {@link VariantStats} counter of the old variant: leads taken off its trials. */
  public static final String COUNTER = "switched";

  /** The history event, with the old variant. */
  public static final String EVENT = "switched";

  /**
   * On the {@value #EVENT} event: the lead had been sent the old variant (out of all evidence;
   * written by earlier versions, false now).
   */
  public static final String AFTER_SEND = "afterSend";

  /** The history event of a new variant's assignment that is no trial of it (not counted). */
  public static final String REASSIGNED = "reassigned";

  /**
   * On the contact: the variant whose evidence the lead stays, set when the kill switch moved a
   * lead that had replied or converted (its {@code variantId} is the new variant since).
   */
  public static final String EVIDENCE = com.salesagent.activities.mongo.ContactList.EVIDENCE;

  /** {@link #evidenceVariant} as an aggregation expression over contacts. */
  public static final Document EVIDENCE_VARIANT =
      new Document("$ifNull", List.of("$" + EVIDENCE, "$variantId"));

  private final MongoCollection<Document> contacts;
  private final Interactions history;
  private final VariantStats stats;
  private final WordingStats wordings;

  public Switched(MongoDatabase db) {
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.history = new Interactions(db);
    this.stats = new VariantStats(db);
    this.wordings = new WordingStats(db);
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
    // A lead sent the old variant's message received it: it stays that variant's trial (below),
    // whatever it answers later. Taking off only the leads that had not replied yet when the
    // variant went off kept its replies and dropped its non-replies, so a switched-off variant's
    // reply rate jumped (6 of 30 read 6 of 16 on the walk of a campaign).
    if (current != null && !settled && !FunnelStats.reached(contact, "sent")) {
      Document before =
          contacts.findOneAndUpdate(
              Filters.and(
                  Filters.eq("leadId", leadId),
                  Filters.eq("variantId", current),
                  Filters.exists("funnel.sent", false),
                  Filters.exists("funnel.replied", false),
                  Filters.exists(Assisted.FIELD, false),
                  Filters.exists(FIELD, false),
                  Filters.ne("outcome.value", "converted")),
              Updates.unset("variantId"));
      if (before != null) {
        history.recordInteractions(
            List.of(
                WordingStats.tagged(
                    Interactions.interaction(
                            leadId,
                            contact.getString("campaignId"),
                            current,
                            EVENT,
                            null,
                            current + " disabled before a send",
                            at)
                        .append(AFTER_SEND, false),
                    WordingStats.revisionOf(before))));
        stats.increment(current, segment(before, segment), COUNTER, at);
        wordings.add(
            current, WordingStats.revisionOf(before), segment(before, segment), COUNTER, 1);
        return true;
      }
      // Sent meanwhile, replied or a person's message came first: the old variant's evidence.
    }
    // A lead sent the old variant's message, or that replied or converted (not switched after a
    // send by an earlier version), stays the old variant's evidence: the contact keeps which (the
    // first, when switched again), and the new variant's assignment is no trial (reassigned), so
    // its reply, interest and conversion count for the old variant. So does an assisted one:
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
                                Filters.exists("funnel.sent", true),
                                Filters.exists("funnel.replied", true),
                                Filters.exists(Assisted.FIELD, true),
                                Filters.eq("outcome.value", "converted"))),
                        Updates.combine(Updates.unset("variantId"), Updates.set(EVIDENCE, current)))
                    .getModifiedCount()
                == 1;
    if (!kept) {
      contacts.updateOne(Filters.eq("leadId", leadId), Updates.unset("variantId"));
    }
    // A lead that had no variant yet is a trial of the one it gets now.
    return current == null && !settled;
  }

  private static String segment(Document contact, String fallback) {
    String s = contact.getString("segment");
    return s == null ? fallback : s;
  }
}
