package com.salesagent.activities.variants;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.Interactions;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * A lead a person wrote to before its first reply: whatever it answers then answers the person's
 * words, not the variant's, so it is no evidence about the variant. Leaving its reply uncounted
 * would still leave its trial (the variant looks worse); so the lead is taken out of the variant's
 * evidence altogether: marked once ({@code contacts.assistedAt}), counted once in the variant's
 * {@code assisted} counter (every reader subtracts it from the leads it counts as trials), and its
 * reply, interest and conversion are not counted for the variant ({@link Interest}, the outcome).
 *
 * <p>Order decides, on the contact, atomically: the mark is set only while the lead has no reply
 * marked ({@code funnel.replied}) and no conversion; a reply counted a moment before the person's
 * message leaves the lead the variant's (it answered the variant). The reply's mark reads the
 * contact as it was in the same write, so a reply after the mark is never counted. A person's
 * message after the first reply changes nothing: that is the conversation.
 *
 * <p>Webhooks come late: a reply the lead wrote before the person's message was accepted (its
 * WhatsApp {@code timestamp}, whole seconds, in an earlier second than the acceptance) but
 * processed after the mark answered the variant, not the person. The reply's mark reads {@code
 * assistedAt} in its one write as before; only when it finds such a mark is it undone ({@link
 * #undo}: conditional on the mark as read, so once, whatever retries), the {@code assisted} count
 * taken back on the mark's day, and a history event ({@value #UNDONE}) says so. A mark whose
 * acceptance time was not known ({@value #TIME_UNKNOWN}: reconciled without one) is never undone.
 *
 * <p>The history says it too ({@value #EVENT}, with the variant), so the recount ({@link
 * VariantStats#recompute}) and an erasure's kept counts ({@link ErasedCounts}) take the same leads
 * out: a lead with an {@value #EVENT} event counts once as assisted and none of its replies,
 * interest or conversions count.
 */
public final class Assisted {
  /** On the contact: when a person's message made the lead assisted. */
  public static final String FIELD = "assistedAt";

  /** The {@link VariantStats} counter: leads taken out of the variant's evidence. */
  public static final String COUNTER = "assisted";

  /** The history event that marks it, with the variant (once per lead). */
  public static final String EVENT = "assisted";

  /**
   * The history event of a mark undone by a reply written before the person's message (at the
   * mark's time, with the variant): the lead is its variant's evidence after all.
   */
  public static final String UNDONE = "assisted_undone";

  /** On the contact, beside the mark: the person's message's acceptance time was not known. */
  public static final String TIME_UNKNOWN = "assistedAtUnknown";

  /**
   * What a mark's write answers of the contact: where its count goes (campaign, variant, segment).
   */
  private static final Bson COUNTED_FOR =
      Projections.include(
          "campaignId",
          "variantId",
          "segment",
          SegmentMoves.FIELD,
          Switched.EVIDENCE,
          VariantWordings.LEAD_REVISION);

  private final MongoCollection<Document> contacts;
  private final Interactions history;
  private final VariantStats stats;
  private final WordingStats wordings;

  public Assisted(MongoDatabase db) {
    this.contacts = db.getCollection(Collections.CONTACTS);
    this.history = new Interactions(db);
    this.stats = new VariantStats(db);
    this.wordings = new WordingStats(db);
  }

  /** Whether the contact as read was marked assisted. */
  public static boolean marked(Document contact) {
    return contact != null && contact.get(FIELD) != null;
  }

  /**
   * A person's message went to the lead at {@code at}: marks it assisted if it has not replied (nor
   * converted) yet and was not marked before, then counts it for its variant and records the
   * history event. One conditional update for a lead that replied before (the usual case); true
   * when marked now.
   */
  public boolean mark(String leadId, Instant at) {
    return mark(leadId, at, true);
  }

  /**
   * {@link #mark}; {@code timeKnown} false when {@code at} is not the message's acceptance time
   * (reconciled without one): no reply is then compared with it ({@link #undo}).
   */
  public boolean mark(String leadId, Instant at, boolean timeKnown) {
    if (leadId == null) {
      return false;
    }
    Bson unanswered =
        Filters.and(
            Filters.eq("leadId", leadId),
            Filters.exists("variantId", true),
            Filters.exists("funnel.replied", false),
            Filters.exists(FIELD, false),
            // Switched off a variant it had been sent by an earlier version: out of every
            // variant's evidence already, and its new variant never counted it assigned.
            Filters.exists(Switched.FIELD, false),
            Filters.ne("outcome.value", "converted"));
    Document before =
        contacts.findOneAndUpdate(
            unanswered,
            timeKnown
                ? Updates.set(FIELD, Date.from(at))
                : Updates.combine(
                    Updates.set(FIELD, Date.from(at)), Updates.set(TIME_UNKNOWN, true)),
            new FindOneAndUpdateOptions()
                .projection(COUNTED_FOR)
                .returnDocument(ReturnDocument.BEFORE));
    if (before == null) {
      return false;
    }
    // Moved by the kill switch after its first message: the old variant's trial, so its count.
    String variantId = Switched.evidenceVariant(before);
    count(
        leadId,
        before,
        variantId,
        EVENT,
        "a person wrote before the lead's first reply: its replies are not evidence for "
            + variantId,
        at,
        1L);
    return true;
  }

  /**
   * The history line of a mark ({@code n} 1) or of its undoing (-1), and the {@code assisted} count
   * it adds or takes back on that day, for the variant and wording the lead counted for.
   */
  private void count(
      String leadId,
      Document before,
      String variantId,
      String event,
      String detail,
      Instant at,
      long n) {
    history.recordInteractions(
        List.of(
            WordingStats.tagged(
                Interactions.interaction(
                    leadId, before.getString("campaignId"), variantId, event, null, detail, at),
                WordingStats.revisionOf(before))));
    // In the segment the lead was in at the mark's time, the recount's rule (SegmentMoves.at).
    String segment = SegmentMoves.of(before, at);
    stats.add(variantId, segment, COUNTER, at, n);
    wordings.add(variantId, WordingStats.revisionOf(before), segment, COUNTER, n);
  }

  /**
   * The variant the lead's mark was counted for: the one the kill switch kept as its evidence when
   * it moved the lead ({@link Switched#EVIDENCE}), else the one its {@value #EVENT} event names
   * (marks of leads switched before the evidence was kept), else its own.
   */
  private String markedVariant(String leadId, Document contact) {
    String kept = contact.getString(Switched.EVIDENCE);
    if (kept != null) {
      return kept;
    }
    Document event =
        history
            .collection()
            .find(Filters.and(Filters.eq("meta.leadId", leadId), Filters.eq("type", EVENT)))
            .sort(com.mongodb.client.model.Sorts.descending("ts"))
            .limit(1)
            .first();
    String named = event == null ? null : event.getString("variantId");
    return named != null ? named : contact.getString("variantId");
  }

  /**
   * Whether the contact as read ({@value #FIELD} and {@value #TIME_UNKNOWN} in it) was marked
   * assisted by a person's message accepted in a later second than a reply the lead wrote at {@code
   * writtenAt} (WhatsApp's time, whole seconds: the same second is no proof of which came first).
   */
  public static boolean markedAfter(Document contact, Instant writtenAt) {
    Date marked = contact == null ? null : contact.getDate(FIELD);
    return marked != null
        && writtenAt != null
        && contact.get(TIME_UNKNOWN) == null
        && !marked.toInstant().isBefore(writtenAt.plusSeconds(1));
  }

  /**
   * Undoes the mark of the contact as read ({@code asRead}: a reply written at {@code writtenAt}
   * came first, {@link #markedAfter}): one update conditional on that very mark, so only one caller
   * (a retry, another event) undoes it; then the {@code assisted} count is taken back on the mark's
   * day and the history says so ({@value #UNDONE}). True when undone now.
   */
  public boolean undo(String leadId, Document asRead, Instant writtenAt) {
    if (leadId == null || !markedAfter(asRead, writtenAt)) {
      return false;
    }
    Date marked = asRead.getDate(FIELD);
    Document before =
        contacts.findOneAndUpdate(
            Filters.and(
                Filters.eq("leadId", leadId),
                Filters.eq(FIELD, marked),
                Filters.exists(TIME_UNKNOWN, false)),
            Updates.unset(FIELD),
            new FindOneAndUpdateOptions().projection(COUNTED_FOR));
    if (before == null) {
      return false;
    }
    // The variant that holds the mark's count: the kill switch may have moved the lead since (its
    // variantId is then the new variant, which never counted it).
    String variantId = markedVariant(leadId, before);
    if (variantId != null && before.getString(Switched.EVIDENCE) == null) {
      // Its evidence after all: its later interest and conversion count for that variant too.
      contacts.updateOne(
          Filters.and(
              Filters.eq("leadId", leadId),
              Filters.ne("variantId", variantId),
              Filters.exists(Switched.EVIDENCE, false)),
          Updates.set(Switched.EVIDENCE, variantId));
    }
    count(
        leadId,
        before,
        variantId,
        UNDONE,
        "the lead's reply was written before the person's message: its evidence for "
            + variantId
            + " after all",
        marked.toInstant(),
        -1L);
    return true;
  }
}
