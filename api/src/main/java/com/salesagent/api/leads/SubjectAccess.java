package com.salesagent.api.leads;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.compose.LlmWriter;
import com.salesagent.activities.handoff.HandOffActivitiesImpl;
import com.salesagent.activities.knowledge.KnowledgeActivitiesImpl;
import com.salesagent.activities.media.MediaRetention;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import com.salesagent.activities.mongo.Suppressions;
import com.salesagent.activities.notify.Notifications;
import com.salesagent.api.http.ApiException;
import com.salesagent.api.http.FieldError;
import com.salesagent.api.http.RequestJson;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * A subject access request (GDPR Art. 15): everything the product holds about one person, found by
 * their number or one of their leads, as one JSON document ({@code POST /api/subject-access}).
 *
 * <p>The person is every number asked for and every number their leads are known by (the enrolled
 * number and each wa_id WhatsApp answered with); their leads are every contact of those numbers, in
 * every campaign, leads being erased too (marked {@code erasing}: what is listed is what is still
 * held). At most {@link #MAX_LEADS} leads are exported (the lead asked for first, then by lead id);
 * the others are named in {@code leadsNotExported} with {@code truncated: true}, to be asked for by
 * their lead id. The document is streamed from MongoDB's cursors as it is written, one document at
 * a time, so a lead with a long history never sits in the heap whole; its last member is {@code
 * complete: true}: an export cut short by a failure is invalid JSON (the connection is closed),
 * never a complete-looking document.
 *
 * <p>The export is audited before the first byte ({@code subject_access_exported}: the operator,
 * the lead ids, the SHA-256 of the numbers, never a number): an export that could not be audited is
 * not given. The document holds the numbers and names whole: it is the person's own data, for them.
 */
public final class SubjectAccess {
  /** The most leads one export holds. */
  public static final int MAX_LEADS = 100;

  /** The most lead ids {@code leadsNotExported} names (the count is always whole). */
  static final int MAX_NAMED = 1_000;

  /**
   * Documents per cursor batch: a lead with a long history is read in batches of this many, never
   * as one reply (the embedded MongoDB-wire server answered a sorted find of 100,000 replies in one
   * 49 MB message, past the driver's 48 MB limit, and the export was cut off).
   */
  static final int BATCH = 500;

  /** Rounds of "the numbers of the leads of the numbers" followed (a wa_id unlike the number). */
  private static final int ROUNDS = 3;

  private static final Pattern LEAD_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  /** What an operator sends: the number (with + and country code, or with region) and/or a lead. */
  public record Request(String phone, String leadId, String region) {}

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
  private final LeadValidator phones;
  private final ObjectMapper strict;
  private final ObjectMapper mapper;
  private final ObjectWriter writer;
  private final String bucket;
  private final Clock clock;
  private final int maxLeads;

  public SubjectAccess(
      LeadStore store, LeadValidator phones, ObjectMapper mapper, String bucket, Clock clock) {
    this(store, phones, mapper, bucket, clock, MAX_LEADS);
  }

  SubjectAccess(
      LeadStore store,
      LeadValidator phones,
      ObjectMapper mapper,
      String bucket,
      Clock clock,
      int maxLeads) {
    this.store = store;
    this.db = store.database();
    this.phones = phones;
    this.strict = RequestJson.strict(mapper.copy());
    this.mapper = mapper;
    // One flush per lead (below), not one per document.
    this.writer = mapper.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
    this.bucket = bucket;
    this.clock = clock;
    this.maxLeads = maxLeads;
  }

  /** The person asked for: their numbers and leads, the asked lead first. */
  record Subject(
      String phone,
      String leadId,
      List<String> numbers,
      List<String> exported,
      List<String> notExported,
      int leadCount) {
    boolean truncated() {
      return !notExported.isEmpty();
    }
  }

  /** 200 with the document (streamed), or 400 naming the field at fault; audited first. */
  public Response export(String operator, byte[] body) {
    Request request = read(body);
    Subject subject = find(request);
    Instant now = clock.instant();
    audit(operator, subject, now);
    StreamingOutput out = stream -> write(stream, operator, subject, now);
    return Response.ok(out, MediaType.APPLICATION_JSON_TYPE).build();
  }

  // ---- the request

  private Request read(byte[] body) {
    Request request;
    try {
      request = body == null || body.length == 0 ? null : strict.readValue(body, Request.class);
    } catch (IOException e) {
      throw new ApiException(
          400, "the body is not a JSON subject access request", FieldError.ofJson(e));
    }
    return valid(request);
  }

  /** {@code POST /api/subject-access/erasure}: the person, and the erasure's own choices. */
  public record ErasureOfPerson(
      String phone, String leadId, String region, String reason, Boolean keepSuppressed) {}

  /** The erasure of a person's leads: each one's answer, and whether more leads remain. */
  public record PersonErased(List<LeadErased> leads, int leadCount, boolean more, String note) {}

  public record LeadErased(String leadId, String status) {}

  /**
   * Erases every lead of the person ({@link #find}, as the export finds them: the asked number and
   * lead, every number their leads are known by, all campaigns) through each lead's own erasure
   * ({@link LeadErasure#request}: 202 per lead, its workflow, its audit line), at most {@link
   * #MAX_LEADS} plus the named rest per call ({@code more}: call again). Audited once as {@code
   * subject_erasure_requested} (lead ids and the numbers' SHA-256, never a number). 202 with each
   * lead's status ({@code erasing}, {@code erasing already}, {@code gone}: erased meanwhile); 200
   * with none when no lead holds the person. 400 naming the field for a bad request.
   */
  public Response erase(String operator, byte[] body, LeadErasure erasure) {
    ErasureOfPerson asked;
    try {
      asked =
          body == null || body.length == 0 ? null : strict.readValue(body, ErasureOfPerson.class);
    } catch (IOException e) {
      throw new ApiException(
          400, "the body is not a JSON erasure of a person", FieldError.ofJson(e));
    }
    Request request =
        valid(asked == null ? null : new Request(asked.phone(), asked.leadId(), asked.region()));
    String keep = asked.keepSuppressed() == null ? null : String.valueOf(asked.keepSuppressed());
    Subject subject = find(request);
    List<String> leads = new ArrayList<>(subject.exported());
    leads.addAll(subject.notExported());
    // Asked to be forgotten: no import under way (or to be resumed) enrols the person again, also
    // one holding a row of a number no lead holds yet, which no lead's erasure suppresses whatever
    // keepSuppressed says (ImportRecords#forgetNumbers).
    ImportRecords.forgetNumbers(db, subject.numbers());
    Instant now = clock.instant();
    db.getCollection(Collections.AUDIT_LOG)
        .insertOne(
            new Document("at", Date.from(now))
                .append("actor", operator)
                .append("action", "subject_erasure_requested")
                .append("leadIds", leads)
                .append("numberHashes", subject.numbers().stream().map(LlmWriter::sha256).toList())
                .append("askedBy", askedBy(subject))
                .append("leadCount", subject.leadCount()));
    List<LeadErased> answers = new ArrayList<>();
    for (String leadId : leads) {
      try {
        Object view = erasure.request(leadId, operator, asked.reason(), keep).getEntity();
        answers.add(
            new LeadErased(
                leadId, view instanceof LeadErasure.ErasureView v ? v.status() : "erasing"));
      } catch (ApiException e) {
        if (e.status() != 404) {
          throw e;
        }
        answers.add(new LeadErased(leadId, "gone")); // erased meanwhile
      }
    }
    boolean more = subject.leadCount() > leads.size();
    if (answers.isEmpty()) {
      return Response.ok(
              new PersonErased(
                  answers,
                  0,
                  false,
                  "no lead holds this person; a suppression of the number is kept (it is what"
                      + " keeps them from being messaged): GET /api/suppressions"))
          .build();
    }
    return Response.accepted(
            new PersonErased(
                answers,
                subject.leadCount(),
                more,
                more
                    ? "more leads hold this person than one call erases: ask again"
                    : "every lead of the person is being erased: GET /api/leads/{leadId}/erasure"
                        + " shows each"))
        .build();
  }

  private Request valid(Request request) {
    if (request == null || (blank(request.phone()) && blank(request.leadId()))) {
      throw new ApiException(
          400,
          "name the person: their phone number, one of their lead ids, or both",
          new FieldError(
              "phone",
              "required unless leadId is given: with + and its country code, e.g. +5511998765432"),
          new FieldError("leadId", "required unless phone is given"));
    }
    List<FieldError> errors = new ArrayList<>();
    String phone = null;
    if (!blank(request.phone())) {
      String region = LeadValidator.region(request.region());
      String written = request.phone().strip();
      if (written.length() > 40) {
        errors.add(new FieldError("phone", "at most 40 characters"));
      } else if (!written.startsWith("+") && region == null) {
        // Never the server's default region: another country's reading of the same digits is
        // another person, whose data this would export.
        errors.add(
            new FieldError(
                "phone",
                "write it with + and its country code, e.g. +5521934567890, or name its country"
                    + " with region (e.g. \"region\": \"BR\")"));
      } else {
        phone = (region == null ? phones : phones.withRegion(region)).normalisePhone(written);
        if (phone == null) {
          errors.add(
              new FieldError(
                  "phone",
                  region == null
                      ? "not a valid phone number (with + and its country code, e.g."
                          + " +5511998765432)"
                      : "not a valid phone number of " + region));
        }
      }
    } else if (request.region() != null) {
      LeadValidator.region(request.region()); // 400 naming region for a bad one, all the same
    }
    String leadId = blank(request.leadId()) ? null : request.leadId().strip();
    if (leadId != null && !LEAD_ID.matcher(leadId).matches()) {
      errors.add(new FieldError("leadId", "1-64 characters among letters, digits and . _ : -"));
    }
    if (!errors.isEmpty()) {
      throw new ApiException(400, "bad subject access request", errors);
    }
    return new Request(phone, leadId, null);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  // ---- the person

  /**
   * The numbers asked for (the number, the asked lead's numbers) and those their leads are known
   * by, a few rounds deep; every lead of them (leads being erased too), the asked lead first.
   */
  Subject find(Request request) {
    Set<String> numbers = new LinkedHashSet<>();
    if (request.phone() != null) {
      numbers.add(request.phone());
    }
    Set<String> leads = new TreeSet<>();
    if (request.leadId() != null) {
      Document asked = store.contact(request.leadId());
      if (asked != null) {
        leads.add(request.leadId());
        numbers.addAll(LeadStore.numbersOf(asked));
      }
    }
    Set<String> searched = new LinkedHashSet<>();
    for (int round = 0; round < ROUNDS && !searched.containsAll(numbers); round++) {
      List<String> fresh = numbers.stream().filter(n -> !searched.contains(n)).toList();
      searched.addAll(fresh);
      List<String> digits =
          fresh.stream().map(n -> n.startsWith("+") ? n.substring(1) : n).toList();
      for (Document c :
          store
              .contacts()
              .find(Filters.or(Filters.in("phone", fresh), Filters.in("waIds", digits)))
              .projection(Projections.include("leadId", "phone", "waIds"))) {
        if (c.getString("leadId") != null) {
          leads.add(c.getString("leadId"));
        }
        numbers.addAll(LeadStore.numbersOf(c));
      }
    }
    List<String> ordered = new ArrayList<>();
    if (request.leadId() != null && leads.contains(request.leadId())) {
      ordered.add(request.leadId());
    }
    for (String id : leads) {
      if (!id.equals(request.leadId())) {
        ordered.add(id);
      }
    }
    int cut = Math.min(maxLeads, ordered.size());
    List<String> rest = ordered.subList(cut, ordered.size());
    return new Subject(
        request.phone(),
        request.leadId(),
        List.copyOf(numbers),
        List.copyOf(ordered.subList(0, cut)),
        List.copyOf(rest.subList(0, Math.min(MAX_NAMED, rest.size()))),
        ordered.size());
  }

  // ---- the audit

  /**
   * {@code subject_access_exported}: who, which leads, and the SHA-256 of the numbers (as import
   * rows keep them: the number can be confirmed from it, not read), never a number.
   */
  private void audit(String operator, Subject subject, Instant now) {
    Document entry =
        new Document("at", Date.from(now))
            .append("actor", operator)
            .append("action", "subject_access_exported")
            .append("leadIds", subject.exported())
            .append("numberHashes", subject.numbers().stream().map(LlmWriter::sha256).toList())
            .append("askedBy", askedBy(subject))
            .append("leadCount", subject.leadCount())
            .append("truncated", subject.truncated());
    if (subject.leadId() != null && !subject.exported().contains(subject.leadId())) {
      entry.append("askedLeadId", subject.leadId());
    }
    db.getCollection(Collections.AUDIT_LOG).insertOne(entry);
  }

  private static String askedBy(Subject subject) {
    if (subject.phone() != null && subject.leadId() != null) {
      return "phone and leadId";
    }
    return subject.phone() != null ? "phone" : "leadId";
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
      value(g, subject.numbers());
      g.writeNumberField("leadCount", subject.leadCount());
      g.writeBooleanField("truncated", subject.truncated());
      g.writeNumberField("maxLeads", maxLeads);
      if (subject.truncated()) {
        g.writeFieldName("leadsNotExported");
        value(g, subject.notExported());
        g.writeStringField(
            "truncatedNote",
            "the person has more leads than one export holds: ask again with each of"
                + " leadsNotExported as leadId (at most "
                + MAX_NAMED
                + " are named; leadCount counts them all)");
      }
      g.writeArrayFieldStart("leads");
      for (String leadId : subject.exported()) {
        lead(g, leadId);
        g.flush();
      }
      g.writeEndArray();
      suppressions(g, subject);
      importRows(g, subject);
      auditLog(g, subject);
      webhookPayloads(g, subject);
      g.writeFieldName("notIncluded");
      value(g, NOT_INCLUDED);
      g.writeBooleanField("complete", true);
      g.writeEndObject();
    }
  }

  private void lead(JsonGenerator g, String leadId) throws IOException {
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
    value(g, contact);
    g.writeFieldName("outcome");
    value(g, contact.get("outcome"));
    Bson ofLead = Filters.eq("leadId", leadId);
    array(
        g,
        "messages",
        store.messages().collection().find(ofLead).sort(Sorts.ascending("step", "composedAt")));
    array(g, "feedback", store.feedback().find(ofLead).sort(Sorts.ascending("receivedAt")));
    array(
        g,
        "interactionHistory",
        store
            .interactions()
            .collection()
            .find(Filters.eq("meta.leadId", leadId))
            .sort(Sorts.ascending("ts")));
    g.writeFieldName("persona");
    value(g, db.getCollection(Collections.PERSONAS).find(ofLead).first());
    array(
        g,
        "researchChunks",
        db.getCollection(Collections.RESEARCH_RESULTS)
            .find(ofLead)
            .projection(Projections.exclude("embedding")));
    array(
        g,
        "drafts",
        db.getCollection(KnowledgeActivitiesImpl.DRAFTS)
            .find(ofLead)
            .sort(Sorts.ascending("createdAt")));
    g.writeFieldName("handOff");
    value(
        g,
        db.getCollection(HandOffActivitiesImpl.HANDOFFS).find(Filters.eq("_id", leadId)).first());
    g.writeFieldName("crmLinks");
    value(g, db.getCollection(Collections.CRM_LINKS).find(Filters.eq("_id", leadId)).first());
    array(
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
              .batchSize(BATCH);
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

  private void suppressions(JsonGenerator g, Subject subject) throws IOException {
    array(
        g,
        "suppressions",
        db.getCollection(Suppressions.COLLECTION).find(Filters.in("number", subject.numbers())));
  }

  /**
   * The import rows that name one of the leads or echo one of the numbers (by its SHA-256), and
   * rows recorded before rows kept their keys that name a lead in their answer; each row's answer
   * parsed back to JSON.
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
              subject.numbers().stream().map(LlmWriter::sha256).toList()));
    }
    g.writeArrayFieldStart("importRows");
    if (!naming.isEmpty()) {
      for (Document row :
          db.getCollection(Collections.IMPORT_ROWS)
              .find(Filters.or(naming))
              .sort(Sorts.ascending("importId", "seq"))
              .batchSize(BATCH)) {
        row.remove("_id");
        Object result = row.get("result");
        if (result instanceof String json) {
          try {
            row.put("result", mapper.readTree(json));
          } catch (IOException e) {
            // kept as the text it is
          }
        }
        value(g, row);
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
    array(
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
              .batchSize(BATCH)) {
        e.remove("_id");
        value(g, e);
      }
    }
    g.writeEndArray();
  }

  private void array(JsonGenerator g, String name, FindIterable<Document> found)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (Document d : found.batchSize(BATCH)) {
      d.remove("_id");
      value(g, d);
    }
    g.writeEndArray();
  }

  /** One value as plain JSON: times as ISO-8601, ObjectIds as hex, bytes as base64. */
  private void value(JsonGenerator g, Object v) throws IOException {
    writer.writeValue(g, plain(v));
  }

  static Object plain(Object v) {
    if (v instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
      return out;
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(x -> out.add(plain(x)));
      return out;
    }
    if (v instanceof Date d) {
      return d.toInstant().toString();
    }
    if (v instanceof ObjectId id) {
      return id.toHexString();
    }
    if (v instanceof Binary b) {
      return Base64.getEncoder().encodeToString(b.getData());
    }
    if (v instanceof byte[] b) {
      return Base64.getEncoder().encodeToString(b);
    }
    if (v instanceof Decimal128 d) {
      return d.bigDecimalValue();
    }
    return v;
  }
}
