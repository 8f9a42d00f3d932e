package com.salesagent.activities.mongo;

import static com.salesagent.activities.mongo.IndexCommands.dropIndex;
import static com.salesagent.activities.mongo.IndexCommands.index;
import static com.salesagent.activities.mongo.IndexCommands.unique;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.salesagent.activities.persona.Topics;
import com.salesagent.activities.research.EmbeddingCache;
import com.salesagent.activities.variants.ErasedCounts;
import com.salesagent.activities.variants.VariantStats;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The secondary indexes of every collection ({@link MongoSchema#ensure}), in their order. */
final class SchemaIndexes {
  private SchemaIndexes() {}

  static void ensureIndexes(MongoDatabase db) {
    unique(db, Collections.CONTACTS, "leadId");
    index(db, Collections.CONTACTS, Indexes.ascending("campaignId", "stage"));
    index(db, Collections.CONTACTS, Indexes.ascending("phone"));
    index(db, Collections.CONTACTS, Indexes.ascending("waIds"));
    // One active lead per phone per campaign: set while the lead runs, removed when it ends.
    index(
        db,
        Collections.CONTACTS,
        Indexes.ascending("activeKey"),
        new IndexOptions().unique(true).sparse(true));
    unique(db, Suppressions.COLLECTION, "number");
    // A lease a crashed API process left on a number it was enrolling (taken over when stale).
    index(
        db,
        Collections.ENROL_LEASES,
        Indexes.ascending("expireAt"),
        new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
    // People's messages sent without a requestId: what a double submit is recognised by.
    index(
        db,
        Collections.UNKEYED_REQUESTS,
        Indexes.ascending("expireAt"),
        new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
    // Send slots and per-minute send counts of the business numbers: kept an hour or two.
    index(
        db,
        com.salesagent.activities.whatsapp.SendThrottle.COLLECTION,
        Indexes.ascending("expireAt"),
        new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
    index(
        db,
        SenderRates.COLLECTION,
        Indexes.ascending("expireAt"),
        new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
    // Lead imports, newest first, and their rows' answers in order (all of them or one status);
    // both go when the import's expireAt passes (IMPORT_RETENTION).
    index(db, Collections.IMPORTS, Indexes.descending("startedAt"));
    index(
        db,
        Collections.IMPORTS,
        Indexes.ascending("expireAt"),
        new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
    index(
        db,
        Collections.IMPORT_ROWS,
        Indexes.ascending("importId", "seq"),
        new IndexOptions().unique(true));
    index(db, Collections.IMPORT_ROWS, Indexes.ascending("importId", "status", "seq"));
    // An erasure's rows: those naming the lead, and those echoing a row with one of its numbers.
    index(db, Collections.IMPORT_ROWS, Indexes.ascending(Collections.IMPORT_ROW_LEAD_IDS));
    index(db, Collections.IMPORT_ROWS, Indexes.ascending(Collections.IMPORT_ROW_NUMBER_HASHES));
    index(
        db,
        Collections.IMPORT_ROWS,
        Indexes.ascending("expireAt"),
        new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
    index(db, Collections.CONTACTS, Indexes.ascending("variantId", "stage"));
    // The kill-switch pages through a variant's leads in lead-id order.
    index(db, Collections.CONTACTS, Indexes.ascending("variantId", "leadId"));
    index(db, Collections.CONTACTS, Indexes.ascending("segment", "stage"));
    // The leads list by the variant a lead is the evidence of (only leads the kill switch moved
    // after their first message carry it).
    index(
        db,
        Collections.CONTACTS,
        Indexes.ascending(ContactList.EVIDENCE, "stage"),
        new IndexOptions().sparse(true));
    // Owners' loads (Owners.loads) and the Hand-offs queue.
    index(db, Collections.CONTACTS, Indexes.ascending("ownerId", "stage"));
    // A resumed number wakes the leads pinned to it that wait for it, in lead-id order.
    index(db, Collections.CONTACTS, Indexes.ascending("senderId", "stage", "leadId"));
    index(db, Collections.CONTACTS, Indexes.descending("enrolledAt"));
    // LEAD_RETENTION (the API's LeadRetentionSweep): the ended leads of one stage by their last
    // stage event, oldest first.
    index(db, Collections.CONTACTS, Indexes.ascending("stage", "updatedAt"));
    // The "wrote after the end" list: only the few leads marked, newest first.
    index(
        db,
        Collections.CONTACTS,
        Indexes.compoundIndex(
            Indexes.ascending(AfterEndReplies.FIELD + "." + AfterEndReplies.WAITING),
            Indexes.descending(AfterEndReplies.FIELD + ".wroteAt")),
        new IndexOptions().sparse(true));
    // Leads told of their number's suppression, for the live feed's polling fallback.
    index(
        db,
        Collections.CONTACTS,
        Indexes.ascending(LeadStore.SUPPRESSED_AT),
        new IndexOptions().sparse(true));
    // Leads given an outcome (converted, lost), for the live feed's polling fallback.
    index(
        db, Collections.CONTACTS, Indexes.ascending("outcome.at"), new IndexOptions().sparse(true));
    // A person's template request the run has not taken yet (the API's PendingTemplateRequests).
    index(
        db,
        Collections.CONTACTS,
        Indexes.ascending("templateRequest.at"),
        new IndexOptions().sparse(true));
    index(db, Collections.AUDIT_LOG, Indexes.descending("at"));
    // A subject access request's entries of the person (the API's SubjectAccess): by lead, by the
    // leads of an earlier export, by a number suppressed or lifted by hand.
    for (String field : List.of("leadId", "leadIds", "number")) {
      index(db, Collections.AUDIT_LOG, Indexes.ascending(field), new IndexOptions().sparse(true));
    }
    index(
        db,
        FunnelStats.COLLECTION,
        Indexes.ascending("campaignId", "day"),
        new IndexOptions().unique(true));
    index(db, Collections.MESSAGES, Indexes.ascending("approval.status"));
    index(db, Collections.MESSAGES, Indexes.ascending("updatedAt"));
    // People's messages left behind by a run that ended before sending them (the API's sweep).
    index(db, Collections.MESSAGES, Indexes.ascending("composer", "status", "createdAt"));
    index(db, Collections.FEEDBACK, Indexes.ascending("storedAt"));
    index(db, Collections.FEEDBACK, Indexes.ascending("leadId", "receivedAt"));
    index(
        db,
        com.salesagent.activities.knowledge.KnowledgeActivitiesImpl.DRAFTS,
        Indexes.ascending("leadId", "createdAt"));
    index(db, Collections.RESEARCH_RESULTS, Indexes.ascending("leadId"));
    // Cached vectors live 30 days (TTL): the collection holds that window's distinct chunks.
    index(
        db,
        EmbeddingCache.COLLECTION,
        Indexes.ascending("createdAt"),
        new IndexOptions().expireAfter(EmbeddingCache.TTL_DAYS, TimeUnit.DAYS));
    unique(db, Collections.PROMPT_VARIANTS, "variantId");
    unique(db, Collections.AGENT_CONFIGURATIONS, "configId");
    unique(db, Collections.WORKFLOW_DEFINITIONS, "segment");
    unique(db, Collections.PERSONAS, "leadId");
    unique(db, Collections.SEGMENTS, "segmentId");
    // The outbound webhooks' outbox (Notifications): the dispatcher's claim, and retention.
    index(
        db,
        com.salesagent.activities.notify.Notifications.COLLECTION,
        Indexes.ascending("status", "nextAttemptAt"),
        new IndexOptions());
    index(
        db,
        com.salesagent.activities.notify.Notifications.COLLECTION,
        Indexes.ascending("crm.status", "crm.nextAttemptAt"),
        new IndexOptions());
    // An erasure's events of the lead.
    index(
        db,
        com.salesagent.activities.notify.Notifications.COLLECTION,
        Indexes.ascending("leadId"),
        new IndexOptions());
    index(
        db,
        com.salesagent.activities.notify.Notifications.COLLECTION,
        Indexes.ascending("createdAt"),
        new IndexOptions()
            .expireAfter(com.salesagent.activities.notify.Notifications.KEEP_DAYS, TimeUnit.DAYS));
    index(db, Collections.PERSONAS, Indexes.ascending("segment"));
    // Faceted search (PersonaSearch): the $match fields, then the page's sort.
    for (String facet :
        List.of(
            "industry", "sizeBand", "seniority", "function", "topics", "objections", "intents")) {
      index(db, Collections.PERSONAS, Indexes.ascending(facet));
    }
    index(db, Collections.PERSONAS, Indexes.ascending("campaignId", "updatedAt"));
    unique(db, Topics.COLLECTION, "topicId");
    index(db, Collections.FEEDBACK, Indexes.ascending("leadId"));
    index(db, Collections.FEEDBACK, Indexes.ascending("wamid"));
    index(
        db,
        Collections.MESSAGES,
        Indexes.ascending("wamid"),
        new IndexOptions().unique(true).sparse(true));
    unique(db, Collections.MESSAGES, "idempotencyKey");
    index(db, Collections.MESSAGES, Indexes.ascending("leadId"));
    // The sends in their call now (a claim): a disabled variant's messages still going out.
    index(
        db,
        Collections.MESSAGES,
        Indexes.ascending("sendingSince"),
        new IndexOptions().sparse(true));
    // The sends held unknown, and the oldest of them (the API's sales_agent_sends_unknown gauges):
    // an index of those alone, read every few seconds.
    index(
        db,
        Collections.MESSAGES,
        Indexes.ascending("status", "unknown.at"),
        new IndexOptions()
            .partialFilterExpression(com.mongodb.client.model.Filters.eq("status", "unknown")));
    // The approvals queue's sends whose delivery Meta never told (HeldMessages.deliveryUnknown),
    // read at every refresh of the approvals card: an index of those alone, not a scan of every
    // message.
    index(
        db,
        Collections.MESSAGES,
        Indexes.ascending("delivery.status"),
        new IndexOptions()
            .partialFilterExpression(
                com.mongodb.client.model.Filters.eq("delivery.status", "unknown")));
    unique(db, Collections.WEBHOOK_EVENTS, "eventKey");
    // The dead letters (InboxRecords: the list, newest first, and its count): those alone.
    index(
        db,
        Collections.WEBHOOK_EVENTS,
        Indexes.compoundIndex(Indexes.ascending("deadLetter"), Indexes.descending("receivedAt")),
        new IndexOptions()
            .partialFilterExpression(com.mongodb.client.model.Filters.eq("deadLetter", true)));
    // One counter document per variant x segment x day x shard (CountedOnce): the shard's key
    // first, then the key of before shards dropped (it would refuse a second shard's document).
    index(
        db,
        VariantStats.COLLECTION,
        Indexes.ascending("variantId", "segment", "day", "shard"),
        new IndexOptions().unique(true));
    dropIndex(db, VariantStats.COLLECTION, Indexes.ascending("variantId", "segment", "day"));
    // One counter document per variant x wording revision x segment (WordingStats).
    index(
        db,
        com.salesagent.activities.variants.WordingStats.COLLECTION,
        Indexes.ascending("variantId", "revision", "segment"),
        new IndexOptions().unique(true));
    index(db, ErasedCounts.COLLECTION, Indexes.ascending("day"));
    index(db, Collections.WEBHOOK_EVENTS, Indexes.ascending("processed", "receivedAt"));
    // What waits to be processed, dead letters apart (the relay's poll, the backlog gauges): dead
    // letters stay processed=false, so in (processed, receivedAt) the query walked every dead
    // letter older than the oldest live event at each poll and each scrape. Only unprocessed
    // events are in this index, and deadLetter before receivedAt: the live ones ({@link
    // Collections#NOT_DEAD_LETTER}: false or none) are two ranges of their own, each in time order.
    index(
        db,
        Collections.WEBHOOK_EVENTS,
        Indexes.ascending("processed", "deadLetter", "receivedAt"),
        new IndexOptions()
            .partialFilterExpression(com.mongodb.client.model.Filters.eq("processed", false)));
    // A retried status finds the other events of its counting batch (CountedOnce).
    index(db, com.salesagent.activities.variants.CountedOnce.LEDGER, Indexes.ascending("batch"));
    // The live feed's polling fallback (a standalone mongod) reads receivedAt >= t sorted by
    // receivedAt every 500 ms, across processed and unprocessed events alike: (processed,
    // receivedAt) cannot serve it.
    index(db, Collections.WEBHOOK_EVENTS, Indexes.ascending("receivedAt"));
  }
}
