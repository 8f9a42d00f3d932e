package com.salesagent.api.leads;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.MongoErrors;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One import's writes, from the thread that runs it (and {@link #bodyReceived} from the thread that
 * reads its body): its rows' answers ({@link ImportRows.Batch}) and, on its record in {@code
 * imports}, its counts, last line and status. The rows and counts are written at most every {@link
 * #FLUSH_ROWS} rows, {@link #FLUSH_BYTES} bytes of answers or {@link #FLUSH_EVERY}, and at the end;
 * each write of the record reads whether an operator asked the import to stop ({@link
 * #cancelledBy}).
 */
final class ImportRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(ImportRecorder.class);

  static final int FLUSH_ROWS = 200;
  static final int FLUSH_BYTES = 1024 * 1024;
  static final Duration FLUSH_EVERY = Duration.ofSeconds(1);

  private final MongoCollection<Document> imports;
  private final Clock clock;
  private final String id;
  private final ImportRows.Batch rows;
  private long lastLine;
  private long lastFlush = System.nanoTime();
  private Supplier<Map<String, Object>> counts = Map::of;
  private Long disconnectedAfter;
  private volatile String cancelledBy;

  /**
   * The recorder of import {@code id}, its rows written to {@code rows}, after {@code lastLine}.
   */
  ImportRecorder(
      MongoCollection<Document> imports,
      Clock clock,
      String id,
      ImportRows.Batch rows,
      long lastLine) {
    this.imports = imports;
    this.clock = clock;
    this.id = id;
    this.rows = rows;
    this.lastLine = lastLine;
  }

  String id() {
    return id;
  }

  /**
   * Whether the person of {@code phone} asked to be erased (without suppression) while this import
   * was under way ({@link ImportRecords#forgetNumbers}): read from the record for each row, so a
   * request made a moment ago counts.
   */
  boolean forgotten(String phone) {
    if (phone == null) {
      return false;
    }
    List<String> hashes = ImportRecords.matching(List.of(phone));
    return !hashes.isEmpty()
        && imports
                .find(
                    Filters.and(
                        Filters.eq("_id", id), Filters.in(ImportRecords.ERASED_NUMBERS, hashes)))
                .projection(Projections.include("_id"))
                .first()
            != null;
  }

  /** Where the record's counts come from at each write. */
  void counting(Supplier<Map<String, Object>> counts) {
    this.counts = counts;
  }

  /**
   * A row's answer, the JSON line its stream carries, with the lead ids it names ({@link
   * ImportRows#leadIdsOf}) and the number its echoed columns hold, or null ({@link
   * ImportRows.Batch#add}).
   */
  void row(long line, Object status, String json, List<String> leadIds, String number) {
    lastLine = Math.max(lastLine, line);
    rows.add(line, status, json, leadIds, number);
    if (rows.size() >= FLUSH_ROWS || rows.bytes() >= FLUSH_BYTES) {
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

  /** This process took the import over after its last recorded line ({@code resumedAfterLine}). */
  void resumed() {
    update(Updates.set("resumedAfterLine", lastLine));
  }

  /** The whole body is here (its bytes): the import runs to its end whatever the client does. */
  void bodyReceived(long bytes) {
    update(Updates.combine(Updates.set("bodyReceived", true), Updates.set("bodyBytes", bytes)));
  }

  /**
   * The body is kept in the object store under {@code key}: a process that stops while the import
   * waits or runs leaves it to another ({@link ImportClaims#claimStale}).
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
    update(Updates.set("status", ImportStatus.QUEUED));
  }

  /** Taken by a thread: running. */
  void running() {
    update(
        Updates.combine(
            Updates.set("status", ImportStatus.RUNNING),
            Updates.set("updatedAt", Date.from(clock.instant()))));
  }

  /** Refused before any row (a 4xx to the request): failed, with the refusal. */
  void refused(int code, String message) {
    update(
        Updates.combine(
            Updates.set("status", ImportStatus.FAILED),
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
    rows.write();
    List<Bson> sets = new ArrayList<>();
    sets.add(Updates.set("counts", new Document(counts.get())));
    sets.add(Updates.set("lastLine", lastLine));
    sets.add(Updates.set("rowsRecorded", rows.recorded()));
    if (rows.unrecorded() > 0) {
      sets.add(Updates.set("unrecordedRows", rows.unrecorded()));
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
              new FindOneAndUpdateOptions().projection(Projections.include("cancelRequested")));
      Document cancel = before == null ? null : before.get("cancelRequested", Document.class);
      if (cancel != null && cancelledBy == null) {
        cancelledBy = String.valueOf(cancel.get("by"));
      }
    } catch (MongoException e) {
      LOG.warn("import {}: its record not updated ({})", id, MongoErrors.summary(e));
    }
  }
}
