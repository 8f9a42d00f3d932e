package com.salesagent.api.leads;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.workflows.afterend.AfterEndRecord;
import com.salesagent.workflows.lead.OwnerReply;
import com.salesagent.workflows.lead.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.BiConsumer;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A person's request for the re-engagement template, which the lead's run composes under its own
 * key: the API stores no message for it, so a run that ended before taking it (an operator marked
 * the lead converted while it waited, or the signal reached a run that was ending) lost it without
 * a word, the API having answered 202. The request is kept on the contact ({@link #FIELD}: its key,
 * when, by whom), also when the signal's answer was lost (the run may have it; the API answered 503
 * saying so), until a sweep ({@link PendingPersonMessages}) sees it taken: a re-engagement message
 * of the lead composed since. One not taken {@link PendingPersonMessages#GRACE} after it was asked,
 * whose lead's run has ended, is not sent (a template belongs to a live sales sequence: a lead
 * whose run ended gets free text only) and the lead's timeline says so ({@code
 * owner_reply_failed}), once, whichever API process sweeps; one whose lead is live is told to its
 * run again every {@link PendingPersonMessages#LIVE_AGAIN} at most (a run that has it ignores it by
 * its key). A later request replaces an earlier one untaken (one template covers both).
 */
final class PendingTemplateRequests {
  private static final Logger LOG = LoggerFactory.getLogger(PendingTemplateRequests.class);

  /** On the contact: {@code {key, at, by, ownerId, checkedAt}}. */
  static final String FIELD = "templateRequest";

  /**
   * A re-engagement message composed this long before the request counts as its answer (the API's
   * and the worker's clocks may differ on the real stack).
   */
  static final Duration SKEW = Duration.ofSeconds(5);

  private final LeadStore store;
  private final BiConsumer<String, OwnerReply> resignal;

  PendingTemplateRequests(LeadStore store, BiConsumer<String, OwnerReply> resignal) {
    this.store = store;
    this.resignal = resignal;
  }

  /**
   * Keeps a person's template request on the lead's contact until the sweep sees it taken (a
   * retried request, same key, keeps the first's time).
   */
  static void requested(
      LeadStore store, String leadId, String key, String by, String ownerId, Instant at) {
    store
        .contacts()
        .updateOne(
            Filters.and(Filters.eq("leadId", leadId), Filters.ne(FIELD + ".key", key)),
            Updates.set(
                FIELD,
                new Document("key", key)
                    .append("at", Date.from(at))
                    .append("by", by)
                    .append("ownerId", ownerId)));
  }

  /** One pass at {@code now}; answers the keys it settled (taken, or said not to have gone). */
  List<String> sweep(Instant now) {
    List<String> settled = new ArrayList<>();
    List<Document> asked =
        store
            .contacts()
            .find(
                Filters.and(
                    Filters.lt(FIELD + ".at", Date.from(now.minus(PendingPersonMessages.GRACE))),
                    Filters.or(
                        Filters.exists(FIELD + ".checkedAt", false),
                        Filters.lt(
                            FIELD + ".checkedAt",
                            Date.from(now.minus(PendingPersonMessages.LIVE_AGAIN))))))
            .projection(
                Projections.include(
                    "leadId", "campaignId", "variantId", "stage", LeadStore.ERASURE, FIELD))
            .sort(Sorts.ascending(FIELD + ".at"))
            .limit(PendingPersonMessages.BATCH)
            .into(new ArrayList<>());
    for (Document contact : asked) {
      String leadId = contact.getString("leadId");
      Document request = contact.get(FIELD, Document.class);
      String key = request.getString("key");
      Instant at = request.getDate("at").toInstant();
      // A lead being erased is its erasure's: nothing is written on it.
      Stage stage = LeadStore.erasing(contact) ? null : Stage.of(contact.getString("stage"));
      boolean taken = stage != null && taken(leadId, at);
      if (stage == null || taken || at.isBefore(now.minus(PendingPersonMessages.WITHIN))) {
        // Erased, answered by the run, or a day old (the run had it or never will): done.
        if (settle(leadId, key) && stage != null && !taken) {
          LOG.info("template request {} of lead {} dropped after a day untaken", key, leadId);
        }
        settled.add(key);
        continue;
      }
      if (!stage.terminal()) {
        resignal.accept(
            leadId,
            new OwnerReply(
                key, OwnerReply.TEMPLATE, request.getString("ownerId"), request.getString("by")));
        store
            .contacts()
            .updateOne(
                Filters.and(Filters.eq("leadId", leadId), Filters.eq(FIELD + ".key", key)),
                Updates.set(FIELD + ".checkedAt", Date.from(now)));
        continue;
      }
      if (settle(leadId, key)) {
        // Only the process whose write removed the request tells the timeline.
        String why =
            "the lead's run ended "
                + stage.key()
                + " before the re-engagement template went: not sent (a lead whose run ended gets"
                + " free text inside the 24 h window only)";
        store
            .interactions()
            .recordInteraction(
                leadId,
                contact.getString("campaignId"),
                contact.getString("variantId"),
                AfterEndRecord.FAILED,
                null,
                key + ": " + why,
                now);
        LOG.info("template request {} of lead {} not sent: {}", key, leadId, why);
      }
      settled.add(key);
    }
    return settled;
  }

  /** A re-engagement message of the lead composed since the request (less the clocks' skew). */
  private boolean taken(String leadId, Instant at) {
    return store
            .messages()
            .collection()
            .find(
                Filters.and(
                    Filters.eq("leadId", leadId),
                    Filters.eq("purpose", OwnerReply.TEMPLATE),
                    Filters.gte("composedAt", Date.from(at.minus(SKEW)))))
            .projection(Projections.include("_id"))
            .first()
        != null;
  }

  /** Removes the request if it is still this one; true for the one writer that did. */
  private boolean settle(String leadId, String key) {
    Bson mine = Filters.and(Filters.eq("leadId", leadId), Filters.eq(FIELD + ".key", key));
    return store.contacts().updateOne(mine, Updates.unset(FIELD)).getModifiedCount() == 1;
  }
}
