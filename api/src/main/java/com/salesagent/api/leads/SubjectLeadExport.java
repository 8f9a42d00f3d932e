package com.salesagent.api.leads;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.knowledge.KnowledgeActivitiesImpl;
import com.salesagent.activities.media.MediaRetention;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.notify.Notifications;
import java.io.IOException;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * One lead's part of a subject access export ({@link SubjectExport}): its contact and outcome, its
 * messages, replies, timeline, persona, research chunks, drafts, hand-off, HubSpot ids, outbox
 * events and media links, each read from MongoDB's cursors as it is written.
 */
final class SubjectLeadExport {
  private final LeadStore store;
  private final MongoDatabase db;
  private final SubjectJson json;
  private final String bucket;

  SubjectLeadExport(LeadStore store, SubjectJson json, String bucket) {
    this.store = store;
    this.db = store.database();
    this.json = json;
    this.bucket = bucket;
  }

  void write(JsonGenerator g, String leadId) throws IOException {
    Document contact = store.contact(leadId);
    g.writeStartObject();
    g.writeStringField("leadId", leadId);
    if (contact == null) {
      // Erased between the search and now.
      g.writeStringField("gone", "its contact was removed while the export was written (erased)");
      g.writeEndObject();
      return;
    }
    contact.remove("_id");
    g.writeStringField("campaignId", contact.getString("campaignId"));
    boolean erasing = LeadStore.erasing(contact);
    g.writeBooleanField("erasing", erasing);
    if (erasing) {
      g.writeStringField(
          "erasingNote",
          "an erasure of this lead was requested and is under way (GET /api/leads/"
              + leadId
              + "/erasure): what follows is what is still held; after the first pass only a"
              + " tombstone (lead id, numbers, campaign, segment, days of its stages) stays, until"
              + " the sweep removes it");
    }
    g.writeFieldName("contact");
    json.value(g, contact);
    g.writeFieldName("outcome");
    json.value(g, contact.get("outcome"));
    Bson ofLead = Filters.eq("leadId", leadId);
    json.array(
        g,
        "messages",
        store.messages().collection().find(ofLead).sort(Sorts.ascending("step", "composedAt")));
    json.array(g, "feedback", store.feedback().find(ofLead).sort(Sorts.ascending("receivedAt")));
    json.array(
        g,
        "interactionHistory",
        store
            .interactions()
            .collection()
            .find(Filters.eq("meta.leadId", leadId))
            .sort(Sorts.ascending("ts")));
    g.writeFieldName("persona");
    json.value(g, db.getCollection(Collections.PERSONAS).find(ofLead).first());
    json.array(
        g,
        "researchChunks",
        db.getCollection(Collections.RESEARCH_RESULTS)
            .find(ofLead)
            .projection(Projections.exclude("embedding")));
    json.array(
        g,
        "drafts",
        db.getCollection(KnowledgeActivitiesImpl.DRAFTS)
            .find(ofLead)
            .sort(Sorts.ascending("createdAt")));
    g.writeFieldName("handOff");
    json.value(
        g,
        db.getCollection(HandOffActivitiesImpl.HANDOFFS).find(Filters.eq("_id", leadId)).first());
    g.writeFieldName("crmLinks");
    json.value(g, db.getCollection(Collections.CRM_LINKS).find(Filters.eq("_id", leadId)).first());
    json.array(
        g,
        "notifications",
        db.getCollection(Notifications.COLLECTION).find(ofLead).sort(Sorts.ascending("createdAt")));
    media(g, leadId);
    g.writeEndObject();
  }

  /**
   * The lead's media objects: the object key in S3 and the link the lead page uses ({@code GET
   * /api/leads/{leadId}/media/{sha256}}, the bearer token), or why there is none.
   */
  private void media(JsonGenerator g, String leadId) throws IOException {
    g.writeArrayFieldStart("media");
    String prefix = "s3://" + bucket + "/";
    Bson withMedia = Filters.and(Filters.eq("leadId", leadId), Filters.exists("media.sha256"));
    for (String from : List.of("message", "reply")) {
      FindIterable<Document> found =
          ("message".equals(from) ? store.messages().collection() : store.feedback())
              .find(withMedia)
              .projection(Projections.include("media", "wamid", "messageId", "idempotencyKey"))
              .batchSize(SubjectJson.BATCH);
      for (Document d : found) {
        Document m = d.get("media", Document.class);
        if (m == null) {
          continue;
        }
        String url = m.getString("url");
        String sha = m.getString("sha256");
        String status = m.getString("status");
        g.writeStartObject();
        g.writeStringField("in", from);
        g.writeStringField("sha256", sha);
        g.writeStringField("contentType", m.getString("contentType"));
        g.writeStringField("status", status);
        g.writeStringField(
            "key", url != null && url.startsWith(prefix) ? url.substring(prefix.length()) : null);
        if (url != null && !url.startsWith(prefix)) {
          g.writeStringField("url", url);
        }
        boolean served =
            sha != null
                && url != null
                && url.startsWith(prefix)
                && ("message".equals(from) || "stored".equals(status));
        g.writeStringField("link", served ? "/api/leads/" + leadId + "/media/" + sha : null);
        if (MediaRetention.EXPIRED.equals(status)) {
          g.writeStringField("note", "deleted by the retention policy (MEDIA_RETENTION)");
        }
        g.writeEndObject();
      }
    }
    g.writeEndArray();
  }
}
