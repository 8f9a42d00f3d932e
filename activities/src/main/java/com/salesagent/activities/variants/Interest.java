package com.salesagent.activities.variants;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.salesagent.activities.mongo.FunnelStats;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * A lead's interest, counted once: its first reply whose triaged intent is {@code interested}, not
 * its first reply ("No thanks" then "actually, tell me more" counts at the second). It is marked on
 * the contact with the funnel's conditional update ({@code funnel.interested}, {@link FunnelStats})
 * before the variant's {@code interested} counter is raised, so a replayed webhook event or a
 * retried transcription never counts it twice.
 *
 * <p>The history says it too, for the recount ({@link VariantStats#recompute}, {@link
 * ErasedCounts}): the event that carries a reply's intent has it as {@code intent}: the {@code
 * replied} event (the triage of its text or caption) and the {@code transcribed} or {@code
 * described} event of its voice note or image (the triage of the words, when the reply had none to
 * read), with the variant the reply answered. A lead's first such event with intent {@code
 * interested} is its interest, on that event's day; the counters count at the same instant. Events
 * stored before intents were recorded carry none: interest is counted from then on.
 *
 * <p>Neither counts for the variant when a person wrote to the lead before its first reply ({@link
 * Assisted}), nor when the kill switch moved it off a variant it had been sent ({@link Switched});
 * the funnel still counts both.
 */
public final class Interest {
  /** The triage's intent, the funnel's stage and the variant counter. */
  public static final String INTERESTED = "interested";

  /** The field of a history event that holds the intent of the reply it records. */
  public static final String INTENT = "intent";

  /** History events that carry a reply's intent. */
  static final List<String> EVENTS = List.of("replied", "transcribed", "described");

  private final FunnelStats funnel;
  private final VariantStats stats;
  private final WordingStats wordings;
  private final Assisted assisted;

  public Interest(MongoDatabase db) {
    this.funnel = new FunnelStats(db);
    this.stats = new VariantStats(db);
    this.wordings = new WordingStats(db);
    this.assisted = new Assisted(db);
  }

  /**
   * Counts the lead's interest if this reply ({@code intent} as triaged, at {@code at}) is its
   * first with interest: the funnel's stage and the variant's counter (none when {@code variantId}
   * is null). True when counted now.
   */
  public boolean count(String leadId, String variantId, String segment, String intent, Instant at) {
    if (!INTERESTED.equals(intent)) {
      return false;
    }
    Document before =
        funnel.reachReading(
            leadId, INTERESTED, at, Assisted.FIELD, Switched.FIELD, VariantWordings.LEAD_REVISION);
    if (before == null) {
      return false;
    }
    // A lead a person wrote to before its first reply is no evidence for the variant (Assisted).
    if (!Switched.outOfEvidence(before)) {
      stats.increment(variantId, segment, INTERESTED, at);
      wordings.add(variantId, WordingStats.revisionOf(before), segment, INTERESTED, 1);
    }
    return true;
  }

  /**
   * Counts a lead's reply ({@code intent} as triaged) for the rewards it can be: the lead's first
   * reply ({@code replied}, whatever it says) and its first reply with interest ({@link #count}),
   * each marked on the contact first, so a replay counts neither twice.
   */
  public void countReply(
      String leadId, String variantId, String segment, String intent, Instant at) {
    countReply(leadId, variantId, segment, intent, at, null);
  }

  /**
   * {@link #countReply}, {@code asRead} the contact as the caller read it before this reply (or
   * null): a retry whose first attempt marked the reply but did not undo an assisted mark the reply
   * came before finishes it.
   */
  public void countReply(
      String leadId, String variantId, String segment, String intent, Instant at, Document asRead) {
    Document before =
        funnel.reachReading(
            leadId,
            "replied",
            at,
            Assisted.FIELD,
            Assisted.TIME_UNKNOWN,
            Switched.FIELD,
            VariantWordings.LEAD_REVISION);
    // The funnel counts every lead's reply; the variant not that of a lead a person wrote to
    // first (Assisted: read in the same write that marks the reply, so no race).
    boolean evidence = before != null && !Switched.outOfEvidence(before);
    Instant repliedAt = at;
    if (before != null && !evidence) {
      // Written before the person's message, its webhook processed after: the variant's after all.
      evidence = assisted.undo(leadId, before, at);
    } else if (before == null && asRead != null && FunnelStats.reached(asRead, "replied")) {
      // A retry (this reply marked, the undo not done) or a later reply: as of the first reply.
      Date first = asRead.getEmbedded(List.of("funnel", "replied"), Date.class);
      repliedAt = first.toInstant();
      evidence = assisted.undo(leadId, asRead, repliedAt);
    }
    if (evidence) {
      // Counted as of the first reply: in the segment the lead was in then (SegmentMoves).
      String repliedIn =
          asRead != null && !repliedAt.equals(at) ? SegmentMoves.of(asRead, repliedAt) : segment;
      stats.increment(variantId, repliedIn, "replied", repliedAt);
      wordings.add(
          variantId,
          WordingStats.revisionOf(before != null ? before : asRead),
          repliedIn,
          "replied",
          1);
    }
    count(leadId, variantId, segment, intent, at);
  }

  /**
   * A reaction to our message: the lead read it ({@code read}, and so {@code delivered}, in the
   * funnel, each once per lead, whichever of this and the read receipt comes first). No reply, no
   * interest: the variant's counters do not change.
   */
  public void countReaction(String leadId, Instant at) {
    funnel.reach(leadId, "read", at);
  }

  /** The history event of a reply with the reply's intent (none when null). */
  public static Document tagged(Document event, String intent) {
    return intent == null ? event : event.append(INTENT, intent);
  }

  /** History events that show interest. */
  static Bson shown() {
    return Filters.and(Filters.in("type", EVENTS), Filters.eq(INTENT, INTERESTED));
  }

  /** Whether this history event shows interest. */
  static boolean shown(Document event) {
    return EVENTS.contains(event.getString("type")) && INTERESTED.equals(event.getString(INTENT));
  }
}
