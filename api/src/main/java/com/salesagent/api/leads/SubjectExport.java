package com.salesagent.api.leads;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.privacy.PiiHash;
import com.salesagent.api.leads.SubjectSearch.Subject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The export of a person ({@code POST /api/subject-access}, GDPR Art. 15): everything the product
 * holds about the person {@link SubjectSearch} found, as one JSON document.
 *
 * <p>At most {@code maxLeads} leads are exported (the lead asked for first, then by lead id); the
 * others are named in {@code leadsNotExported} with {@code truncated: true}, to be asked for by
 * their lead id. Leads being erased are marked {@code erasing}: what is listed is what is still
 * held. The document is streamed from MongoDB's cursors as it is written, one document at a time
 * ({@link SubjectJson}, each lead by {@link SubjectLeadExport}), so a lead with a long history
 * never sits in the heap whole; its last member is {@code complete: true}: an export cut short by a
 * failure is invalid JSON (the connection is closed), never a complete-looking document.
 *
 * <p>The export is audited before the first byte ({@code subject_access_exported}: the operator,
 * the lead ids, the SHA-256 of the numbers, never a number): an export that could not be audited is
 * not given. The document holds the numbers and names whole: it is the person's own data, for them.
 */
final class SubjectExport {
  /**
   * What the export does not hold, and where it is. Honest about every place a person's data goes
   * that this document cannot read.
   */
  static final List<String> NOT_INCLUDED =
      List.of(
          "Temporal workflow histories (lead-<leadId>, after-end and media workflows): everything"
              + " the workflow saw, message texts included; the same data is exported here from"
              + " MongoDB. Kept until the lead's erasure deletes them, else the namespace's"
              + " retention (the embedded dev server keeps them in memory until it stops).",
          "The request log (DATA_DIR/logs/requests.log on the embedded default): client address,"
              + " method, path (lead ids; numbers masked), status and time, 7 daily files.",
          "The application log: lead ids and masked numbers (+55*******5432), wherever the logs"
              + " are shipped.",
          "HubSpot: the contact (name, number, company) and deal written by the CRM write-back;"
              + " their ids are under crmLinks, their content is exported from HubSpot itself.",
          "The receivers of the outbound webhooks (NOTIFY_WEBHOOK_URL): the lead ids, stages and"
              + " reasons they were sent; events still in the outbox are under notifications.",
          "WhatsApp (Meta): the conversation as WhatsApp delivered it, held by Meta.",
          "The LLM, transcription and speech providers (when a hosted one is configured): the"
              + " prompts and media sent to them, under their own retention.",
          "Values kept only as SHA-256 hashes (embedding_cache, enrol_leases, unkeyed_requests,"
              + " sender_throttle, and earlier subject_access_exported entries of a number with no"
              + " lead): nothing readable of the person; they expire within 30 days (not the audit"
              + " log).",
          "Counts without a lead (variant_stats, campaign_stats and their _erased parts).",
          "The live dashboard feed's last 500 events in the API process's memory (a reply's"
              + " text), until the process restarts.",
          "Webhook items refused as malformed (dead letters without a number to file them"
              + " under): GET /api/webhooks/dead-letters lists them, numbers masked.",
          "Backups of MongoDB or S3 taken outside the product.");

  private final LeadStore store;
  private final MongoDatabase db;
  private final ObjectMapper mapper;
  private final SubjectJson json;
  private final SubjectLeadExport leads;
  private final Clock clock;
  private final int maxLeads;

  SubjectExport(LeadStore store, ObjectMapper mapper, String bucket, Clock clock, int maxLeads) {
    this.store = store;
    this.db = store.database();
    this.mapper = mapper;
    this.json = new SubjectJson(mapper);
    this.leads = new SubjectLeadExport(store, json, bucket);
    this.clock = clock;
    this.maxLeads = maxLeads;
  }

  /** 200 with the document (streamed); audited first. */
  Response export(String operator, Subject subject) {
    Instant now = clock.instant();
    audit(operator, subject, now);
    StreamingOutput out = stream -> write(stream, operator, subject, now);
    return Response.ok(out, MediaType.APPLICATION_JSON_TYPE).build();
  }

  // ---- the audit

  /**
   * {@code subject_access_exported}: who, which leads, and the SHA-256 of the numbers (as import
   * rows keep them: the number can be confirmed from it, not read), never a number.
   */
  private void audit(String operator, Subject subject, Instant now) {
    Document entry =
        subject
            .auditEntry(operator, "subject_access_exported", subject.exported(), now)
            .append("truncated", subject.truncated());
    if (subject.leadId() != null && !subject.exported().contains(subject.leadId())) {
      entry.append("askedLeadId", subject.leadId());
    }
    db.getCollection(Collections.AUDIT_LOG).insertOne(entry);
  }

  // ---- the document

  private void write(OutputStream stream, String operator, Subject subject, Instant now)
      throws IOException {
    try (JsonGenerator g = mapper.getFactory().createGenerator(stream)) {
      g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      g.writeStartObject();
      g.writeStringField("generatedAt", now.toString());
      g.writeStringField("generatedBy", operator);
      g.writeObjectFieldStart("request");
      g.writeStringField("phone", subject.phone());
      g.writeStringField("leadId", subject.leadId());
      g.writeEndObject();
      g.writeFieldName("numbers");
      json.value(g, subject.numbers());
      g.writeNumberField("leadCount", subject.leadCount());
      g.writeBooleanField("truncated", subject.truncated());
      g.writeNumberField("maxLeads", maxLeads);
      if (subject.truncated()) {
        g.writeFieldName("leadsNotExported");
        json.value(g, subject.notExported());
        g.writeStringField(
            "truncatedNote",
            "the person has more leads than one export holds: ask again with each of"
                + " leadsNotExported as leadId (at most "
                + SubjectSearch.MAX_NAMED
                + " are named; leadCount counts them all)");
      }
      g.writeArrayFieldStart("leads");
      for (String leadId : subject.exported()) {
        leads.write(g, leadId);
        g.flush();
      }
      g.writeEndArray();
      suppressions(g, subject);
      importRows(g, subject);
      auditLog(g, subject);
      webhookPayloads(g, subject);
      g.writeFieldName("notIncluded");
      json.value(g, NOT_INCLUDED);
      g.writeBooleanField("complete", true);
      g.writeEndObject();
    }
  }

  private void suppressions(JsonGenerator g, Subject subject) throws IOException {
    json.array(
        g,
        "suppressions",
        db.getCollection(Suppressions.COLLECTION).find(Filters.in("number", subject.numbers())));
  }

  /**
   * The import rows that name one of the leads or echo one of the numbers (by its keyed hash, or
   * the plain SHA-256 a row stored before the key holds: {@link PiiHash#forms}), and rows recorded
   * before rows kept their keys that name a lead in their answer; each row's answer parsed back to
   * JSON.
   */
  private void importRows(JsonGenerator g, Subject subject) throws IOException {
    List<Bson> naming = new ArrayList<>();
    if (!subject.exported().isEmpty()) {
      naming.add(Filters.in(Collections.IMPORT_ROW_LEAD_IDS, subject.exported()));
      for (String leadId : subject.exported()) {
        naming.add(
            Filters.and(
                Filters.exists(Collections.IMPORT_ROW_LEAD_IDS, false),
                Filters.regex("result", Pattern.quote("\"" + leadId + "\""))));
      }
    }
    if (!subject.numbers().isEmpty()) {
      naming.add(
          Filters.in(
              Collections.IMPORT_ROW_NUMBER_HASHES,
              subject.numbers().stream().flatMap(n -> PiiHash.forms(n).stream()).toList()));
    }
    g.writeArrayFieldStart("importRows");
    if (!naming.isEmpty()) {
      for (Document row :
          db.getCollection(Collections.IMPORT_ROWS)
              .find(Filters.or(naming))
              .sort(Sorts.ascending("importId", "seq"))
              .batchSize(SubjectJson.BATCH)) {
        row.remove("_id");
        Object result = row.get("result");
        if (result instanceof String text) {
          try {
            row.put("result", mapper.readTree(text));
          } catch (IOException e) {
            // kept as the text it is
          }
        }
        json.value(g, row);
      }
    }
    g.writeEndArray();
  }

  /**
   * Audit entries naming one of the leads ({@code leadId}, or {@code leadIds} as an export's own),
   * or one of the numbers (a suppression added or lifted by hand); oldest first.
   */
  private void auditLog(JsonGenerator g, Subject subject) throws IOException {
    List<Bson> naming = new ArrayList<>();
    naming.add(Filters.in("number", subject.numbers()));
    List<String> ids = new ArrayList<>(subject.exported());
    if (subject.leadId() != null && !ids.contains(subject.leadId())) {
      // An erased lead asked for by its id: its erasure's own record.
      ids.add(subject.leadId());
    }
    naming.add(Filters.in("leadId", ids));
    naming.add(Filters.in("leadIds", ids));
    json.array(
        g,
        "auditLog",
        db.getCollection(Collections.AUDIT_LOG)
            .find(Filters.or(naming))
            .sort(Sorts.ascending("at")));
  }

  /**
   * Meta's raw payloads filed under one of the numbers (replies, statuses), kept for
   * WEBHOOK_RETENTION; an erasure removes them.
   */
  private void webhookPayloads(JsonGenerator g, Subject subject) throws IOException {
    List<String> digits =
        subject.numbers().stream().map(n -> n.startsWith("+") ? n.substring(1) : n).toList();
    g.writeArrayFieldStart("webhookPayloads");
    if (!digits.isEmpty()) {
      for (Document e :
          store
              .webhookEvents()
              .find(Filters.and(Filters.in("partitionKey", digits), Filters.exists("item")))
              .projection(
                  Projections.include(
                      "eventKey", "kind", "item", "receivedAt", "processed", "deadLetter"))
              .sort(Sorts.ascending("receivedAt"))
              .batchSize(SubjectJson.BATCH)) {
        e.remove("_id");
        json.value(g, e);
      }
    }
    g.writeEndArray();
  }
}
