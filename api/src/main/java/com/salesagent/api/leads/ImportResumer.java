package com.salesagent.api.leads;

import com.mongodb.MongoException;
import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over the asynchronous imports whose API process stopped (a deploy, a crash) after their
 * 202: at start and every {@link #EVERY}, each import whose body is kept and whose record has not
 * moved for {@link ImportClaims#STALE_AFTER} is claimed (one process wins) and resumed after its
 * last recorded line ({@link LeadImportResource#resume}).
 */
public final class ImportResumer implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(ImportResumer.class);

  static final Duration EVERY = Duration.ofSeconds(30);

  private final ImportRecords records;
  private final LeadImportResource imports;
  private ScheduledExecutorService scheduler;

  public ImportResumer(ImportRecords records, LeadImportResource imports) {
    this.records = records;
    this.imports = imports;
  }

  @Override
  public void start() {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "import-resumer");
              t.setDaemon(true);
              return t;
            });
    scheduler.scheduleWithFixedDelay(this::resumeStale, 5, EVERY.toSeconds(), TimeUnit.SECONDS);
  }

  @Override
  public void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  /** Claims and resumes stale imports until none is left or the background queue is full. */
  int resumeStale() {
    int resumed = 0;
    try {
      for (int i = 0; i < LeadImportResource.BACKGROUND_QUEUE; i++) {
        Document record = records.claimStale();
        if (record == null || !imports.resume(record)) {
          break;
        }
        resumed++;
      }
    } catch (MongoException | IllegalStateException e) {
      LOG.warn("stale imports not checked ({})", e.getClass().getSimpleName());
    }
    return resumed;
  }
}
