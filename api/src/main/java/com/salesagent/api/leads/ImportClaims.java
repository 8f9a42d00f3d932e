package com.salesagent.api.leads;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which API process runs which import ({@code imports.process}): this process's heartbeat on the
 * records of the imports it runs, and its claim of an asynchronous import whose process stopped, so
 * that one process, and only one, takes it over.
 */
final class ImportClaims {
  private static final Logger LOG = LoggerFactory.getLogger(ImportClaims.class);

  /**
   * A running or queued import whose record has not moved for this long was left by a process that
   * stopped: the process running it writes {@code heartbeatAt} every {@link #HEARTBEAT}, and a
   * running import its counts at least every second.
   */
  static final Duration STALE_AFTER = Duration.ofMinutes(2);

  static final Duration HEARTBEAT = Duration.ofSeconds(30);

  private final MongoCollection<Document> imports;
  private final Clock clock;
  private final String process;
  private ScheduledExecutorService heart;

  /** {@code process}: this process, on the records of the imports it runs. */
  ImportClaims(MongoCollection<Document> imports, Clock clock, String process) {
    this.imports = imports;
    this.clock = clock;
    this.process = process;
  }

  String process() {
    return process;
  }

  /** Every {@link #HEARTBEAT}, this process's running and queued imports say it is alive. */
  synchronized void beating() {
    if (heart != null) {
      return;
    }
    heart =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "import-heartbeat");
              t.setDaemon(true);
              return t;
            });
    heart.scheduleWithFixedDelay(
        () -> {
          try {
            imports.updateMany(
                Filters.and(
                    Filters.eq("process", process),
                    Filters.in("status", ImportStatus.RUNNING, ImportStatus.QUEUED)),
                Updates.set("heartbeatAt", Date.from(clock.instant())));
          } catch (RuntimeException e) {
            LOG.warn("imports' heartbeat not written ({})", e.getClass().getSimpleName());
          }
        },
        HEARTBEAT.toSeconds(),
        HEARTBEAT.toSeconds(),
        TimeUnit.SECONDS);
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
            Filters.in("status", ImportStatus.RUNNING, ImportStatus.QUEUED),
            Filters.exists("bodyKey"),
            Filters.lt("updatedAt", before),
            Filters.or(Filters.exists("heartbeatAt", false), Filters.lt("heartbeatAt", before))),
        Updates.combine(
            Updates.set("status", ImportStatus.QUEUED),
            Updates.set("process", process),
            Updates.set("heartbeatAt", Date.from(now)),
            Updates.set("updatedAt", Date.from(now)),
            Updates.inc("resumes", 1)),
        new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
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
}
