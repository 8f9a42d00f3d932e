package com.salesagent.api.leads;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.salesagent.activities.mongo.Collections;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The record of an import as the API shows it: a running or queued one that its process stopped
 * writing (no counts, no heartbeat for {@link ImportClaims#STALE_AFTER}) is interrupted and says
 * why; one whose process still beats is running, however long its current row takes.
 */
class ImportRecordsTest {
  static final MongoServer MONGO = new MongoServer(new MemoryBackend());
  static final MongoClient CLIENT = client();
  static final MongoDatabase DB = CLIENT.getDatabase("import-records-test");

  private static MongoClient client() {
    InetSocketAddress a = MONGO.bind();
    return MongoClients.create(
        "mongodb://" + a.getHostString() + ":" + a.getPort() + "/?serverSelectionTimeoutMS=2000");
  }

  @AfterAll
  static void close() {
    CLIENT.close();
    MONGO.shutdown();
  }

  @Test
  void aRunningImportWhoseProcessStoppedWritingIsShownInterruptedAndOneThatBeatsIsNot() {
    Instant start = Instant.parse("2026-12-06T09:00:00Z");
    ImportRecords at =
        new ImportRecords(DB, Clock.fixed(start, ZoneOffset.UTC), Duration.ofDays(1));
    ImportRecorder recorder = at.start("csv", "ops", "a.csv", Map.of());
    ImportRecorder beating = at.start("csv", "ops", "b.csv", Map.of());
    Instant later = start.plus(ImportClaims.STALE_AFTER).plusSeconds(1);
    DB.getCollection(Collections.IMPORTS)
        .updateOne(
            Filters.eq("_id", beating.id()),
            Updates.set("heartbeatAt", Date.from(later.minusSeconds(10))));
    ImportRecords now =
        new ImportRecords(DB, Clock.fixed(later, ZoneOffset.UTC), Duration.ofDays(1));

    Map<String, Object> stale = now.view(now.find(recorder.id()));
    assertThat(stale.get("status")).isEqualTo("interrupted");
    assertThat(stale.get("stale")).isEqualTo(true);
    assertThat((String) stale.get("reason")).contains("no progress since " + start);
    assertThat(now.view(now.find(beating.id())).get("status")).isEqualTo("running");
    // Read at the start, neither is stale.
    assertThat(at.view(at.find(recorder.id())).get("status")).isEqualTo("running");
  }

  @Test
  void anEndedImportIsNeverStaleAndACancelReachesOnlyARunningOne() {
    Instant start = Instant.parse("2026-12-06T09:00:00Z");
    ImportRecords at =
        new ImportRecords(DB, Clock.fixed(start, ZoneOffset.UTC), Duration.ofDays(1));
    ImportRecorder recorder = at.start("csv", "ops", null, Map.of());
    assertThat(at.cancel(recorder.id(), "ops")).isTrue();
    recorder.tick();
    recorder.end(ImportStatus.DONE, null, Map.of("rows", 0));
    ImportRecords later =
        new ImportRecords(
            DB, Clock.fixed(start.plus(Duration.ofHours(1)), ZoneOffset.UTC), Duration.ofDays(1));
    assertThat(later.view(later.find(recorder.id())).get("status")).isEqualTo("done");
    assertThat(recorder.cancelledBy()).isEqualTo("ops");
    assertThat(at.cancel(recorder.id(), "ops")).as("ended: nothing to stop").isFalse();
  }
}
