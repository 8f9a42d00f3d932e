package com.salesagent.api.leads;

import com.mongodb.MongoException;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.MongoErrors;
import com.salesagent.activities.privacy.PiiHash;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows' answers of lead imports ({@code import_rows}): one document a row, so 100,000 rows
 * never make one document near MongoDB's 16 MiB, numbered in the order answered ({@code seq}), with
 * what an erasure finds it by ({@code leadIds}, {@code numberHashes}: {@link
 * Collections#IMPORT_ROW_LEAD_IDS}, {@link Collections#IMPORT_ROW_NUMBER_HASHES}), forgotten with
 * its import (TTL on {@code expireAt}).
 */
final class ImportRows {
  private static final Logger LOG = LoggerFactory.getLogger(ImportRows.class);

  private final MongoCollection<Document> rows;

  ImportRows(MongoDatabase db) {
    this.rows = db.getCollection(Collections.IMPORT_ROWS);
  }

  /**
   * The lead ids a row's answer names: its own {@code leadId}, the live lead of its number ({@code
   * activeLeadId}), the one whose opener reached it ({@code earlierLeadId}) and the {@code leadId}
   * column it echoes.
   */
  static List<String> leadIdsOf(Map<String, Object> answer) {
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (String key : List.of("leadId", "activeLeadId", "earlierLeadId")) {
      if (answer.get(key) instanceof String s && !s.isBlank()) {
        ids.add(s);
      }
    }
    if (answer.get("columns") instanceof Map<?, ?> columns
        && columns.get("leadId") instanceof String s
        && !s.isBlank()) {
      ids.add(s.strip());
    }
    return List.copyOf(ids);
  }

  /** The number ({@code seq}) of an import's last recorded row; 0 when it has none. */
  long lastSeq(String importId) {
    Document last =
        rows.find(Filters.eq("importId", importId))
            .sort(Sorts.descending("seq"))
            .projection(Projections.include("seq"))
            .first();
    return last == null ? 0 : ((Number) last.get("seq")).longValue();
  }

  /** Rows of an import in the order answered, from {@code afterSeq} on; a status or all. */
  FindIterable<Document> page(String importId, String status, long afterSeq, int limit) {
    Bson filter =
        status == null
            ? Filters.and(Filters.eq("importId", importId), Filters.gt("seq", afterSeq))
            : Filters.and(
                Filters.eq("importId", importId),
                Filters.eq("status", status),
                Filters.gt("seq", afterSeq));
    return rows.find(filter).sort(Sorts.ascending("seq")).limit(limit).batchSize(500);
  }

  /**
   * An import's rows from here on: numbered after {@code seq}, {@code recorded} of them written
   * already.
   */
  Batch batch(String importId, Date expireAt, long seq, long recorded) {
    return new Batch(importId, expireAt, seq, recorded);
  }

  /** One import's rows on their way: numbered, held until {@link #write} inserts them at once. */
  final class Batch {
    private final String importId;
    private final Date expireAt;
    private final List<Document> pending = new ArrayList<>();
    private long pendingBytes;
    private long seq;
    private long recorded;
    private long unrecorded;

    private Batch(String importId, Date expireAt, long seq, long recorded) {
      this.importId = importId;
      this.expireAt = expireAt;
      this.seq = seq;
      this.recorded = recorded;
    }

    /**
     * A row's answer, the JSON line its stream carries, with what an erasure finds it by (the
     * erasure's pass rewrites it without the person, {@code LeadErasureActivitiesImpl}): the lead
     * ids it names ({@link #leadIdsOf}) and, when it echoes the row's columns, the keyed hash
     * ({@link PiiHash}) of the row's number in E.164 ({@code number}; null when it has none or
     * echoes no columns).
     */
    void add(long line, Object status, String json, List<String> leadIds, String number) {
      seq++;
      Document row =
          new Document("importId", importId)
              .append("seq", seq)
              .append("line", line)
              .append("status", status == null ? null : status.toString())
              .append("result", json)
              .append(Collections.IMPORT_ROW_LEAD_IDS, leadIds)
              .append("expireAt", expireAt);
      if (number != null) {
        row.append(Collections.IMPORT_ROW_NUMBER_HASHES, List.of(PiiHash.of(number)));
      }
      pending.add(row);
      pendingBytes += json.length();
    }

    /** Rows waiting. */
    int size() {
      return pending.size();
    }

    /** The answers' characters waiting. */
    long bytes() {
      return pendingBytes;
    }

    /** Inserts the rows waiting; rows MongoDB refused are counted {@link #unrecorded}. */
    void write() {
      if (pending.isEmpty()) {
        return;
      }
      List<Document> batch = new ArrayList<>(pending);
      pending.clear();
      pendingBytes = 0;
      try {
        rows.insertMany(batch, new InsertManyOptions().ordered(false));
        recorded += batch.size();
      } catch (MongoException e) {
        unrecorded += batch.size();
        LOG.warn(
            "import {}: {} row answers not recorded ({})",
            importId,
            batch.size(),
            MongoErrors.summary(e));
      }
    }

    /** Rows written so far (by this process and, for a resumed import, before it). */
    long recorded() {
      return recorded;
    }

    /** Rows this process could not write. */
    long unrecorded() {
      return unrecorded;
    }
  }
}
