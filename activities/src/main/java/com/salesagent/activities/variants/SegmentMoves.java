package com.salesagent.activities.variants;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * When a lead moved from one segment to another ({@code contacts.segmentMoves}: {@code from},
 * {@code to}, {@code at}), so that the counters' recount ({@link VariantStats#recompute}, {@link
 * WordingRecount}) and an erasure's kept counts ({@link ErasedCounts}) count each event in the
 * segment the live counters counted it in: the segment the lead was in when it happened. The live
 * counters read the contact's segment as each event is counted, so a lead an operator's new segment
 * took at its next send keeps its assignment, first message and replies before the move in its old
 * segment; the recount read the contact's segment now for every event of the lead, and the counter
 * check disagreed (a rebuild would have moved the old segment's counts into the new one).
 */
public final class SegmentMoves {
  /** On a contact: its moves between segments, oldest first. */
  public static final String FIELD = "segmentMoves";

  private SegmentMoves() {}

  /** Conditional writes lost to other moves of the same lead before one is written regardless. */
  private static final int ATTEMPTS = 5;

  /**
   * Sets the lead's segment and, when it had another, records the move at {@code at}, in one write
   * conditional on the segment read ({@code read}: the contact's segment as the caller read it;
   * read again when another write came between): a crash (or a retried activity) never leaves the
   * segment set without its move, which the retry, reading the new segment, would not record again;
   * and two moves at once are recorded in the order they were made.
   */
  public static void move(
      MongoCollection<Document> contacts, String leadId, String read, String to, Date at) {
    // The segment the caller read first (no command more than the write when nothing came
    // between), then the contact's as read again.
    String from = read;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) {
        Document now =
            contacts
                .find(Filters.eq("leadId", leadId))
                .projection(Projections.include("segment"))
                .first();
        if (now == null) {
          return;
        }
        from = now.getString("segment");
      }
      if (java.util.Objects.equals(from, to)) {
        if (attempt > 0) {
          return;
        }
        continue; // read as there already: whether it still is, is read again
      }
      if (contacts
              .updateOne(
                  Filters.and(Filters.eq("leadId", leadId), Filters.eq("segment", from)),
                  moveFrom(from, to, at))
              .getMatchedCount()
          > 0) {
        return;
      }
    }
    // Other moves kept winning: this one is the latest asked, written as the last of them.
    Document before =
        contacts.findOneAndUpdate(
            Filters.eq("leadId", leadId),
            Updates.set("segment", to),
            new FindOneAndUpdateOptions().projection(Projections.include("segment")));
    String was = before == null ? null : before.getString("segment");
    if (was != null && !was.equals(to)) {
      contacts.updateOne(Filters.eq("leadId", leadId), moveFrom(was, to, at));
    }
  }

  private static org.bson.conversions.Bson moveFrom(String from, String to, Date at) {
    return from == null
        ? Updates.set("segment", to)
        : Updates.combine(
            Updates.set("segment", to),
            Updates.push(FIELD, new Document("from", from).append("to", to).append("at", at)));
  }

  /**
   * The segment the lead was in at {@code ts}: the {@code from} of its first move after it, else
   * {@code current} (its contact's segment now; also for an event without a time). A move is read
   * to the second, as WhatsApp stamps its statuses: a receipt of the message sent right after the
   * move, stamped in the move's second, is counted after it, as it was.
   */
  public static String at(Document contact, String current, Date ts) {
    if (contact == null || ts == null) {
      return current;
    }
    for (Document move : contact.getList(FIELD, Document.class, List.of())) {
      Date when = move.getDate("at");
      if (when != null
          && new Date(when.getTime() - Math.floorMod(when.getTime(), 1000L)).after(ts)
          && move.getString("from") != null) {
        return move.getString("from");
      }
    }
    return current;
  }

  /**
   * The segment the lead of {@code contact} (read with its {@code segment} and {@link #FIELD}) was
   * in at {@code ts}: what the live counters count an event in, the recount's rule ({@link #at}).
   * Null for no contact (the counters' "default").
   */
  public static String of(Document contact, java.time.Instant ts) {
    if (contact == null) {
      return null;
    }
    return at(contact, contact.getString("segment"), ts == null ? null : Date.from(ts));
  }

  /** Whether the contact as read records a move. */
  public static boolean moved(Document contact) {
    return contact != null && !contact.getList(FIELD, Document.class, List.of()).isEmpty();
  }
}
