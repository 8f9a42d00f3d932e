package com.salesagent.activities.erasure;

import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.variants.ErasedCounts;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * The contact an erasure's first pass leaves ({@link LeadErasureActivitiesImpl}): the lead's id,
 * numbers, segment, campaign and the days of its funnel marks, with its erasure mark holding what
 * the pass kept of its counts ({@link ErasedCounts}) for the last pass.
 */
final class ErasureTombstones {
  private ErasureTombstones() {}

  /** When the first pass left the contact as a tombstone (in {@link LeadStore#ERASURE}). */
  private static final String TOMBSTONE_AT = "tombstoneAt";

  /** Whether the first pass kept the lead's first reply in {@link ErasedCounts}. */
  private static final String REPLY_KEPT = "replyKept";

  /** Whether the first pass kept the lead's first reply with interest in {@link ErasedCounts}. */
  private static final String INTEREST_KEPT = "interestKept";

  /**
   * Whether the first pass kept the lead's assisted mark ({@code Assisted}): the sweep then keeps
   * none of its replies, interest or conversions either.
   */
  private static final String ASSISTED_KEPT = "assistedKept";

  /**
   * Whether the first pass found the lead out of its variant's evidence: assisted, or switched off
   * a variant it had been sent ({@code Switched}, whose event the pass deleted): the sweep keeps
   * none of its replies, interest or conversions either.
   */
  private static final String OUT_OF_EVIDENCE_KEPT = "outOfEvidenceKept";

  static boolean tombstone(Document contact) {
    Document erasure = contact.get(LeadStore.ERASURE, Document.class);
    return erasure != null && erasure.get(TOMBSTONE_AT) != null;
  }

  /** What the first pass kept of the lead's firsts, as its tombstone's mark says (none: none). */
  static ErasedCounts.Firsts kept(Document mark) {
    return new ErasedCounts.Firsts(
        mark != null && mark.getBoolean(REPLY_KEPT, false),
        mark != null && mark.getBoolean(INTEREST_KEPT, false),
        mark != null && mark.getBoolean(ASSISTED_KEPT, false),
        // A tombstone from before this field: what it kept of the assisted mark.
        mark != null
            && mark.getBoolean(OUT_OF_EVIDENCE_KEPT, mark.getBoolean(ASSISTED_KEPT, false)));
  }

  /** The tombstone of this contact, the first pass having kept {@code kept} of its counts. */
  static Document of(
      String leadId, Document contact, Document mark, ErasedCounts.Firsts kept, Instant now) {
    Document tombstone =
        new Document("_id", contact.get("_id"))
            .append("leadId", leadId)
            // What the leads list shows until the sweep removes it.
            .append("stage", LeadErasureActivitiesImpl.ERASING_STAGE)
            .append(
                LeadStore.ERASURE,
                new Document(
                        "requestedAt",
                        mark != null && mark.getDate("requestedAt") != null
                            ? mark.getDate("requestedAt")
                            : Date.from(now))
                    .append(TOMBSTONE_AT, Date.from(now))
                    .append(REPLY_KEPT, kept.reply())
                    .append(INTEREST_KEPT, kept.interest())
                    .append(ASSISTED_KEPT, kept.assisted())
                    .append(OUT_OF_EVIDENCE_KEPT, kept.outOfEvidence()));
    if (contact.getString("segment") != null) {
      // For what the sweep keeps of the counts (ErasedCounts): a label, not the person.
      tombstone.append("segment", contact.getString("segment"));
    }
    if (contact.getString("campaignId") != null) {
      // A label too: a late funnel mark (a send that was under way) counts in its campaign.
      tombstone.append("campaignId", contact.getString("campaignId"));
    }
    Document days = FunnelStats.days(contact);
    if (!days.isEmpty()) {
      // The stages reached, as days only (what the last pass keeps of them): the rebuild
      // counts them from here meanwhile, and a send under way marking one of them again is
      // not counted twice; a stage it reaches first is marked and counted as any.
      tombstone.append("funnel", days);
    }
    if (contact.getString("phone") != null) {
      tombstone.append("phone", contact.getString("phone"));
    }
    tombstone.append("waIds", contact.getList("waIds", String.class, List.of()));
    return tombstone;
  }
}
