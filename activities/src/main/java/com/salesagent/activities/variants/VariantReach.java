package com.salesagent.activities.variants;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * What a variant's running leads still have of it ({@link VariantStore.Reach}): the leads its
 * kill-switch reaches while it is on; once it is off, those whose message of it is in its call to
 * the Cloud API now, and those that will move to another variant before their next send.
 */
final class VariantReach {
  private final MongoCollection<Document> variants;
  private final MongoCollection<Document> contacts;
  private final MongoCollection<Document> messages;
  private final Clock clock;

  VariantReach(
      MongoCollection<Document> variants,
      MongoCollection<Document> contacts,
      MongoCollection<Document> messages,
      Clock clock) {
    this.variants = variants;
    this.contacts = contacts;
    this.messages = messages;
    this.clock = clock;
  }

  /**
   * How long a send's call to the Cloud API may last, with room for clock skew (as the webhook's
   * STOP fence reads a claim, {@code WebhookInbox.CALL_WINDOW}): an older claim is no call under
   * way.
   */
  static final Duration CALL_WINDOW = Duration.ofSeconds(30);

  /** {@link VariantStore.Reach} of the variant now; null when there is no such variant. */
  VariantStore.Reach reach(String variantId) {
    Document variant =
        variants
            .find(Filters.eq("variantId", variantId))
            .projection(new Document("enabled", 1))
            .first();
    if (variant == null) {
      return null;
    }
    long running = contacts.countDocuments(VariantActivitiesImpl.inFlight(variantId));
    if (variant.getBoolean("enabled", true) || running == 0) {
      return new VariantStore.Reach(variant.getBoolean("enabled", true), running, 0);
    }
    List<String> sending =
        messages
            .distinct(
                "leadId",
                Filters.and(
                    Filters.gte("sendingSince", Date.from(clock.instant().minus(CALL_WINDOW))),
                    Filters.exists("sendingBy", true),
                    Filters.eq("variantId", variantId)),
                String.class)
            .into(new ArrayList<>());
    long inCall =
        sending.isEmpty()
            ? 0
            : contacts.countDocuments(
                Filters.and(
                    VariantActivitiesImpl.inFlight(variantId), Filters.in("leadId", sending)));
    return new VariantStore.Reach(false, inCall, Math.max(0, running - inCall));
  }
}
