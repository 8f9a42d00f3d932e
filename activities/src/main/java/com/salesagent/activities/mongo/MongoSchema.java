package com.salesagent.activities.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.SearchIndexModel;
import com.mongodb.client.model.SearchIndexType;
import com.mongodb.client.model.TimeSeriesGranularity;
import com.mongodb.client.model.TimeSeriesOptions;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.salesagent.activities.persona.Topics;
import com.salesagent.activities.research.EmbeddingCache;
import com.salesagent.activities.variants.ErasedCounts;
import com.salesagent.activities.variants.VariantStats;
import com.salesagent.temporal.StartupException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates collections and indexes idempotently and detects what the server can do. Runs at every
 * start-up of the API and the worker; safe to run concurrently from both.
 */
public final class MongoSchema {
  private static final Logger LOG = LoggerFactory.getLogger(MongoSchema.class);

  private MongoSchema() {}

  /** How long start-up waits for a new vector index to become queryable, by default. */
  public static final Duration VECTOR_INDEX_WAIT = Duration.ofSeconds(60);

  public static MongoCapabilities ensure(MongoDatabase db) {
    return ensure(db, VECTOR_INDEX_WAIT);
  }

  /**
   * {@code vectorIndexWait}: how long to wait for the vector index to answer queries (Atlas builds
   * it asynchronously); past it start-up goes on with exact cosine and {@link VectorIndex} switches
   * to $vectorSearch once the index is queryable.
   */
  public static MongoCapabilities ensure(MongoDatabase db, Duration vectorIndexWait) {
    boolean timeSeries = ensureInteractionHistory(db);
    ensureIndexes(db);
    boolean changeStreams = supportsChangeStreams(db);
    boolean vectorSearch = ensureVectorIndex(db, vectorIndexWait);
    if (vectorSearch) {
      ensurePersonaSearchIndex(db);
    }
    String version = serverVersion(db);
    MongoCapabilities capabilities =
        new MongoCapabilities(timeSeries, changeStreams, vectorSearch, version);
    LOG.info("MongoDB {} capabilities: {}", version, capabilities);
    return capabilities;
  }

  /**
   * The readiness of the vector index: {@link VectorIndex#NONE} where the server has no search
   * indexes (or ours could not be created).
   */
  public static VectorIndex vectorIndex(MongoDatabase db, MongoCapabilities capabilities) {
    return capabilities != null && capabilities.vectorSearch()
        ? VectorIndex.of(db.getCollection(Collections.RESEARCH_RESULTS))
        : VectorIndex.NONE;
  }

  private static void ensureIndexes(MongoDatabase db) {
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

  /**
   * A time-series collection where the server has them; otherwise (the embedded server silently
   * ignores the option) a regular collection with an index on (meta.leadId, ts). Returns whether
   * the collection really is time-series.
   *
   * <p>The meta field is the lead alone and the granularity hours: a lead's events, days apart,
   * share a bucket (up to 30 days), where per-event meta fields and granularity seconds (buckets of
   * one hour) made nearly one bucket per event. A collection created with a finer granularity is
   * raised to hours with collMod where the server allows it (granularity can only increase).
   */
  private static boolean ensureInteractionHistory(MongoDatabase db) {
    if (!exists(db, Collections.INTERACTION_HISTORY)) {
      try {
        db.createCollection(
            Collections.INTERACTION_HISTORY,
            new CreateCollectionOptions()
                .timeSeriesOptions(
                    new TimeSeriesOptions("ts")
                        .metaField("meta")
                        .granularity(TimeSeriesGranularity.HOURS)));
      } catch (MongoCommandException e) {
        // 48 NamespaceExists: another process created it between our check and our create.
        if (e.getErrorCode() != 48) {
          throw schemaError(
              "create the time-series collection", Collections.INTERACTION_HISTORY, e);
        }
      }
    }
    Document info = collectionInfo(db, Collections.INTERACTION_HISTORY);
    boolean timeSeries = info != null && "timeseries".equals(info.getString("type"));
    if (timeSeries) {
      raiseGranularity(db, info);
    }
    index(db, Collections.INTERACTION_HISTORY, Indexes.ascending("meta.leadId", "ts"));
    return timeSeries;
  }

  /** seconds and minutes become hours; custom bucketing (no granularity) is left alone. */
  private static void raiseGranularity(MongoDatabase db, Document info) {
    Document options = info.get("options", Document.class);
    Document ts = options == null ? null : options.get("timeseries", Document.class);
    String granularity = ts == null ? null : ts.getString("granularity");
    if (!"seconds".equals(granularity) && !"minutes".equals(granularity)) {
      return;
    }
    try {
      db.runCommand(
          new Document("collMod", Collections.INTERACTION_HISTORY)
              .append("timeseries", new Document("granularity", "hours")));
      LOG.info(
          "{}: time-series granularity raised from {} to hours (new buckets per lead span up to"
              + " 30 days)",
          Collections.INTERACTION_HISTORY,
          granularity);
    } catch (MongoException e) {
      if (MongoErrors.isTransient(e)) {
        throw e;
      }
      LOG.warn(
          "{}: time-series granularity stays {}: the server refused collMod ({}); buckets stay"
              + " small until it is raised by hand",
          Collections.INTERACTION_HISTORY,
          granularity,
          MongoErrors.summary(e));
    }
  }

  private static boolean supportsChangeStreams(MongoDatabase db) {
    try (MongoChangeStreamCursor<ChangeStreamDocument<Document>> cursor =
        db.getCollection(Collections.MESSAGES)
            .watch()
            .maxAwaitTime(1, TimeUnit.MILLISECONDS)
            .cursor()) {
      cursor.tryNext();
      return true;
    } catch (RuntimeException e) {
      LOG.info(
          "Change streams unavailable ({}); live feeds will tail by timestamp", e.getMessage());
      return false;
    }
  }

  public static final String VECTOR_INDEX = "research_vector";

  /**
   * Where the server has search indexes (Atlas, Atlas Local), creates the vector index over the
   * research chunks once and waits (up to {@code wait}) for it to answer queries; returns whether
   * the index exists. Elsewhere returns false. The API and the worker run this concurrently: the
   * one whose create loses finds the index made by the other, and both wait for it.
   */
  private static boolean ensureVectorIndex(MongoDatabase db, Duration wait) {
    MongoCollection<Document> chunks = db.getCollection(Collections.RESEARCH_RESULTS);
    List<Document> existing;
    try {
      existing = chunks.listSearchIndexes().into(new ArrayList<>());
    } catch (RuntimeException e) {
      return false;
    }
    boolean present = existing.stream().anyMatch(i -> VECTOR_INDEX.equals(i.getString("name")));
    if (!present) {
      try {
        chunks.createSearchIndexes(
            List.of(
                new SearchIndexModel(
                    VECTOR_INDEX, vectorIndexDefinition(), SearchIndexType.vectorSearch())));
        LOG.info("vector index {} created; Atlas builds it in the background", VECTOR_INDEX);
      } catch (MongoException e) {
        if (!isDuplicateSearchIndex(e)) {
          LOG.warn(
              "Vector search index not created ({}); exact cosine is used", MongoErrors.summary(e));
          return false;
        }
        LOG.info("vector index {} was created by another process", VECTOR_INDEX);
      }
    }
    VectorIndex index = VectorIndex.of(chunks);
    try {
      if (!index.await(wait, Duration.ofSeconds(1))) {
        LOG.warn(
            "vector index {} is not queryable after {} s (status {}); retrieval uses exact cosine"
                + " and switches to $vectorSearch once it is, without a restart",
            VECTOR_INDEX,
            wait.toSeconds(),
            index.status());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }

  /**
   * The readiness of the Atlas Search index over the personas (faceted search): {@link
   * VectorIndex#NONE} where the server has no search indexes.
   */
  public static VectorIndex personaSearchIndex(MongoDatabase db, MongoCapabilities capabilities) {
    return capabilities != null && capabilities.vectorSearch()
        ? VectorIndex.of(
            db.getCollection(Collections.PERSONAS),
            PersonaSearchIndex.NAME,
            "persona search uses $searchMeta facets")
        : VectorIndex.NONE;
  }

  /**
   * Creates the personas' Atlas Search index once (no wait: until Atlas has built it, the faceted
   * search runs on $match + $facet); a create that lost the race with another process is fine.
   */
  private static void ensurePersonaSearchIndex(MongoDatabase db) {
    MongoCollection<Document> personas = db.getCollection(Collections.PERSONAS);
    try {
      boolean present =
          personas.listSearchIndexes().into(new ArrayList<>()).stream()
              .anyMatch(i -> PersonaSearchIndex.NAME.equals(i.getString("name")));
      if (!present) {
        personas.createSearchIndexes(
            List.of(
                new SearchIndexModel(
                    PersonaSearchIndex.NAME,
                    PersonaSearchIndex.definition(),
                    SearchIndexType.search())));
        LOG.info("search index {} created over personas", PersonaSearchIndex.NAME);
      }
    } catch (MongoException e) {
      if (!isDuplicateSearchIndex(e)) {
        LOG.warn(
            "Persona search index not created ({}); faceted search uses $match + $facet",
            MongoErrors.summary(e));
      }
    }
  }

  static Document vectorIndexDefinition() {
    return new Document(
        "fields",
        List.of(
            new Document("type", "vector")
                .append("path", "embedding")
                .append("numDimensions", 384)
                .append("similarity", "cosine"),
            new Document("type", "filter").append("path", "leadId"),
            new Document("type", "filter").append("path", "runId")));
  }

  /**
   * The create lost a race with another process: IndexAlreadyExists (68) or Atlas's "Duplicate
   * Index" / "already exists".
   */
  static boolean isDuplicateSearchIndex(MongoException e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return e.getCode() == 68
        || message.contains("duplicate index")
        || message.contains("already exists");
  }

  private static String serverVersion(MongoDatabase db) {
    try {
      return String.valueOf(db.runCommand(new Document("buildInfo", 1)).get("version"));
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  private static boolean exists(MongoDatabase db, String name) {
    return db.listCollectionNames().into(new ArrayList<>()).contains(name);
  }

  private static Document collectionInfo(MongoDatabase db, String name) {
    List<Document> infos =
        db.listCollections().filter(new Document("name", name)).into(new ArrayList<>());
    return infos.isEmpty() ? null : infos.get(0);
  }

  /**
   * Drops an index a former version created, when it is there: another process starting at the same
   * time may have dropped it first (MongoDB's IndexNotFound, code 27, is that).
   */
  static void dropIndex(MongoDatabase db, String collection, Bson keys) {
    String name = indexName(keys);
    boolean present =
        db.getCollection(collection).listIndexes().into(new ArrayList<>()).stream()
            .anyMatch(i -> name.equals(i.getString("name")));
    if (!present) {
      return;
    }
    try {
      db.getCollection(collection).dropIndex(name);
    } catch (MongoCommandException e) {
      if (e.getErrorCode() != 27) {
        throw e;
      }
    }
  }

  private static void unique(MongoDatabase db, String collection, String field) {
    index(db, collection, Indexes.ascending(field), new IndexOptions().unique(true));
  }

  private static void index(MongoDatabase db, String collection, Bson keys) {
    index(db, collection, keys, new IndexOptions());
  }

  /**
   * Creates one index; a failure no retry fixes (a conflicting index, duplicates under a unique
   * index, a refused command, a missing privilege) ends start-up at once naming the collection and
   * the index. Network failures pass through for the connect loop to retry.
   */
  static void index(MongoDatabase db, String collection, Bson keys, IndexOptions options) {
    try {
      db.getCollection(collection).createIndex(keys, options);
    } catch (MongoException e) {
      if (MongoErrors.isTransient(e)) {
        throw e;
      }
      String name = indexName(keys);
      throw new StartupException(
          "MongoDB refused index "
              + name
              + " on "
              + collection
              + " ("
              + MongoErrors.summary(e)
              + "); "
              + MongoErrors.remedy(e, collection, name),
          e);
    }
  }

  /** The name MongoDB gives an index of these keys: {@code campaignId_1_stage_1}. */
  static String indexName(Bson keys) {
    StringBuilder name = new StringBuilder();
    keys.toBsonDocument()
        .forEach(
            (field, direction) -> {
              if (name.length() > 0) {
                name.append('_');
              }
              name.append(field).append('_');
              if (direction.isNumber()) {
                name.append(direction.asNumber().intValue());
              } else if (direction.isString()) {
                name.append(direction.asString().getValue());
              } else {
                name.append(direction);
              }
            });
    return name.toString();
  }

  /** A schema step other than an index failed in a way no retry fixes: say which, at once. */
  private static RuntimeException schemaError(String step, String collection, MongoException e) {
    if (MongoErrors.isTransient(e)) {
      return e;
    }
    return new StartupException(
        "MongoDB refused to "
            + step
            + " "
            + collection
            + " ("
            + MongoErrors.summary(e)
            + "); "
            + MongoErrors.remedy(e, collection, null),
        e);
  }
}
