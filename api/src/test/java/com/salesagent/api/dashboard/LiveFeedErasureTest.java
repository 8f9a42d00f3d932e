package com.salesagent.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.salesagent.activities.mongo.Collections;
import com.salesagent.activities.mongo.LeadStore;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The feed keeps its last events for a browser that reconnects: a lead erased since (its reply's
 * text is in its event) is not replayed to it; another lead's events are.
 */
class LiveFeedErasureTest {
  private MongoServer server;
  private MongoClient client;
  private MongoDatabase db;
  private LiveFeed feed;

  @BeforeEach
  void start() {
    server = new MongoServer(new MemoryBackend());
    client = MongoClients.create(server.bindAndGetConnectionString());
    db = client.getDatabase("feed");
    feed = new LiveFeed(db, () -> false, 50);
    feed.start();
  }

  @AfterEach
  void stop() {
    feed.stop();
    client.close();
    server.shutdownNow();
  }

  private void replied(String leadId, String text) {
    db.getCollection(Collections.CONTACTS)
        .insertOne(
            new Document("leadId", leadId)
                .append("campaignId", "c")
                .append("enrolledAt", new Date()));
    db.getCollection(Collections.FEEDBACK)
        .insertOne(
            new Document("leadId", leadId)
                .append("intent", "interested")
                .append("text", text)
                .append("storedAt", new Date()));
  }

  /** The feed events in the queue until both leads' replies came, or the timeout. */
  private static List<LiveFeed.Event> replies(BlockingQueue<LiveFeed.Event> q, int count)
      throws InterruptedException {
    List<LiveFeed.Event> out = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (out.stream().filter(e -> e.data().contains("\"replied\"")).count() < count
        && System.nanoTime() < deadline) {
      LiveFeed.Event e = q.poll(100, TimeUnit.MILLISECONDS);
      if (e != null && "feed".equals(e.event())) {
        out.add(e);
      }
    }
    return out;
  }

  @Test
  void aReconnectingBrowserIsNotReplayedTheEventsOfALeadErasedSince() throws Exception {
    BlockingQueue<LiveFeed.Event> watching = feed.subscribe();
    assertThat(watching.poll(1, TimeUnit.SECONDS).event()).isEqualTo("counters");
    Thread.sleep(150); // the poller has started tailing (as DashboardApplicationTest's tail test)
    replied("L-erased", "Greta here, call me on my mobile");
    replied("L-kept", "Sounds good");
    List<LiveFeed.Event> seen = replies(watching, 2);
    assertThat(seen).anyMatch(e -> e.data().contains("Greta here"));
    long before = seen.get(0).id() - 1;

    // The erasure is accepted (the contact marked, the request audited), then its last pass
    // deletes the contact.
    db.getCollection(Collections.AUDIT_LOG)
        .insertOne(
            new Document("action", "lead_erasure_requested")
                .append("leadId", "L-erased")
                .append("at", new Date()));
    db.getCollection(Collections.CONTACTS)
        .updateOne(
            new Document("leadId", "L-erased"),
            new Document(
                "$set", new Document(LeadStore.ERASURE, new Document("requestedAt", new Date()))));
    List<LiveFeed.Event> replayed = new ArrayList<>();
    feed.subscribe(before).drainTo(replayed);
    assertThat(replayed).noneMatch(e -> e.data().contains("L-erased"));
    assertThat(replayed).anyMatch(e -> e.data().contains("Sounds good"));

    db.getCollection(Collections.CONTACTS).deleteOne(new Document("leadId", "L-erased"));
    replayed.clear();
    feed.subscribe(before).drainTo(replayed);
    assertThat(replayed).noneMatch(e -> e.data().contains("L-erased"));
    assertThat(replayed).anyMatch(e -> e.data().contains("L-kept"));
  }
}
