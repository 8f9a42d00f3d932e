package com.salesagent.api.leads;

import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.privacy.PiiHash;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * The server's record of every lead import ({@code imports}) and of each row's answer ({@code
 * import_rows}, {@link ImportRows}): what an operator whose connection dropped in the middle of an
 * import reads afterwards ({@code GET /api/imports/{importId}} and its {@code /rows}). A running
 * import writes its rows and counts through its {@link ImportRecorder}; which process runs it, and
 * the takeover of one whose process stopped, are in {@link ImportClaims}. Both collections forget
 * an import {@code IMPORT_RETENTION} after it started (TTL on {@code expireAt}).
 */
public final class ImportRecords {
  /**
   * A row's field: the lead ids its answer names ({@link ImportRows#leadIdsOf}), for an erasure.
   */
  public static final String LEAD_IDS = Collections.IMPORT_ROW_LEAD_IDS;

  /**
   * A row's field: the keyed hash ({@link PiiHash}) of the number its echoed columns hold, for an
   * erasure.
   */
  public static final String NUMBER_HASHES = Collections.IMPORT_ROW_NUMBER_HASHES;

  /**
   * An import's field: the keyed hash ({@link PiiHash}; the plain SHA-256 on a record told before
   * the key, still matched) of the numbers (each spelling, {@link LeadValidator#spellingsOf}) whose
   * person asked to be erased, without their numbers being suppressed ({@code
   * keepSuppressed=false}), while the import was under way ({@link #forgetNumbers}): its rows of
   * those numbers, still to come or handled again when it is resumed, are not enrolled ({@link
   * ImportRecorder#forgotten}).
   */
  static final String ERASED_NUMBERS = "erasedNumbers";

  /** {@code imp_} and 24 hex digits. */
  static final Pattern ID = Pattern.compile("imp_[0-9a-f]{24}");

  private static final SecureRandom RANDOM = new SecureRandom();

  private final MongoCollection<Document> imports;
  private final ImportRows rows;
  private final ImportClaims claims;
  private final Clock clock;
  private final Duration retention;

  public ImportRecords(MongoDatabase db, Clock clock, Duration retention) {
    this.imports = db.getCollection(Collections.IMPORTS);
    this.rows = new ImportRows(db);
    this.claims = new ImportClaims(imports, clock, newId().substring(4, 16));
    this.clock = clock;
    this.retention = retention;
  }

  static String newId() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return "imp_" + HexFormat.of().formatHex(bytes);
  }

  /** Inserts the record of an import starting now: status running. */
  ImportRecorder start(String kind, String operator, String filename, Map<String, Object> options) {
    String id = newId();
    Instant now = clock.instant();
    Document doc =
        new Document("_id", id)
            .append("kind", kind)
            .append("operator", operator)
            .append("filename", filename)
            .append("options", new Document(options))
            .append("status", ImportStatus.RUNNING)
            .append("startedAt", Date.from(now))
            .append("updatedAt", Date.from(now))
            .append("counts", new Document())
            .append("bodyReceived", false)
            .append("process", claims.process())
            .append("heartbeatAt", Date.from(now))
            .append("expireAt", Date.from(now.plus(retention)));
    imports.insertOne(doc);
    claims.beating();
    return new ImportRecorder(
        imports, clock, id, rows.batch(id, Date.from(now.plus(retention)), 0, 0), 0);
  }

  /**
   * A person asked to be erased on request ({@code keepSuppressed=false}): every import under way
   * (queued, running, or whose process stopped and that another will resume, all of which hold
   * their file's rows still to come) is told the keyed hash of their numbers, so that none of its
   * rows of them enrols the person again. An import started afterwards is not: with the number not
   * suppressed, a later enrolment (a new consent) is the operator's to make. Returns how many
   * imports were told.
   */
  public static long forgetNumbers(MongoDatabase db, java.util.Collection<String> numbers) {
    List<String> hashes = hashes(numbers);
    if (hashes.isEmpty()) {
      return 0;
    }
    return db.getCollection(Collections.IMPORTS)
        .updateMany(
            Filters.in("status", ImportStatus.QUEUED, ImportStatus.RUNNING),
            Updates.addEachToSet(ERASED_NUMBERS, hashes))
        .getModifiedCount();
  }

  /** The keyed hash ({@link PiiHash}) of each spelling of each number: what is written. */
  static List<String> hashes(java.util.Collection<String> numbers) {
    return hashes(numbers, false);
  }

  /**
   * What {@link #ERASED_NUMBERS} is matched against: the keyed hash of each spelling and its plain
   * SHA-256, which an import under way before the key was told (and still holds when it is resumed
   * after the upgrade).
   */
  static List<String> matching(java.util.Collection<String> numbers) {
    return hashes(numbers, true);
  }

  private static List<String> hashes(java.util.Collection<String> numbers, boolean legacy) {
    java.util.Set<String> hashes = new java.util.LinkedHashSet<>();
    for (String number : numbers) {
      if (number != null && !number.isBlank()) {
        for (String spelling : LeadValidator.spellingsOf(number)) {
          hashes.add(PiiHash.of(spelling));
          if (legacy) {
            hashes.add(PiiHash.legacy(spelling));
          }
        }
      }
    }
    return List.copyOf(hashes);
  }

  /** {@link ImportClaims#claimStale}: an import whose process stopped, now this one's; or null. */
  Document claimStale() {
    return claims.claimStale();
  }

  /** {@link ImportClaims#release}: a claimed import left for the next claim. */
  void release(String id) {
    claims.release(id);
  }

  /**
   * The recorder of a claimed import ({@link #claimStale}), going on after its last recorded row:
   * its rows' numbering and counts continue; {@code resumedAfterLine} says where it took over.
   */
  ImportRecorder resume(Document record) {
    String id = record.getString("_id");
    long seq = rows.lastSeq(id);
    Date expireAt = record.getDate("expireAt");
    ImportRecorder recorder =
        new ImportRecorder(
            imports,
            clock,
            id,
            rows.batch(
                id,
                expireAt != null ? expireAt : Date.from(clock.instant().plus(retention)),
                seq,
                record.get("rowsRecorded") instanceof Number n ? n.longValue() : seq),
            record.get("lastLine") instanceof Number n ? n.longValue() : 0);
    claims.beating();
    recorder.resumed();
    return recorder;
  }

  Document find(String id) {
    return imports.find(Filters.eq("_id", id)).first();
  }

  long count() {
    return imports.countDocuments();
  }

  List<Document> list(int skip, int limit) {
    return imports
        .find()
        .sort(Sorts.descending("startedAt"))
        .skip(skip)
        .limit(limit)
        .into(new ArrayList<>());
  }

  /** Rows of an import in the order answered, from {@code afterSeq} on; a status or all. */
  FindIterable<Document> rows(String id, String status, long afterSeq, int limit) {
    return rows.page(id, status, afterSeq, limit);
  }

  /**
   * Asks a running import to stop ({@code POST /api/imports/{importId}/cancel}): it stops at its
   * next write of the record (at most a second or 200 rows on), interrupted with the operator's
   * name. False when the record is no longer running.
   */
  boolean cancel(String id, String operator) {
    Instant now = clock.instant();
    return imports
            .updateOne(
                Filters.and(
                    Filters.eq("_id", id),
                    Filters.in("status", ImportStatus.RUNNING, ImportStatus.QUEUED)),
                Updates.combine(
                    Updates.set(
                        "cancelRequested",
                        new Document("by", operator).append("at", Date.from(now)))))
            .getModifiedCount()
        > 0;
  }

  /** The record as the API shows it: a running one whose process stopped is interrupted. */
  Map<String, Object> view(Document d) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("importId", d.getString("_id"));
    String status = d.getString("status");
    String reason = d.getString("reason");
    Date updated = d.getDate("updatedAt");
    Date beat = d.getDate("heartbeatAt");
    if (beat != null && (updated == null || beat.after(updated))) {
      updated = beat;
    }
    boolean stale =
        (ImportStatus.RUNNING.equals(status) || ImportStatus.QUEUED.equals(status))
            && updated != null
            && updated.toInstant().plus(ImportClaims.STALE_AFTER).isBefore(clock.instant());
    if (stale && d.getString("bodyKey") != null) {
      // An asynchronous import's body is kept: a running API process takes it over.
      reason =
          "no progress since "
              + updated.toInstant()
              + ": the API process running it stopped; an API process resumes it after line "
              + (d.get("lastLine") instanceof Number n ? n : 0)
              + " (within a minute of its start, or of this moment if one runs)";
      out.put("stale", true);
    } else if (stale) {
      status = ImportStatus.INTERRUPTED;
      reason =
          "no progress since "
              + updated.toInstant()
              + ": the API process running it stopped; import the file again (rows enrolled"
              + " already answer already_enrolled)";
      out.put("stale", true);
    }
    out.put("status", status);
    if (reason != null) {
      out.put("reason", reason);
    }
    for (String key :
        List.of(
            "kind",
            "operator",
            "filename",
            "options",
            "startedAt",
            "updatedAt",
            "heartbeatAt",
            "endedAt",
            "counts",
            "lastLine",
            "rowsRecorded",
            "unrecordedRows",
            "bodyReceived",
            "bodyBytes",
            "resumes",
            "resumedAfterLine",
            "clientDisconnected",
            "clientDisconnectedAfterLine",
            "summary",
            "cancelRequested",
            "expireAt")) {
      Object v = d.get(key);
      if (v instanceof Date date) {
        v = date.toInstant().toString();
      }
      if (v instanceof Document doc && doc.get("at") instanceof Date at) {
        v = new Document(doc).append("at", at.toInstant().toString());
      }
      if (v != null) {
        out.put(key, v);
      }
    }
    out.put("rows", "/api/imports/" + d.getString("_id") + "/rows");
    return out;
  }
}
