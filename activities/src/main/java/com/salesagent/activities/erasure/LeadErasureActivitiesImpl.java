package com.salesagent.activities.erasure;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.media.OutboundMedia;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.FunnelStats;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.notify.Notifications;
import com.salesagent.activities.storage.ObjectStorage;
import com.salesagent.activities.variants.ErasedCounts;
import com.salesagent.workflows.erasure.Erased;
import com.salesagent.workflows.erasure.ErasureReport;
import com.salesagent.workflows.erasure.ErasureRequest;
import com.salesagent.workflows.erasure.LeadErasureActivities;
import io.temporal.client.WorkflowClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erasure on request. The first pass leaves the contact as a tombstone (lead id, numbers, segment,
 * campaign and the days of its funnel marks only, still marked {@code erasure} as the request
 * marked it: no webhook reaches it) so the sweep still knows which webhook payloads were the
 * lead's, so a stop arriving meanwhile still suppresses every number the person was known by, and
 * so a send under way does not count a stage the lead reached again; the last pass removes it.
 * Before the lead's history goes, what its events added to the variant counters is kept without the
 * lead ({@link ErasedCounts}), so the counters' recount still agrees with them, and before the
 * tombstone goes, so are the stages it reached ({@link FunnelStats#keepErased}) for the funnel's
 * rebuild. Media objects are content-addressed and may be shared (two leads of one company can get
 * the same card): an object is deleted only when no remaining message or feedback names it.
 */
public final class LeadErasureActivitiesImpl implements LeadErasureActivities {
  private static final Logger LOG = LoggerFactory.getLogger(LeadErasureActivitiesImpl.class);

  /** The stage a lead's tombstone shows in the leads list until the sweep removes it. */
  public static final String ERASING_STAGE = "erasing";

  private final LeadStore store;
  private final MongoDatabase db;
  private final ObjectStorage storage;
  private final Clock clock;
  private final ErasedCounts erasedCounts;
  private final FunnelStats funnel;
  private final ErasureWorkflows workflows;

  public LeadErasureActivitiesImpl(
      LeadStore store, ObjectStorage storage, WorkflowClient temporal, Clock clock) {
    this.store = store;
    this.db = store.database();
    this.storage = storage;
    this.clock = clock;
    this.erasedCounts = new ErasedCounts(db);
    this.funnel = new FunnelStats(db);
    this.workflows = new ErasureWorkflows(store, temporal);
  }

  private volatile java.util.function.Consumer<String> ownerFreed = id -> {};

  /**
   * Told the owner an erased lead was held by (the tombstone or the deletion frees their place):
   * the next lead waiting for them is taken at once ({@link
   * com.salesagent.activities.handoff.WaitingHandOffs#inBackground}). Must not block.
   */
  public LeadErasureActivitiesImpl whenOwnerFreed(java.util.function.Consumer<String> ownerFreed) {
    this.ownerFreed = ownerFreed;
    return this;
  }

  @Override
  public List<String> stopWorkflows(String leadId) {
    return workflows.stopWorkflows(leadId);
  }

  /**
   * Who asks for the erasures of leads whose retention period ended ({@code LEAD_RETENTION}): their
   * {@code lead.erased} says so and asks no CRM to delete anything.
   */
  public static final String BY_RETENTION = "system:retention";

  @Override
  public Erased erase(ErasureRequest request, boolean last) {
    String leadId = request.leadId();
    Instant now = clock.instant();
    Document contact = store.contacts().find(Filters.eq("leadId", leadId)).first();
    List<String> numbers = contact == null ? List.of() : LeadStore.numbersOf(contact);
    Set<String> urls = new LinkedHashSet<>();
    Set<String> shas = new LinkedHashSet<>();
    for (MongoCollection<Document> c : List.of(store.messages().collection(), store.feedback())) {
      for (Document d :
          c.find(Filters.and(Filters.eq("leadId", leadId), Filters.exists("media")))) {
        Document media = d.get("media", Document.class);
        if (media == null) {
          continue; // a text message or reply stores media: null
        }
        if (media.getString("url") != null) {
          urls.add(media.getString("url"));
        }
        if (media.getString("sha256") != null) {
          shas.add(media.getString("sha256"));
        }
      }
    }
    Map<String, Long> documents = new LinkedHashMap<>();
    Bson ofLead = Filters.eq("leadId", leadId);
    documents.put(
        Collections.MESSAGES, store.messages().collection().deleteMany(ofLead).getDeletedCount());
    documents.put(Collections.FEEDBACK, store.feedback().deleteMany(ofLead).getDeletedCount());
    // The variant counters keep what the lead's events added; the recount keeps it too.
    Document mark = contact == null ? null : contact.get(LeadStore.ERASURE, Document.class);
    ErasedCounts.Firsts kept =
        erasedCounts.keep(
            leadId,
            contact == null ? null : contact.getString("segment"),
            ErasureTombstones.kept(mark));
    documents.put(
        Collections.INTERACTION_HISTORY,
        store
            .interactions()
            .collection()
            .deleteMany(Filters.eq("meta.leadId", leadId))
            .getDeletedCount());
    documents.put(
        Collections.RESEARCH_RESULTS,
        db.getCollection(Collections.RESEARCH_RESULTS).deleteMany(ofLead).getDeletedCount());
    documents.put(
        Collections.PERSONAS,
        db.getCollection(Collections.PERSONAS).deleteMany(ofLead).getDeletedCount());
    documents.put(
        com.salesagent.activities.knowledge.KnowledgeActivitiesImpl.DRAFTS,
        db.getCollection(com.salesagent.activities.knowledge.KnowledgeActivitiesImpl.DRAFTS)
            .deleteMany(ofLead)
            .getDeletedCount());
    documents.put(
        com.salesagent.activities.handoff.HandOffActivitiesImpl.HANDOFFS,
        db.getCollection(com.salesagent.activities.handoff.HandOffActivitiesImpl.HANDOFFS)
            .deleteMany(Filters.eq("_id", leadId))
            .getDeletedCount());

    // The outbox's events of the lead (pending ones are not told any more; a CRM's error kept on
    // one may quote the person) and its HubSpot contact and deal ids.
    // Those the lead's events reached (an outbound webhook's receiver, the CRM) are told of the
    // erasure by lead.erased (no personal data; for the CRM, its ids of the lead), which the
    // erasure's later pass leaves in the outbox.
    Bson itsEvents = Filters.and(ofLead, Filters.ne("type", Notifications.ERASED));
    Document crmLink =
        db.getCollection(Collections.CRM_LINKS).find(Filters.eq("_id", leadId)).first();
    if (crmLink != null
        || db.getCollection(Notifications.COLLECTION).countDocuments(itsEvents) > 0) {
      new Notifications(db, clock)
          .emitErased(
              leadId,
              contact == null ? null : contact.getString("campaignId"),
              crmLink,
              BY_RETENTION.equals(request.requestedBy()));
    }
    documents.put(
        Notifications.COLLECTION,
        db.getCollection(Notifications.COLLECTION).deleteMany(itsEvents).getDeletedCount());
    documents.put(
        Collections.CRM_LINKS,
        db.getCollection(Collections.CRM_LINKS)
            .deleteMany(Filters.eq("_id", leadId))
            .getDeletedCount());
    documents.put(Collections.IMPORT_ROWS, ErasedImportRows.rewrite(db, leadId, numbers, now));

    List<String> objects = new ArrayList<>();
    String prefix = "s3://" + storage.bucket() + "/";
    for (String url : urls) {
      if (!url.startsWith(prefix) || namedElsewhere(url)) {
        continue;
      }
      String key = url.substring(prefix.length());
      if (storage.exists(key)) {
        storage.delete(key);
        objects.add(key);
      }
    }
    long uploads = 0;
    for (String sha : shas) {
      if (store.messages().collection().countDocuments(Filters.eq("media.sha256", sha)) == 0) {
        uploads +=
            db.getCollection(OutboundMedia.UPLOADS)
                // Keyed "<phone number id>:<sha256>"; a checksum is hex, safe in a pattern.
                .deleteMany(Filters.regex("_id", ":" + sha + "$"))
                .getDeletedCount();
      }
    }
    documents.put(OutboundMedia.UPLOADS, uploads);

    long payloads = 0;
    List<String> digits =
        numbers.stream().map(n -> n.startsWith("+") ? n.substring(1) : n).toList();
    if (!digits.isEmpty()) {
      // A number another lead was enrolled on since the request (no webhook reached this one
      // after it): what arrived after the request is that lead's.
      Date requestedAt =
          mark != null && mark.getDate("requestedAt") != null
              ? mark.getDate("requestedAt")
              : Date.from(now);
      List<Bson> fromItsNumbers = new ArrayList<>();
      for (String d : digits) {
        fromItsNumbers.add(
            store.byWhatsAppId().contactsByWhatsAppId(d).isEmpty()
                ? Filters.eq("partitionKey", d)
                : Filters.and(
                    Filters.eq("partitionKey", d), Filters.lt("receivedAt", requestedAt)));
      }
      payloads =
          db.getCollection(Collections.WEBHOOK_EVENTS)
              .updateMany(
                  Filters.or(fromItsNumbers),
                  Updates.combine(
                      Updates.unset("item"),
                      Updates.unset("partitionKey"),
                      Updates.set("processed", true),
                      Updates.set("erasedAt", Date.from(now))))
              .getModifiedCount();
    }
    int suppressed = 0;
    if (request.keepSuppressed() && !numbers.isEmpty()) {
      new Suppressions(db).suppressErased(numbers, now);
      suppressed = numbers.size();
    }
    long contacts = 0;
    if (contact != null) {
      if (last) {
        // The funnel counters keep the stages the lead reached; the rebuild, once the contact is
        // gone, from what is kept here: the tombstone's marks (days), and any a send that was
        // under way added after the first pass.
        funnel.keepErased(contact);
        contacts = store.contacts().deleteOne(ofLead).getDeletedCount();
      } else if (!ErasureTombstones.tombstone(contact)) {
        // The mark the request set (ErasureMarks.markErasing) stays: no webhook reaches the lead.
        Document tombstone = ErasureTombstones.of(leadId, contact, mark, kept, now);
        store.contacts().replaceOne(Filters.eq("_id", contact.get("_id")), tombstone);
        contacts = 1;
      }
    }
    // Its id leaves every rep's claims on their capacity (the owners' holding lists), at each pass.
    new com.salesagent.activities.handoff.OwnerClaims(db).forget(leadId);
    String holder = contact == null ? null : contact.getString("ownerId");
    if (contacts > 0 && holder != null && com.salesagent.activities.handoff.Owners.held(contact)) {
      // The lead its rep held is gone: their place goes to the next lead waiting for them.
      try {
        ownerFreed.accept(holder);
      } catch (RuntimeException e) {
        LOG.warn("handing waiting leads to owner {} not queued: {}", holder, e.toString());
      }
    }
    documents.put(Collections.CONTACTS, contacts);
    return new Erased(documents, objects, payloads, suppressed, List.of());
  }

  private boolean namedElsewhere(String url) {
    return store.messages().collection().countDocuments(Filters.eq("media.url", url)) > 0
        || store.feedback().countDocuments(Filters.eq("media.url", url)) > 0;
  }

  @Override
  public List<String> deleteHistories(List<String> workflowIds) {
    return workflows.deleteHistories(workflowIds);
  }

  @Override
  public void audit(ErasureRequest request, ErasureReport report) {
    db.getCollection(Collections.AUDIT_LOG)
        .insertOne(
            new Document("at", Date.from(clock.instant()))
                .append("actor", request.requestedBy())
                .append("action", "lead_erased")
                .append("leadId", request.leadId())
                .append("reason", request.reason())
                .append("keepSuppressed", request.keepSuppressed())
                .append("first", summary(report.first()))
                .append("sweep", summary(report.sweep()))
                .append("historiesDeleted", report.historiesDeleted())
                .append("historiesKept", report.historiesKept()));
  }

  private static Document summary(Erased e) {
    return new Document("documents", new Document(new LinkedHashMap<>(e.documents())))
        .append("objects", e.objects())
        .append("webhookPayloads", e.webhookPayloads())
        .append("numbersSuppressed", e.numbersSuppressed())
        .append("workflowIds", e.workflowIds());
  }
}
