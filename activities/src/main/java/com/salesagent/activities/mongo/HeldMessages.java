package com.salesagent.activities.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;

/**
 * Messages waiting for a person: those the quality gate held for approval, and sends whose fate
 * Meta never told (delivery unknown) waiting for an operator's decision.
 */
public final class HeldMessages {
  private final MongoDatabase db;
  private final MongoCollection<Document> messages;
  private final DeliveryReviews deliveries;

  public HeldMessages(MongoDatabase db) {
    this.db = db;
    this.messages = db.getCollection(Collections.MESSAGES);
    this.deliveries = new DeliveryReviews(db);
  }

  /** The writes of a delivery decision and of the hold it decides. */
  public DeliveryReviews deliveries() {
    return deliveries;
  }

  private MongoCollection<Document> messages() {
    return messages;
  }

  /** Messages the quality gate held for a person, the most urgent first. */
  public List<Document> pendingApprovals(int limit) {
    return messages()
        .find(Filters.eq("approval.status", "pending"))
        .sort(Sorts.ascending("approval.slaAt"))
        .limit(limit)
        .into(new ArrayList<>());
  }

  /** How many messages wait for a person's approval. */
  public long pendingApprovalCount() {
    return messages().countDocuments(Filters.eq("approval.status", "pending"));
  }

  /** The lead's message waiting for approval, or null. */
  public Document pendingApproval(String leadId) {
    return messages()
        .find(Filters.and(Filters.eq("leadId", leadId), Filters.eq("approval.status", "pending")))
        .first();
  }

  /** Sends whose fate Meta never told us, waiting for an operator's decision. */
  public List<Document> deliveryUnknown(int limit) {
    return messages()
        .find(Filters.eq("delivery.status", "unknown"))
        .limit(limit)
        .into(new ArrayList<>());
  }

  /**
   * The lead's send held with its fate unknown, else the one an operator's delivery decision was
   * last recorded on (resend, assume_sent, stop), or null.
   */
  public Document deliveryHeldOrDecided(String leadId) {
    Document unknown =
        messages()
            .find(
                Filters.and(Filters.eq("leadId", leadId), Filters.eq("delivery.status", "unknown")))
            .first();
    return unknown != null
        ? unknown
        : messages()
            .find(
                Filters.and(
                    Filters.eq("leadId", leadId),
                    Filters.in("delivery.status", "resend", "assume_sent", "stop")))
            .sort(Sorts.descending("delivery.at"))
            .first();
  }

  /**
   * Whether the held message's variant was switched off (an operator's kill-switch) since it was
   * composed: its text must not go out, whatever the reviewer decides.
   */
  public boolean variantSwitchedOff(Document message) {
    String variantId = message.getString("variantId");
    if (variantId == null) {
      return false;
    }
    Document variant =
        db.getCollection(Collections.PROMPT_VARIANTS)
            .find(Filters.eq("variantId", variantId))
            .projection(new Document("enabled", 1))
            .first();
    return variant != null && Boolean.FALSE.equals(variant.getBoolean("enabled"));
  }

  /**
   * A person's decision on a held message, claimed on it before the lead's workflow is told ({@code
   * review}: {@code decision}, {@code by}, {@code at}, {@code revision}, and once the workflow
   * answered {@code outcome}): of two decisions at once one is claimed, so an edit never overwrites
   * the text another reviewer's decision was taken on, and a decision sent again is recognised.
   */
  public static final String REVIEW = "review";

  /**
   * The held message's revision (its ETag, what an edit sends as {@code If-Match}): 1 as held, one
   * more at each decision claimed on it (and at each claim given back).
   */
  public static int revisionOf(Document message) {
    Document review = message == null ? null : message.get(REVIEW, Document.class);
    return review == null ? 1 : review.getInteger("revision", 1);
  }

  /** The lead's message with this idempotency key, or null. */
  public Document message(String leadId, String idempotencyKey) {
    return messages()
        .find(
            Filters.and(Filters.eq("leadId", leadId), Filters.eq("idempotencyKey", idempotencyKey)))
        .first();
  }

  /** The lead's message a person's decision was last claimed on, or null. */
  public Document lastReviewed(String leadId) {
    return messages()
        .find(Filters.and(Filters.eq("leadId", leadId), Filters.exists(REVIEW + ".decision")))
        .sort(Sorts.descending(REVIEW + ".at"))
        .first();
  }

  /**
   * Claims {@code decision} by {@code by} on the held message as read ({@code message}): one write,
   * only while it is still waiting for approval, no other decision is claimed on it, and it is at
   * the revision read; an edit's text is stored in the same write (the send reads it only once the
   * workflow took the edit). False when another decision or edit came first.
   */
  public boolean claimDecision(
      Document message, String decision, String editedText, String by, java.time.Instant at) {
    int revision = revisionOf(message);
    org.bson.conversions.Bson atRevision =
        revision == 1
            ? Filters.or(
                Filters.exists(REVIEW + ".revision", false), Filters.eq(REVIEW + ".revision", 1))
            : Filters.eq(REVIEW + ".revision", revision);
    List<org.bson.conversions.Bson> set =
        new ArrayList<>(
            List.of(
                Updates.set(REVIEW + ".decision", decision),
                Updates.set(REVIEW + ".by", by),
                Updates.set(REVIEW + ".at", java.util.Date.from(at)),
                // Set, not incremented: $inc of a missing field makes it 1, the revision as held.
                Updates.set(REVIEW + ".revision", revision + 1)));
    if (editedText != null) {
      set.add(Updates.set("editedText", editedText));
    }
    return messages()
            .updateOne(
                Filters.and(
                    Filters.eq("idempotencyKey", message.getString("idempotencyKey")),
                    Filters.eq("leadId", message.getString("leadId")),
                    Filters.eq("approval.status", "pending"),
                    Filters.exists(REVIEW + ".decision", false),
                    atRevision),
                Updates.combine(set))
            .getModifiedCount()
        == 1;
  }

  /**
   * Gives back a claimed decision the lead's workflow refused (it decided otherwise meanwhile, or
   * the lead ended): the message may be decided again, at the next revision.
   */
  public void releaseDecision(String idempotencyKey, String decision, String by) {
    messages()
        .updateOne(
            Filters.and(
                Filters.eq("idempotencyKey", idempotencyKey),
                Filters.eq(REVIEW + ".decision", decision),
                Filters.eq(REVIEW + ".by", by),
                Filters.exists(REVIEW + ".outcome", false)),
            Updates.combine(
                Updates.unset(REVIEW + ".decision"),
                Updates.unset(REVIEW + ".by"),
                Updates.unset(REVIEW + ".at"),
                Updates.inc(REVIEW + ".revision", 1)));
  }

  /**
   * The last operator's decision on a send of unknown fate, as the API recorded it ({@code heldAt}:
   * the hold it decides, the {@code delivery.at} it was listed with; {@code decision}, {@code by},
   * {@code at}; {@code pending} until the lead's workflow answered it). Kept apart from {@code
   * delivery}, which the workflow's record replaces and a resend held unknown again unsets: a
   * decision sent again is told from one on the send's next hold by it. Written before the workflow
   * is told, so a decision whose answer was lost (the API stopped, the call failed after the
   * workflow took it) is still known when its request comes again.
   */
  public static final String DELIVERY_REVIEW = "deliveryReview";

  /** Set on a {@link #DELIVERY_REVIEW} until the lead's workflow answered it. */
  public static final String PENDING = "pending";

  /**
   * When a decision recorded in a {@link #REVIEW} or {@link #DELIVERY_REVIEW} was taken: the first
   * of the lead's workflow recording it and the API hearing its answer (its {@code at} is when it
   * was claimed, before a possibly slow update). What the retry window starts from.
   */
  public static final String DECIDED_AT = "decidedAt";

  /**
   * When the retry window of a recorded decision starts: when it was taken ({@link #DECIDED_AT}),
   * else (taken before that was recorded, or its answer never heard) when it was claimed.
   */
  public static java.util.Date decidedAt(Document review) {
    if (review == null) {
      return null;
    }
    java.util.Date decided = review.getDate(DECIDED_AT);
    return decided != null ? decided : review.getDate("at");
  }

  /** The lead's message an operator's delivery decision was last recorded on, or null. */
  public Document lastDeliveryReviewed(String leadId) {
    return messages()
        .find(Filters.and(Filters.eq("leadId", leadId), Filters.exists(DELIVERY_REVIEW + ".at")))
        .sort(Sorts.descending(DELIVERY_REVIEW + ".at"))
        .first();
  }

  /** What the lead's workflow answered the claimed decision: a decision sent again answers it. */
  public void decided(String idempotencyKey, String decision, String approver, String outcome) {
    messages()
        .updateOne(
            Filters.and(
                Filters.eq("idempotencyKey", idempotencyKey),
                Filters.eq(REVIEW + ".decision", decision)),
            Updates.combine(
                Updates.set(REVIEW + ".approver", approver),
                Updates.set(REVIEW + ".outcome", outcome),
                // When it was taken (its at: when claimed, before a possibly slow update).
                Updates.min(REVIEW + "." + DECIDED_AT, new java.util.Date())));
  }
}
