package com.salesagent.api.leads;

import com.mongodb.MongoException;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.compose.LlmWriter;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.MongoErrors;
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
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's record of every lead import ({@code imports}) and of each row's answer ({@code
 * import_rows}, one document a row, so 100,000 rows never make one document near MongoDB's 16 MiB):
 * what an operator whose connection dropped in the middle of an import reads afterwards ({@code GET
 * /api/imports/{importId}} and its {@code /rows}). A running import writes its rows and counts at
 * most every {@link #FLUSH_ROWS} rows, {@link #FLUSH_BYTES} bytes of answers or {@link
 * #FLUSH_EVERY}, and at its end; both collections forget an import {@code IMPORT_RETENTION} after
 * it started (TTL on {@code expireAt}).
 */
public final class ImportRecords {
  private static final Logger LOG = LoggerFactory.getLogger(ImportRecords.class);

  static final String QUEUED = "queued";
  static final String RUNNING = "running";
  static final String DONE = "done";
  static final String INTERRUPTED = "interrupted";
  static final String FAILED = "failed";

  static final int FLUSH_ROWS = 200;
  static final int FLUSH_BYTES = 1024 * 1024;
  static final Duration FLUSH_EVERY = Duration.ofSeconds(1);

  /**
   * A running or queued import whose record has not moved for this long was left by a process that
   * stopped: the process running it writes {@code heartbeatAt} every {@link #HEARTBEAT}, and a
   * running import its counts at least every second.
   */
  static final Duration STALE_AFTER = Duration.ofMinutes(2);

  static final Duration HEARTBEAT = Duration.ofSeconds(30);

  /** A row's field: the lead ids its answer names ({@link #leadIdsOf}), for an erasure. */
  public static final String LEAD_IDS = Collections.IMPORT_ROW_LEAD_IDS;

  /** A row's field: the SHA-256 of the number its echoed columns hold, for an erasure. */
  public static final String NUMBER_HASHES = Collections.IMPORT_ROW_NUMBER_HASHES;

  /**
   * The lead ids a row's answer names: its own {@code leadId}, the live lead of its number ({@code
   * activeLeadId}), the one whose opener reached it ({@code earlierLeadId}) and the {@code leadId}
   * column it echoes.
   */
  static List<String> leadIdsOf(Map<String, Object> answer) {
    java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
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

  /** {@code imp_} and 24 hex digits. */
  static final Pattern ID = Pattern.compile("imp_[0-9a-f]{24}");

  private static final SecureRandom RANDOM = new SecureRandom();

  private final MongoCollection<Document> imports;
  private final MongoCollection<Document> rows;
  private final Clock clock;
  private final Duration retention;

  /** This process, on the records of the imports it runs (their heartbeat). */
  private final String process = newId().substring(4, 16);

  private java.util.concurrent.ScheduledExecutorService heart;

  public ImportRecords(MongoDatabase db, Clock clock, Duration retention) {
    this.imports = db.getCollection(Collections.IMPORTS);
    this.rows = db.getCollection(Collections.IMPORT_ROWS);
    this.clock = clock;
    this.retention = retention;
  }

  static String newId() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return "imp_" + HexFormat.of().formatHex(bytes);
  }

  /** Inserts the record of an import starting now: status running. */
  Recorder start(String kind, String operator, String filename, Map<String, Object> options) {
    String id = newId();
    Instant now = clock.instant();
    Document doc =
        new Document("_id", id)
            .append("kind", kind)
            .append("operator", operator)
            .append("filename", filename)
            .append("options", new Document(options))
            .append("status", RUNNING)
            .append("startedAt", Date.from(now))
            .append("updatedAt", Date.from(now))
            .append("counts", new Document())
            .append("bodyReceived", false)
            .append("process", process)
            .append("heartbeatAt", Date.from(now))
            .append("expireAt", Date.from(now.plus(retention)));
    imports.insertOne(doc);
    beating();
    return new Recorder(id, Date.from(now.plus(retention)));
  }

  /** Every {@link #HEARTBEAT}, this process's running and queued imports say it is alive. */
  private synchronized void beating() {
    if (heart != null) {
      return;
    }
    heart =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "import-heartbeat");
              t.setDaemon(true);
              return t;
            });
    heart.scheduleWithFixedDelay(
        () -> {
          try {
            imports.updateMany(
                Filters.and(Filters.eq("process", process), Filters.in("status", RUNNING, QUEUED)),
                Updates.set("heartbeatAt", Date.from(clock.instant())));
          } catch (RuntimeException e) {
            LOG.warn("imports' heartbeat not written ({})", e.getClass().getSimpleName());
          }
        },
        HEARTBEAT.toSeconds(),
        HEARTBEAT.toSeconds(),
        java.util.concurrent.TimeUnit.SECONDS);
  }

  /**
   * Claims an asynchronous import whose body is kept ({@code bodyKey}) and whose process stopped
   * (neither its counts nor its heartbeat moved for {@link #STALE_AFTER}): this process runs it
   * from the line after its last recorded one ({@link LeadImportResource#resume}). One process wins
   * the claim; null when there is none.
   */
  Document claimStale() {
    Date before = Date.from(clock.instant().minus(STALE_AFTER));
    Instant now = clock.instant();
    return imports.findOneAndUpdate(
        Filters.and(
            Filters.in("status", RUNNING, QUEUED),
            Filters.exists("bodyKey"),
            Filters.lt("updatedAt", before),
            Filters.or(Filters.exists("heartbeatAt", false), Filters.lt("heartbeatAt", before))),
        Updates.combine(
            Updates.set("status", QUEUED),
            Updates.set("process", process),
            Updates.set("heartbeatAt", Date.from(now)),
            Updates.set("updatedAt", Date.from(now)),
            Updates.inc("resumes", 1)),
        new com.mongodb.client.model.FindOneAndUpdateOptions()
            .returnDocument(com.mongodb.client.model.ReturnDocument.AFTER));
  }

  /**
   * A claimed import this process could not take after all (its background queue is full): left for
   * the next claim once {@link #STALE_AFTER} has passed.
   */
  void release(String id) {
    imports.updateOne(
        Filters.and(Filters.eq("_id", id), Filters.eq("process", process)),
        Updates.combine(Updates.set("process", "released"), Updates.inc("resumes", -1)));
  }

  /**
   * The recorder of a claimed import ({@link #claimStale}), going on after its last recorded row:
   * its rows' numbering and counts continue; {@code resumedAfterLine} says where it took over.
   */
  Recorder resume(Document record) {
    String id = record.getString("_id");
    Document last =
        rows.find(Filters.eq("importId", id))
            .sort(Sorts.descending("seq"))
            .projection(com.mongodb.client.model.Projections.include("seq"))
            .first();
    Date expireAt = record.getDate("expireAt");
    Recorder recorder =
        new Recorder(id, expireAt != null ? expireAt : Date.from(clock.instant().plus(retention)));
    recorder.seq = last == null ? 0 : ((Number) last.get("seq")).longValue();
    recorder.recorded =
        record.get("rowsRecorded") instanceof Number n ? n.longValue() : recorder.seq;
    recorder.lastLine = record.get("lastLine") instanceof Number n ? n.longValue() : 0;
    beating();
    recorder.update(Updates.set("resumedAfterLine", recorder.lastLine));
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
    Bson filter =
        status == null
            ? Filters.and(Filters.eq("importId", id), Filters.gt("seq", afterSeq))
            : Filters.and(
                Filters.eq("importId", id),
                Filters.eq("status", status),
                Filters.gt("seq", afterSeq));
    return rows.find(filter).sort(Sorts.ascending("seq")).limit(limit).batchSize(500);
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
                Filters.and(Filters.eq("_id", id), Filters.in("status", RUNNING, QUEUED)),
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
        (RUNNING.equals(status) || QUEUED.equals(status))
            && updated != null
            && updated.toInstant().plus(STALE_AFTER).isBefore(clock.instant());
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
      status = INTERRUPTED;
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

  /**
   * One import's writes, from the thread that runs it (and {@link #bodyReceived} from the thread
   * that reads its body).
   */
  final class Recorder {
    private final String id;
    private final Date expireAt;
    private final List<Document> pending = new ArrayList<>();
    private long pendingBytes;
    private long seq;
    private long recorded;
    private long unrecorded;
    private long lastLine;
    private long lastFlush = System.nanoTime();
    private Supplier<Map<String, Object>> counts = Map::of;
    private Long disconnectedAfter;
    private volatile String cancelledBy;

    private Recorder(String id, Date expireAt) {
      this.id = id;
      this.expireAt = expireAt;
    }

    String id() {
      return id;
    }

    /** Where the record's counts come from at each write. */
    void counting(Supplier<Map<String, Object>> counts) {
      this.counts = counts;
    }

    /**
     * A row's answer, the JSON line its stream carries, with what an erasure finds it by (the
     * erasure's pass rewrites it without the person, {@code LeadErasureActivitiesImpl}): the lead
     * ids it names ({@link #leadIdsOf}) and, when it echoes the row's columns, the SHA-256 of the
     * row's number in E.164 ({@code number}; null when it has none or echoes no columns).
     */
    void row(long line, Object status, String json, List<String> leadIds, String number) {
      seq++;
      lastLine = Math.max(lastLine, line);
      Document row =
          new Document("importId", id)
              .append("seq", seq)
              .append("line", line)
              .append("status", status == null ? null : status.toString())
              .append("result", json)
              .append(LEAD_IDS, leadIds)
              .append("expireAt", expireAt);
      if (number != null) {
        row.append(NUMBER_HASHES, List.of(LlmWriter.sha256(number)));
      }
      pending.add(row);
      pendingBytes += json.length();
      if (pending.size() >= FLUSH_ROWS || pendingBytes >= FLUSH_BYTES) {
        flush(null);
      } else {
        tick();
      }
    }

    /** Writes what waits when a second has gone by since the last write. */
    void tick() {
      if (System.nanoTime() - lastFlush >= FLUSH_EVERY.toNanos()) {
        flush(null);
      }
    }

    long lastLine() {
      return lastLine;
    }

    /** Who asked the import to stop (seen at the record's last write), or null. */
    String cancelledBy() {
      return cancelledBy;
    }

    /** The client's connection failed under the answer after this line: it reads no more. */
    void clientGone() {
      if (disconnectedAfter == null) {
        disconnectedAfter = lastLine;
      }
    }

    boolean clientIsGone() {
      return disconnectedAfter != null;
    }

    /** The whole body is here (its bytes): the import runs to its end whatever the client does. */
    void bodyReceived(long bytes) {
      update(Updates.combine(Updates.set("bodyReceived", true), Updates.set("bodyBytes", bytes)));
    }

    /**
     * The body is kept in the object store under {@code key}: a process that stops while the import
     * waits or runs leaves it to another ({@link #claimStale}).
     */
    void bodyKept(String key) {
      update(Updates.set("bodyKey", key));
    }

    /** The kept body is deleted (the import ended). */
    void bodyDropped() {
      update(Updates.unset("bodyKey"));
    }

    /** Waits for a thread of the background executor (an asynchronous import). */
    void queued() {
      update(Updates.set("status", QUEUED));
    }

    /** Taken by a thread: running. */
    void running() {
      update(
          Updates.combine(
              Updates.set("status", RUNNING),
              Updates.set("updatedAt", Date.from(clock.instant()))));
    }

    /** Refused before any row (a 4xx to the request): failed, with the refusal. */
    void refused(int code, String message) {
      update(
          Updates.combine(
              Updates.set("status", FAILED),
              Updates.set("reason", message),
              Updates.set("code", code),
              Updates.set("endedAt", Date.from(clock.instant())),
              Updates.set("updatedAt", Date.from(clock.instant()))));
    }

    /** The end: the rows still waiting, the final counts and summary, and the status. */
    void end(String status, String reason, Map<String, Object> summary) {
      List<Bson> sets = new ArrayList<>();
      sets.add(Updates.set("status", status));
      if (reason != null) {
        sets.add(Updates.set("reason", reason));
      }
      sets.add(Updates.set("endedAt", Date.from(clock.instant())));
      if (summary != null) {
        sets.add(Updates.set("summary", new Document(summary)));
      }
      flush(sets);
    }

    private void flush(List<Bson> more) {
      lastFlush = System.nanoTime();
      if (!pending.isEmpty()) {
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
              id,
              batch.size(),
              MongoErrors.summary(e));
        }
      }
      List<Bson> sets = new ArrayList<>();
      sets.add(Updates.set("counts", new Document(counts.get())));
      sets.add(Updates.set("lastLine", lastLine));
      sets.add(Updates.set("rowsRecorded", recorded));
      if (unrecorded > 0) {
        sets.add(Updates.set("unrecordedRows", unrecorded));
      }
      if (disconnectedAfter != null) {
        sets.add(Updates.set("clientDisconnected", true));
        sets.add(Updates.set("clientDisconnectedAfterLine", disconnectedAfter));
      }
      sets.add(Updates.set("updatedAt", Date.from(clock.instant())));
      if (more != null) {
        sets.addAll(more);
      }
      update(Updates.combine(sets));
    }

    private void update(Bson update) {
      try {
        Document before =
            imports.findOneAndUpdate(
                Filters.eq("_id", id),
                update,
                new com.mongodb.client.model.FindOneAndUpdateOptions()
                    .projection(com.mongodb.client.model.Projections.include("cancelRequested")));
        Document cancel = before == null ? null : before.get("cancelRequested", Document.class);
        if (cancel != null && cancelledBy == null) {
          cancelledBy = String.valueOf(cancel.get("by"));
        }
      } catch (MongoException e) {
        LOG.warn("import {}: its record not updated ({})", id, MongoErrors.summary(e));
      }
    }
  }
}
